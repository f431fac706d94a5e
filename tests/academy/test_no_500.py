"""Inputs that used to answer 500 (or half-write): duplicate marks, a person twice in a roster, a year-9999
course, the coordinator's "create official" call; dates outside 1950–2100 refused everywhere, translated."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citybridge.academy import services
from citybridge.academy.models import Course, Enrolment, OfficialProfile
from citybridge.academy.roster import rows_to_csv
from citybridge.core.models import Person

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in Chinese leaves the thread's language active; later tests call services directly."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def world(staff, coordinator, course, make_official):
    sessions = fill_timetable(course)
    o1 = make_official()
    services.enrolment_create(actor=staff, course=course, official=o1)
    return {"staff": staff, "coordinator": coordinator, "course": course, "o1": o1, "sessions": sessions}


def test_duplicate_attendance_mark_in_one_request(world, api_for):
    o, s = world["o1"], world["sessions"][0]
    body = {
        "marks": [
            {"official_id": o.pk, "session_id": s.pk, "status": "present"},
            {"official_id": o.pk, "session_id": s.pk, "status": "absent"},
        ]
    }
    r = api_for(world["coordinator"]).put(
        f"/api/v1/academy/courses/{world['course'].pk}/attendance", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 422 and "twice" in r.json()["errors"][0]["message"]
    assert not s.attendance.exists()


@pytest.mark.parametrize("how", ["page", "api"])
def test_roster_naming_the_same_person_twice(world, client_for, api_for, how):
    p = world["o1"].person
    rows = [
        {"family_name_en": "Anything", "given_name_en": "X", "position": "mayor", "email": p.email},
        {
            "family_name_en": p.family_name_en,
            "given_name_en": p.given_name_en,
            "position": "mayor",
            "email": "another@example.cn",
        },
    ]
    course = Course.objects.create(
        academy=world["course"].academy,
        title="Two",
        title_en="Two",
        start_date=date(2025, 5, 5),
        end_date=date(2025, 5, 18),
        status="open",
    )
    f = SimpleUploadedFile("r.csv", rows_to_csv(rows))
    if how == "page":
        r = client_for(world["staff"]).post(f"/academy/courses/{course.pk}/roster/", {"file": f})
        assert r.status_code == 422 and "line 2" in r.content.decode().lower()
    else:
        r = api_for(world["staff"]).post(f"/api/v1/academy/courses/{course.pk}/roster", {"file": f})
        assert r.status_code == 422 and r.json()["errors"][0]["line"] == 3
    assert not Enrolment.objects.filter(course=course).exists()


def test_attendance_page_of_a_year_9999_course(world, client_for, api_for):
    c = Course.objects.create(
        academy=world["course"].academy,
        title="Far",
        title_en="Far",
        start_date=date(9999, 12, 20),
        end_date=date(9999, 12, 31),
        status="open",
    )
    for week in ("1", "2"):
        assert (
            client_for(world["coordinator"]).get(f"/academy/courses/{c.pk}/attendance/?week={week}").status_code == 200
        )
    for url in (
        f"/academy/courses/{c.pk}/",
        f"/academy/courses/{c.pk}/timetable.ics",
        f"/academy/courses/{c.pk}/attendance.xlsx",
    ):
        assert client_for(world["coordinator"]).get(url).status_code == 200, url
    assert api_for(world["coordinator"]).get(f"/api/v1/academy/courses/{c.pk}/checks").status_code == 200


def test_coordinator_create_official_api_needs_a_course_and_creates_nothing_without(world, api_for):
    before = Person.objects.count()
    body = {"family_name_en": "New", "given_name_en": "Official", "position": "mayor"}
    r = api_for(world["coordinator"]).post(
        "/api/v1/academy/officials", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 403
    assert Person.objects.count() == before
    r = api_for(world["coordinator"]).post(
        "/api/v1/academy/officials",
        json.dumps({**body, "course_id": world["course"].pk}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    o = OfficialProfile.objects.get(pk=r.json()["id"])
    assert Enrolment.objects.filter(official=o, course=world["course"]).exists()


def test_create_official_with_a_course_is_one_transaction(world, client_for):
    """A full class refuses the enrolment: the official is not created either (page)."""
    Course.objects.filter(pk=world["course"].pk).update(status="completed")
    before = Person.objects.count()
    r = client_for(world["coordinator"]).post(
        f"/academy/officials/new/?course={world['course'].pk}", {"family_name_en": "Half", "position": "mayor"}
    )
    assert r.status_code == 200 and Person.objects.count() == before


# --------------------------------------------------------------------------- date bounds


def _zh(message: str) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        return gettext(message)


def test_course_dates_out_of_range_api_and_page(world, api_for, client_for):
    academy = world["course"].academy
    body = {"academy_id": academy.pk, "title_en": "Old", "start_date": "1900-01-01", "end_date": "1900-01-20"}
    r = api_for(world["coordinator"], "zh-hans").post(
        "/api/v1/academy/courses", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["message"] == _zh("Enter a date between %(min)s and %(max)s.") % {
        "min": "1950年1月1日",
        "max": "2100年12月31日",
    }
    r = client_for(world["coordinator"]).post(
        "/academy/courses/new/",
        {"academy": academy.pk, "title_en": "Future", "start_date": "2200-01-01", "end_date": "2200-01-20"},
    )
    assert r.status_code == 200 and "between Jan. 1, 1950 and Dec. 31, 2100" in r.content.decode()
    assert Course.objects.count() == 1


def test_session_external_training_and_service_start_out_of_range(world, api_for):
    api = api_for(world["coordinator"])
    course = Course.objects.create(
        academy=world["course"].academy,
        title="Far",
        title_en="Far",
        start_date=date(9999, 12, 1),
        end_date=date(9999, 12, 31),
        status="open",
    )
    r = api.post(
        f"/api/v1/academy/courses/{course.pk}/sessions",
        json.dumps({"date": "9999-12-02", "start_time": "09:00", "end_time": "12:00"}),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "date"
    r = api.post(
        f"/api/v1/academy/officials/{world['o1'].pk}/external-training",
        json.dumps(
            {
                "provider": "X",
                "title": "Y",
                "start_date": "1900-01-01",
                "end_date": "1900-01-02",
                "days": 2,
                "evidence_reference": "E",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "start_date"
    r = api.post(
        "/api/v1/academy/officials",
        json.dumps(
            {
                "family_name_en": "Old",
                "position": "mayor",
                "service_start": "1900-01-01",
                "course_id": world["course"].pk,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "service_start"


def test_roster_service_start_out_of_range(world):
    course = Course.objects.create(
        academy=world["course"].academy,
        title="Two",
        title_en="Two",
        start_date=date(2025, 5, 5),
        end_date=date(2025, 5, 18),
        status="open",
    )
    report = services.roster_import(
        actor=world["coordinator"],
        course=course,
        filename="r.csv",
        data=rows_to_csv([{"family_name_en": "Old", "position": "mayor", "service_start": "1949-12-31"}]),
    )
    assert not report.ok and report.errors[0]["line"] == 2 and "Jan. 1, 1950" in report.errors[0]["message"]
