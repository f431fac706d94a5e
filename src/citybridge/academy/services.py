"""Every write to Government Training tables. Keyword-only arguments; validate, check permission, one transaction.

The compliance summary (TrainingSummary) and the impact snapshot are maintained here, by the same writes that
change what they are computed from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from citybridge.core.models import Organisation, Person, User

from . import certificate as cert_engine
from . import compliance as comp
from . import course_rules as cr
from . import impact as impact_engine
from .messages import problem_message, roster_message
from .models import (
    COURSE_TRANSITIONS,
    Academy,
    Attendance,
    AttendanceStatus,
    Certificate,
    Course,
    CourseModule,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    ExternalTraining,
    ImpactSnapshot,
    Jurisdiction,
    JurisdictionPopulation,
    Module,
    Motivation,
    OfficialProfile,
    Position,
    Session,
    SessionFormat,
    Topic,
    TrainingSummary,
    TrainingYear,
)
from .roster import parse_roster

# --------------------------------------------------------------------------- configuration


def course_rules() -> cr.CourseRules:
    return cr.CourseRules.from_mapping(settings.CITYBRIDGE_ACADEMY_COURSE_RULES)


def compliance_rules() -> comp.ComplianceRules:
    return comp.ComplianceRules.from_mapping(settings.CITYBRIDGE_ACADEMY_COMPLIANCE_RULES)


def require(actor, perm: str, obj=None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _raise_problems(problems: Iterable[cr.Problem], field_name: str = "__all__") -> None:
    errs = [problem_message(p) for p in problems if p.is_error]
    if errs:
        raise ValidationError({field_name: errs})


def _bilingual_required(data: dict, base: str, label_field: str | None = None) -> None:
    if not (data.get(f"{base}_en") or data.get(f"{base}_zh_hans")):
        raise ValidationError({label_field or f"{base}_en": _("Give it in at least one language.")})


def _clean_str(v):
    return v.strip() if isinstance(v, str) else v


# --------------------------------------------------------------------------- academies and curriculum


@transaction.atomic
def academy_save(*, actor: User, organisation: Organisation, official: bool = True,
                 managed_by_program: bool = False) -> Academy:
    require(actor, "academy.manage_curriculum")
    if organisation.type != "academy":
        raise ValidationError({"organisation": _("Only an organisation of type “training academy” can be an academy.")})
    academy, _created = Academy.objects.update_or_create(
        organisation=organisation, defaults={"official": official, "managed_by_program": managed_by_program})
    return academy


def _validate_motivations(values) -> list[str]:
    values = list(values or [])
    bad = [v for v in values if v not in Motivation.values]
    if bad:
        raise ValidationError({"motivations": _("Unknown motivation: %(value)s.") % {"value": ", ".join(bad)}})
    return list(dict.fromkeys(values))


@transaction.atomic
def topic_save(*, actor: User, topic: Topic | None = None, slug: str, name_en: str = "", name_zh_hans: str = "",
               description_en: str = "", description_zh_hans: str = "", motivations=(), order: int = 0) -> Topic:
    require(actor, "academy.manage_curriculum")
    data = {"name_en": _clean_str(name_en), "name_zh_hans": _clean_str(name_zh_hans)}
    _bilingual_required(data, "name")
    topic = topic or Topic()
    topic.slug = (slug or "").strip()
    topic.name_en, topic.name_zh_hans = data["name_en"], data["name_zh_hans"]
    topic.description_en, topic.description_zh_hans = description_en or "", description_zh_hans or ""
    topic.motivations = _validate_motivations(motivations)
    topic.order = order
    topic.full_clean(exclude=["name", "description"])
    topic.save()
    return topic


@transaction.atomic
def module_save(*, actor: User, module: Module | None = None, title_en: str = "", title_zh_hans: str = "",
                objectives_en: str = "", objectives_zh_hans: str = "", days: int | None = None,
                formats=(), topics: Iterable[Topic] = ()) -> Module:
    require(actor, "academy.manage_curriculum")
    data = {"title_en": _clean_str(title_en), "title_zh_hans": _clean_str(title_zh_hans)}
    _bilingual_required(data, "title")
    _raise_problems(cr.check_module_length(days, course_rules()), "days")
    formats = list(dict.fromkeys(formats or []))
    bad = [f for f in formats if f not in SessionFormat.values]
    if bad:
        raise ValidationError({"formats": _("Unknown format: %(value)s.") % {"value": ", ".join(bad)}})
    module = module or Module()
    module.title_en, module.title_zh_hans = data["title_en"], data["title_zh_hans"]
    module.objectives_en, module.objectives_zh_hans = objectives_en or "", objectives_zh_hans or ""
    module.days = days
    module.formats = formats
    module.full_clean(exclude=["title", "objectives"])
    module.save()
    module.topics.set(list(topics))
    return module


# --------------------------------------------------------------------------- courses


COURSE_FIELDS = ("title_en", "title_zh_hans", "start_date", "end_date", "location_en", "location_zh_hans", "timezone")


def _course_problems(course: Course, *, confirmed: int | None = None) -> list[cr.Problem]:
    session_dates = list(course.sessions.values_list("date", flat=True)) if course.pk else []
    module_days = list(course.modules.values_list("days", flat=True)) if course.pk else []
    return cr.check_course(course.start_date, course.end_date, session_dates, confirmed, module_days, course_rules())


def course_problems(course: Course) -> list[cr.Problem]:
    """Errors and warnings shown on the course page."""
    confirmed = course.enrolments.filter(status=EnrolmentStatus.CONFIRMED).count()
    return _course_problems(course, confirmed=confirmed if course.status != CourseStatus.PLANNING else None)


@transaction.atomic
def course_create(*, actor: User, academy: Academy, modules: Iterable[Module] = (), **fields) -> Course:
    require(actor, "academy.add_course", academy)
    course = Course(academy=academy)
    return _course_write(course, fields, modules)


@transaction.atomic
def course_update(*, actor: User, course: Course, modules: Iterable[Module] | None = None, **fields) -> Course:
    require(actor, "academy.manage_course", course)
    if course.status in (CourseStatus.COMPLETED, CourseStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled course cannot be changed."))
    return _course_write(course, fields, modules)


def _course_write(course: Course, fields: dict, modules) -> Course:
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set.") for n in sorted(unknown)})
    for k, v in fields.items():
        setattr(course, k, _clean_str(v) if v is not None or k in ("start_date", "end_date") else "")
    _bilingual_required({"title_en": course.title_en, "title_zh_hans": course.title_zh_hans}, "title")
    problems = cr.check_course_dates(course.start_date, course.end_date, course_rules())
    if course.pk:
        problems += [p for p in _course_problems(course) if p.code == "session.outside_course"]
    _raise_problems(problems, "end_date")
    course.full_clean(exclude=["title", "location", "modules", "status"])
    course.save()
    if modules is not None:
        course.course_modules.all().delete()
        CourseModule.objects.bulk_create(
            [CourseModule(course=course, module=m, order=i) for i, m in enumerate(modules)])
    return course


@transaction.atomic
def course_set_status(*, actor: User, course: Course, status: str) -> Course:
    require(actor, "academy.manage_course", course)
    passed, course = course, Course.objects.select_for_update().get(pk=course.pk)
    if status not in COURSE_TRANSITIONS.get(course.status, set()):
        raise ValidationError({"status": _("A course cannot go from “%(old)s” to “%(new)s”.") % {
            "old": course.get_status_display(), "new": dict(CourseStatus.choices).get(status, status)}})
    if status in (CourseStatus.OPEN, CourseStatus.RUNNING):
        _raise_problems([p for p in _course_problems(course) if p.code != "course.class_over_max"], "status")
    if status == CourseStatus.COMPLETED and course.end_date > timezone.localdate():
        raise ValidationError({"status": _("A course can be completed only after its last day.")})
    course.status = passed.status = status
    course.save(update_fields=["status", "updated_at"])
    impact_mark_stale()
    return course


# --------------------------------------------------------------------------- sessions


SESSION_FIELDS = ("date", "start_time", "end_time", "format", "module", "title_en", "title_zh_hans", "lecturer",
                  "site", "partner")


@transaction.atomic
def session_save(*, actor: User, course: Course, session: Session | None = None, **fields) -> Session:
    require(actor, "academy.manage_course", course)
    if course.status in (CourseStatus.COMPLETED, CourseStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled course cannot be changed."))
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set.") for n in sorted(unknown)})
    session = session or Session(course=course)
    if session.course_id != course.pk:
        raise ValidationError(_("This session belongs to another course."))
    for k, v in fields.items():
        setattr(session, k, _clean_str(v) if not (v is None and k in ("title_en", "title_zh_hans", "site")) else "")
    if session.date and not (course.start_date <= session.date <= course.end_date):
        raise ValidationError({"date": _("The date must be within the course (%(start)s – %(end)s).") % {
            "start": course.start_date, "end": course.end_date}})
    if session.start_time and session.end_time and session.end_time <= session.start_time:
        raise ValidationError({"end_time": _("The session must end after it starts.")})
    if session.module_id and not course.course_modules.filter(module_id=session.module_id).exists():
        raise ValidationError({"module": _("This module is not part of the course.")})
    session.full_clean(exclude=["title", "course"])
    other_dates = list(course.sessions.exclude(pk=session.pk).values_list("date", flat=True))
    _raise_problems(cr.check_rest_days(course.start_date, course.end_date, other_dates + [session.date],
                                       course_rules()), "date")
    session.save()
    _refresh_course_officials(course, years={session.date.year})
    return session


@transaction.atomic
def session_delete(*, actor: User, session: Session) -> None:
    course = session.course
    require(actor, "academy.manage_course", course)
    if course.status in (CourseStatus.COMPLETED, CourseStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled course cannot be changed."))
    year = session.date.year
    session.delete()
    _refresh_course_officials(course, years={year})


def _refresh_course_officials(course: Course, years: set[int]) -> None:
    ids = list(course.enrolments.exclude(status=EnrolmentStatus.WAITLISTED).values_list("official_id", flat=True))
    if ids:
        compliance_refresh(official_ids=ids, years=years)


# --------------------------------------------------------------------------- officials and jurisdictions


def jurisdiction_get_or_create(*, name: str, province: str = "", country: str = "CN") -> Jurisdiction:
    """Match by name in either language within the province (either language); create otherwise."""
    name, province = (name or "").strip(), (province or "").strip()
    is_zh = any("\u4e00" <= ch <= "\u9fff" for ch in name)
    qs = Jurisdiction.objects.filter(Q(name_en__iexact=name) | Q(name_zh_hans=name), country=country)
    if province:
        qs = qs.filter(Q(province_en__iexact=province) | Q(province_zh_hans=province))
    found = qs.first()
    if found:
        return found
    prov_zh = any("\u4e00" <= ch <= "\u9fff" for ch in province)
    return Jurisdiction.objects.create(
        name=name, name_en="" if is_zh else name, name_zh_hans=name if is_zh else "",
        province=province, province_en="" if prov_zh else province, province_zh_hans=province if prov_zh else "",
        country=country)


def population_record(*, jurisdiction: Jurisdiction, population: int, valid_from: date, source: str = "") -> None:
    JurisdictionPopulation.objects.update_or_create(
        jurisdiction=jurisdiction, valid_from=valid_from, defaults={"population": population, "source": source})
    impact_mark_stale()


OFFICIAL_FIELDS = ("position", "jurisdiction", "company", "company_employees", "service_start")


def _official_province(official: OfficialProfile) -> str:
    if official.jurisdiction_id:
        j = official.jurisdiction
        return j.province_en or j.province_zh_hans or ""
    org = official.person.organisation if official.person_id else None
    return (org.province_en or org.province_zh_hans or "") if org else ""


def _validate_official(official: OfficialProfile) -> None:
    if official.position not in Position.values:
        raise ValidationError({"position": _("Select a valid position.")})
    if official.service_start and official.service_start > timezone.localdate():
        raise ValidationError({"service_start": _("The date service began cannot be in the future.")})
    if official.company_id and official.company.type not in ("soe", "company"):
        raise ValidationError({"company": _("The company must be an organisation of type company or SOE.")})


@transaction.atomic
def official_create(*, actor: User, person: Person, **fields) -> OfficialProfile:
    require(actor, "academy.add_official")
    if OfficialProfile.objects.filter(person=person).exists():
        raise ValidationError({"person": _("This person already has an official profile.")})
    official = OfficialProfile(person=person)
    _official_write(official, fields)
    _add_prepared_years([official])
    return official


@transaction.atomic
def official_update(*, actor: User, official: OfficialProfile, **fields) -> OfficialProfile:
    require(actor, "academy.change_official", official)
    _official_write(official, fields)
    compliance_refresh(official_ids=[official.pk])
    return official


@transaction.atomic
def official_update_with_person(
    *, actor: User, official: OfficialProfile, family_name_en: str = "", given_name_en: str = "",
    family_name_zh_hans: str = "", given_name_zh_hans: str = "", organisation: Organisation | None = None,
    email: str = "", phone: str = "", position: str, jurisdiction: str = "", province: str = "",
    population: int | None = None, population_date: date | None = None, company: Organisation | None = None,
    company_employees: int | None = None, service_start: date | None = None,
) -> OfficialProfile:
    """The official's page form: names and contact on the person, the rest on the profile, in one transaction."""
    require(actor, "academy.change_official", official)
    _official_person_save(
        official.person, family_name_en=family_name_en, given_name_en=given_name_en,
        family_name_zh_hans=family_name_zh_hans, given_name_zh_hans=given_name_zh_hans,
        organisation=organisation if actor.is_program_staff else official.person.organisation, email=email,
        phone=phone, jurisdiction=jurisdiction, population=population)
    j = _official_jurisdiction(jurisdiction=jurisdiction, province=province, population=population,
                               population_date=population_date)
    return official_update(actor=actor, official=official, position=position, jurisdiction=j, company=company,
                           company_employees=company_employees, service_start=service_start)


