"""API: scope per role, contact details, bad input as 422 in the user's language, never a 500."""

from __future__ import annotations

import json
from datetime import date

import pytest

from citybridge.academy import services
from citybridge.academy.models import Course, Enrolment

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, coordinator, other_coordinator, lecturer, make_user, course, make_official):
    fill_timetable(course, lecturer_person=lecturer.person)
    o1 = make_official()
    services.enrolment_create(actor=staff, course=course, official=o1)
    services.compliance_prepare_year(year=2025)  # what the background task does (reads never prepare)
    services.impact_refresh()
    return {
        "staff": staff,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "lecturer": lecturer,
        "translator": make_user("translator"),
        "course": course,
        "o1": o1,
    }


def get(api_for, user, url, language="en"):
    return api_for(user, language).get(f"/api/v1/academy{url}")


@pytest.mark.parametrize(
    "role,courses", [("staff", 1), ("coordinator", 1), ("other_coordinator", 0), ("lecturer", 1), ("translator", 0)]
)
def test_course_list_scoped(world, api_for, role, courses):
    r = get(api_for, world[role], "/courses")
    assert r.status_code == 200 and r.json()["count"] == courses


@pytest.mark.parametrize(
    "role,status",
    [
        ("staff", 200),
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("lecturer", 200),
        ("translator", 404),
        (None, 401),
    ],
)
def test_enrolments_scope_and_fields(world, api_for, role, status):
    r = get(api_for, world[role] if role else None, f"/courses/{world['course'].pk}/enrolments")
    assert r.status_code == status
    if status == 200:
        row = r.json()[0]
        assert row["name"] == world["o1"].person.display_name()
        if role == "lecturer":
            assert row["email"] is None and row["status"] is None
        else:
            assert row["email"] == world["o1"].person.email


@pytest.mark.parametrize(
    "role,status,email",
    [("staff", 200, True), ("coordinator", 200, True), ("other_coordinator", 404, None), ("lecturer", 403, None)],
)
def test_official_detail(world, api_for, role, status, email):
    r = get(api_for, world[role], f"/officials/{world['o1'].pk}")
    assert r.status_code == status
    if status == 200:
        body = r.json()
        assert body["email"] == world["o1"].person.email and body["service_start"] == "2015-01-01"
        assert {"years", "windows"} <= set(body)


@pytest.mark.parametrize("role,status", [("staff", 200), ("coordinator", 200), ("lecturer", 403), ("translator", 403)])
def test_behind_and_impact_roles(world, api_for, role, status):
    assert get(api_for, world[role], "/behind?year=2025").status_code == status
    assert get(api_for, world[role], "/impact").status_code == (200 if role in ("staff", "coordinator") else 403)


def test_behind_sorted_by_shortfall(world, api_for, make_official, staff):
    o2 = make_official()
    services.enrolment_create(actor=staff, course=world["course"], official=o2)
    sessions = list(world["course"].sessions.all())
    services.attendance_record(
        actor=staff, course=world["course"], marks=[services.Mark(o2.pk, s.pk, "present") for s in sessions[:10]]
    )
    items = get(api_for, staff, "/behind?year=2025").json()["items"]
    assert [(i["official_id"], i["shortfall"]) for i in items] == [(world["o1"].pk, 12), (o2.pk, 7)]


def test_wrong_roles_cannot_write(world, api_for):
    url = f"/api/v1/academy/courses/{world['course'].pk}/sessions"
    body = json.dumps({"date": "2025-03-04", "start_time": "14:00", "end_time": "15:00"})
    for role, status in (("lecturer", 403), ("other_coordinator", 404), ("translator", 404)):
        r = api_for(world[role]).post(url, body, content_type="application/json")
        assert r.status_code == status
    r = api_for(world["coordinator"]).post(url, body, content_type="application/json")
    assert r.status_code == 201


def test_bad_course_is_422_in_chinese(world, api_for, academy):
    body = json.dumps({"academy_id": academy.pk, "title_en": "X", "start_date": "2025-03-10", "end_date": "2025-03-01"})
    r = api_for(world["coordinator"], "zh-hans").post("/api/v1/academy/courses", body, content_type="application/json")
    assert r.status_code == 422
    assert "早于" in r.json()["errors"][0]["message"]
    assert Course.objects.count() == 1


