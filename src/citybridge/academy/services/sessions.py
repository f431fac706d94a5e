"""Sessions of a course."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from citybridge.core.concurrency import claim_version
from citybridge.core.models import Organisation, Person, User
from citybridge.core.rows import date_text
from citybridge.core.services import delete_or_refuse
from citybridge.core.validation import ErrorCollector, check_dates

from .. import course_rules as cr
from ..models import (
    Course,
    CourseStatus,
    EnrolmentStatus,
    Session,
)
from ._common import _clean_str, _raise_problems, course_rules, require
from .summaries import compliance_refresh


def session_lecturer_choices() -> QuerySet[Person]:
    """Who may teach a session: people whose user account has the lecturer role (the page form and the API)."""
    return Person.objects.filter(user__role_memberships__role="lecturer", user__is_active=True).distinct()


def session_partner_choices(course: Course) -> QuerySet[Organisation]:
    """Which organisations may host a session of this course: any organisation that is not a training academy."""
    return Organisation.objects.exclude(type="academy")


def _check_lecturer_and_partner(course: Course, session: Session) -> None:
    """Only re-checked when changed: a lecturer who later lost the role stays on the sessions they taught."""
    stored = Session.objects.filter(pk=session.pk).values("lecturer_id", "partner_id").first() if session.pk else {}
    stored = stored or {}
    if (
        session.lecturer_id
        and session.lecturer_id != stored.get("lecturer_id")
        and not session_lecturer_choices().filter(pk=session.lecturer_id).exists()
    ):
        raise ValidationError({"lecturer": _("Select a lecturer: a person with a lecturer's account.")})
    if (
        session.partner_id
        and session.partner_id != stored.get("partner_id")
        and not session_partner_choices(course).filter(pk=session.partner_id).exists()
    ):
        raise ValidationError({"partner": _("Select a partner organisation (not a training academy).")})


SESSION_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "format",
    "module",
    "title_en",
    "title_zh_hans",
    "lecturer",
    "site_en",
    "site_zh_hans",
    "partner",
)
#: the texts a None empties
_TEXT_FIELDS = ("title_en", "title_zh_hans", "site_en", "site_zh_hans")


@transaction.atomic
def session_save(
    *, actor: User, course: Course, session: Session | None = None, expected_version: int | None = None, **fields
) -> Session:
    """A new session (`session` None) or an edit, which needs the `expected_version` it started from."""
    require(actor, "academy.manage_course", course)
    if course.status in (CourseStatus.COMPLETED, CourseStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled course cannot be changed."))
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set.") for n in sorted(unknown)})
    session = session or Session(course=course)
    if session.course_id != course.pk:
        raise ValidationError(_("This session belongs to another course."))
    if session.pk:
        claim_version(session, expected_version)
    for k, v in fields.items():
        setattr(session, k, "" if v is None and k in _TEXT_FIELDS else _clean_str(v))
    errors = ErrorCollector()  # every problem at once, each on its field
    with errors.check():
        check_dates(date=session.date)
    with errors.check():
        _check_lecturer_and_partner(course, session)
    if session.date and not (course.start_date <= session.date <= course.end_date):
        errors.add(
            "date",
            _("The date must be within the course (%(start)s – %(end)s).")
            % {"start": date_text(course.start_date), "end": date_text(course.end_date)},
        )
    if session.start_time and session.end_time and session.end_time <= session.start_time:
        errors.add("end_time", _("The session must end after it starts."))
    if session.module_id and not course.course_modules.filter(module_id=session.module_id).exists():
        errors.add("module", _("This module is not part of the course."))
    with errors.check():
        session.full_clean(exclude=["title", "course"])
    errors.raise_if_any()
    other_dates = list(course.sessions.exclude(pk=session.pk).values_list("date", flat=True))
    _raise_problems(
        cr.check_rest_days(course.start_date, course.end_date, other_dates + [session.date], course_rules()), "date"
    )
    session.save()
    course_compliance_refresh(course, years={session.date.year})
    return session


@transaction.atomic
def session_delete(*, actor: User, session: Session) -> None:
    course = session.course
    require(actor, "academy.manage_course", course)
    if course.status in (CourseStatus.COMPLETED, CourseStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled course cannot be changed."))
    year = session.date.year
    # a session with lecture materials (their decks are tied to it) is refused, naming them, never a server error
    delete_or_refuse(session, _("This session cannot be deleted: %(records)s depend on it."))
    course_compliance_refresh(course, years={year})


def course_compliance_refresh(course: Course, years: set[int]) -> None:
    """Recompute the stored summaries of everyone enrolled in `course` (waitlist aside) for `years`: after any
    write that adds, moves or removes one of its sessions (here, the timetable engine, a partner's engagement)."""
    ids = list(course.enrolments.exclude(status=EnrolmentStatus.WAITLISTED).values_list("official_id", flat=True))
    if ids:
        compliance_refresh(official_ids=ids, years=years)
