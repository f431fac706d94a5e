# ruff: noqa: F811  (pytest fixtures imported from lecturer_fixtures are redefined as test arguments)
"""Lecturer pages and API (issue #11): what staff and a lecturer can do, and the wrong user on every page and
endpoint (another lecturer, a coordinator, a signed-out visitor)."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from citybridge.academy.models import LecturerAvailability, LecturerProfile, Session

from .lecturer_fixtures import other_lecturer, profile  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def window(profile, lecturer):
    from citybridge.academy.services.lecturers import availability_save

    return availability_save(actor=lecturer, lecturer=profile, start_date=date(2026, 3, 2), end_date=date(2026, 3, 20))


PAGES = [
    "/academy/lecturers/{p}/",
    "/academy/lecturers/{p}/edit/",
    "/academy/lecturers/{p}/availability/",
    "/academy/lecturers/{p}/sessions.ics",
    "/academy/availability/{w}/edit/",
]


@pytest.mark.parametrize("path", PAGES)
def test_the_lecturer_and_staff_open_the_profile_pages(path, profile, window, lecturer, staff, client_for):
    url = path.format(p=profile.pk, w=window.pk)
    for user in (lecturer, staff):
        assert client_for(user).get(url).status_code == 200, (user, url)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["other_lecturer", "coordinator", "translator"])
def test_anyone_else_gets_not_found(path, who, profile, window, other_lecturer, coordinator, make_user, client_for):
    user = {"other_lecturer": other_lecturer, "coordinator": coordinator, "translator": make_user("translator")}[who]
    assert client_for(user).get(path.format(p=profile.pk, w=window.pk)).status_code == 404


@pytest.mark.parametrize("path", [*PAGES, "/academy/lecturers/", "/academy/lecturers/me/"])
def test_signed_out_visitors_are_sent_to_sign_in(path, profile, window, client_for):
    response = client_for(None).get(path.format(p=profile.pk, w=window.pk))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_list_is_for_staff_only(profile, lecturer, coordinator, staff, client_for):
    assert client_for(staff).get("/academy/lecturers/").status_code == 200
    for user in (lecturer, coordinator):
        assert client_for(user).get("/academy/lecturers/").status_code == 403
    assert client_for(lecturer).get("/academy/lecturers/me/")["Location"] == f"/academy/lecturers/{profile.pk}/"
    assert client_for(coordinator).get("/academy/lecturers/me/").status_code == 404


def test_the_lecturer_edits_their_profile_with_its_version(profile, lecturer, client_for):
    c = client_for(lecturer)
    data = {
        "bio_en": "Energy commissioner",
        "bio_zh_hans": "能源专员",
        "languages": ["en", "zh"],
        "home_timezone": "America/New_York",
        "preferred_weekdays": ["1", "3"],
        "max_sessions_per_day": "2",
        "group_sessions": "on",
        "version": "1",
    }
    assert c.post(f"/academy/lecturers/{profile.pk}/edit/", data).status_code == 302
    profile.refresh_from_db()
    assert (profile.preferred_weekdays, profile.group_sessions, profile.version) == ([1, 3], True, 2)
    stale = c.post(f"/academy/lecturers/{profile.pk}/edit/", {**data, "bio_en": "Other"})
    assert stale.status_code == 409
    assert LecturerProfile.objects.get(pk=profile.pk).bio_en == "Energy commissioner"


def test_a_window_ending_before_it_starts_is_refused_on_the_page_in_chinese(profile, lecturer, client_for):
    c = client_for(lecturer, language="zh-hans")
    r = c.post(f"/academy/lecturers/{profile.pk}/availability/", {"start_date": "2026-03-09", "end_date": "2026-03-01"})
    assert r.status_code == 422
    assert "结束日期不能早于开始日期" in r.content.decode()
    assert not LecturerAvailability.objects.exists()


def test_another_lecturer_cannot_change_or_delete_my_window(profile, window, other_lecturer, client_for):
    c = client_for(other_lecturer)
    assert c.post(f"/academy/availability/{window.pk}/delete/").status_code == 404
    assert (
        c.post(
            f"/academy/availability/{window.pk}/edit/",
            {"start_date": "2026-01-01", "end_date": "2026-01-02", "version": "1"},
        ).status_code
        == 404
    )
    assert c.post(f"/academy/lecturers/{profile.pk}/edit/", {"bio_en": "x", "version": "1"}).status_code == 404
    window.refresh_from_db()
    assert (window.start_date, window.version) == (date(2026, 3, 2), 1)


def test_booked_sessions_and_ics_feed(profile, lecturer, course, client_for):
    Session.objects.create(
        course=course,
        date=date(2025, 3, 4),
        start_time=time(9),
        end_time=time(12),
        lecturer=lecturer.person,
        title_en="Building codes",
    )
    page = client_for(lecturer).get(f"/academy/lecturers/{profile.pk}/").content.decode()
    assert "Building codes" in page and "Energy Smart Cities" in page
    # the hours are Beijing time, and a lecturer at home in New York sees them in New York time too: 09:00 on
    # Tue 4 March 2025 in Beijing is 20:00 on Mon 3 March in New York (EST, UTC−5; summer time began 9 March)
    # (the zone named by the CLDR, never by its code: core.zone_names)
    assert "Time (Beijing time)" in page and "Home time (New York)" in page and "America/New_York" not in page
    assert re.search(r"UTC−0[45]:00 · Eastern Time \(New York\)</dd>", page)
    assert '<td class="nowrap">20:00–23:00 · Mon 3 Mar</td>' in page
    zh = client_for(lecturer, "zh-hans").get(f"/academy/lecturers/{profile.pk}/").content.decode()
    assert "时间（北京时间）" in zh and "常驻地时间（纽约）" in zh and "20:00–23:00 · 3月3日 周一" in zh
    assert re.search(r"UTC−0[45]:00 · 北美东部时间（纽约）</dd>", zh) and "America/New_York" not in zh
    # a lecturer whose home keeps Beijing's hours gets no second column
    profile.home_timezone = "Asia/Shanghai"
    profile.save()
    page = client_for(lecturer).get(f"/academy/lecturers/{profile.pk}/").content.decode()
    assert "Home time (" not in page and "Time (Beijing time)" in page
    ics = client_for(lecturer).get(f"/academy/lecturers/{profile.pk}/sessions.ics")
    body = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Building codes · Classroom lecture" in body and "DTSTART;TZID=Asia/Shanghai:20250304T090000" in body


# --------------------------------------------------------------------------- API


def test_api_lecturer_sees_only_themself(profile, other_lecturer, lecturer, staff, coordinator, api_for):
    assert api_for(staff).get("/api/v1/academy/lecturers").json()["count"] == 2
    mine = api_for(lecturer).get("/api/v1/academy/lecturers").json()
    assert [i["id"] for i in mine["items"]] == [profile.pk]
    assert api_for(coordinator).get("/api/v1/academy/lecturers").json()["count"] == 0
    theirs = LecturerProfile.objects.get(person=other_lecturer.person)
    for path in (
        f"/api/v1/academy/lecturers/{theirs.pk}",
        f"/api/v1/academy/lecturers/{theirs.pk}/availability",
        f"/api/v1/academy/lecturers/{theirs.pk}/sessions",
        f"/api/v1/academy/lecturers/{theirs.pk}/sessions.ics",
    ):
        assert api_for(lecturer).get(path).status_code == 404, path
        assert api_for(coordinator).get(path).status_code == 404, path
    r = api_for(lecturer).patch(
        f"/api/v1/academy/lecturers/{theirs.pk}", {"bio_en": "x", "version": 1}, content_type="application/json"
    )
    assert r.status_code == 404
    assert api_for(lecturer).get("/api/v1/academy/lecturers/me").json()["id"] == profile.pk
    assert api_for(None).get("/api/v1/academy/lecturers").status_code == 401


def test_api_profile_update_with_version_and_stale_409(profile, lecturer, api_for):
    api = api_for(lecturer)
    url = f"/api/v1/academy/lecturers/{profile.pk}"
    r = api.patch(url, {"preferred_weekdays": [0, 4], "version": 1}, content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2 and r["ETag"] == '"2"'
    r = api.patch(url, {"bio_en": "late", "version": 1}, content_type="application/json")
    assert r.status_code == 409 and r.json()["current"]["preferred_weekdays"] == [0, 4]
    r = api.patch(url, {"bio_en": "x"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "version"
    r = api.patch(url, {"preferred_weekdays": [9], "version": 2}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "preferred_weekdays"
    assert LecturerProfile.objects.get(pk=profile.pk).version == 2


def test_api_windows(profile, lecturer, other_lecturer, api_for):
    api = api_for(lecturer)
    base = f"/api/v1/academy/lecturers/{profile.pk}/availability"
    bad = api.post(base, {"start_date": "2026-03-09", "end_date": "2026-03-01"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "end_date"
    assert not LecturerAvailability.objects.exists()
    r = api.post(
        base, {"start_date": "2026-03-02", "end_date": "2026-03-09", "weekdays": [1]}, content_type="application/json"
    )
    assert r.status_code == 201
    wid = r.json()["id"]
    assert api_for(other_lecturer).delete(f"/api/v1/academy/availability/{wid}").status_code == 404
    r = api.put(
        f"/api/v1/academy/availability/{wid}",
        {"start_date": "2026-03-02", "end_date": "2026-03-10", "version": 1},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    assert api.delete(f"/api/v1/academy/availability/{wid}").status_code == 204


def test_api_only_staff_create_profiles(lecturer, staff, make_user, api_for):
    from citybridge.core.models import Person

    p = Person.objects.create(family_name="Lee", family_name_en="Lee", given_name_en="Ann")
    assert (
        api_for(lecturer)
        .post("/api/v1/academy/lecturers", {"person_id": p.pk}, content_type="application/json")
        .status_code
        == 403
    )
    r = api_for(staff).post(
        "/api/v1/academy/lecturers",
        {"person_id": p.pk, "languages": ["en"], "visiting": True},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["visiting"] is True and r.json()["donated_days"] == 0
    r = api_for(staff).post("/api/v1/academy/lecturers", {"person_id": 999999}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "person_id"


def test_a_time_zone_is_shown_with_its_offset_and_its_name_in_the_reader_s_language():
    """Its offset today, then its name as the CLDR gives it in the reader's language (core.zone_names), or as the
    collaborative says it (Beijing time); a zone with no CLDR name by its IANA name, anything else as entered."""
    from django.utils import translation

    from citybridge.academy.templatetags.academy_tags import time_zone, zone_name

    new_york = time_zone("America/New_York")
    assert new_york in ("UTC−05:00 · Eastern Time (New York)", "UTC−04:00 · Eastern Time (New York)")
    assert time_zone("Asia/Shanghai") == "UTC+08:00 · Beijing time"  # China keeps no summer time
    assert time_zone("Asia/Kolkata") == "UTC+05:30 · India Time (Kolkata)"
    assert time_zone("Europe/London").endswith(" · United Kingdom Time (London)")
    assert time_zone("Not/AZone") == "Not/AZone" and time_zone("") == ""
    assert time_zone("Etc/GMT+5") == "UTC−05:00 · Etc/GMT+5"  # a real zone the CLDR does not name
    assert zone_name("America/New_York", "short") == "New York" and zone_name("Asia/Tokyo") == "Japan Time (Tokyo)"
    with translation.override("zh-hans"):
        assert time_zone("America/New_York").endswith(" · 北美东部时间（纽约）")
        assert time_zone("Asia/Shanghai") == "UTC+08:00 · 北京时间"
        assert time_zone("Asia/Kolkata") == "UTC+05:30 · 印度时间"  # the CLDR has no Chinese name for Kolkata
        assert time_zone("Australia/Sydney").endswith(" · 澳大利亚东部时间（悉尼）")
        assert zone_name("America/New_York", "short") == "纽约" and zone_name("UTC") == "协调世界时（UTC）"
