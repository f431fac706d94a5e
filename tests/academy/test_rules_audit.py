"""tests/academy/rules_audit.py re-checks the services' rules on stored data (the demo and the benchmark generator
write past the services in bulk). A class built through the services passes; each rule broken behind the services'
back, one at a time, is reported."""

from datetime import time

import pytest
from django.db import transaction

from citybridge.academy import services
from citybridge.academy.models import Attendance, Certificate, Course, Enrolment, Session

from .conftest import fill_timetable
from .rules_audit import violations

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(course, staff, make_official):
    """The conftest course (2025-03-03 – 03-16, open): 24 sessions, 30 officials enrolled, marked and certified."""
    sessions = fill_timetable(course)
    officials = [make_official() for _ in range(30)]
    for o in officials:
        services.enrolment_create(actor=staff, course=course, official=o)
    marks = [services.Mark(official_id=o.pk, session_id=s.pk, status="present") for o in officials for s in sessions]
    services.attendance_record(actor=staff, course=course, marks=marks)
    services.course_set_status(actor=staff, course=course, status="running")
    services.course_set_status(actor=staff, course=course, status="completed")
    issued, skipped = services.certificate_issue_all(actor=staff, course=course)
    assert (issued, skipped) == (30, 0)
    return {"course": course, "sessions": sessions, "officials": officials}


def _stranger_marked(w, make_official):
    Attendance.objects.create(official=make_official(), session=w["sessions"][0], status="present")


def _bad_status(w, make_official):
    Attendance.objects.filter(session=w["sessions"][0]).update(status="asleep")


def _days_inflated(w, make_official):
    # 12 training days (2 sessions a day, 6 days a week, 2 weeks) recorded as 13
    Certificate.objects.filter(pk=Certificate.objects.first().pk).update(training_days=13)


def _certificate_on_a_running_course(w, make_official):
    Course.objects.filter(pk=w["course"].pk).update(status="running")


def _class_over_max(w, make_official):
    # 30 in the class + 26 = 56 > class_max 55
    Enrolment.objects.bulk_create(
        [Enrolment(course=w["course"], official=make_official(), status="confirmed") for _ in range(26)]
    )


def _session_outside_the_course(w, make_official):
    s = w["sessions"][-1]
    Session.objects.filter(pk=s.pk).update(date=s.course.end_date.replace(day=17))


def _no_rest_day(w, make_official):
    # 2025-03-09 is the first week's rest day (day 7 from Monday 03-03)
    s = w["sessions"][0]
    Session.objects.create(
        course=s.course, date=s.course.start_date.replace(day=9), start_time=time(9), end_time=time(12)
    )


BREAKS = [
    (_stranger_marked, "not in the class"),
    (_bad_status, "status 'asleep'"),
    (_days_inflated, "not what the attendance gives"),
    (_certificate_on_a_running_course, "course not completed"),
    (_class_over_max, "class_over_max"),
    (_session_outside_the_course, "outside its course"),
    (_no_rest_day, "rest"),
]


def test_a_class_built_through_the_services_passes_and_each_broken_rule_is_reported(completed, make_official):
    assert violations() == []
    for breaks, reported in BREAKS:  # one at a time, each undone before the next
        with transaction.atomic():
            breaks(completed, make_official)
            found = violations()
            transaction.set_rollback(True)
        assert any(reported in line for line in found), (breaks.__name__, found)
        assert violations() == []


def test_benchmark_data_keeps_the_rules():
    """The generator writes in bulk (past the services, for speed) but must write what the services would accept."""
    from citybridge.academy.generator import generate

    # 2,000 marks at 45 officials x 24 sessions (1,080 a course) = 2 courses
    out = generate(officials=300, attendance=2000, seed=3)
    assert out["courses"] == 2
    assert violations() == []
