"""Roster import: match rows to officials, then enrol them, atomically."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from citybridge.core import provinces
from citybridge.core.files import upload_limit
from citybridge.core.han import has_han
from citybridge.core.models import Organisation, Person, User
from citybridge.core.validation import check_dates

from .. import course_rules as cr
from ..messages import problem_message, roster_message
from ..models import (
    Course,
    CourseStatus,
    DuplicateReason,
    Enrolment,
    EnrolmentStatus,
    Jurisdiction,
    JurisdictionPopulation,
    OfficialProfile,
    Position,
    PossibleDuplicate,
    RosterUpload,
)
from ..roster import RosterError, parse_roster
from ._common import course_rules, require
from .enrolment import _course_years, _snapshot
from .impact import impact_mark_stale
from .officials import _jurisdiction_get_or_create
from .summaries import _add_prepared_years, compliance_refresh

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..roster import RosterRow


@dataclass
class ImportReport:
    ok: bool
    errors: list[dict] = field(default_factory=list)  # {"line", "column", "message"} in the user's language
    created: int = 0
    matched: int = 0
    enrolled: int = 0
    waitlisted: int = 0
    skipped: int = 0  # rows already enrolled in the course: reported, left as they are
    # per row, in line order: {"line", "name", "outcome": new | known | already_enrolled | error, "message",
    # "changes": [{"key": "<line>:<field>", "field", "label", "old", "new"}]} (changes: in the actor's scope only)
    rows: list[dict] = field(default_factory=list)


def _name_index_key(
    family_en: str | None, given_en: str | None, family_zh: str | None, given_zh: str | None
) -> tuple[str, str]:
    en = f"{family_en or ''} {given_en or ''}".strip().lower()
    zh = f"{family_zh or ''}{given_zh or ''}".strip()
    return en, zh


#: `apply_changes` value that accepts every change the preview would show (the API's "apply_changes=all")
ALL_CHANGES = "all"
#: the details of a known official a re-uploaded roster may change, once confirmed
CHANGE_FIELDS = ("email", "phone", "position", "organisation", "jurisdiction")


def roster_import(
    *,
    actor: User,
    data: bytes,
    filename: str,
    course: Course | None = None,
    overflow_to_waitlist: bool = False,
    dry_run: bool = False,
    apply_changes: Collection[str] | str = (),
) -> ImportReport:
    """All rows or none. Matches existing people by e-mail, then by name (either language) and organisation.

    Rows already enrolled in `course` are reported and skipped. Changed details of a known official (those in
    CHANGE_FIELDS, and only those the actor may change) are reported and applied only when their key
    ("<line>:<field>") is in `apply_changes` (or it is ALL_CHANGES). `dry_run`: the same work, rolled back -- the
    report says what confirming would do, and nothing is written."""
    if course is not None:
        require(actor, "academy.manage_course", course)
    else:
        require(actor, "academy.add_official")
    max_bytes = upload_limit()
    parsed = parse_roster(data, filename, max_bytes=max_bytes, today=timezone.localdate())
    report = ImportReport(ok=False)

    def err(line: int | None, column: str, message: str) -> None:
        report.errors.append({"line": line, "column": column, "message": message})

    for e in parsed.errors:
        from ..messages import column_label

        err(e.line, column_label(e.column), roster_message(e))
    if report.errors:
        _report_rows(report, [])
        return report
    items: list[_Item] = []
    try:
        with transaction.atomic():
            items = _roster_write(actor, parsed.rows, course, overflow_to_waitlist, report, err, apply_changes)
            if report.errors or dry_run:
                raise _Rollback
    except _Rollback:
        if report.errors:
            report.created = report.matched = report.enrolled = report.waitlisted = report.skipped = 0
    report.ok = not report.errors
    _report_rows(report, items)
    return report


class _Rollback(Exception):
    pass


def _row_name(r: RosterRow) -> str:
    zh = f"{r.family_name_zh}{r.given_name_zh}".strip()
    en = f"{r.given_name_en} {r.family_name_en}".strip()
    return (zh or en) if (get_language() or "").startswith("zh") else (en or zh)


def _report_rows(report: ImportReport, items: list[_Item]) -> None:
    """The per-row report: each row's outcome and changes, and the rows with errors."""
    rows = {
        i.row.line: {
            "line": i.row.line,
            "name": _row_name(i.row),
            "outcome": i.outcome,
            "message": "",
            "changes": i.changes,
        }
        for i in items
    }
    for e in report.errors:
        if e["line"] is not None:
            row = rows.setdefault(e["line"], {"line": e["line"], "name": "", "changes": []})
            row.update(outcome="error", message=(row.get("message") + " " if row.get("message") else "") + e["message"])
    report.rows = [rows[k] for k in sorted(rows)]


