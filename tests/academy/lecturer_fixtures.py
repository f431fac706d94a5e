"""Fixtures of the lecturer and timetable tests (issue #11): lecturer profiles, a second lecturer, a planned course
with modules and what they need. Imported by tests/academy/test_lecturers_*.py and test_timetable_app_*.py."""

from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def profile(lecturer, staff):
    """The `lecturer` user's profile (Steve Hammer), created by staff."""
    from citybridge.academy.services.lecturers import lecturer_create

    return lecturer_create(actor=staff, person=lecturer.person, languages=["en"], home_timezone="America/New_York")


@pytest.fixture
def other_lecturer(make_user, staff):
    """A second lecturer with a sign-in and a profile (Chen Li)."""
    from citybridge.academy.services.lecturers import lecturer_create
    from citybridge.core.models import Person

    person = Person.objects.create(
        family_name="Chen", family_name_en="Chen", given_name_en="Li", family_name_zh_hans="陈", given_name_zh_hans="丽"
    )
    user = make_user("lecturer", person=person, email="chen@example.org")
    lecturer_create(actor=staff, person=person, languages=["zh", "en"])
    return user


@pytest.fixture
def plan_course(academy, staff):
    """A 14-day course in planning (Mon 2 Mar – Sun 15 Mar 2026), two modules of 3 and 4 days."""
    from citybridge.academy.models import Course, CourseModule, Module

    course = Course.objects.create(
        academy=academy,
        title="Low-carbon cities",
        title_en="Low-carbon cities",
        title_zh_hans="低碳城市",
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 15),
        status="planning",
    )
    m1 = Module.objects.create(title="Green finance", title_en="Green finance", title_zh_hans="绿色金融", days=3)
    m2 = Module.objects.create(
        title="Buildings", title_en="Energy-efficient buildings", title_zh_hans="节能建筑", days=4
    )
    CourseModule.objects.create(course=course, module=m1, order=1)
    CourseModule.objects.create(course=course, module=m2, order=2)
    return course


def add_need(course, actor, module_index=0, **fields):
    from citybridge.academy.services.timetable import need_save

    cm = list(course.course_modules.order_by("order", "id"))[module_index]
    fields.setdefault("format", "lecture")
    fields.setdefault("count", 2)
    return need_save(actor=actor, course_module=cm, **fields)


@pytest.fixture
def generate(django_capture_on_commit_callbacks):
    """services.timetable.timetable_run_create through the real path: saved "queued", enqueued on commit, solved by
    the ImmediateBackend (tests' task backend); returns the run as stored afterwards."""
    from citybridge.academy.services.timetable import timetable_run_create

    def _generate(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            run = timetable_run_create(**kwargs)
        run.refresh_from_db()
        return run

    return _generate
