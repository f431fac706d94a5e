"""Officials, their jurisdictions and population figures."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.core.concurrency import bump_version, claim_version
from citybridge.core.han import has_han
from citybridge.core.models import Organisation, Person, User
from citybridge.core.provinces import province_code
from citybridge.core.services import refuse_if_erased
from citybridge.core.validation import ErrorCollector, check_dates

from ..models import (
    Course,
    DuplicateReason,
    Jurisdiction,
    JurisdictionPopulation,
    OfficialProfile,
    Position,
    PossibleDuplicate,
)
from ._common import require
from .enrolment import enrolment_create
from .impact import impact_mark_stale
from .summaries import _add_prepared_years, compliance_refresh

if TYPE_CHECKING:
    from django.db.models import QuerySet


def _jurisdiction_get_or_create(*, name: str, province: str = "", country: str = "CN") -> Jurisdiction:
    """Match by name in either language within the province (either language); create otherwise."""
    name, province = (name or "").strip(), (province or "").strip()
    is_zh = has_han(name)
    qs = Jurisdiction.objects.filter(Q(name_en__iexact=name) | Q(name_zh_hans=name), country=country)
    if province:  # "Hebei", "河北省" and "Hebei Province" are one province (core.provinces)
        code = province_code(province, country)
        same = Q(province_en__iexact=province) | Q(province_zh_hans=province)
        qs = qs.filter(same | Q(province_code=code) if code else same)
    found = qs.first()
    if found:
        return found
    prov_zh = has_han(province)
    return Jurisdiction.objects.create(
        name=name,
        name_en="" if is_zh else name,
        name_zh_hans=name if is_zh else "",
        province=province,
        province_en="" if prov_zh else province,
        province_zh_hans=province if prov_zh else "",
        country=country,
    )


def _population_record(*, jurisdiction: Jurisdiction, population: int, valid_from: date, source: str = "") -> None:
    check_dates(population_date=valid_from)
    JurisdictionPopulation.objects.update_or_create(
        jurisdiction=jurisdiction, valid_from=valid_from, defaults={"population": population, "source": source}
    )
    impact_mark_stale()


OFFICIAL_FIELDS = ("position", "jurisdiction", "company", "company_employees", "service_start")
#: official_update called by official_update_with_person, which has checked the version already
_CLAIMED = object()


def _official_province(official: OfficialProfile) -> str:
    if official.jurisdiction_id:
        j = official.jurisdiction
        return j.province_en or j.province_zh_hans or ""
    org = official.person.organisation if official.person_id else None
    return (org.province_en or org.province_zh_hans or "") if org else ""


def _validate_official(official: OfficialProfile) -> None:
    errors = ErrorCollector()  # every problem at once, each on its field
    if official.position not in Position.values:
        errors.add("position", _("Select a valid position."))
    with errors.check():
        check_dates(service_start=official.service_start)
    if official.service_start and official.service_start > timezone.localdate():
        errors.add("service_start", _("The date service began cannot be in the future."))
    if official.company_id and official.company.type not in ("soe", "company"):
        errors.add("company", _("The company must be an organisation of type company or SOE."))
    errors.raise_if_any()


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
def official_update(
    *, actor: User, official: OfficialProfile, expected_version: int | None = None, **fields
) -> OfficialProfile:
    require(actor, "academy.change_official", official)
    if expected_version is not _CLAIMED:
        claim_version(official, expected_version)
    _official_write(official, fields)
    compliance_refresh(official_ids=[official.pk])
    return official


@transaction.atomic
def official_update_with_person(
    *,
    actor: User,
    official: OfficialProfile,
    family_name_en: str = "",
    given_name_en: str = "",
    family_name_zh_hans: str = "",
    given_name_zh_hans: str = "",
    organisation: Organisation | None = None,
    email: str = "",
    phone: str = "",
    position: str,
    jurisdiction: str = "",
    province: str = "",
    population: int | None = None,
    population_date: date | None = None,
    company: Organisation | None = None,
    company_employees: int | None = None,
    service_start: date | None = None,
    expected_version: int | None = None,
    expected_person_version: int | None = None,
) -> OfficialProfile:
    """The official's page form: names and contact on the person, the rest on the profile, in one transaction.

    `expected_version` is the profile's; the person's (`expected_person_version`) is checked when given, and the
    person's version moves on either way, so an edit of the person's own page started before is refused."""
    require(actor, "academy.change_official", official)
    claim_version(official, expected_version)
    if expected_person_version is not None:
        claim_version(official.person, expected_person_version)
    else:
        bump_version(official.person)
    check_dates(population_date=population_date, service_start=service_start)
    person_fields = dict(
        family_name_en=family_name_en,
        given_name_en=given_name_en,
        family_name_zh_hans=family_name_zh_hans,
        given_name_zh_hans=given_name_zh_hans,
        organisation=organisation if actor.is_program_staff else official.person.organisation,
        email=email,
        phone=phone,
    )
    if _person_changes(official.person, person_fields):
        refuse_if_erased(official.person)
        if not actor.has_perm("academy.change_official_person", official):
            raise ValidationError(
                _(
                    "This person is also another record (for example a partner's contact or a user "
                    "account): only program staff can change their names and contact details."
                )
            )
    _official_person_save(
        official.person, actor=actor, jurisdiction=jurisdiction, population=population, **person_fields
    )
    j = _official_jurisdiction(
        jurisdiction=jurisdiction, province=province, population=population, population_date=population_date
    )
    return official_update(
        actor=actor,
        official=official,
        position=position,
        jurisdiction=j,
        company=company,
        company_employees=company_employees,
        service_start=service_start,
        expected_version=_CLAIMED,
    )


def _person_changes(person: Person, fields: dict) -> bool:
    """Would saving these names, organisation and contact change the person record?"""

    def norm(v: object) -> object:
        return (v or "").strip() if isinstance(v, str) or v is None else v

    current = {k: getattr(person, k) for k in fields if k != "organisation"}
    if fields.get("organisation") != person.organisation:
        return True
    return any(norm(current[k]) != norm(v) for k, v in fields.items() if k != "organisation")


def _email_scope(actor: User) -> QuerySet[Person]:
    """Whose e-mail addresses an actor's input is checked against: staff, everyone; a coordinator, only the people
    in their scope (an address used outside it is never revealed to them)."""
    from .roster_import import _match_scope

    return _match_scope(actor)


def _official_person_save(
    person: Person,
    *,
    actor: User,
    family_name_en: str,
    given_name_en: str,
    family_name_zh_hans: str,
    given_name_zh_hans: str,
    organisation: Organisation | None,
    email: str,
    phone: str,
    jurisdiction: str,
    population: int | None,
) -> Person:
    """Validate and save an official's person record (names in both languages, organisation, contact)."""
    if not ((family_name_en or "").strip() or (family_name_zh_hans or "").strip()):
        raise ValidationError({"family_name_en": _("Give the family name in at least one language.")})
    email = (email or "").strip()
    if email and _email_scope(actor).filter(email__iexact=email).exclude(pk=person.pk).exists():
        raise ValidationError({"email": _("A person with this e-mail address already exists.")})
    if population is not None and not (jurisdiction or "").strip():
        raise ValidationError(
            {"jurisdiction": _("A population is given but no jurisdiction: add the jurisdiction the official leads.")}
        )
    person.family_name_en, person.given_name_en = (family_name_en or "").strip(), (given_name_en or "").strip()
    person.family_name_zh_hans = (family_name_zh_hans or "").strip() or None
    person.given_name_zh_hans = (given_name_zh_hans or "").strip() or None
    person.organisation = organisation
    person.email, person.phone = email, (phone or "").strip()
    person.full_clean(exclude=["family_name"])
    person.save()
    return person