#: a previewed roster not confirmed within this long is removed (the worker's housekeeping, and on every preview)
ROSTER_PREVIEW_KEPT = timedelta(days=1)


def roster_uploads_purge(*, now: datetime | None = None) -> int:
    """Remove previewed rosters older than ROSTER_PREVIEW_KEPT (their files hold personal data nobody confirmed);
    housekeeping run by the worker (academy/apps.py), so no actor. Returns how many were removed."""
    now = now or timezone.now()
    deleted, _by_model = RosterUpload.objects.filter(created_at__lt=now - ROSTER_PREVIEW_KEPT).delete()
    return deleted


def roster_upload_store(
    *, actor: User, data: bytes, filename: str, course: Course | None = None, overflow_to_waitlist: bool = False
) -> RosterUpload:
    """Keep a previewed roster for its confirmation (in the database: any web node may receive the confirmation).
    Uploads older than a day are removed on the way."""
    if course is not None:
        require(actor, "academy.manage_course", course)
    else:
        require(actor, "academy.add_official")
    roster_uploads_purge()
    return RosterUpload.objects.create(
        created_by=actor,
        course=course,
        filename=filename[:255],
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        overflow_to_waitlist=overflow_to_waitlist,
    )


def roster_upload_confirm(
    *, actor: User, upload: RosterUpload, sha256: str, apply_changes: Collection[str] | str = ()
) -> ImportReport:
    """Import a previewed roster: the same bytes (checked against the hash shown with the preview), the changes
    the actor confirmed. The stored upload is removed once imported."""
    data = bytes(upload.data)
    if upload.created_by_id != actor.pk:
        raise ValidationError(_("This preview is not yours: upload the file again."))
    if sha256 != upload.sha256 or hashlib.sha256(data).hexdigest() != upload.sha256:
        raise ValidationError(_("The file is not the one previewed: upload it again."))
    report = roster_import(
        actor=actor,
        data=data,
        filename=upload.filename,
        course=upload.course,
        overflow_to_waitlist=upload.overflow_to_waitlist,
        apply_changes=apply_changes,
    )
    if report.ok:
        upload.delete()
    return report


@dataclass
class _Item:
    """One roster row on its way in: what it matched, the profile it becomes, whether that profile may be edited."""

    row: object
    person: Person | None = None  # an existing person in the actor's scope
    duplicate: tuple[OfficialProfile, str] | None = None  # an out-of-scope official it may be (staff review it)
    profile: OfficialProfile | None = None
    editable: bool = True
    outcome: str = "new"  # new | known | already_enrolled
    changes: list[dict] = field(default_factory=list)


@dataclass
class _Plan:
    """What the rows resolve to, written in bulk afterwards."""

    new_people: list[Person] = field(default_factory=list)
    new_profiles: list[OfficialProfile] = field(default_factory=list)
    updated_profiles: list[OfficialProfile] = field(default_factory=list)
    updated_people: list[Person] = field(default_factory=list)
    populations: list[tuple[Jurisdiction, int, date]] = field(default_factory=list)


def _roster_write(
    actor: User,
    rows: list[RosterRow],
    course: Course | None,
    overflow_to_waitlist: bool,
    report: ImportReport,
    err: Callable[[int | None, str, str], None],
    apply_changes: Collection[int] = (),
) -> list[_Item]:
    """match → resolve → write → enrol; any error leaves report.errors set and the caller rolls back."""
    items = _match(actor, rows, err)
    if report.errors:
        return items
    plan = _resolve(items, _Lookups(rows), actor, report, apply_changes)
    _write(plan)
    _record_duplicates(actor, items, course)
    if course is not None:
        _enrol(course, items, overflow_to_waitlist, report, err)
    return items


# --------------------------------------------------------------------------- match


