"""Editing a session by hand: page and API, the course's rules still apply, the wrong roles are refused."""

import json
from datetime import date, time

from citybridge.academy.models import Session

from .conftest import fill_timetable


def _session(course):
    fill_timetable(course)
    return Session.objects.filter(course=course).order_by("date", "start_time").first()


def test_coordinator_edits_a_session_on_the_page_in_chinese(client_for, coordinator, course):
    session = _session(course)
    client = client_for(coordinator, language="zh-hans")
    page = client.get(f"/academy/sessions/{session.pk}/edit/")
    assert page.status_code == 200 and "编辑课次" in page.content.decode()
    response = client.post(
        f"/academy/sessions/{session.pk}/edit/",
        {
            "date": "2025-03-04",
            "start_time": "08:30",
            "end_time": "11:30",
            "format": "workshop",
            "title_en": "Workshop",
            "title_zh_hans": "研讨会",
            "version": session.version,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.date, session.start_time, session.format) == (date(2025, 3, 4), time(8, 30), "workshop")
    assert (session.title_en, session.title_zh_hans) == ("Workshop", "研讨会")


def test_moving_a_session_onto_the_rest_day_is_refused_and_nothing_changes(client_for, coordinator, course):
    session = _session(course)
    response = client_for(coordinator).post(
        f"/academy/sessions/{session.pk}/edit/",
        {
            "date": "2025-03-09",
            "start_time": "09:00",
            "end_time": "12:00",
            "format": "lecture",
            "version": session.version,
        },
    )
    assert response.status_code == 200 and "rest day" in response.content.decode()
    session.refresh_from_db()
    assert session.date == date(2025, 3, 3)


def test_api_put_and_wrong_roles(api_for, client_for, staff, lecturer, other_coordinator, course):
    session = _session(course)
    body = {"date": "2025-03-05", "start_time": "10:00", "end_time": "12:00", "format": "site_visit", "version": 1}
    r = api_for(staff).put(
        f"/api/v1/academy/sessions/{session.pk}", data=json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["date"] == "2025-03-05"
    for user in (lecturer, other_coordinator):
        assert (
            api_for(user)
            .put(f"/api/v1/academy/sessions/{session.pk}", data=json.dumps(body), content_type="application/json")
            .status_code
            == 404
        )
        assert client_for(user).get(f"/academy/sessions/{session.pk}/edit/").status_code == 404
    assert client_for(None).get(f"/academy/sessions/{session.pk}/edit/").status_code == 302
    bad = api_for(staff).put(
        f"/api/v1/academy/sessions/{session.pk}",
        data=json.dumps({**body, "end_time": "09:00", "version": 2}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"]
