"""Possible duplicates found by coordinators' imports: program staff merge or dismiss them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.core.models import User

from ..models import (
    Attendance,
    DuplicateResolution,
    Enrolment,
    ExternalTraining,
    OfficialProfile,
    PossibleDuplicate,
)
from ..rules import person_is_shared
from ._common import require
from .impact import impact_mark_stale
from .summaries import compliance_refresh


def _open(duplicate: PossibleDuplicate) -> PossibleDuplicate:
    duplicate = PossibleDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.resolved_at is not None:
        raise ValidationError(_("This possible duplicate is already resolved."))
    return duplicate


def _resolve(duplicate: PossibleDuplicate, actor: User, resolution: str) -> PossibleDuplicate:
    duplicate.resolved_at = timezone.now()
    duplicate.resolution = resolution
    duplicate.resolved_by = actor
    duplicate.save(update_fields=["resolved_at", "resolution", "resolved_by"])
    return duplicate


@transaction.atomic
def duplicate_dismiss(*, actor: User, duplicate: PossibleDuplicate) -> PossibleDuplicate:
    """They are two different people: keep both officials."""
    require(actor, "academy.manage_duplicates", duplicate)
    return _resolve(_open(duplicate), actor, DuplicateResolution.DISMISSED)


def _merge_conflicts(new: OfficialProfile, existing: OfficialProfile) -> list[str]:
    both = Enrolment.objects.filter(official=new, course__enrolments__official=existing).select_related("course")
    courses = [e.course.display_name() for e in both]
    sessions = Attendance.objects.filter(official=new, session__attendance__official=existing)
    if sessions.exists() and not courses:
        courses = sorted({a.session.course.display_name() for a in sessions.select_related("session__course")})
    return courses


@transaction.atomic
def duplicate_merge(*, actor: User, duplicate: PossibleDuplicate) -> OfficialProfile:
    """The same person: move the new official's enrolments, attendance and external training onto the existing
    official and remove the new record. Refused, with nothing changed, when both are in the same course."""
    require(actor, "academy.manage_duplicates", duplicate)
    duplicate = _open(duplicate)
    new, existing = duplicate.new_official, duplicate.existing_official
    if new is None:
        raise ValidationError(_("The new official no longer exists; dismiss this possible duplicate instead."))
    conflicts = _merge_conflicts(new, existing)
    if conflicts:
        raise ValidationError(
            _(
                "These officials cannot be merged: both are enrolled in %(courses)s. Withdraw and "
                "remove one of the enrolments first, or dismiss."
            )
            % {"courses": ", ".join(conflicts)}
        )
    for e in Enrolment.objects.filter(official=new):
        e.official = existing
        e.save()
    Attendance.objects.filter(official=new).update(official=existing)
    for rec in ExternalTraining.objects.filter(official=new):
        rec.official = existing
        rec.save()
    others = PossibleDuplicate.objects.filter(new_official=new, resolved_at__isnull=True).exclude(pk=duplicate.pk)
    for other in others:
        _resolve(other, actor, DuplicateResolution.DISMISSED)
    _resolve(duplicate, actor, DuplicateResolution.MERGED)
    person = new.person
    new.delete()
    if not person_is_shared(person):
        person.delete()
    compliance_refresh(official_ids=[existing.pk])
    impact_mark_stale()
    return existing
