"""Fixtures of the evaluation and follow-up tests: an academy (and another) with coordinators, two lecturers, a
running course with three lecture sessions and one dinner, officials enrolled, topics. Imported by each test module
(`from ._eval_fixtures import *`) so the partners' tests keep their own conftest."""

from __future__ import annotations

from datetime import date, time

import pytest

from tests.academy.conftest import (  # noqa: F401  (fixtures)
    academy,
    coordinator,
    lecturer,
    make_official,
    other_academy,
    other_coordinator,
)


@pytest.fixture
def other_lecturer(make_user, db):
    from citybridge.core.models import Person

    person = Person.objects.create(
        family_name="Li", family_name_en="Li", given_name_en="Wei", family_name_zh_hans="李", given_name_zh_hans="伟"
    )
    return make_user("lecturer", person=person, email="lecturer2@example.org")


@pytest.fixture
def topics(db):
    from citybridge.academy.models import Topic

    return [
        Topic.objects.create(slug="heat-pumps", name="Heat pumps", name_en="Heat pumps", name_zh_hans="热泵", order=1),
        Topic.objects.create(slug="solar", name="Solar", name_en="Solar", name_zh_hans="太阳能", order=2),
    ]


@pytest.fixture
def ecourse(academy, lecturer, other_lecturer):  # noqa: F811
    """A running course: sessions s1, s2 (lecturer), s3 (other lecturer), a dinner (not evaluated)."""
    from citybridge.academy.models import Course, Session

    course = Course.objects.create(
        academy=academy,
        title="Energy Smart Cities",
        title_en="Energy Smart Cities",
        title_zh_hans="能源智慧城市",
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 7),
        status="running",
    )
    for i, (d, who) in enumerate([(3, lecturer), (4, lecturer), (5, other_lecturer)], start=1):
        Session.objects.create(
            course=course,
            date=date(2025, 3, d),
            start_time=time(9),
            end_time=time(12),
            title_en=f"Lecture {i}",
            title_zh_hans=f"讲座 {i}",
            lecturer=who.person,
        )
    Session.objects.create(
        course=course, date=date(2025, 3, 5), start_time=time(18), end_time=time(20), format="dinner", title_en="Dinner"
    )
    return course


@pytest.fixture
def other_course(other_academy, lecturer):  # noqa: F811
    from citybridge.academy.models import Course, Session

    course = Course.objects.create(
        academy=other_academy,
        title="Other",
        title_en="Other course",
        start_date=date(2024, 5, 6),
        end_date=date(2024, 5, 8),
        status="completed",
    )
    Session.objects.create(
        course=course,
        date=date(2024, 5, 6),
        start_time=time(9),
        end_time=time(12),
        title_en="Elsewhere",
        lecturer=lecturer.person,
    )
    return course


def sessions(course):
    return list(course.sessions.exclude(format="dinner").order_by("date", "id"))


def enrol(course, official):
    from citybridge.academy.models import Enrolment

    return Enrolment.objects.create(course=course, official=official, status="confirmed", position=official.position)


def answers(course, scores, comment=""):
    """scores: {session_index: (relevance, delivery, expectations)} -> [AnswerIn]"""
    from citybridge.outreach.services import AnswerIn

    s = sessions(course)
    return [
        AnswerIn(session_id=s[i].pk, relevance=r, delivery=d, expectations=e, comment=comment)
        for i, (r, d, e) in scores.items()
    ]


def snapshot():
    """Every outreach row, to show a refused write changed nothing."""
    from citybridge.outreach.models import Activity, Evaluation, EvaluationAnswer, EvaluationLink

    return (
        list(Evaluation.objects.values_list("id", flat=True)),
        list(EvaluationAnswer.objects.values_list("id", "version", "comment_translation")),
        list(Activity.objects.values_list("id", "version", "status", "due_date")),
        list(EvaluationLink.objects.values_list("id", "active")),
    )
