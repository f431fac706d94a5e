"""The lecturer list page and endpoint: query counts pinned, the same for 3 lecturers and for 30 (each with topics,
an organisation, sessions taught and availability windows)."""

from __future__ import annotations

from datetime import date, time

import pytest

from citybridge.academy.models import LecturerAvailability, LecturerProfile, Session, Topic
from citybridge.core.models import Organisation, Person

pytestmark = pytest.mark.django_db

LIMITS = {
    "/academy/lecturers/": 6,
    "/api/v1/academy/lecturers": 5,
    "/academy/courses/{course}/timetable/": 14,
}


def build(n, course):
    topics = [Topic.objects.create(slug=f"t{i}", name_en=f"Topic {i}") for i in range(3)]
    org = Organisation.objects.create(name_en="World Bank", type="other", country="US")
    for i in range(n):
        p = Person.objects.create(family_name_en=f"Speaker{i}", given_name_en="A", organisation=org)
        prof = LecturerProfile.objects.create(person=p, organisation=org, languages=["en"], bio_en="", bio_zh_hans="")
        prof.topics.set(topics[: 1 + i % 3])
        LecturerAvailability.objects.create(lecturer=prof, start_date=date(2026, 3, 1), end_date=date(2026, 3, 31))
        Session.objects.create(
            course=course, date=date(2025, 3, 3 + i % 10), start_time=time(9), end_time=time(12), lecturer=p
        )


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("path", list(LIMITS))
def test_query_count_does_not_grow(n, path, staff, course, client_for, api_for, django_assert_max_num_queries):
    build(n, course)
    url = path.format(course=course.pk)
    client = api_for(staff) if url.startswith("/api/") else client_for(staff)
    client.get(url)  # warm
    with django_assert_max_num_queries(LIMITS[path]):
        response = client.get(url)
    assert response.status_code == 200
    if "lecturers" in url:
        body = response.content.decode()
        assert "Speaker0" in body and ("Speaker29" in body) == (n == 30)
