"""Permissions for lecture materials. Lists are scoped by Material.objects.visible_to(user)."""

from __future__ import annotations

import rules

from citybridge.core.models import User
from citybridge.core.rules import is_program_staff, is_signed_in

from .models import Material


@rules.predicate
def is_lecturer_of(user: User, material: Material | None) -> bool:
    return (
        bool(material is not None and is_signed_in(user) and user.person_id and user.has_role("lecturer"))
        and material.lecturer_id == user.person_id
    )


@rules.predicate
def is_assigned_translator(user: User, material: Material | None) -> bool:
    return (
        material is not None
        and is_signed_in(user)
        and user.has_role("translator")
        and material.translator_id == user.pk
        and material.state == "translation"
    )


@rules.predicate
def coordinates_material(user: User, material: Material | None) -> bool:
    if material is None or not is_signed_in(user):
        return False
    return material.session.course.academy.organisation_id in user.scoped_organisation_ids("academy_coordinator")


@rules.predicate
def before_approval(user: User, material: Material | None) -> bool:
    """The translation is still open: once the academy approves it (or later), what it approved stays as it was; a
    change goes back through translation (a new version of the deck does that itself)."""
    return material is not None and material.state in ("submitted", "adaptation", "translation")


@rules.predicate
def is_lecturer(user: User) -> bool:
    return bool(is_signed_in(user) and user.person_id and user.has_role("lecturer"))


@rules.predicate
def is_translator(user: User) -> bool:
    return bool(is_signed_in(user) and user.has_role("translator"))


rules.add_perm("materials.upload_material", is_program_staff | is_lecturer)
rules.add_perm("materials.upload_version", is_program_staff | is_lecturer_of)
rules.add_perm("materials.manage_material", is_program_staff)
rules.add_perm("materials.edit_segments", (is_program_staff & before_approval) | is_assigned_translator)
rules.add_perm("materials.approve_material", is_program_staff | coordinates_material)
rules.add_perm("materials.view_glossary", is_signed_in)
rules.add_perm("materials.manage_glossary", is_program_staff | is_translator)