def _official_jurisdiction(
    *, jurisdiction: str, province: str, population: int | None, population_date: date | None
) -> Jurisdiction | None:
    """The jurisdiction an official leads (found or created), with its population recorded when given."""
    j = _jurisdiction_get_or_create(name=jurisdiction, province=province) if (jurisdiction or "").strip() else None
    if j is not None and population is not None:
        _population_record(jurisdiction=j, population=population, valid_from=population_date or timezone.localdate())
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
    *,
    actor: User,
    family_name_en: str = "",
    given_name_en: str = "",
    family_name_zh_hans: str = "",
    given_name_zh_hans: str = "",
    organisation: Organisation | None = None,
    email: str = "",
    phone: str = "",
    position: str,
    jurisdiction: str = "",
    province: str = "",
    population: int | None = None,
    population_date: date | None = None,
    company: Organisation | None = None,
    company_employees: int | None = None,
    service_start: date | None = None,
    course: Course | None = None,
    waitlist: bool = False,
) -> OfficialProfile:
    """A new person with an official profile, enrolled in `course` when given, in one transaction.

    Academy coordinators add officials only into one of their courses (so that the official stays visible to them);
    the check comes before anything is written. Core people are staff's."""
    require(actor, "academy.add_official")
    if course is not None:
        require(actor, "academy.manage_course", course)
    elif not actor.is_program_staff:
        raise PermissionDenied(_("Add the official to one of your courses."))
    check_dates(population_date=population_date, service_start=service_start)
    person = _official_person_save(
        Person(),
        actor=actor,
        family_name_en=family_name_en,
        given_name_en=given_name_en,
        family_name_zh_hans=family_name_zh_hans,
        given_name_zh_hans=given_name_zh_hans,
        organisation=organisation,
        email=email,
        phone=phone,
        jurisdiction=jurisdiction,
        population=population,
    )
    j = _official_jurisdiction(
        jurisdiction=jurisdiction, province=province, population=population, population_date=population_date
    )
    official = official_create(
        actor=actor,
        person=person,
        position=position,
        jurisdiction=j,
        company=company,
        company_employees=company_employees,
        service_start=service_start,
    )
    _flag_outside_email(actor, official, course)
    if course is not None:
        enrolment_create(actor=actor, course=course, official=official, waitlist=waitlist)
    return official


def _flag_outside_email(actor: User, official: OfficialProfile, course: Course | None) -> None:
    """A coordinator's new official whose e-mail an official outside their scope has: a possible duplicate for
    program staff (the coordinator is told nothing)."""
    email = official.person.email
    if actor.is_program_staff or not email:
        return
    other = (
        OfficialProfile.objects.filter(person__email__iexact=email)
        .exclude(pk=official.pk)
        .exclude(person__in=_email_scope(actor))
        .first()
    )
    if other is not None:
        PossibleDuplicate.objects.create(
            new_official=official,
            existing_official=other,
            reason=DuplicateReason.EMAIL,
            course=course,
            created_by=actor,
        )