def _match_scope(actor: User) -> QuerySet[Person]:
    """Who a row may be linked to: staff, anyone; others, the people and officials they already see (an official
    outside their scope is never linked, so never revealed or edited)."""
    if actor.is_program_staff:
        return Person.objects.all()
    visible_officials = OfficialProfile.objects.visible_to(actor).values("pk")
    return Person.objects.filter(
        Q(pk__in=Person.objects.visible_to(actor).filter(official__isnull=True).values("pk"))
        | Q(official__pk__in=visible_officials)
    )


def _email_index(qs: QuerySet[Person], rows: list[RosterRow]) -> dict[str, Person]:
    emails = [r.email.lower() for r in rows if r.email]
    by_email: dict[str, Person] = {}
    for i in range(0, len(emails), 5000):
        for p in qs.filter(email__in=emails[i : i + 5000]).select_related("official"):
            by_email.setdefault(p.email.lower(), p)
    return by_email


def _name_index(qs: QuerySet[Person], rows: list[RosterRow], with_org: bool = True) -> dict[tuple, Person]:
    """Candidates: family AND given name both among the file's (a narrow set even with common surnames)."""
    fam_en = {r.family_name_en for r in rows if r.family_name_en}
    giv_en = {r.given_name_en for r in rows if r.family_name_en}
    fam_zh = {r.family_name_zh for r in rows if r.family_name_zh}
    giv_zh = {r.given_name_zh for r in rows if r.family_name_zh}
    by_name: dict[tuple, Person] = {}
    if not (fam_en or fam_zh):
        return by_name
    qs = qs.filter(
        Q(family_name_en__in=fam_en, given_name_en__in=giv_en)
        | Q(family_name_zh_hans__in=fam_zh, given_name_zh_hans__in=giv_zh)
    ).select_related("official")
    for p in qs.iterator(chunk_size=2000):
        en, zh = _name_index_key(p.family_name_en, p.given_name_en, p.family_name_zh_hans, p.given_name_zh_hans)
        org = p.organisation_id if with_org else None
        if en:
            by_name.setdefault(("en", en, org), p)
        if zh:
            by_name.setdefault(("zh", zh, org), p)
    return by_name


def _by_name(index: dict[tuple, Person], r: RosterRow, org_id: int | None) -> Person | None:
    en, zh = _name_index_key(r.family_name_en, r.given_name_en, r.family_name_zh, r.given_name_zh)
    for candidate in ((index.get(("zh", zh, org_id)) if zh else None), (index.get(("en", en, org_id)) if en else None)):
        if candidate is not None and _same_names(candidate, en, zh):
            return candidate
    return None


def _match(actor: User, rows: list[RosterRow], err: Callable[[int | None, str, str], None]) -> list[_Item]:
    """Each row to an existing person in the actor's scope (e-mail, then name and organisation). For a coordinator,
    a row that may be an official outside their scope becomes a new official flagged for staff (`duplicate`)."""
    scope = _match_scope(actor)
    by_email, by_name = _email_index(scope, rows), _name_index(scope, rows)
    outside_email: dict[str, Person] = {}
    outside_name: dict[tuple, Person] = {}
    if not actor.is_program_staff:
        outside = Person.objects.filter(official__isnull=False).exclude(pk__in=scope.values("pk"))
        outside_email, outside_name = _email_index(outside, rows), _name_index(outside, rows, with_org=False)
    org_ids = _organisation_ids({r.organisation for r in rows if r.organisation})
    items: list[_Item] = []
    first_line: dict[int, int] = {}
    for r in rows:
        if _row_dates_bad(r, err):
            continue
        item = _Item(row=r)
        item.person = by_email.get(r.email.lower()) if r.email else None
        if item.person is None and (org_ids.get(r.organisation) or not r.organisation):  # an unknown organisation
            item.person = _by_name(by_name, r, org_ids.get(r.organisation))  # has nobody yet
        if item.person is not None:
            if item.person.pk in first_line:  # two rows naming the same person
                err(
                    r.line,
                    "",
                    roster_message(
                        RosterError(
                            "roster.duplicate_in_file", r.line, None, {"first_line": first_line[item.person.pk]}
                        )
                    ),
                )
                continue
            first_line[item.person.pk] = r.line
        else:
            item.duplicate = _outside_match(outside_email, outside_name, r)
        items.append(item)
    return items


