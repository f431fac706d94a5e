"""Roster import: match rows to officials, then enrol them, atomically."""


from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from citybridge.core import provinces
from citybridge.core.files import upload_limit
from citybridge.core.models import Organisation, Person, User

from .. import course_rules as cr
from ..messages import problem_message, roster_message
from ..models import (
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Jurisdiction,
    JurisdictionPopulation,
    OfficialProfile,
)
from ..roster import parse_roster
from ._common import course_rules, require
from .enrolment import _course_years, _snapshot
from .impact import impact_mark_stale
from .officials import jurisdiction_get_or_create
from .summaries import _add_prepared_years, compliance_refresh


@dataclass
class ImportReport:
    ok: bool
    errors: list[dict] = field(default_factory=list)  # {"line", "column", "message"} in the user's language
    created: int = 0
    matched: int = 0
    enrolled: int = 0
    waitlisted: int = 0


def _name_index_key(family_en, given_en, family_zh, given_zh) -> tuple[str, str]:
    en = f"{family_en or ''} {given_en or ''}".strip().lower()
    zh = f"{family_zh or ''}{given_zh or ''}".strip()
    return en, zh


def roster_import(*, actor: User, data: bytes, filename: str, course: Course | None = None,
                  overflow_to_waitlist: bool = False) -> ImportReport:
    """All rows or none. Matches existing people by e-mail, then by name (either language) and organisation."""
    if course is not None:
        require(actor, "academy.manage_course", course)
    else:
        require(actor, "academy.add_official")
    max_bytes = upload_limit()
    parsed = parse_roster(data, filename, max_bytes=max_bytes, today=timezone.localdate())
    report = ImportReport(ok=False)

    def err(line, column, message):
        report.errors.append({"line": line, "column": column, "message": message})

    for e in parsed.errors:
        from ..messages import column_label

        err(e.line, column_label(e.column), roster_message(e))
    if report.errors:
        return report
    try:
        with transaction.atomic():
            _roster_write(actor, parsed.rows, course, overflow_to_waitlist, report, err)
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.created = report.matched = report.enrolled = report.waitlisted = 0
        return report
    report.ok = True
    return report


class _Rollback(Exception):
    pass


