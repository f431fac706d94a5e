"""Permissions for Outreach (evaluations and follow-ups). Lists are scoped by each model's visible_to(user).

- Evaluation results: staff (everything), academy coordinators (their academies), lecturers (their own, aggregated,
  never an individual answer or an official's identity).
- Entering paper evaluations, opening links, translating comments: staff and the course's academy coordinators.
- Who filled in an evaluation (official, contact): staff only ("officials' personal data only for staff").
- Follow-ups: staff create and manage all; an assignee sees and updates their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from citybridge.academy.rules import coordinates_academy, is_academy_coordinator
from citybridge.core.rules import is_program_staff, is_signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from citybridge.core.models import User

    from .models import Activity


@rules.predicate
def is_lecturer(user: User | AnonymousUser) -> bool:
    return bool(is_signed_in(user) and user.person_id and user.has_role("lecturer"))


@rules.predicate
def coordinates_evaluation(user: User | AnonymousUser, obj: object) -> bool:
    """obj: a Course, an Evaluation or an EvaluationAnswer (its course's academy)."""
    if obj is None:
        return False
    course = obj if hasattr(obj, "academy_id") and not hasattr(obj, "evaluation_id") else obj.course
    return coordinates_academy(user, course)


@rules.predicate
def is_assignee(user: User | AnonymousUser, activity: Activity | None) -> bool:
    return bool(activity is not None and is_signed_in(user) and activity.assignee_id == user.pk)


rules.add_perm("outreach.view_results", is_program_staff | is_academy_coordinator | is_lecturer)
rules.add_perm("outreach.view_evaluations", is_program_staff | coordinates_evaluation)
rules.add_perm("outreach.enter_evaluation", is_program_staff | coordinates_evaluation)
rules.add_perm("outreach.manage_links", is_program_staff | coordinates_evaluation)
rules.add_perm("outreach.translate_comment", is_program_staff | coordinates_evaluation)
rules.add_perm("outreach.view_official_data", is_program_staff)
rules.add_perm("outreach.manage_activities", is_program_staff)
rules.add_perm("outreach.add_activity", is_program_staff)
rules.add_perm("outreach.view_activity", is_program_staff | is_assignee)
rules.add_perm("outreach.change_activity", is_program_staff | is_assignee)


# --------------------------------------------------------------------------- partners, events, public record
# Partners: staff manage everything; a partner's users (RoleMembership role "partner" scoped to the organisation)
# see their own partner record and engagements with aggregated attendance, never officials' names or contacts.


@rules.predicate
def is_partner_of(user: User | AnonymousUser, obj: object) -> bool:
    """obj: a Partner or an Engagement (its partner)."""
    if obj is None or not is_signed_in(user):
        return False
    partner = getattr(obj, "partner", obj)
    return partner.organisation_id in user.scoped_organisation_ids("partner")


rules.add_perm("outreach.manage_partners", is_program_staff)
rules.add_perm("outreach.view_partner", is_program_staff | is_partner_of)
rules.add_perm("outreach.manage_events", is_program_staff)
rules.add_perm("outreach.manage_public_record", is_program_staff)