def _official_person_save(person: Person, *, family_name_en: str, given_name_en: str, family_name_zh_hans: str,
                          given_name_zh_hans: str, organisation: Organisation | None, email: str, phone: str,
                          jurisdiction: str, population: int | None) -> Person:
    """Validate and save an official's person record (names in both languages, organisation, contact)."""
    if not ((family_name_en or "").strip() or (family_name_zh_hans or "").strip()):
        raise ValidationError({"family_name_en": _("Give the family name in at least one language.")})
    email = (email or "").strip()
    if email and Person.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
        raise ValidationError({"email": _("A person with this e-mail address already exists.")})
    if population is not None and not (jurisdiction or "").strip():
        raise ValidationError({"jurisdiction": _("A population is given but no jurisdiction: add the jurisdiction "
                                                 "the official leads.")})
    person.family_name_en, person.given_name_en = (family_name_en or "").strip(), (given_name_en or "").strip()
    person.family_name_zh_hans = (family_name_zh_hans or "").strip() or None
    person.given_name_zh_hans = (given_name_zh_hans or "").strip() or None
    person.organisation = organisation
    person.email, person.phone = email, (phone or "").strip()
    person.full_clean(exclude=["family_name"])
    person.save()
    return person


def _official_jurisdiction(*, jurisdiction: str, province: str, population: int | None,
                           population_date: date | None) -> Jurisdiction | None:
    """The jurisdiction an official leads (found or created), with its population recorded when given."""
    j = jurisdiction_get_or_create(name=jurisdiction, province=province) if (jurisdiction or "").strip() else None
    if j is not None and population is not None:
        population_record(jurisdiction=j, population=population, valid_from=population_date or timezone.localdate())
    return j


