"""Realistic benchmark data for Government Training: officials, courses, sessions, enrolments, attendance.

Used by `citybridge generate academy` and bench/academy_bench.py. Bulk inserts (no per-row history), then the
same service functions the application uses build the stored summaries and the impact snapshot.
"""

from __future__ import annotations

import random
import time as _time
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from citybridge.core import pinyin
from citybridge.core.models import Organisation, Person

from . import services
from .demo import CITIES, GIVEN, MODULES, SURNAMES, TOPICS
from .models import (
    Academy,
    Attendance,
    Course,
    CourseModule,
    Enrolment,
    Jurisdiction,
    JurisdictionPopulation,
    Module,
    OfficialProfile,
    Session,
    Topic,
    TrainingSummary,
)

if TYPE_CHECKING:
    from typing import TextIO

    from django.db.models import Model

CLASS_SIZE = 45
SESSIONS_PER_DAY = 2
COURSE_DAYS = 14  # 12 training days + 2 rest days


def _raw_insert(model: type[Model], rows: list[dict]) -> None:
    """INSERT rows (dicts of attname -> value) with every other column at its default: minutes faster than
    building ORM objects for 200,000 people, and the same rows."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    fields = [f for f in model._meta.concrete_fields]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    columns = ", ".join(f'"{f.column}"' for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = [[r.get(f.attname, defaults[f.attname]) for f in fields] for r in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({marks})', values)


def _reset_sequences(models: list[type[Model]]) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _insert_attendance(rows: list[tuple]) -> None:
    """Plain executemany: 2 million ORM objects would take minutes; the table is the same."""
    table = Attendance._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f'INSERT INTO "{table}" (status, recorded_at, official_id, session_id) VALUES (%s, %s, %s, %s)', rows
        )


def _log(stdout: TextIO | None, msg: str) -> None:
    if stdout:
        stdout.write(msg)


def generate(
    *, officials: int = 200_000, attendance: int = 2_000_000, seed: int = 7, stdout: TextIO | None = None
) -> dict:
    rnd = random.Random(seed)
    t0 = _time.perf_counter()
    today = timezone.localdate()
    with transaction.atomic():
        academies = []
        for i in range(8):
            org = Organisation.objects.create(
                name=f"Bench Academy {i}",
                name_en=f"Bench Academy {i}",
                name_zh_hans=f"测试学院{i}",
                type="academy",
                country="CN",
            )
            academies.append(Academy.objects.create(organisation=org, official=True, managed_by_program=i < 3))
        topics = [
            Topic.objects.get_or_create(
                slug=s, defaults={"name": en, "name_en": en, "name_zh_hans": zh, "motivations": m}
            )[0]
            for s, en, zh, m in TOPICS
        ]
        modules = []
        for en, zh, days, formats, slugs in MODULES:
            m = Module.objects.create(
                title=f"{en} (bench)", title_en=f"{en} (bench)", title_zh_hans=zh, days=days, formats=formats
            )
            m.topics.set([t for t in topics if t.slug in slugs])
            modules.append(m)
        provinces = sorted({p for _e, _z, p in CITIES})
        jurisdictions = Jurisdiction.objects.bulk_create(
            [
                Jurisdiction(
                    name=f"City {i}",
                    name_en=f"City {i}",
                    name_zh_hans=f"城市{i}",
                    province=provinces[i % len(provinces)],
                    province_en=provinces[i % len(provinces)],
                )
                for i in range(2000)
            ]
        )
        JurisdictionPopulation.objects.bulk_create(
            [
                JurisdictionPopulation(
                    jurisdiction=j, valid_from=date(2010, 1, 1), population=rnd.randint(2, 120) * 50_000
                )
                for j in jurisdictions
            ]
            + [
                JurisdictionPopulation(
                    jurisdiction=j, valid_from=date(2020, 1, 1), population=rnd.randint(2, 130) * 50_000
                )
                for j in jurisdictions
            ]
        )
        governments = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"City {i} Government",
                    name_en=f"City {i} Government",
                    type="city_government",
                    country="CN",
                    province_en=provinces[i % len(provinces)],
                )
                for i in range(500)
            ]
        )
        companies = Organisation.objects.bulk_create(
            [Organisation(name=f"SOE {i}", name_en=f"SOE {i}", type="soe", country="CN") for i in range(300)]
        )
    _log(stdout, f"  reference data {(_time.perf_counter() - t0):.1f}s")

    t = _time.perf_counter()
    positions = ["mayor", "vice_mayor", "bureau_officer", "soe_executive", "other"]
    weights = [2, 4, 2, 1, 1]
    next_person = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    next_profile = (OfficialProfile.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    official_ids: list[int] = []
    batch = 20_000
    for start in range(0, officials, batch):
        people, profiles = [], []
        for i in range(start, min(officials, start + batch)):
            (fz, fe), (gz, ge) = rnd.choice(SURNAMES), rnd.choice(GIVEN)
            gov = governments[i % len(governments)]
            pid = next_person + i
            people.append(
                {
                    "id": pid,
                    "family_name": fe,
                    "family_name_en": fe,
                    "given_name_en": f"{ge}{i}",
                    "family_name_zh_hans": fz,
                    "given_name_zh_hans": f"{gz}{i}",
                    "email": f"o{i}@bench.example.cn",
                    "organisation_id": gov.pk,
                    "search_name": f"{fz}{gz}{i} {ge}{i} {fe}",
                    "pinyin_name": pinyin.name_sort_key(fz, f"{gz}{i}", fe, f"{ge}{i}"),  # a raw insert: no save()
                    "preferred_language": "zh-hans",
                }
            )
            pos = rnd.choices(positions, weights)[0]
            j = rnd.choice(jurisdictions) if pos in ("mayor", "vice_mayor") else None
            company = rnd.choice(companies) if pos == "soe_executive" else None
            profiles.append(
                {
                    "id": next_profile + i,
                    "person_id": pid,
                    "position": pos,
                    "jurisdiction_id": j.pk if j else None,
                    "province": j.province_en if j else gov.province_en,
                    "company_id": company.pk if company else None,
                    "company_employees": rnd.randint(1, 500) * 1000 if company else None,
                    "service_start": date(rnd.randint(1995, today.year - 1), rnd.randint(1, 12), 1),
                }
            )
            official_ids.append(next_profile + i)
        _raw_insert(Person, people)
        _raw_insert(OfficialProfile, profiles)
    _reset_sequences([Person, OfficialProfile])
    _log(stdout, f"  {officials} officials {(_time.perf_counter() - t):.1f}s")

    t = _time.perf_counter()
    per_course = CLASS_SIZE * (COURSE_DAYS - 2) * SESSIONS_PER_DAY
    n_courses = -(-attendance // per_course)
    first = date(today.year - 4, 1, 5)
    span_days = (today - first).days - 30
    made = 0
    statuses = ["present"] * 16 + ["late"] * 2 + ["excused", "absent"]
    pending: list[tuple] = []
    now = timezone.now()
    for c in range(n_courses):
        start = first + timedelta(days=rnd.randint(0, span_days))
        end = start + timedelta(days=COURSE_DAYS - 1)
        academy = academies[c % len(academies)]
        course = Course(
            academy=academy,
            title=f"Bench course {c}",
            title_en=f"Bench course {c}",
            title_zh_hans=f"测试课程{c}",
            start_date=start,
            end_date=end,
            status="completed" if end < today else "running",
        )
        course.save()
        CourseModule.objects.bulk_create(
            [CourseModule(course=course, module=m, order=k) for k, m in enumerate(rnd.sample(modules, 3))]
        )
        sessions = []
        for d in range(COURSE_DAYS):
            if d % 7 == 6:
                continue
            for s in range(SESSIONS_PER_DAY):
                sessions.append(
                    Session(
                        course=course,
                        date=start + timedelta(days=d),
                        start_time=time(9 + 5 * s),
                        end_time=time(12 + 5 * s),
                        format="lecture",
                    )
                )
        Session.objects.bulk_create(sessions)
        klass = rnd.sample(official_ids, CLASS_SIZE)
        Enrolment.objects.bulk_create(
            [Enrolment(course=course, official_id=o, status="confirmed", position="mayor") for o in klass]
        )
        rows = []
        for o in klass:
            skip_day = rnd.random() < 0.3
            for s in sessions:
                if made + len(rows) >= attendance:
                    break
                if skip_day and s.date.day % 3 == 0:
                    st = "absent"
                else:
                    st = rnd.choice(statuses)
                rows.append((st, now, o, s.pk))
        pending += rows
        made += len(rows)
        if len(pending) >= 50_000 or c == n_courses - 1:
            _insert_attendance(pending)
            pending = []
    # the enrolment snapshot (position, jurisdiction, company) from the profiles, in one statement per field
    from django.db.models import OuterRef, Subquery

    prof = OfficialProfile.objects.filter(pk=OuterRef("official_id"))
    Enrolment.objects.update(
        position=Subquery(prof.values("position")[:1]),
        jurisdiction_id=Subquery(prof.values("jurisdiction_id")[:1]),
        company_id=Subquery(prof.values("company_id")[:1]),
        company_employees=Subquery(prof.values("company_employees")[:1]),
    )
    _log(stdout, f"  {n_courses} courses, {made} attendance records {(_time.perf_counter() - t):.1f}s")

    t = _time.perf_counter()
    enrolled = list(Enrolment.objects.values_list("official_id", flat=True).distinct())
    services.compliance_refresh(official_ids=enrolled)
    services.compliance_prepare_year(year=today.year)
    _log(
        stdout,
        f"  summaries for {len(enrolled)} trained officials + {today.year} for all {(_time.perf_counter() - t):.1f}s",
    )
    if connection.vendor == "postgresql":  # what autovacuum would do soon after a bulk load
        with connection.cursor() as cursor:
            for model in (Person, OfficialProfile, Enrolment, Attendance, Session, Course, TrainingSummary):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    t = _time.perf_counter()
    services.impact_refresh()
    cold_impact = _time.perf_counter() - t
    _log(stdout, f"  impact snapshot computed from records {cold_impact:.1f}s")
    return {
        "officials": officials,
        "attendance": made,
        "courses": n_courses,
        "impact_refresh_s": cold_impact,
        "seconds": _time.perf_counter() - t0,
    }