def _roster_write(actor, rows, course, overflow_to_waitlist, report, err) -> None:
    # organisations by name (either language)
    org_names = {r.organisation for r in rows if r.organisation} | {r.company for r in rows if r.company}
    orgs: dict[str, Organisation] = {}
    if org_names:
        for o in Organisation.objects.filter(Q(name_en__in=org_names) | Q(name_zh_hans__in=org_names)):
            for n in (o.name_en, o.name_zh_hans):
                if n:
                    orgs.setdefault(n, o)

    def org_for(name: str, kind: str) -> Organisation | None:
        if not name:
            return None
        if name not in orgs:
            is_zh = any("\u4e00" <= ch <= "\u9fff" for ch in name)
            orgs[name] = Organisation.objects.create(
                name=name, name_en="" if is_zh else name, name_zh_hans=name if is_zh else None, type=kind,
                country="CN")
        return orgs[name]

    # existing people: by e-mail, then by name + organisation
    emails = [r.email.lower() for r in rows if r.email]
    by_email: dict[str, Person] = {}
    for i in range(0, len(emails), 5000):
        for p in Person.objects.filter(email__in=emails[i:i + 5000]).select_related("official"):
            by_email[p.email.lower()] = p
    # candidates: family AND given name both among the file's (a narrow set even with common surnames)
    fam_en = {r.family_name_en for r in rows if r.family_name_en}
    giv_en = {r.given_name_en for r in rows if r.family_name_en}
    fam_zh = {r.family_name_zh for r in rows if r.family_name_zh}
    giv_zh = {r.given_name_zh for r in rows if r.family_name_zh}
    by_name: dict[tuple, Person] = {}
    if fam_en or fam_zh:
        qs = Person.objects.filter(Q(family_name_en__in=fam_en, given_name_en__in=giv_en)
                                   | Q(family_name_zh_hans__in=fam_zh, given_name_zh_hans__in=giv_zh)).select_related(
            "official")
        for p in qs.iterator(chunk_size=2000):
            en, zh = _name_index_key(p.family_name_en, p.given_name_en, p.family_name_zh_hans, p.given_name_zh_hans)
            if en:
                by_name.setdefault(("en", en, p.organisation_id), p)
            if zh:
                by_name.setdefault(("zh", zh, p.organisation_id), p)

    new_people: list[Person] = []
    new_profiles: list[OfficialProfile] = []
    updated_profiles: list[OfficialProfile] = []
    officials_for_rows: list[tuple[object, OfficialProfile]] = []
    jur_cache: dict[tuple[str, str], Jurisdiction] = {}
    jur_names = {r.jurisdiction for r in rows if r.jurisdiction}
    jur_index: dict[str, list[Jurisdiction]] = defaultdict(list)
    if jur_names:
        for j in Jurisdiction.objects.filter(Q(name_en__in=jur_names) | Q(name_zh_hans__in=jur_names)):
            for n in {j.name_en, j.name_zh_hans} - {None, ""}:
                jur_index[n].append(j)
    populations: list[tuple[Jurisdiction, int, date]] = []
    today = timezone.localdate()
    for r in rows:
        org = org_for(r.organisation, "city_government" if r.position in ("mayor", "vice_mayor") else "ministry")
        company = org_for(r.company, "soe") if r.company else None
        person = by_email.get(r.email.lower()) if r.email else None
        if person is None:
            en, zh = _name_index_key(r.family_name_en, r.given_name_en, r.family_name_zh, r.given_name_zh)
            oid = org.pk if org else None
            person = None
            for candidate in ((by_name.get(("zh", zh, oid)) if zh else None),
                              (by_name.get(("en", en, oid)) if en else None)):
                if candidate is not None and _same_names(candidate, en, zh):
                    person = candidate
                    break
        jurisdiction = None
        if r.jurisdiction:
            key = (r.jurisdiction, r.province)
            if key not in jur_cache:
                jur_cache[key] = _jurisdiction_lookup(jur_index, r.jurisdiction, r.province)
            jurisdiction = jur_cache[key]
            if r.population is not None:
                populations.append((jurisdiction, r.population, r.population_date or today))
        editable = True
        if person is not None:
            report.matched += 1
            profile = getattr(person, "official", None) if hasattr(person, "official") else None
            if profile is None:
                profile = OfficialProfile(person=person, position=r.position)
                new_profiles.append(profile)
            elif actor.has_perm("academy.change_official", profile):
                profile.position = r.position
                updated_profiles.append(profile)
            else:  # enrol them as they are; their profile is another academy's to keep
                editable = False
        else:
            report.created += 1
            person = Person(
                family_name=r.family_name_en or r.family_name_zh, family_name_en=r.family_name_en,
                given_name_en=r.given_name_en, family_name_zh_hans=r.family_name_zh or None,
                given_name_zh_hans=r.given_name_zh or None, organisation=org, email=r.email, phone=r.phone,
                preferred_language="zh-hans" if r.family_name_zh else "en",
            )
            person.search_name = f"{person.full_name_zh()} {person.full_name_en()}".strip()
            new_people.append(person)
            profile = OfficialProfile(person=person, position=r.position)
            new_profiles.append(profile)
        if not editable:
            officials_for_rows.append((r, profile))
            continue
        if jurisdiction is not None:
            profile.jurisdiction = jurisdiction
        if company is not None:
            profile.company = company
        if r.company_size is not None:
            profile.company_employees = r.company_size
        if r.service_start is not None:
            profile.service_start = r.service_start
        profile.province = (jurisdiction.province_en or jurisdiction.province_zh_hans) if jurisdiction else (
            r.province or (org.province_en if org else "") or "")
        provinces.fill_code(profile, "province")  # bulk writes skip save()
        officials_for_rows.append((r, profile))
    if report.errors:
        return
    if new_people:
        bulk_create_with_history(new_people, Person, batch_size=500)
        # bulk_create on SQLite/PostgreSQL sets primary keys; re-attach them to the profiles
        for profile in new_profiles:
            if profile.person_id is None and profile.person is not None:
                profile.person_id = profile.person.pk
    if new_profiles:
        bulk_create_with_history(new_profiles, OfficialProfile, batch_size=500)
    if updated_profiles:
        bulk_update_with_history(updated_profiles, OfficialProfile, ["position", "jurisdiction", "company",
                                                                     "company_employees", "service_start",
                                                                     "province", "province_code"], batch_size=500)
    for jurisdiction, population, valid_from in populations:
        JurisdictionPopulation.objects.update_or_create(
            jurisdiction=jurisdiction, valid_from=valid_from, defaults={"population": population})
    profiles = [p for _r, p in officials_for_rows]
    _add_prepared_years([p for p in new_profiles])

    if course is not None:
        course = Course.objects.select_for_update().get(pk=course.pk)
        if course.status not in (CourseStatus.PLANNING, CourseStatus.OPEN, CourseStatus.RUNNING):
            err(None, "", _("Officials can be enrolled only while the course is being planned, open or running."))
            return
        existing = {e.official_id: e for e in course.enrolments.all()}
        confirmed = sum(1 for e in existing.values() if e.status == EnrolmentStatus.CONFIRMED)
        limit = course_rules().class_max
        to_create = []
        for r, profile in officials_for_rows:
            e = existing.get(profile.pk)
            if e is not None and e.status != EnrolmentStatus.WITHDRAWN:
                err(r.line, "", roster_message(_already(profile)))
                continue
            status = EnrolmentStatus.CONFIRMED
            if confirmed >= limit:
                status = EnrolmentStatus.WAITLISTED
            else:
                confirmed += 1
            enrolment = e or Enrolment(course=course, official=profile)
            enrolment.status = status
            _snapshot(enrolment, profile)
            to_create.append(enrolment)
        overflow = sum(1 for e in to_create if e.status == EnrolmentStatus.WAITLISTED)
        if overflow and not overflow_to_waitlist:
            already = confirmed - (len(to_create) - overflow)
            err(None, "", problem_message(cr.Problem("enrolment.class_full", cr.Severity.ERROR, {
                "count": already, "adding": len(to_create), "max": limit, "free": max(0, limit - already)})))
        if report.errors:
            return
        fresh = [e for e in to_create if e.pk is None]
        if fresh:
            bulk_create_with_history(fresh, Enrolment, batch_size=500)
        for e in to_create:
            if e.pk and e not in fresh:
                e.save()
        report.enrolled = sum(1 for e in to_create if e.status == EnrolmentStatus.CONFIRMED)
        report.waitlisted = overflow
        compliance_refresh(official_ids=[p.pk for p in profiles], years=_course_years(course))
        impact_mark_stale()


def _same_names(person: Person, en: str, zh: str) -> bool:
    """A name match in one language counts only when the other language does not contradict it."""
    p_en, p_zh = _name_index_key(person.family_name_en, person.given_name_en, person.family_name_zh_hans,
                                 person.given_name_zh_hans)
    return not ((en and p_en and en != p_en) or (zh and p_zh and zh != p_zh))


def _jurisdiction_lookup(index: dict[str, list[Jurisdiction]], name: str, province: str) -> Jurisdiction:
    province_l = province.lower()
    for j in index.get(name, []):
        if not province or province_l in ((j.province_en or "").lower(), (j.province_zh_hans or "").lower()):
            return j
    j = jurisdiction_get_or_create(name=name, province=province)
    index[name].append(j)
    return j


def _already(profile):
    from ..roster import RosterError

    return RosterError("roster.already_enrolled", params={"name": profile.person.display_name()})
