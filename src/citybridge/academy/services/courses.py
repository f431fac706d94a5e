"""Courses: create, edit, change status."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.core.concurrency import claim_version
from citybridge.core.models import User
from citybridge.core.validation import ErrorCollector, check_dates

from .. import course_rules as cr
from ..models import (
    COURSE_TRANSITIONS,
    Academy,
    Course,
    CourseModule,
    CourseStatus,
    EnrolmentStatus,
    Module,
)
from ._common import _bilingual_required, _clean_str, _raise_problems, course_rules, require
from .impact import impact_mark_stale

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
def course_update(
    *,
    actor: User,
    course: Course,
    modules: Iterable[Module] | None = None,
    expected_version: int | None = None,
    **fields,
) -> Course:
    require(actor, "academy.manage_course", course)
    if course.status in (CourseStatus.COMPLETED, CourseStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled course cannot be changed."))
    claim_version(course, expected_version)
    return _course_write(course, fields, modules)


def _course_write(course: Course, fields: dict, modules: Iterable[Module] | None) -> Course:
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set.") for n in sorted(unknown)})
    for k, v in fields.items():
        setattr(course, k, _clean_str(v) if v is not None or k in ("start_date", "end_date") else "")
    errors = ErrorCollector()  # every problem at once, each on its field
    with errors.check():
        _bilingual_required({"title_en": course.title_en, "title_zh_hans": course.title_zh_hans}, "title")
    with errors.check():
        check_dates(start_date=course.start_date, end_date=course.end_date)
    if course.start_date and course.end_date and not (errors.has("start_date") or errors.has("end_date")):
        problems = cr.check_course_dates(course.start_date, course.end_date, course_rules())
        if course.pk:
            problems += [p for p in _course_problems(course) if p.code == "session.outside_course"]
        with errors.check():
            _raise_problems(problems, "end_date")
    with errors.check():  # the dates constraint is reported above in words, not by its name
        course.full_clean(
            exclude=["title", "location", "modules", "status"], validate_constraints=not errors.has("end_date")
        )
    errors.raise_if_any()
    course.save()
    if modules is not None:
        course.course_modules.all().delete()
        CourseModule.objects.bulk_create(
            [CourseModule(course=course, module=m, order=i) for i, m in enumerate(modules)]
        )
    return course


def course_next_statuses(*, actor: User, course: Course) -> list[str]:
    """The statuses this user may move the course to: the transitions, and for program staff the reopening of a
    cancelled course (cancelled → planning)."""
    allowed = set(COURSE_TRANSITIONS.get(course.status, set()))
    if course.status == CourseStatus.CANCELLED and actor.is_program_staff:
        allowed.add(CourseStatus.PLANNING)
    return sorted(allowed)


@transaction.atomic
def course_set_status(*, actor: User, course: Course, status: str) -> Course:
    require(actor, "academy.manage_course", course)
    passed, course = course, Course.objects.select_for_update().get(pk=course.pk)
    if course.status == CourseStatus.CANCELLED and status == CourseStatus.PLANNING and not actor.is_program_staff:
        raise ValidationError({"status": _("Only program staff can reopen a cancelled course.")})
    if status not in course_next_statuses(actor=actor, course=course):
        raise ValidationError(
            {
                "status": _("A course cannot go from “%(old)s” to “%(new)s”.")
                % {"old": course.get_status_display(), "new": dict(CourseStatus.choices).get(status, status)}
            }
        )
    if status in (CourseStatus.OPEN, CourseStatus.RUNNING):
        _raise_problems([p for p in _course_problems(course) if p.code != "course.class_over_max"], "status")
    if status == CourseStatus.COMPLETED and course.end_date > timezone.localdate():
        raise ValidationError({"status": _("A course can be completed only after its last day.")})
    course.status = passed.status = status
    course.save(update_fields=["status", "updated_at"])
    impact_mark_stale()
    return course
