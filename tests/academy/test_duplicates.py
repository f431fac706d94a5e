"""Possible duplicates: only program staff see them; dismiss keeps both, merge moves the records or refuses."""

from __future__ import annotations

import json
from datetime import date

import pytest

from citybridge.academy import services
from citybridge.academy.models import (
    Attendance,
    Course,
    Enrolment,
    ExternalTraining,
    OfficialProfile,
    PossibleDuplicate,
)
from citybridge.academy.roster import rows_to_csv
from tests.chinese import has_chinese

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in Chinese leaves the thread's language active; later tests call services directly."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def world(staff, coordinator, other_coordinator, other_academy, course, make_official):
    o1 = make_official()
    services.enrolment_create(actor=staff, course=course, official=o1)
    other_course = Course.objects.create(
        academy=other_academy,
        title="Other",
        title_en="Other course",
        start_date=date(2025, 4, 7),
        end_date=date(2025, 4, 20),
        status="open",
    )
    report = services.roster_import(
        actor=other_coordinator,
        filename="r.csv",
        course=other_course,
        data=rows_to_csv(
            [{"family_name_en": "Someone", "given_name_en": "New", "position": "mayor", "email": o1.person.email}]
        ),
    )
    assert report.ok, report.errors
    dup = PossibleDuplicate.objects.get()
    return {
        "staff": staff,
        "coordinator": coordinator,
        "other": other_coordinator,
        "course": course,
        "other_course": other_course,
        "o1": o1,
        "dup": dup,
        "new": dup.new_official,
    }


@pytest.mark.parametrize("role", ["coordinator", "other"])
def test_only_staff_see_duplicates(world, client_for, api_for, role):
    assert client_for(world[role]).get("/academy/duplicates/").status_code == 403
    assert api_for(world[role]).get("/api/v1/academy/duplicates").status_code == 403
    # a duplicate is an object only staff can see: outside scope is 404, the list page (no object) 403
    assert client_for(world[role]).post(f"/academy/duplicates/{world['dup'].pk}/merge/").status_code == 404
    r = api_for(world[role]).post(f"/api/v1/academy/duplicates/{world['dup'].pk}/dismiss")
    assert r.status_code == 404
    assert PossibleDuplicate.objects.open().count() == 1


def test_staff_list_page_and_api(world, client_for, api_for):
    page = client_for(world["staff"]).get("/academy/duplicates/").content.decode()
    assert world["o1"].person.display_name() in page and "Same e-mail address" in page
    body = api_for(world["staff"]).get("/api/v1/academy/duplicates").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["reason"], item["existing_official"]["id"], item["new_official"]["id"]) == (
        "email",
        world["o1"].pk,
        world["new"].pk,
    )


def test_dismiss_over_api_keeps_both(world, api_for):
    r = api_for(world["staff"]).post(f"/api/v1/academy/duplicates/{world['dup'].pk}/dismiss")
    assert r.status_code == 200 and r.json()["resolution"] == "dismissed"
    assert OfficialProfile.objects.filter(pk__in=[world["o1"].pk, world["new"].pk]).count() == 2
    assert api_for(world["staff"]).get("/api/v1/academy/duplicates").json()["count"] == 0
    # resolved: not again
    assert api_for(world["staff"]).post(f"/api/v1/academy/duplicates/{world['dup'].pk}/merge").status_code == 404


@pytest.mark.parametrize("how", ["page", "api"])
def test_merge_moves_enrolments_attendance_and_external_training(world, client_for, api_for, how):
    from datetime import time

    from citybridge.academy.models import Session

    new, o1 = world["new"], world["o1"]
    s = Session.objects.create(
        course=world["other_course"], date=date(2025, 4, 7), start_time=time(9), end_time=time(12)
    )
    Attendance.objects.create(official=new, session=s, status="present")
    ExternalTraining.objects.create(
        official=new,
        provider="P",
        title="T",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 1, 2),
        days=2,
        evidence_reference="E",
    )
    if how == "page":
        r = client_for(world["staff"]).post(f"/academy/duplicates/{world['dup'].pk}/merge/", follow=True)
        assert "were merged" in r.content.decode()
    else:
        r = api_for(world["staff"]).post(f"/api/v1/academy/duplicates/{world['dup'].pk}/merge")
        assert r.status_code == 200 and r.json()["resolution"] == "merged"
    assert not OfficialProfile.objects.filter(pk=new.pk).exists()
    assert Enrolment.objects.get(course=world["other_course"]).official_id == o1.pk
    assert Attendance.objects.get(session=s).official_id == o1.pk
    assert ExternalTraining.objects.get(title="T").official_id == o1.pk
    dup = PossibleDuplicate.objects.get()
    assert dup.resolution == "merged" and dup.resolved_by == world["staff"]


def test_merge_refused_when_both_are_in_the_same_course(world, client_for, staff):
    services.enrolment_create(actor=staff, course=world["other_course"], official=world["o1"])
    r = client_for(staff).post(f"/academy/duplicates/{world['dup'].pk}/merge/", follow=True)
    assert "cannot be merged" in r.content.decode() and "Other course" in r.content.decode()
    assert OfficialProfile.objects.filter(pk=world["new"].pk).exists()
    assert PossibleDuplicate.objects.open().count() == 1


def test_merge_refusal_in_chinese(world, api_for, staff):
    services.enrolment_create(actor=staff, course=world["other_course"], official=world["o1"])
    r = api_for(staff, "zh-hans").post(f"/api/v1/academy/duplicates/{world['dup'].pk}/merge")
    assert r.status_code == 422
    assert has_chinese(r.json()["errors"][0]["message"])


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("path,limit", [("/academy/duplicates/", 8), ("/api/v1/academy/duplicates", 4)])
def test_duplicate_lists_query_count_does_not_grow(
    n, path, limit, staff, make_official, client_for, api_for, django_assert_max_num_queries
):
    for _i in range(n):
        PossibleDuplicate.objects.create(new_official=make_official(), existing_official=make_official(), reason="name")
    client = api_for(staff) if path.startswith("/api/") else client_for(staff)
    client.get(path)  # warm the session and the permission caches
    with django_assert_max_num_queries(limit):
        r = client.get(path)
    assert r.status_code == 200


def test_coordinator_adding_one_official_with_an_outside_email(world, api_for, make_official):
    """No "this e-mail already exists" oracle: a new official is created and staff get a possible duplicate."""
    o1 = make_official()
    services.enrolment_create(actor=world["staff"], course=world["course"], official=o1)
    body = {
        "family_name_en": "Typed",
        "position": "mayor",
        "email": o1.person.email,
        "course_id": world["other_course"].pk,
    }
    r = api_for(world["other"]).post("/api/v1/academy/officials", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["id"] != o1.pk and o1.person.full_name_zh() not in r.content.decode()
    assert PossibleDuplicate.objects.filter(
        new_official_id=r.json()["id"], existing_official=o1, reason="email"
    ).exists()
