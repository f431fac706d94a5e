# ruff: noqa: F811  (pytest fixtures imported from lecturer_fixtures are redefined as test arguments)
"""The planning inputs' API (issue #11): module session needs, partner events, the academy's blackout dates and the
site-visit hosts' open days -- list / create / update with `version` / delete, scoped like the Timetable tab
(another academy's coordinator gets 404, a lecturer 403/404), bad input a 422 naming the field, nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from citybridge.academy.models import BlackoutDate, ModuleSessionNeed, PartnerEvent, SiteHost
from citybridge.core.models import Organisation

from .lecturer_fixtures import plan_course, profile  # noqa: F401

pytestmark = pytest.mark.django_db
J = "application/json"


@pytest.fixture
def partner(db):
    return Organisation.objects.create(name="Shui On Land", name_en="Shui On Land", type="company", country="CN")


def _field(r):
    return r.json()["errors"][0]["field"]


def test_needs_crud_with_version_and_scope(plan_course, coordinator, other_coordinator, lecturer, profile, api_for):
    api = api_for(coordinator)
    cm1, cm2 = plan_course.course_modules.order_by("order")
    base = f"/api/v1/academy/courses/{plan_course.pk}/needs"
    r = api.post(
        base,
        {"course_module_id": cm1.pk, "format": "lecture", "count": 2, "lecturer_id": lecturer.person.pk},
        content_type=J,
    )
    assert r.status_code == 201, r.content
    need = r.json()
    assert need["count"] == 2 and need["module_id"] == cm1.module_id and need["version"] == 1
    # bad input: a count of 0, a module of another course, an unknown format, a host on a lecture → 422, nothing
    for body, field in (
        ({"course_module_id": cm1.pk, "count": 0}, "count"),
        ({"course_module_id": 999_999}, "course_module_id"),
        ({"course_module_id": cm1.pk, "format": "<script>"}, "format"),
        ({"course_module_id": cm1.pk, "format": "lecture", "host_id": Organisation.objects.first().pk}, "host"),
    ):
        bad = api.post(base, body, content_type=J)
        assert bad.status_code == 422 and _field(bad).startswith(field), (body, bad.content)
    assert ModuleSessionNeed.objects.count() == 1
    # update with the version read: 3 sessions; to another module: 422; a stale version: 409, unchanged
    url = f"/api/v1/academy/needs/{need['id']}"
    assert api.put(url, {"course_module_id": cm2.pk, "count": 3, "version": 1}, content_type=J).status_code == 422
    ok = api.put(url, {"course_module_id": cm1.pk, "count": 3, "version": 1}, content_type=J)
    assert ok.status_code == 200 and ok.json()["count"] == 3 and ok.json()["version"] == 2
    stale = api.put(url, {"course_module_id": cm1.pk, "count": 5, "version": 1}, content_type=J)
    assert stale.status_code == 409
    assert ModuleSessionNeed.objects.get().count == 3
    assert [n["id"] for n in api.get(base).json()] == [need["id"]]
    # another academy's coordinator and the lecturer: not theirs
    for user in (other_coordinator, lecturer):
        other = api_for(user)
        assert other.get(base).status_code in (403, 404)
        assert other.put(url, {"course_module_id": cm2.pk, "count": 1, "version": 2}, content_type=J).status_code in (
            403,
            404,
        )
        assert other.delete(url).status_code in (403, 404)
    assert ModuleSessionNeed.objects.get().count == 3
    assert api.delete(url).status_code == 204 and not ModuleSessionNeed.objects.exists()


def test_partner_events_add_edit_delete(plan_course, coordinator, other_coordinator, partner, api_for):
    api = api_for(coordinator)
    base = f"/api/v1/academy/courses/{plan_course.pk}/partner-events"
    r = api.post(
        base,
        {"partner_id": partner.pk, "format": "dinner", "title_en": "Welcome dinner", "requested_date": "2026-03-03"},
        content_type=J,
    )
    assert r.status_code == 201, r.content
    ev = r.json()
    # outside the course (15 March is its last day), and an academy as partner: 422, nothing written
    bad = api.post(base, {"partner_id": partner.pk, "requested_date": "2026-04-01"}, content_type=J)
    assert bad.status_code == 422 and _field(bad) == "requested_date"
    bad = api.post(base, {"partner_id": plan_course.academy.organisation_id}, content_type=J)
    assert bad.status_code == 422 and _field(bad) == "partner_id"
    assert PartnerEvent.objects.count() == 1
    url = f"/api/v1/academy/partner-events/{ev['id']}"
    ok = api.put(
        url,
        {"partner_id": partner.pk, "format": "lunch", "evening": False, "requested_date": "2026-03-05", "version": 1},
        content_type=J,
    )
    assert ok.status_code == 200 and ok.json()["format"] == "lunch" and ok.json()["requested_date"] == "2026-03-05"
    assert api.put(url, {"partner_id": partner.pk, "version": 1}, content_type=J).status_code == 409
    other = api_for(other_coordinator)
    assert other.get(base).status_code == 404
    assert other.put(url, {"partner_id": partner.pk, "version": 2}, content_type=J).status_code == 404
    assert other.delete(url).status_code == 404
    assert PartnerEvent.objects.get().format == "lunch"
    assert api.delete(url).status_code == 204 and not PartnerEvent.objects.exists()


def test_blackout_dates_crud(plan_course, coordinator, other_coordinator, api_for):
    api = api_for(coordinator, language="zh-hans")
    base = f"/api/v1/academy/courses/{plan_course.pk}/blackout-dates"
    r = api.post(base, {"date": "2026-03-10", "reason_en": "Staff day"}, content_type=J)
    assert r.status_code == 201, r.content
    b = r.json()
    dup = api.post(base, {"date": "2026-03-10"}, content_type=J)  # the same day twice
    assert dup.status_code == 422 and _field(dup) == "date" and "学院" in dup.json()["errors"][0]["message"]
    assert api.post(base, {"date": "not a date"}, content_type=J).status_code == 422
    assert api.post(base, {"date": "2026-03-11", "reason_en": "x" * 201}, content_type=J).status_code == 422
    assert BlackoutDate.objects.count() == 1
    url = f"/api/v1/academy/blackout-dates/{b['id']}"
    ok = api.put(url, {"date": "2026-03-11", "reason_en": "Moved", "version": 1}, content_type=J)
    assert ok.status_code == 200 and ok.json()["date"] == "2026-03-11" and ok.json()["version"] == 2
    assert api.put(url, {"date": "2026-03-12", "version": 1}, content_type=J).status_code == 409
    assert [x["date"] for x in api.get(base).json()] == ["2026-03-11"]
    other = api_for(other_coordinator)
    assert other.get(base).status_code == 404
    assert other.put(url, {"date": "2026-03-12", "version": 2}, content_type=J).status_code == 404
    assert other.delete(url).status_code == 404
    assert BlackoutDate.objects.get().date == date(2026, 3, 11)
    assert api.delete(url).status_code == 204 and not BlackoutDate.objects.exists()


def test_site_hosts_open_days_staff_only(staff, coordinator, partner, api_for):
    api = api_for(staff)
    r = api.post(
        "/api/v1/academy/site-hosts",
        {"organisation_id": partner.pk, "weekdays": [0, 2, 4], "closed_dates": ["2026-03-04"]},
        content_type=J,
    )
    assert r.status_code == 201, r.content
    host = r.json()
    assert host["weekdays"] == [0, 2, 4] and host["closed_dates"] == ["2026-03-04"]
    again = api.post("/api/v1/academy/site-hosts", {"organisation_id": partner.pk}, content_type=J)
    assert again.status_code == 422 and _field(again) == "organisation_id"
    url = f"/api/v1/academy/site-hosts/{host['id']}"
    bad = api.put(url, {"weekdays": [9], "version": 1}, content_type=J)
    assert bad.status_code == 422 and _field(bad) == "weekdays"
    bad = api.put(url, {"open_from": "2026-03-10", "open_until": "2026-03-01", "version": 1}, content_type=J)
    assert bad.status_code == 422 and _field(bad) == "open_until"
    ok = api.put(
        url, {"weekdays": [1], "open_from": "2026-03-01", "open_until": "2026-03-31", "version": 1}, content_type=J
    )
    assert ok.status_code == 200 and ok.json()["weekdays"] == [1] and ok.json()["version"] == 2
    assert api.put(url, {"weekdays": [2], "version": 1}, content_type=J).status_code == 409
    coord = api_for(coordinator)
    assert coord.get("/api/v1/academy/site-hosts").json() == []
    assert coord.put(url, {"weekdays": [2], "version": 2}, content_type=J).status_code == 404
    assert coord.delete(url).status_code == 404
    assert coord.post("/api/v1/academy/site-hosts", {"organisation_id": partner.pk}, content_type=J).status_code == 403
    assert SiteHost.objects.get().weekdays == [1]
    assert api.delete(url).status_code == 204 and not SiteHost.objects.exists()


def test_list_endpoints_query_counts_do_not_grow_with_rows(plan_course, coordinator, staff, partner, api_for):
    """1 row and 6 rows of each list: the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from citybridge.academy.services import timetable as svc

    cm = plan_course.course_modules.first()
    coord, boss = api_for(coordinator), api_for(staff)
    urls = [
        (coord, f"/api/v1/academy/courses/{plan_course.pk}/needs"),
        (coord, f"/api/v1/academy/courses/{plan_course.pk}/partner-events"),
        (coord, f"/api/v1/academy/courses/{plan_course.pk}/blackout-dates"),
        (boss, "/api/v1/academy/site-hosts"),
    ]

    def counts():
        out = []
        for client, url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    def add(i):
        svc.need_save(actor=staff, course_module=cm, format="lecture", count=1)
        svc.partner_event_save(actor=staff, course=plan_course, partner=partner)
        svc.blackout_save(actor=staff, academy=plan_course.academy, day=date(2026, 3, 2 + i))
        org = Organisation.objects.create(name=f"Host {i}", name_en=f"Host {i}", type="company", country="CN")
        svc.site_host_save(actor=staff, organisation=org, weekdays=[0])

    add(0)
    counts()  # warm: the first requests fill per-process caches (content types, the token's user)
    one = counts()
    for i in range(1, 6):
        add(i)
    assert counts() == one
    assert ModuleSessionNeed.objects.count() == 6 and SiteHost.objects.count() == 6


