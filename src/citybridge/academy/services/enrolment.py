"""Enrolment: enrol, withdraw, confirm from the waitlist."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.core.models import User

from .. import course_rules as cr
from ..models import (
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    OfficialProfile,
)
from ._common import _raise_problems, course_rules, require
from .impact import impact_mark_stale
from .summaries import compliance_refresh


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
    if (
        was_confirmed
        and promote_waitlist
        and course.status in (CourseStatus.PLANNING, CourseStatus.OPEN, CourseStatus.RUNNING)
    ):
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
    """Move a waitlisted official into the class, if there is room. A withdrawn enrolment is refused: bringing
    the official back is a new enrolment (enrolment_create), which checks the class size like any other."""
    course = enrolment.course
    require(actor, "academy.manage_course", course)
    Course.objects.select_for_update().get(pk=course.pk)
    _check_open_for_enrolment(course)
    enrolment.refresh_from_db(fields=["status", "withdrawn_at"])  # as it is now, under the course's lock
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError(
            _(
                "%(name)s has withdrawn from this course, so there is nothing to confirm. Enrol them again to bring them back."
            )
            % {"name": enrolment.official.person.display_name()}
        )
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
