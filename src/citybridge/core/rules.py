"""Permissions as `rules` predicates. Object scope for lists lives in each model's `visible_to(user)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from .models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import Organisation, Person, User


@rules.predicate
def is_program_staff(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_program_staff)


@rules.predicate
def is_signed_in(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def scoped_to_organisation(user: User | AnonymousUser, organisation: Organisation | None) -> bool:
    """Academy coordinators, partners and solution providers manage their own organisation's record."""
    if organisation is None or not is_signed_in(user):
        return False
    return organisation.pk in user.scoped_organisation_ids()


@rules.predicate
def is_own_person(user: User | AnonymousUser, person: Person | None) -> bool:
    return bool(person is not None and is_signed_in(user) and user.person_id == person.pk)


@rules.predicate
def can_see_person_in_scope(user: User | AnonymousUser, person: Person | None) -> bool:
    return bool(person is not None and person.organisation_id and scoped_to_organisation(user, person.organisation))


def has_role(role: Role) -> rules.Predicate:
    @rules.predicate(name=f"has_role_{role}")
    def _has(user: User | AnonymousUser) -> bool:
        return bool(is_signed_in(user) and user.has_role(role))

    return _has


rules.add_perm("core.view_organisation", is_signed_in)
rules.add_perm("core.add_organisation", is_program_staff)
rules.add_perm("core.change_organisation", is_program_staff | scoped_to_organisation)
rules.add_perm("core.delete_organisation", is_program_staff)

rules.add_perm("core.view_person", is_program_staff | is_own_person | can_see_person_in_scope)
rules.add_perm("core.add_person", is_program_staff)
rules.add_perm("core.change_person", is_program_staff | is_own_person)
rules.add_perm("core.delete_person", is_program_staff)


@rules.predicate
def may_read_personal_data(user: User | AnonymousUser, person: Person | None) -> bool:
    """One rule with the lists: PersonQuerySet.personal_data_condition (selectors annotate it per row)."""
    if person is None or not is_signed_in(user):
        return False
    annotated = getattr(person, "personal_data_visible", None)
    if annotated is not None:
        return bool(annotated)
    from .models import Person

    return Person.objects.filter(pk=person.pk).filter(Person.objects.personal_data_condition(user)).exists()


#: e-mail, phone and notes: staff, the person themself, and — for people no app restricts — users scoped to their
#: organisation; officials' only for the coordinators of an academy where they have a non-withdrawn enrolment
rules.add_perm("core.view_person_contact", is_program_staff | is_own_person | may_read_personal_data)
#: privacy requests: export everything held about a person, erase it
rules.add_perm("core.privacy_person", is_program_staff)
