"""Query counts pinned on the results pages and endpoints and on the follow-up lists: the same for few rows and for
ten times as many."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from citybridge.outreach import services

from ._eval_fixtures import *  # noqa: F403
from ._eval_fixtures import answers, enrol

pytestmark = pytest.mark.django_db

#: the results pages read the per-year program totals (one query) for the comparison line
LIMITS = {
    "/outreach/results/": 10,
    "/outreach/results/lecturer/{lecturer}/": 10,
    "/outreach/results/course/{course}/": 10,
    "/outreach/results/academy/{academy}/": 10,
    "/outreach/courses/{course}/evaluations/": 8,
    "/outreach/follow-ups/": 6,
    "/outreach/follow-ups/mine/": 6,
    "/api/v1/outreach/evaluations/results/lecturer/{lecturer}": 9,
    "/api/v1/outreach/evaluations/courses/{course}/submissions": 7,
    "/api/v1/outreach/activities": 5,
    "/api/v1/outreach/activities/mine": 5,
}


def build(n, staff, ecourse, make_official, topics):
    today = timezone.localdate()
    for i in range(n):
        o = make_official()
        enrol(ecourse, o)
        score = 1 + i % 5
        services.evaluation_enter(
            actor=staff,
            course=ecourse,
            answers=answers(ecourse, {0: (score, score, score), 1: (3, 4, 5), 2: (2, 2, 2)}, comment=f"c{i}"),
            official=o,
            followup_topics=[topics[i % 2].pk],
        )
        a = services.activity_create(
            actor=staff,
            type="call",
            subject=f"Call {i}",
            assignee=staff,
            officials=[o],
            due_date=today + timedelta(days=i),
        )
        a.topics.set(topics)


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("path", list(LIMITS))
def test_query_count_does_not_grow(
    n, path, staff, ecourse, lecturer, make_official, topics, client_for, api_for, django_assert_max_num_queries
):
    build(n, staff, ecourse, make_official, topics)
    url = path.format(course=ecourse.pk, lecturer=lecturer.person_id, academy=ecourse.academy_id)
    client = api_for(staff) if url.startswith("/api/") else client_for(staff)
    client.get(url)  # warm (the program mean is cached)
    with django_assert_max_num_queries(LIMITS[path]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_lecturer_own_results_query_count(
    n, staff, ecourse, lecturer, make_official, topics, client_for, django_assert_max_num_queries
):
    build(n, staff, ecourse, make_official, topics)
    client = client_for(lecturer)
    url = f"/outreach/results/lecturer/{lecturer.person_id}/"
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
