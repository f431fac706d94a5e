"""Attendance marks and the attendance sheet import."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.core.files import upload_limit
from citybridge.core.models import User
from citybridge.core.rows import date_text

from ..messages import roster_message
from ..models import (
    Attendance,
    AttendanceStatus,
    Course,
    CourseStatus,
    EnrolmentStatus,
)
from ._common import require
from .roster_import import ImportReport
from .summaries import compliance_refresh


@dataclass(frozen=True)
class Mark:
    official_id: int
    session_id: int
    status: str  # "" removes the mark


@transaction.atomic
def attendance_record(*, actor: User, course: Course, marks: Iterable[Mark]) -> int:
    """Save marks for a course's sessions; only officials enrolled (not waitlisted) may be marked. Returns changes."""
    require(actor, "academy.manage_course", course)
    if course.status not in (CourseStatus.OPEN, CourseStatus.RUNNING, CourseStatus.COMPLETED):
        raise ValidationError(
            _(
                "Attendance can be recorded once the course is “Open for enrolment” or later: change its status on the course page."
            )
        )
    marks = list(marks)
    sessions = {s.pk: s for s in course.sessions.all()}
    allowed = set(course.enrolments.exclude(status=EnrolmentStatus.WAITLISTED).values_list("official_id", flat=True))
    errors = []
    today = timezone.localdate()
    seen: set[tuple[int, int]] = set()
    for m in marks:
        if (m.official_id, m.session_id) in seen:
            errors.append(
                _("Official %(official)s is marked twice for session %(session)s.")
                % {"official": m.official_id, "session": m.session_id}
            )
            continue
        seen.add((m.official_id, m.session_id))
        if m.session_id not in sessions:
            errors.append(_("Session %(id)s is not part of this course.") % {"id": m.session_id})
        elif m.official_id not in allowed:
            errors.append(_("Official %(id)s is not enrolled in this course.") % {"id": m.official_id})
        elif m.status and m.status not in AttendanceStatus.values:
            errors.append(_("“%(value)s” is not an attendance status.") % {"value": m.status})
        elif m.status and sessions[m.session_id].date > today:  # only sessions that have begun (removing is fine)
            errors.append(
                _(
                    "Session %(id)s on %(date)s has not taken place yet: attendance is recorded from the "
                    "day of the session."
                )
                % {"id": m.session_id, "date": date_text(sessions[m.session_id].date)}
            )
    if errors:
        raise ValidationError(errors[:20])
    existing = {
        (a.official_id, a.session_id): a
        for a in Attendance.objects.filter(session__course=course, official_id__in={m.official_id for m in marks})
    }
    create, update, delete = [], [], []
    for m in marks:
        a = existing.get((m.official_id, m.session_id))
        if not m.status:
            if a:
                delete.append(a.pk)
        elif a is None:
            create.append(
                Attendance(official_id=m.official_id, session_id=m.session_id, status=m.status, recorded_by=actor)
            )
        elif a.status != m.status:
            a.status = m.status
            a.recorded_by = actor
            a.recorded_at = timezone.now()
            update.append(a)
    Attendance.objects.bulk_create(create, batch_size=1000)
    Attendance.objects.bulk_update(update, ["status", "recorded_by", "recorded_at"], batch_size=1000)
    Attendance.objects.filter(pk__in=delete).delete()
    changed = {(m.official_id) for m in marks}
    years = {sessions[m.session_id].date.year for m in marks}
    if create or update or delete:
        compliance_refresh(official_ids=list(changed), years=years)
    return len(create) + len(update) + len(delete)


def attendance_import(*, actor: User, course: Course, data: bytes) -> ImportReport:
    """Marks from a filled-in attendance sheet: all or nothing, with a per-line report in the user's language."""
    from ..attendance_sheet import parse_attendance_xlsx

    require(actor, "academy.manage_course", course)
    max_bytes = upload_limit()
    parsed = parse_attendance_xlsx(data, max_bytes=max_bytes)
    report = ImportReport(ok=False)
    for e in parsed.errors:
        report.errors.append({"line": e.line, "column": "", "message": roster_message(e)})  # type: ignore[arg-type]
    if report.errors:
        return report
    try:
        report.enrolled = attendance_record(
            actor=actor, course=course, marks=[Mark(o, s, st) for o, s, st in parsed.marks]
        )
    except ValidationError as exc:
        report.errors += [{"line": None, "column": "", "message": m} for m in exc.messages]
        return report
    report.ok = True
    return report