def _outside_match(
    by_email: dict[str, Person], by_name: dict[tuple, Person], r: RosterRow
) -> tuple[OfficialProfile, str] | None:
    """(official, reason) when the row may be an official the actor does not see; None otherwise."""
    other = by_email.get(r.email.lower()) if r.email else None
    if other is not None:
        return other.official, DuplicateReason.EMAIL
    other = _by_name(by_name, r, None)
    return (other.official, DuplicateReason.NAME) if other is not None else None


def _organisation_ids(names: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    if names:
        for o in Organisation.objects.filter(Q(name_en__in=names) | Q(name_zh_hans__in=names)):
            for n in (o.name_en, o.name_zh_hans):
                if n:
                    out.setdefault(n, o.pk)
    return out


def _row_dates_bad(r: RosterRow, err: Callable[[int | None, str, str], None]) -> bool:
    from citybridge.core.validators import date_in_range

    from ..messages import column_label

    bad = False
    for name in ("service_start", "population_date"):
        if not date_in_range(getattr(r, name, None)):
            try:
                check_dates(**{name: getattr(r, name)})
            except ValidationError as exc:
                err(r.line, column_label(name), exc.message_dict[name][0])
            bad = True
    return bad


# --------------------------------------------------------------------------- resolve


class _Lookups:
    """Organisations and jurisdictions named in the file, found once and created when missing."""

    def __init__(self, rows: list[RosterRow]):
        names = {r.organisation for r in rows if r.organisation} | {r.company for r in rows if r.company}
        self.orgs: dict[str, Organisation] = {}
        if names:
            for o in Organisation.objects.filter(Q(name_en__in=names) | Q(name_zh_hans__in=names)):
                for n in (o.name_en, o.name_zh_hans):
                    if n:
                        self.orgs.setdefault(n, o)
        self.jur_cache: dict[tuple[str, str], Jurisdiction] = {}
        self.jur_index: dict[str, list[Jurisdiction]] = defaultdict(list)
        jur_names = {r.jurisdiction for r in rows if r.jurisdiction}
        if jur_names:
            for j in Jurisdiction.objects.filter(Q(name_en__in=jur_names) | Q(name_zh_hans__in=jur_names)):
                for n in {j.name_en, j.name_zh_hans} - {None, ""}:
                    self.jur_index[n].append(j)

    def org(self, name: str, kind: str) -> Organisation | None:
        if not name:
            return None
        if name not in self.orgs:
            is_zh = has_han(name)
            self.orgs[name] = Organisation.objects.create(
                name=name, name_en="" if is_zh else name, name_zh_hans=name if is_zh else None, type=kind, country="CN"
            )
        return self.orgs[name]

    def jurisdiction(self, name: str, province: str) -> Jurisdiction | None:
        if not name:
            return None
        key = (name, province)
        if key not in self.jur_cache:
            self.jur_cache[key] = _jurisdiction_lookup(self.jur_index, name, province)
        return self.jur_cache[key]


def _resolve(
    items: list[_Item], lookups: _Lookups, actor: User, report: ImportReport, apply_changes: Collection[int] = ()
) -> _Plan:
    """The profile each row becomes: the matched one (updated when the actor may), or a new person and profile."""
    plan = _Plan()
    today = timezone.localdate()
    for item in items:
        r = item.row
        org = lookups.org(r.organisation, "city_government" if r.position in ("mayor", "vice_mayor") else "ministry")
        jurisdiction = lookups.jurisdiction(r.jurisdiction, r.province)
        if jurisdiction is not None and r.population is not None:
            plan.populations.append((jurisdiction, r.population, r.population_date or today))
        if item.person is not None:
            report.matched += 1
            item.outcome = "known"
            _resolve_matched(item, actor, plan)
            if item.editable:
                jurisdiction = _changes(item, actor, org, jurisdiction, apply_changes, plan)
        else:
            report.created += 1
            _resolve_new(item, org, plan)
        if item.editable:
            _apply_row(item.profile, r, org, jurisdiction, lookups.org(r.company, "soe") if r.company else None)
    return plan


def _resolve_matched(item: _Item, actor: User, plan: _Plan) -> None:
    person, r = item.person, item.row
    profile = getattr(person, "official", None) if hasattr(person, "official") else None
    if profile is None:
        profile = OfficialProfile(person=person, position=r.position)
        plan.new_profiles.append(profile)
    elif actor.has_perm("academy.change_official", profile):  # position: a change, applied when confirmed
        plan.updated_profiles.append(profile)
    else:  # enrol them as they are; their profile is another academy's to keep
        item.editable = False
    item.profile = profile


def _changes(
    item: _Item,
    actor: User,
    org: Organisation | None,
    jurisdiction: Jurisdiction | None,
    apply_changes: Collection[int],
    plan: _Plan,
) -> Jurisdiction | None:
    """Record the row's differences from the known official the actor may change (`item.changes`) and apply the
    confirmed ones. Returns the jurisdiction the profile keeps."""
    person, profile, r = item.person, item.profile, item.row
    found: list[tuple[str, str, str, object]] = []  # field, old, new, value to set
    if profile.pk is not None:
        if r.position and r.position != profile.position:
            found.append(
                (
                    "position",
                    Position(profile.position).label if profile.position else "",
                    Position(r.position).label,
                    r.position,
                )
            )
        if jurisdiction is not None and jurisdiction.pk != profile.jurisdiction_id:
            old = profile.jurisdiction.display_name() if profile.jurisdiction_id else ""
            found.append(("jurisdiction", old, jurisdiction.display_name(), jurisdiction))
    email, phone = (r.email or "").strip(), (r.phone or "").strip()
    contact = [("email", person.email or "", email)] if email and email.lower() != (person.email or "").lower() else []
    if phone and phone != (person.phone or "").strip():
        contact.append(("phone", person.phone or "", phone))
    if contact and (
        actor.has_perm("academy.change_official_person", profile) if profile.pk is not None else actor.is_program_staff
    ):
        found += [(f, old, new, new) for f, old, new in contact]
    if org is not None and org.pk != person.organisation_id and actor.is_program_staff:  # as on the official's page
        found.append(
            (
                "organisation",
                person.organisation.display_name() if person.organisation_id else "",
                org.display_name(),
                org,
            )
        )
    person_changed = False
    for name, old, new, value in found:
        key = f"{r.line}:{name}"
        item.changes.append({"key": key, "field": name, "label": _change_label(name), "old": old, "new": new})
        if not (apply_changes == ALL_CHANGES or key in apply_changes):
            continue
        if name == "jurisdiction":
            profile.jurisdiction = value
        elif name == "position":
            profile.position = value
        else:
            setattr(person, name, value)
            person_changed = True
    if person_changed:
        plan.updated_people.append(person)
    return profile.jurisdiction if profile.pk is not None else jurisdiction


def _change_label(name: str) -> str:
    return {
        "email": _("E-mail"),
        "phone": _("Phone"),
        "position": _("Position"),
        "organisation": _("Organisation"),
        "jurisdiction": _("Jurisdiction"),
    }[name]


def _resolve_new(item: _Item, org: Organisation | None, plan: _Plan) -> None:
    r = item.row
    person = Person(
        family_name=r.family_name_en or r.family_name_zh,
        family_name_en=r.family_name_en,
        given_name_en=r.given_name_en,
        family_name_zh_hans=r.family_name_zh or None,
        given_name_zh_hans=r.given_name_zh or None,
        organisation=org,
        email=r.email,
        phone=r.phone,
        preferred_language="zh-hans" if r.family_name_zh else "en",
    )
    person.search_name = person.search_key()  # bulk_create skips save()
    plan.new_people.append(person)
    item.profile = OfficialProfile(person=person, position=r.position)
    plan.new_profiles.append(item.profile)


def _apply_row(
    profile: OfficialProfile,
    r: RosterRow,
    org: Organisation | None,
    jurisdiction: Jurisdiction | None,
    company: Organisation | None,
) -> None:
    if jurisdiction is not None:
        profile.jurisdiction = jurisdiction
    if company is not None:
        profile.company = company
    if r.company_size is not None:
        profile.company_employees = r.company_size
    if r.service_start is not None:
        profile.service_start = r.service_start
    profile.province = (
        (jurisdiction.province_en or jurisdiction.province_zh_hans)
        if jurisdiction
        else (r.province or (org.province_en if org else "") or "")
    )
    provinces.fill_code(profile, "province")  # bulk writes skip save()


# --------------------------------------------------------------------------- write


def _write(plan: _Plan) -> None:
    if plan.new_people:
        bulk_create_with_history(plan.new_people, Person, batch_size=500)
        # bulk_create on SQLite/PostgreSQL sets primary keys; re-attach them to the profiles
        for profile in plan.new_profiles:
            if profile.person_id is None and profile.person is not None:
                profile.person_id = profile.person.pk
    if plan.new_profiles:
        bulk_create_with_history(plan.new_profiles, OfficialProfile, batch_size=500)
    if plan.updated_people:
        bulk_update_with_history(plan.updated_people, Person, ["email", "phone", "organisation"], batch_size=500)
    if plan.updated_profiles:
        bulk_update_with_history(
            plan.updated_profiles,
            OfficialProfile,
            ["position", "jurisdiction", "company", "company_employees", "service_start", "province", "province_code"],
            batch_size=500,
        )
    for jurisdiction, population, valid_from in plan.populations:
        JurisdictionPopulation.objects.update_or_create(
            jurisdiction=jurisdiction, valid_from=valid_from, defaults={"population": population}
        )
    _add_prepared_years(list(plan.new_profiles))


def _record_duplicates(actor: User, items: list[_Item], course: Course | None) -> None:
    """For program staff only: the coordinator's report says nothing about these."""
    rows = [
        PossibleDuplicate(
            new_official=i.profile,
            existing_official=i.duplicate[0],
            reason=i.duplicate[1],
            course=course,
            created_by=actor,
        )
        for i in items
        if i.duplicate
    ]
    if rows:
        PossibleDuplicate.objects.bulk_create(rows)


# --------------------------------------------------------------------------- enrol


def _enrol(
    course: Course | None,
    items: list[_Item],
    overflow_to_waitlist: bool,
    report: ImportReport,
    err: Callable[[int | None, str, str], None],
) -> None:
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status not in (CourseStatus.PLANNING, CourseStatus.OPEN, CourseStatus.RUNNING):
        err(None, "", _("Officials can be enrolled only while the course is being planned, open or running."))
        return
    existing = {e.official_id: e for e in course.enrolments.all()}
    confirmed = sum(1 for e in existing.values() if e.status == EnrolmentStatus.CONFIRMED)
    limit = course_rules().class_max
    to_create = []
    for item in items:
        profile = item.profile
        e = existing.get(profile.pk)
        if e is not None and e.status != EnrolmentStatus.WITHDRAWN:  # reported, left as it is
            item.outcome = "already_enrolled"
            report.skipped += 1
            continue
        status = EnrolmentStatus.CONFIRMED
        if confirmed >= limit:
            status = EnrolmentStatus.WAITLISTED
        else:
            confirmed += 1
        enrolment = e or Enrolment(course=course, official=profile)
        enrolment.status = status
        enrolment.withdrawn_at = None
        _snapshot(enrolment, profile)
        to_create.append(enrolment)
    overflow = sum(1 for e in to_create if e.status == EnrolmentStatus.WAITLISTED)
    if overflow and not overflow_to_waitlist:
        already = confirmed - (len(to_create) - overflow)
        err(
            None,
            "",
            problem_message(
                cr.Problem(
                    "enrolment.class_full",
                    cr.Severity.ERROR,
                    {"count": already, "adding": len(to_create), "max": limit, "free": max(0, limit - already)},
                )
            ),
        )
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
    compliance_refresh(official_ids=[i.profile.pk for i in items], years=_course_years(course))
    impact_mark_stale()


def _same_names(person: Person, en: str, zh: str) -> bool:
    """A name match in one language counts only when the other language does not contradict it."""
    p_en, p_zh = _name_index_key(
        person.family_name_en, person.given_name_en, person.family_name_zh_hans, person.given_name_zh_hans
    )
    return not ((en and p_en and en != p_en) or (zh and p_zh and zh != p_zh))


def _jurisdiction_lookup(index: dict[str, list[Jurisdiction]], name: str, province: str) -> Jurisdiction:
    province_l = province.lower()
    for j in index.get(name, []):
        if not province or province_l in ((j.province_en or "").lower(), (j.province_zh_hans or "").lower()):
            return j
    j = _jurisdiction_get_or_create(name=name, province=province)
    index[name].append(j)
    return j
