"""The per-official per-year compliance summary (TrainingSummary)."""


from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q

from .. import compliance as comp
from ..models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    ExternalTraining,
    OfficialProfile,
    Session,
    TrainingSummary,
    TrainingYear,
)
from ._common import compliance_rules


def compliance_inputs(official_ids: Iterable[int], *, course_id: int | None = None) -> dict[int, comp.OfficialInput]:
    """Load what the compliance engine needs for these officials (4 queries whatever their number)."""
    ids = list(official_ids)
    enrol = Enrolment.objects.filter(official_id__in=ids).exclude(status=EnrolmentStatus.WAITLISTED)
    if course_id is not None:
        enrol = enrol.filter(course_id=course_id)
    courses_of: dict[int, set[int]] = defaultdict(set)
    for off, course in enrol.values_list("official_id", "course_id"):
        courses_of[off].add(course)
    all_courses = {c for cs in courses_of.values() for c in cs}
    sessions_of: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for sid, cid, d in Session.objects.filter(course_id__in=all_courses).values_list("id", "course_id", "date"):
        sessions_of[cid].append((sid, d))
    # by official only (the unique index starts with it); marks of other courses' sessions are simply not looked up
    marks = {(o, s): st for o, s, st in Attendance.objects.filter(official_id__in=ids).values_list(
        "official_id", "session_id", "status")}
    external: dict[int, list[comp.ExternalTraining]] = defaultdict(list)
    if course_id is None:
        for rec in ExternalTraining.objects.filter(official_id__in=ids).only(
                "official_id", "start_date", "end_date", "days", "evidence", "evidence_reference"):
            external[rec.official_id].append(
                comp.ExternalTraining(rec.start_date, rec.end_date, rec.days, rec.has_evidence))
    starts = dict(OfficialProfile.objects.filter(pk__in=ids).values_list("pk", "service_start"))
    out = {}
    for off in ids:
        ms = tuple(comp.SessionMark(d, marks.get((off, sid)))
                   for cid in courses_of.get(off, ()) for sid, d in sessions_of[cid])
        out[off] = comp.OfficialInput(off, starts.get(off), ms, tuple(external.get(off, ())))
    return out


def compliance_refresh(*, official_ids: Iterable[int], years: Iterable[int] | None = None) -> None:
    """Recompute the stored per-year summaries of these officials.

    Rows are written for the prepared years (every official has one there), the years given (a write touched them)
    and every year in which the official has a training day; existing rows of other years are brought up to date
    too, so a removed mark can take a year back to zero."""
    ids = list(dict.fromkeys(official_ids))
    if not ids:
        return
    rules = compliance_rules()
    prepared = set(TrainingYear.objects.values_list("year", flat=True))
    given = set(years or ())
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        inputs = compliance_inputs(chunk)
        existing = {(s.official_id, s.year): s for s in TrainingSummary.objects.filter(official_id__in=chunk)}
        existing_years: dict[int, set[int]] = defaultdict(set)
        for off, y in existing:
            existing_years[off].add(y)
        create, update = [], []
        for off, inp in inputs.items():
            credited = comp.credited_days(inp.marks, rules.day_rule)
            trained_years = {d.year for d in comp.all_training_dates(credited, inp.external, rules)}
            for y in sorted(prepared | given | trained_years | existing_years[off]):
                serving = not (inp.service_start and inp.service_start.year > y)
                if not serving and y not in trained_years and (off, y) not in existing:
                    continue
                yc = comp.year_compliance(y, credited, inp.external, rules)
                row = existing.get((off, y))
                values = dict(academy_days=yc.academy_days, external_days=yc.external_days, total_days=yc.total,
                              required_days=yc.required, shortfall=yc.shortfall)
                if row is None:
                    create.append(TrainingSummary(official_id=off, year=y, **values))
                elif any(getattr(row, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(row, k, v)
                    update.append(row)
        TrainingSummary.objects.bulk_create(create, batch_size=1000)
        TrainingSummary.objects.bulk_update(update, ["academy_days", "external_days", "total_days", "required_days",
                                                     "shortfall", "updated_at"], batch_size=1000)


def _add_prepared_years(profiles: list[OfficialProfile]) -> None:
    prepared = list(TrainingYear.objects.values_list("year", flat=True))
    if not prepared or not profiles:
        return
    required = compliance_rules().annual_required_days
    rows = [TrainingSummary(official_id=p.pk, year=y, required_days=required, shortfall=required)
            for p in profiles for y in prepared if not (p.service_start and p.service_start.year > y)]
    TrainingSummary.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


@transaction.atomic
def compliance_prepare_year(*, year: int) -> int:
    """Give every official serving in ``year`` a summary row (zero days) so "who is behind" can sort on stored
    rows. Idempotent; returns the number of rows added."""
    if TrainingYear.objects.filter(year=year).exists():
        return 0
    required = compliance_rules().annual_required_days
    have = set(TrainingSummary.objects.filter(year=year).values_list("official_id", flat=True))
    qs = OfficialProfile.objects.filter(Q(service_start__isnull=True) | Q(service_start__lte=date(year, 12, 31)))
    rows = [TrainingSummary(official_id=pk, year=year, required_days=required, shortfall=required)
            for pk in qs.values_list("pk", flat=True).iterator(chunk_size=5000) if pk not in have]
    TrainingSummary.objects.bulk_create(rows, batch_size=2000)
    TrainingYear.objects.create(year=year)
    return len(rows)