def test_timetable_settings_read_and_replace_with_version_and_scope(
    plan_course, coordinator, other_coordinator, api_for
):
    """The Timetable tab's rest weekday and weights through the API: version 0 before the first save, then the
    version claimed like every edit; bad input a 422 on its field; another academy's coordinator 404."""
    from citybridge.academy.models import CoursePlanning

    api = api_for(coordinator, language="zh-hans")
    url = f"/api/v1/academy/courses/{plan_course.pk}/timetable-settings"
    first = api.get(url)
    assert first.status_code == 200 and first.json() == {
        "course_id": plan_course.pk,
        "rest_weekday": None,
        "weights": {},
        "version": 0,
    }
    r = api.put(url, {"rest_weekday": 6, "weights": {"trips": 50}, "version": 0}, content_type=J)  # version 0, as read
    assert r.status_code == 200, r.content
    assert r.json()["rest_weekday"] == 6 and r.json()["weights"] == {"trips": 50} and r["ETag"] == '"1"'
    # the next save must name the version it started from: a stale one is 409 with the current values
    ok = api.put(url, {"rest_weekday": 0}, content_type=J, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok.json()["rest_weekday"] == 0 and ok.json()["version"] == 2
    stale = api.put(url, {"rest_weekday": 3, "version": 1}, content_type=J)
    assert stale.status_code == 409 and stale.json()["current"]["rest_weekday"] == 0
    for bad, field in (({"rest_weekday": 7, "version": 2}, "rest_weekday"), ({"weights": {"trips": 1001}}, "trips")):
        resp = api.put(url, bad, content_type=J)
        assert resp.status_code == 422 and field in resp.json()["errors"][0]["field"], resp.content
    assert api.put(url, {"weights": {"no_such_goal": 1}, "version": 2}, content_type=J).status_code == 422
    other = api_for(other_coordinator)
    assert other.get(url).status_code == 404
    assert other.put(url, {"rest_weekday": 3, "version": 2}, content_type=J).status_code == 404
    planning = CoursePlanning.objects.get(course=plan_course)
    assert (planning.rest_weekday, planning.version) == (0, 2)


def test_session_lock_through_the_api(plan_course, coordinator, other_coordinator, lecturer, api_for):
    from datetime import time

    from citybridge.academy.models import Session, SessionPlan

    session = Session.objects.create(course=plan_course, date=date(2026, 3, 3), start_time=time(9), end_time=time(12))
    api = api_for(coordinator)
    url = f"/api/v1/academy/sessions/{session.pk}/lock"
    r = api.put(url, {"locked": True}, content_type=J)
    assert r.status_code == 200, r.content
    assert r.json()["session_id"] == session.pk and r.json()["locked"] is True and r.json()["locked_by"]
    from citybridge.core.history import actor_name

    assert r.json()["locked_by"] == actor_name(coordinator)  # the name the history lines show
    assert SessionPlan.objects.get(session=session).locked
    assert api.put(url, {"locked": "yes please"}, content_type=J).status_code == 422
    assert api_for(other_coordinator).put(url, {"locked": False}, content_type=J).status_code == 404
    assert api_for(lecturer).put(url, {"locked": False}, content_type=J).status_code in (403, 404)
    assert SessionPlan.objects.get(session=session).locked
    assert api.put(url, {"locked": False}, content_type=J).json() == {
        "session_id": session.pk,
        "locked": False,
        "locked_by": None,
    }