def _official_write(official: OfficialProfile, fields: dict) -> None:
    unknown = set(fields) - set(OFFICIAL_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set.") for n in sorted(unknown)})
    for k, v in fields.items():
        setattr(official, k, v)
    _validate_official(official)
    official.province = _official_province(official)
    official.full_clean(exclude=["person"])
    official.save()


@transaction.atomic
def official_create_with_person(
    *, actor: User, family_name_en: str = "", given_name_en: str = "", family_name_zh_hans: str = "",
    given_name_zh_hans: str = "", organisation: Organisation | None = None, email: str = "", phone: str = "",
    position: str, jurisdiction: str = "", province: str = "", population: int | None = None,
    population_date: date | None = None, company: Organisation | None = None, company_employees: int | None = None,
    service_start: date | None = None,
) -> OfficialProfile:
    """A new person with an official profile (academy coordinators may add officials; core people are staff's)."""
    require(actor, "academy.add_official")
    person = _official_person_save(
        Person(), family_name_en=family_name_en, given_name_en=given_name_en,
        family_name_zh_hans=family_name_zh_hans, given_name_zh_hans=given_name_zh_hans, organisation=organisation,
        email=email, phone=phone, jurisdiction=jurisdiction, population=population)
    j = _official_jurisdiction(jurisdiction=jurisdiction, province=province, population=population,
                               population_date=population_date)
    return official_create(actor=actor, person=person, position=position, jurisdiction=j, company=company,
                           company_employees=company_employees, service_start=service_start)


# --------------------------------------------------------------------------- enrolment


def _snapshot(enrolment: Enrolment, official: OfficialProfile) -> None:
    enrolment.position = official.position
    enrolment.jurisdiction_id = official.jurisdiction_id
    enrolment.company_id = official.company_id
    enrolment.company_employees = official.company_employees


def _check_open_for_enrolment(course: Course) -> None:
    if course.status not in (CourseStatus.PLANNING, CourseStatus.OPEN, CourseStatus.RUNNING):
        raise ValidationError(_("Officials can be enrolled only while the course is being planned, open or running."))


@transaction.atomic
def enrolment_create(*, actor: User, course: Course, official: OfficialProfile, waitlist: bool = False) -> Enrolment:
    require(actor, "academy.manage_course", course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    _check_open_for_enrolment(course)
    existing = Enrolment.objects.filter(course=course, official=official).first()
    if existing and existing.status != EnrolmentStatus.WITHDRAWN:
        raise ValidationError(_("%(name)s is already enrolled in this course.") % {"name": official.person})
    confirmed = course.enrolments.filter(status=EnrolmentStatus.CONFIRMED).count()
    problems = cr.check_can_confirm(confirmed, 1, course_rules())
    if problems and not waitlist:
        _raise_problems(problems)
    enrolment = existing or Enrolment(course=course, official=official)
    enrolment.status = EnrolmentStatus.WAITLISTED if (problems or waitlist) else EnrolmentStatus.CONFIRMED
    enrolment.withdrawn_at = None
    _snapshot(enrolment, official)
    enrolment.save()
    compliance_refresh(official_ids=[official.pk], years=_course_years(course))
    impact_mark_stale()
    return enrolment


def _course_years(course: Course) -> set[int]:
    return set(range(course.start_date.year, course.end_date.year + 1))


@transaction.atomic
def enrolment_withdraw(*, actor: User, enrolment: Enrolment, promote_waitlist: bool = True) -> Enrolment | None:
    """Withdraw; days already attended still count. The first on the waitlist takes the free place."""
    course = enrolment.course
    require(actor, "academy.manage_course", course)
    Course.objects.select_for_update().get(pk=course.pk)
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError(_("This enrolment is already withdrawn."))
    was_confirmed = enrolment.status == EnrolmentStatus.CONFIRMED
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.save()
    promoted = None
    if was_confirmed and promote_waitlist and course.status in (CourseStatus.PLANNING, CourseStatus.OPEN,
                                                                 CourseStatus.RUNNING):
        promoted = course.enrolments.filter(status=EnrolmentStatus.WAITLISTED).order_by("enrolled_at", "id").first()
        if promoted:
            promoted.status = EnrolmentStatus.CONFIRMED
            promoted.save()
    ids = [enrolment.official_id] + ([promoted.official_id] if promoted else [])
    compliance_refresh(official_ids=ids, years=_course_years(course))
    impact_mark_stale()
    return promoted


@transaction.atomic
def enrolment_confirm(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """Move a waitlisted official into the class, if there is room."""
    course = enrolment.course
    require(actor, "academy.manage_course", course)
    Course.objects.select_for_update().get(pk=course.pk)
    _check_open_for_enrolment(course)
    if enrolment.status == EnrolmentStatus.CONFIRMED:
        return enrolment
    confirmed = course.enrolments.filter(status=EnrolmentStatus.CONFIRMED).count()
    _raise_problems(cr.check_can_confirm(confirmed, 1, course_rules()))
    enrolment.status = EnrolmentStatus.CONFIRMED
    enrolment.withdrawn_at = None
    enrolment.save()
    compliance_refresh(official_ids=[enrolment.official_id], years=_course_years(course))
    impact_mark_stale()
    return enrolment


# --------------------------------------------------------------------------- roster import


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
    max_bytes = getattr(settings, "CITYBRIDGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    parsed = parse_roster(data, filename, max_bytes=max_bytes, today=timezone.localdate())
    report = ImportReport(ok=False)

    def err(line, column, message):
        report.errors.append({"line": line, "column": column, "message": message})

    for e in parsed.errors:
        from .messages import column_label

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
                                                                     "province"], batch_size=500)
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
    from .roster import RosterError

    return RosterError("roster.already_enrolled", params={"name": profile.person.display_name()})


# --------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class Mark:
    official_id: int
    session_id: int
    status: str  # "" removes the mark


@transaction.atomic
def attendance_record(*, actor: User, course: Course, marks: Iterable[Mark]) -> int:
    """Save marks for a course's sessions; only officials enrolled (not waitlisted) may be marked. Returns changes."""
    require(actor, "academy.manage_course", course)
    if course.status not in (CourseStatus.OPEN, CourseStatus.RUNNING, CourseStatus.COMPLETED):
        raise ValidationError(_("Attendance can be recorded once the course is open."))
    marks = list(marks)
    sessions = {s.pk: s for s in course.sessions.all()}
    allowed = set(course.enrolments.exclude(status=EnrolmentStatus.WAITLISTED).values_list("official_id", flat=True))
    errors = []
    for m in marks:
        if m.session_id not in sessions:
            errors.append(_("Session %(id)s is not part of this course.") % {"id": m.session_id})
        elif m.official_id not in allowed:
            errors.append(_("Official %(id)s is not enrolled in this course.") % {"id": m.official_id})
        elif m.status and m.status not in AttendanceStatus.values:
            errors.append(_("“%(value)s” is not an attendance status.") % {"value": m.status})
    if errors:
        raise ValidationError(errors[:20])
    existing = {(a.official_id, a.session_id): a for a in Attendance.objects.filter(
        session__course=course, official_id__in={m.official_id for m in marks})}
    create, update, delete = [], [], []
    for m in marks:
        a = existing.get((m.official_id, m.session_id))
        if not m.status:
            if a:
                delete.append(a.pk)
        elif a is None:
            create.append(Attendance(official_id=m.official_id, session_id=m.session_id, status=m.status,
                                     recorded_by=actor))
        elif a.status != m.status:
            a.status = m.status
            a.recorded_by = actor
            a.recorded_at = timezone.now()
            update.append(a)
    Attendance.objects.bulk_create(create, batch_size=1000)
    Attendance.objects.bulk_update(update, ["status", "recorded_by", "recorded_at"], batch_size=1000)
    Attendance.objects.filter(pk__in=delete).delete()
    changed = {(m.official_id) for m in marks}
    years = {sessions[m.session_id].date.year for m in marks}
    if create or update or delete:
        compliance_refresh(official_ids=list(changed), years=years)
    return len(create) + len(update) + len(delete)


def attendance_import(*, actor: User, course: Course, data: bytes) -> ImportReport:
    """Marks from a filled-in attendance sheet: all or nothing, with a per-line report in the user's language."""
    from .attendance_sheet import parse_attendance_xlsx

    require(actor, "academy.manage_course", course)
    max_bytes = getattr(settings, "CITYBRIDGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    parsed = parse_attendance_xlsx(data, max_bytes=max_bytes)
    report = ImportReport(ok=False)
    for e in parsed.errors:
        report.errors.append({"line": e.line, "column": "", "message": roster_message(e)})  # type: ignore[arg-type]
    if report.errors:
        return report
    try:
        report.enrolled = attendance_record(actor=actor, course=course,
                                            marks=[Mark(o, s, st) for o, s, st in parsed.marks])
    except ValidationError as exc:
        report.errors += [{"line": None, "column": "", "message": m} for m in exc.messages]
        return report
    report.ok = True
    return report


# --------------------------------------------------------------------------- external training


@transaction.atomic
def external_training_create(*, actor: User, official: OfficialProfile, provider: str, title: str,
                             start_date: date, end_date: date, days: int, evidence=None,
                             evidence_reference: str = "") -> ExternalTraining:
    require(actor, "academy.change_official", official)
    if end_date < start_date:
        raise ValidationError({"end_date": _("The last day is before the first day.")})
    span = (end_date - start_date).days + 1
    if days is None or days < 1 or days > span:
        raise ValidationError({"days": _("Training days must be between 1 and %(span)s (the length of the period).")
                               % {"span": span}})
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": _("External training can be recorded once it has taken place.")})
    if not evidence and not (evidence_reference or "").strip():
        raise ValidationError({"evidence": _("Attach the evidence (a file or a certificate reference): training "
                                             "without evidence does not count.")})
    rec = ExternalTraining(official=official, provider=provider.strip(), title=title.strip(), start_date=start_date,
                           end_date=end_date, days=days, evidence_reference=(evidence_reference or "").strip(),
                           created_by=actor)
    if evidence:
        rec.evidence = evidence
    rec.full_clean(exclude=["official", "evidence"] if not evidence else ["official"])
    rec.save()
    compliance_refresh(official_ids=[official.pk], years=set(range(start_date.year, end_date.year + 1)))
    return rec


@transaction.atomic
def external_training_delete(*, actor: User, record: ExternalTraining) -> None:
    require(actor, "academy.change_official", record.official)
    official_id, years = record.official_id, set(range(record.start_date.year, record.end_date.year + 1))
    record.delete()
    compliance_refresh(official_ids=[official_id], years=years)


# --------------------------------------------------------------------------- compliance summaries


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


# --------------------------------------------------------------------------- certificates


def course_training_days(enrolment: Enrolment) -> int:
    inp = compliance_inputs([enrolment.official_id], course_id=enrolment.course_id)[enrolment.official_id]
    return len(comp.credited_days(inp.marks, compliance_rules().day_rule))


@transaction.atomic
def certificate_issue(*, actor: User, enrolment: Enrolment) -> Certificate:
    course = enrolment.course
    require(actor, "academy.manage_course", course)
    if course.status != CourseStatus.COMPLETED:
        raise ValidationError(_("Certificates are issued once the course is completed."))
    if enrolment.status != EnrolmentStatus.CONFIRMED:
        raise ValidationError(_("Only officials confirmed in the class receive a certificate."))
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing and existing.is_valid:
        return existing
    days = course_training_days(enrolment)
    if days == 0:
        raise ValidationError(_("%(name)s has no training day in this course, so no certificate can be issued.")
                              % {"name": enrolment.official.person.display_name()})
    if existing:  # revoked: issue a fresh one with a new code
        existing.delete()
    code = cert_engine.new_verification_code()
    while Certificate.objects.filter(code=code).exists():  # pragma: no cover - 2**75 codes
        code = cert_engine.new_verification_code()
    return Certificate.objects.create(enrolment=enrolment, code=code, training_days=days, issued_by=actor)


def certificate_issue_all(*, actor: User, course: Course) -> tuple[int, int]:
    """Issue to every confirmed official with at least one training day; returns (issued, skipped)."""
    require(actor, "academy.manage_course", course)
    issued = skipped = 0
    for enrolment in Enrolment.objects.filter(course_id=course.pk, status=EnrolmentStatus.CONFIRMED).select_related(
            "course", "official__person"):
        try:
            certificate_issue(actor=actor, enrolment=enrolment)
            issued += 1
        except ValidationError:
            skipped += 1
    return issued, skipped


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    require(actor, "academy.revoke_certificate", certificate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    if certificate.revoked_at:
        raise ValidationError(_("This certificate is already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason[:500]
    certificate.save()
    return certificate


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    enrolment = certificate.enrolment
    course, person = enrolment.course, enrolment.official.person
    org = course.academy.organisation
    data = cert_engine.CertificateData(
        name_en=person.full_name_en(), name_zh=person.full_name_zh(),
        course_en=course.title_en or "", course_zh=course.title_zh_hans or "",
        academy_en=org.name_en or "", academy_zh=org.name_zh_hans or "",
        start=course.start_date, end=course.end_date, training_days=certificate.training_days,
        issued_on=timezone.localtime(certificate.issued_at).date(), code=certificate.code, verify_url=verify_url,
        revoked=not certificate.is_valid,
    )
    return cert_engine.certificate_pdf(data)


# --------------------------------------------------------------------------- impact


def impact_mark_stale() -> None:
    ImpactSnapshot.objects.filter(stale=False).update(stale=True)


def _figures_json(f: impact_engine.ImpactFigures) -> dict:
    return {"officials": f.officials, "population": f.population, "jurisdictions": f.jurisdictions,
            "companies": f.companies, "company_employees": f.company_employees,
            "jurisdictions_without_population": f.jurisdictions_without_population}


def impact_trainings() -> list[impact_engine.Training]:
    """One record per official per completed course they were confirmed in (2 queries + 1 for topics)."""
    topics_of: dict[int, set[int]] = defaultdict(set)
    for course_id, topic_id in CourseModule.objects.filter(course__status=CourseStatus.COMPLETED).values_list(
            "course_id", "module__topics"):
        if topic_id:
            topics_of[course_id].add(topic_id)
    frozen = {k: frozenset(v) for k, v in topics_of.items()}
    empty: frozenset[int] = frozenset()
    rows = Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED, course__status=CourseStatus.COMPLETED)
    return [impact_engine.Training(off, end, academy, course, frozen.get(course, empty), pos, jur, comp_, size)
            for off, end, academy, course, pos, jur, comp_, size in rows.values_list(
                "official_id", "course__end_date", "course__academy_id", "course_id", "position", "jurisdiction_id",
                "company_id", "company_employees").iterator(chunk_size=20000)]


def impact_refresh() -> ImpactSnapshot:
    """Compute the impact report from records and store it."""
    figures = [impact_engine.PopulationFigure(j, d, p) for j, d, p in
               JurisdictionPopulation.objects.values_list("jurisdiction_id", "valid_from", "population")]
    report = impact_engine.impact_report(impact_trainings(), figures)
    data = {
        "total": _figures_json(report.total),
        "by_year": {str(k): _figures_json(v) for k, v in report.by_year.items()},
        "cumulative_by_year": {str(k): _figures_json(v) for k, v in report.cumulative_by_year.items()},
        "by_academy": {str(k): _figures_json(v) for k, v in report.by_academy.items()},
        "by_topic": {str(k): _figures_json(v) for k, v in report.by_topic.items()},
    }
    snap, _c = ImpactSnapshot.objects.update_or_create(
        key="all", defaults={"data": data, "computed_at": timezone.now(), "stale": False})
    return snap


def impact_current() -> ImpactSnapshot:
    snap = ImpactSnapshot.objects.filter(key="all").first()
    if snap is None or snap.stale:
        snap = impact_refresh()
    return snap

