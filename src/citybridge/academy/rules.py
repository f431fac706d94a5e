"""Permissions for Government Training. Lists are scoped by each model's visible_to(user)."""

from __future__ import annotations

import rules

from citybridge.core.rules import is_program_staff, is_signed_in


def _coordinated(user) -> set[int]:
    return user.scoped_organisation_ids("academy_coordinator") if is_signed_in(user) else set()


@rules.predicate
def is_academy_coordinator(user) -> bool:
    return bool(is_signed_in(user) and user.has_role("academy_coordinator") and _coordinated(user))


@rules.predicate
def coordinates_academy(user, academy) -> bool:
    """academy: an Academy, or a Course (its academy)."""
    if academy is None or not is_signed_in(user):
        return False
    org_id = academy.academy.organisation_id if hasattr(academy, "academy_id") else academy.organisation_id
    return org_id in _coordinated(user)


@rules.predicate
def teaches_in(user, course) -> bool:
    if course is None or not is_signed_in(user) or not user.person_id or not user.has_role("lecturer"):
        return False
    return course.sessions.filter(lecturer_id=user.person_id).exists()


@rules.predicate
def coordinates_official(user, official) -> bool:
    """The official has an enrolment (any status) in a course of an academy the user coordinates."""
    if official is None or not is_signed_in(user):
        return False
    ids = _coordinated(user)
    if not ids:
        return False
    cache = getattr(official, "_coordinator_orgs", None)
    if cache is None:
        cache = set(official.enrolments.values_list("course__academy__organisation_id", flat=True))
        official._coordinator_orgs = cache
    return bool(cache & ids)


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
rules.add_perm("academy.view_impact", is_program_staff)
rules.add_perm("academy.revoke_certificate", is_program_staff)