def test_unknown_field_and_bad_date_rejected(world, api_for, academy):
    body = json.dumps(
        {
            "academy_id": academy.pk,
            "title_en": "X",
            "start_date": "2025-02-30",
            "end_date": "2025-03-01",
            "colour": "red",
        }
    )
    r = api_for(world["staff"]).post("/api/v1/academy/courses", body, content_type="application/json")
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} >= {"start_date", "colour"}


def test_56th_enrolment_refused_over_api(world, api_for, make_official, staff):
    course = world["course"]
    for _ in range(54):
        services.enrolment_create(actor=staff, course=course, official=make_official())
    extra = make_official()
    r = api_for(staff).post(
        f"/api/v1/academy/courses/{course.pk}/enrolments",
        json.dumps({"official_id": extra.pk}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "full" in r.json()["errors"][0]["message"]
    assert not Enrolment.objects.filter(official=extra).exists()


def test_roster_over_api(world, api_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/api/v1/academy/courses/{world['course'].pk}/roster"
    bad = SimpleUploadedFile("r.csv", b"")
    r = api_for(world["coordinator"], "zh-hans").post(url, {"file": bad})
    assert r.status_code == 422 and r.json()["errors"][0]["message"] == "文件为空。"
    good = SimpleUploadedFile("r.csv", "姓（中文）,名（中文）,职务\n王,芳,市长\n".encode())
    r = api_for(world["coordinator"]).post(url, {"file": good})
    assert r.status_code == 200 and r.json()["enrolled"] == 1


def test_attendance_put(world, api_for):
    course = world["course"]
    s = course.sessions.filter(date=date(2025, 3, 3))
    body = {"marks": [{"official_id": world["o1"].pk, "session_id": x.pk, "status": "present"} for x in s]}
    r = api_for(world["coordinator"]).put(
        f"/api/v1/academy/courses/{course.pk}/attendance", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 200 and r.json() == {"changed": 2}
    body["marks"][0]["status"] = "sleeping"
    r = api_for(world["coordinator"]).put(
        f"/api/v1/academy/courses/{course.pk}/attendance", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 422


def test_public_verification(world, api_for, staff):
    course = world["course"]
    Course.objects.filter(pk=course.pk).update(status="running")
    services.attendance_record(
        actor=staff,
        course=course,
        marks=[services.Mark(world["o1"].pk, s.pk, "present") for s in course.sessions.all()],
    )
    course.refresh_from_db()
    services.course_set_status(actor=staff, course=course, status="completed")
    cert = services.certificate_issue(actor=staff, enrolment=Enrolment.objects.get(official=world["o1"]))
    r = api_for(None).get(f"/api/v1/academy/certificates/{cert.code}")
    assert r.status_code == 200 and r.json()["valid"] and r.json()["training_days"] == 12
    assert api_for(None).get("/api/v1/academy/certificates/NOPE").status_code == 404


WRITES = [
    ("post", "/topics", {"slug": "x", "name_en": "X"}),
    ("post", "/modules", {"title_en": "M", "days": 3}),
    ("post", "/officials", {"family_name_en": "X", "position": "mayor"}),
    ("post", "/courses/{course}/status", {"status": "cancelled"}),
    ("patch", "/courses/{course}", {"title_en": "Renamed"}),
    ("post", "/courses/{course}/enrolments", {"official_id": 999999}),
    ("put", "/courses/{course}/attendance", {"marks": []}),
    ("get", "/courses/{course}/checks", None),
]


@pytest.mark.parametrize("method,path,body", WRITES, ids=[f"{m}-{p}" for m, p, _b in WRITES])
@pytest.mark.parametrize("role", ["lecturer", "translator", "other_coordinator"])
def test_api_writes_refused_for_wrong_roles(world, api_for, method, path, body, role):
    url = "/api/v1/academy" + path.format(course=world["course"].pk)
    client = api_for(world[role])
    kwargs = {"content_type": "application/json"} if body is not None else {}
    r = getattr(client, method)(url, json.dumps(body), **kwargs) if body is not None else client.get(url)
    # a course outside the user's scope is not found; one they can see (the lecturer's) or no object at all: refused
    expected = 404 if "{course}" in path and role != "lecturer" else 403
    assert r.status_code == expected, (url, role, r.status_code)
    world["course"].refresh_from_db()
    assert world["course"].title_en == "Energy Smart Cities" and world["course"].status == "open"


def test_staff_creates_curriculum_over_api(world, api_for):
    staff = api_for(world["staff"])
    t = staff.post(
        "/api/v1/academy/topics",
        json.dumps(
            {
                "slug": "urban-heat",
                "name_en": "Urban heat",
                "name_zh_hans": "城市热岛",
                "motivations": ["community_health"],
            }
        ),
        content_type="application/json",
    )
    assert t.status_code == 201
    m = staff.post(
        "/api/v1/academy/modules",
        json.dumps({"title_en": "Cool cities", "days": 7, "topic_ids": [t.json()["id"]]}),
        content_type="application/json",
    )
    assert m.status_code == 422 and "2 to 6 days" in m.json()["errors"][0]["message"]
    m = staff.post(
        "/api/v1/academy/modules",
        json.dumps({"title_en": "Cool cities", "days": 3, "topic_ids": [t.json()["id"]]}),
        content_type="application/json",
    )
    assert m.status_code == 201 and m.json()["topic_ids"] == [t.json()["id"]]


def test_more_writes_and_their_wrong_roles(world, api_for, staff):
    course, o1 = world["course"], world["o1"]
    session = course.sessions.first()
    # external training: coordinator yes (with evidence), lecturer no
    body = json.dumps(
        {
            "provider": "CAG",
            "title": "Governance",
            "start_date": "2024-05-06",
            "end_date": "2024-05-10",
            "days": 5,
            "evidence_reference": "CAG-1",
        }
    )
    url = f"/api/v1/academy/officials/{o1.pk}/external-training"
    assert api_for(world["lecturer"]).post(url, body, content_type="application/json").status_code == 403
    assert api_for(world["other_coordinator"]).post(url, body, content_type="application/json").status_code == 404
    r = api_for(world["coordinator"]).post(url, body, content_type="application/json")
    assert r.status_code == 201 and r.json()["has_evidence"]
    no_evidence = json.dumps({**json.loads(body), "evidence_reference": ""})
    assert api_for(world["coordinator"]).post(url, no_evidence, content_type="application/json").status_code == 422
    # certificates: refused before completion; lecturer may not issue
    cert_url = f"/api/v1/academy/courses/{course.pk}/certificates"
    assert api_for(world["coordinator"]).post(cert_url).status_code == 422
    assert api_for(world["lecturer"]).post(cert_url).status_code == 403
    # sessions: lecturer may not delete, coordinator may
    assert api_for(world["lecturer"]).delete(f"/api/v1/academy/sessions/{session.pk}").status_code == 403
    assert api_for(world["coordinator"]).delete(f"/api/v1/academy/sessions/{session.pk}").status_code == 204
    # complete, issue, revoke (staff only)
    Course.objects.filter(pk=course.pk).update(status="running")
    services.attendance_record(
        actor=staff,
        course=Course.objects.get(pk=course.pk),
        marks=[services.Mark(o1.pk, s.pk, "present") for s in course.sessions.all()],
    )
    services.course_set_status(actor=staff, course=Course.objects.get(pk=course.pk), status="completed")
    assert api_for(world["coordinator"]).post(cert_url).json() == {"issued": 1, "skipped": 0}
    cert = Enrolment.objects.get(official=o1).certificate
    revoke = f"/api/v1/academy/certificates/{cert.pk}/revoke"
    reason = json.dumps({"reason": "duplicate"})
    assert api_for(world["coordinator"]).post(revoke, reason, content_type="application/json").status_code == 403
    r = api_for(staff).post(revoke, reason, content_type="application/json")
    assert r.status_code == 200 and r.json()["valid"] is False
