"""The rules the academy services enforce, checked again on whatever is in the database: for data that did not come
through the services one write at a time (the demo, the benchmark generator). Each check names the service that
enforces the rule; `violations()` returns one line per broken record (empty when all is well)."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from citybridge.academy import services
from citybridge.academy.models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    Course,
    CourseModule,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Session,
)


def violations(*, limit: int = 20) -> list[str]:
    out: list[str] = []
    today = timezone.localdate()
    # course_create, session_save, enrolment_create, course_set_status: course length, rest days, module lengths,
    # class size (course_problems counts the class once the course has left planning)
    for course in Course.objects.all():
        out += [f"course {course.pk}: {p.code}" for p in services.course_problems(course) if p.is_error]
    # session_save: within the course, a module of the course (start before end is a database constraint)
    sessions = Session.objects.all()
    outside = sessions.filter(Q(date__lt=F("course__start_date")) | Q(date__gt=F("course__end_date")))
    out += [f"session {s.pk}: outside its course" for s in outside[:limit]]
    of_course = CourseModule.objects.filter(course=OuterRef("course"), module=OuterRef("module"))
    foreign = sessions.exclude(module=None).exclude(Exists(of_course))
    out += [f"session {s.pk}: module not part of the course" for s in foreign[:limit]]
    # attendance_record: a valid status, for an official in the class (confirmed, or withdrawn later), on a session
    # that has begun, in a course that was opened
    marks = Attendance.objects.all()
    out += [
        f"attendance {a.pk}: status {a.status!r}" for a in marks.exclude(status__in=AttendanceStatus.values)[:limit]
    ]
    out += [f"attendance {a.pk}: session not yet held" for a in marks.filter(session__date__gt=today)[:limit]]
    in_class = Enrolment.objects.filter(
        course=OuterRef("session__course"),
        official=OuterRef("official"),
        status__in=[EnrolmentStatus.CONFIRMED, EnrolmentStatus.WITHDRAWN],
    )
    out += [f"attendance {a.pk}: official not in the class" for a in marks.exclude(Exists(in_class))[:limit]]
    never_opened = marks.filter(session__course__status=CourseStatus.PLANNING)
    out += [f"attendance {a.pk}: course never opened" for a in never_opened[:limit]]
    # certificate_issue: a completed course, a confirmed enrolment, the training days the records give (at least one)
    certificates = Certificate.objects.select_related("enrolment__course", "enrolment__official__person")
    for cert in certificates[: limit * 50]:
        e = cert.enrolment
        if e.course.status != CourseStatus.COMPLETED:
            out.append(f"certificate {cert.pk}: course not completed")
        elif e.status != EnrolmentStatus.CONFIRMED:
            out.append(f"certificate {cert.pk}: enrolment not confirmed")
        elif cert.training_days == 0 or cert.training_days != services.course_training_days(e):
            out.append(f"certificate {cert.pk}: {cert.training_days} days, not what the attendance gives")
    return out
