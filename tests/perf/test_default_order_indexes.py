"""The default order of the course list and of the city registry (HTML and API) is an index of its own, so a page's
keys are walked in order instead of every course or listed city being sorted on each request (issue 9: 0.46 →
0.15 ms for the course page, 0.80 → 0.30 ms for a deep city page on the load benchmark's data). SQLite's plan is
read; PostgreSQL chooses by its statistics (on tables this small it may sort), so there only the order is checked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import RequestFactory

from citybridge.academy import selectors as academy_selectors
from citybridge.academy.models import Course
from citybridge.cities import selectors as city_selectors
from citybridge.cities.models import City
from citybridge.core.listing import sort_queryset

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " | ".join(str(row) for row in cursor.fetchall())


@pytest.fixture
def courses(staff):
    from citybridge.academy.models import Academy
    from citybridge.core.models import Organisation

    org = Organisation.objects.create(name_en="Academy", type="academy", country="CN")
    academy = Academy.objects.create(organisation=org)
    start = date(2025, 1, 6)
    made = []
    for i in range(12):  # pairs with the same start: the end date and then the key break the tie
        first = start + timedelta(days=7 * (i // 2))
        made.append(
            Course.objects.create(
                academy=academy, title_en=f"Course {i}", start_date=first, end_date=first + timedelta(days=i % 2 + 1)
            )
        )
    return made


def test_the_course_list_walks_its_dates_index(staff, courses):
    request = RequestFactory().get("/academy/")
    sorts = {"dates": ("start_date", "end_date")}
    qs, _sort = sort_queryset(request, academy_selectors.course_list(user=staff), sorts, "-dates")
    expected = sorted(courses, key=lambda c: (-c.start_date.toordinal(), -c.end_date.toordinal(), c.pk))
    assert list(qs.values_list("pk", flat=True)) == [c.pk for c in expected]
    if connection.vendor == "sqlite":
        for page in (qs[:5], qs.values("pk")[5:10]):
            found = plan(page)
            assert "academy_course_dates_idx" in found and "TEMP B-TREE" not in found, found


def test_the_city_registry_walks_its_listed_order_index(staff):
    for i in range(12):  # two cities per population: the key breaks the tie
        City.objects.create(name_en=f"City {i}", country="CN", population=1_000_000 - (i // 2) * 1000)
    merged = City.objects.create(name_en="A district", country="CN", population=5_000_000)
    City.objects.filter(pk=merged.pk).update(merged_into=City.objects.get(name_en="City 0"))
    qs = city_selectors.city_list(user=staff)
    listed = sorted(City.objects.filter(merged_into=None), key=lambda c: (-c.population, c.pk))
    assert list(qs.values_list("pk", flat=True)) == [c.pk for c in listed]  # the district is folded in, not listed
    if connection.vendor == "sqlite":
        for page in (qs[:5], qs.values("pk")[5:10]):
            found = plan(page)
            assert "cities_city_listed_order_idx" in found and "TEMP B-TREE" not in found, found
