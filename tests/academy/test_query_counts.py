"""List pages and endpoints: query counts pinned, the same for 3 rows and for 30."""

from __future__ import annotations

import pytest

from citybridge.academy import services
from citybridge.academy.models import Course

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db

LIMITS = {
    "/academy/": 9,  # one of them counts the confirmed enrolments of the page's courses only
    "/academy/courses/{course}/": 12,
    "/academy/courses/{course}/attendance/": 7,
    "/academy/behind/?year=2025": 8,  # was 18: the rows no longer name their courses (loaded when opened)
    "/academy/officials/": 7,
    "/academy/impact/": 6,
    "/api/v1/academy/courses": 4,
    "/api/v1/academy/courses/{course}/enrolments": 4,
    "/api/v1/academy/behind?year=2025": 7,
    "/api/v1/academy/officials": 4,
}


def build(n, staff, course, make_official, lecturer):
    from citybridge.academy.models import Jurisdiction

    fill_timetable(course, lecturer_person=lecturer.person)
    Course.objects.filter(pk=course.pk).update(status="open")
    course.refresh_from_db()
    for i in range(n):
        j = Jurisdiction.objects.create(name=f"City {i}", name_en=f"City {i}", province_en="Jiangsu")
        o = make_official(jurisdiction=j, province="Jiangsu")
        services.enrolment_create(actor=staff, course=course, official=o)
    sessions = list(course.sessions.all()[:4])
    services.attendance_record(
        actor=staff,
        course=course,
        marks=[services.Mark(e.official_id, s.pk, "present") for e in course.enrolments.all() for s in sessions],
    )
    services.compliance_prepare_year(year=2025)  # the background task's work (reads never prepare)
    services.impact_refresh()


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("path", list(LIMITS))
def test_query_count_does_not_grow(
    n, path, staff, coordinator, course, make_official, lecturer, client_for, api_for, django_assert_max_num_queries
):
    build(n, staff, course, make_official, lecturer)
    url = path.format(course=course.pk)
    user = staff if "impact" in url else coordinator
    client = api_for(user) if url.startswith("/api/") else client_for(user)
    client.get(url)  # warm (caches); the page itself writes nothing
    with django_assert_max_num_queries(LIMITS[path]):
        response = client.get(url)
    assert response.status_code == 200
