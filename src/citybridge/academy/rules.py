"""Permissions for Government Training. Lists are scoped by each model's visible_to(user)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from citybridge.core.rules import is_program_staff, is_signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from citybridge.core.models import Person, User

    from .models import Academy, Course, ExternalTraining, LecturerAvailability, LecturerProfile, OfficialProfile


def _coordinated(user: User | AnonymousUser) -> set[int]:
    return user.scoped_organisation_ids("academy_coordinator") if is_signed_in(user) else set()


@rules.predicate
def is_academy_coordinator(user: User | AnonymousUser) -> bool:
    return bool(is_signed_in(user) and user.has_role("academy_coordinator") and _coordinated(user))


@rules.predicate
def coordinates_academy(user: User | AnonymousUser, academy: Academy | Course | None) -> bool:
    """academy: an Academy, or a Course (its academy)."""
    if academy is None or not is_signed_in(user):
        return False
    org_id = academy.academy.organisation_id if hasattr(academy, "academy_id") else academy.organisation_id
    return org_id in _coordinated(user)


@rules.predicate
def teaches_in(user: User | AnonymousUser, course: Course | None) -> bool:
    if course is None or not is_signed_in(user) or not user.person_id or not user.has_role("lecturer"):
        return False
    return course.sessions.filter(lecturer_id=user.person_id).exists()


@rules.predicate
def coordinates_official(user: User | AnonymousUser, official: OfficialProfile | None) -> bool:
    """The official has a current (not withdrawn) enrolment in a course of an academy the user coordinates."""
    if official is None or not is_signed_in(user):
        return False
    ids = _coordinated(user)
    if not ids:
        return False
    cache = getattr(official, "_coordinator_orgs", None)
    if cache is None:
        cache = set(
            official.enrolments.exclude(status="withdrawn").values_list("course__academy__organisation_id", flat=True)
        )
        official._coordinator_orgs = cache
    return bool(cache & ids)


@rules.predicate
def may_change_record_official(user: User | AnonymousUser, record: ExternalTraining | None) -> bool:
    """record: anything with an `official` (external training): who may edit the official may edit it."""
    return record is not None and bool((is_program_staff | coordinates_official).test(user, record.official))


def person_is_shared(person: Person | None) -> bool:
    """The person is also someone else's record: a user account, a lecturer, a partner's contact… (anything
    pointing at them other than their official profile and history)."""
    if person is None or person.pk is None:
        return False
    for rel in person._meta.related_objects:
        model = rel.related_model
        if model._meta.label == "academy.OfficialProfile" or model.__name__.startswith("Historical"):
            continue
        if model._default_manager.filter(**{rel.field.name: person}).exists():
            return True
    return False


@rules.predicate
def may_edit_official_person(user: User | AnonymousUser, official: OfficialProfile | None) -> bool:
    """An official's names and contact: staff; a coordinator of the official only while the person is nobody
    else's record, unless core.change_person allows it."""
    if official is None or not is_signed_in(user):
        return False
    if not (is_program_staff | coordinates_official).test(user, official):
        return False
    return not person_is_shared(official.person) or user.has_perm("core.change_person", official.person)


rules.add_perm("academy.manage_curriculum", is_program_staff)
rules.add_perm("academy.view_curriculum", is_signed_in)
rules.add_perm("academy.add_course", is_program_staff | coordinates_academy)  # obj: the Academy
rules.add_perm("academy.view_course", is_program_staff | coordinates_academy | teaches_in)
rules.add_perm("academy.manage_course", is_program_staff | coordinates_academy)
rules.add_perm("academy.add_official", is_program_staff | is_academy_coordinator)
rules.add_perm("academy.view_official", is_program_staff | coordinates_official)
rules.add_perm("academy.change_official", is_program_staff | coordinates_official)
#: e-mail, phone, service dates: staff and the coordinators of the official's academies
rules.add_perm("academy.view_official_contact", is_program_staff | coordinates_official)
rules.add_perm("academy.view_compliance", is_program_staff | is_academy_coordinator)
rules.add_perm("academy.view_impact", is_program_staff | is_academy_coordinator)  # coordinators: their own
rules.add_perm("academy.revoke_certificate", is_program_staff)
rules.add_perm("academy.change_official_person", may_edit_official_person)
rules.add_perm("academy.add_external_training", is_program_staff | coordinates_official)  # obj: the official
rules.add_perm("academy.delete_external_training", may_change_record_official)  # obj: the record
rules.add_perm("academy.manage_duplicates", is_program_staff)


# --------------------------------------------------------------------------- lecturers and timetables (issue #11)


@rules.predicate
def is_the_lecturer(user: User | AnonymousUser, lecturer: LecturerProfile | LecturerAvailability | None) -> bool:
    """lecturer: a LecturerProfile, or anything with a ``lecturer`` (an availability window): the user is them."""
    if lecturer is None or not is_signed_in(user) or not user.person_id or not user.has_role("lecturer"):
        return False
    profile = getattr(lecturer, "lecturer", lecturer)
    return profile.person_id == user.person_id


rules.add_perm("academy.manage_lecturers", is_program_staff)  # the list, creating profiles


@rules.predicate
def has_lecturer_role(user: User | AnonymousUser) -> bool:
    return bool(is_signed_in(user) and user.has_role("lecturer"))


#: the menu's "My lecturer profile" (the page itself answers 404 to a lecturer without a profile)
rules.add_perm("academy.view_own_lecturer_profile", has_lecturer_role)
rules.add_perm("academy.view_lecturer", is_program_staff | is_the_lecturer)
rules.add_perm("academy.change_lecturer", is_program_staff | is_the_lecturer)  # also their availability
#: planning inputs and "Generate timetable" of one course: who manages the course
rules.add_perm("academy.plan_course", is_program_staff | coordinates_academy)
#: a season run spans academies: program staff only; so do the shared site-visit hosts
rules.add_perm("academy.plan_season", is_program_staff)
rules.add_perm("academy.manage_site_hosts", is_program_staff)
