# ruff: noqa: F811  (pytest fixtures imported from lecturer_fixtures are redefined as test arguments)
"""The course's Timetable tab, a run's page, the season page and the timetable API (issue #11): the coordinator's
flow end to end in the browser's pages, and the wrong user on every page and endpoint."""

from __future__ import annotations

from datetime import date, time

import pytest

from citybridge.academy.models import ModuleSessionNeed, Session, TimetableRun
from citybridge.academy.services import timetable as svc

from .lecturer_fixtures import add_need, generate, plan_course, profile  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(plan_course, staff, lecturer, profile):
    add_need(plan_course, staff, 0, format="lecture", count=2, lecturer=lecturer.person)
    add_need(plan_course, staff, 1, format="lecture", count=2)
    return plan_course


@pytest.fixture
def run(planned, staff, generate):
    return generate(actor=staff, course=planned)


def test_coordinator_plans_generates_previews_and_accepts_on_the_pages(
    plan_course, coordinator, lecturer, profile, client_for, django_capture_on_commit_callbacks
):
    c = client_for(coordinator)
    tab = c.get(f"/academy/courses/{plan_course.pk}/timetable/")
    assert tab.status_code == 200 and "Generate timetable" in tab.content.decode()
    cms = list(plan_course.course_modules.order_by("order"))
    for cm, count, extra in ((cms[0], 2, {"lecturer": lecturer.person.pk}), (cms[1], 3, {})):
        r = c.post(
            f"/academy/courses/{plan_course.pk}/timetable/needs/",
            {"course_module": cm.pk, "format": "lecture", "count": count, **extra},
        )
        assert r.status_code == 302, r.content.decode()[:2000]
    assert ModuleSessionNeed.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/academy/courses/{plan_course.pk}/timetable/generate/")
    assert r.status_code == 302
    run = TimetableRun.objects.get()
    assert r["Location"] == f"/academy/timetable/runs/{run.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert "Ready to review" in page and "New: 5" in page and "Steve Hammer" in page
    assert "Trips of visiting lecturers: 0" in page and "Weights (penalty per unit)" in page
    status = c.get(f"/academy/timetable/runs/{run.pk}/status/")
    assert status.status_code == 200 and "hx-get" not in status.content.decode()  # finished: no more polling
    assert c.post(f"/academy/timetable/runs/{run.pk}/accept/").status_code == 302
    run.refresh_from_db()
    assert run.status == "accepted" and plan_course.sessions.count() == 5
    # the lecturer, signed in, sees the two sessions the timetable booked for them, in their .ics feed too
    lc = client_for(lecturer)
    nav = lc.get("/academy/").content.decode()
    assert "/academy/lecturers/me/" in nav
    ics = lc.get(f"/academy/lecturers/{profile.pk}/sessions.ics").content.decode()
    assert ics.count("BEGIN:VEVENT") == 2 and "Low-carbon cities" in ics
    assert "Plan the timetable" in c.get(f"/academy/courses/{plan_course.pk}/").content.decode()


def test_infeasible_input_is_shown_as_sentences_in_chinese_and_nothing_saved(plan_course, coordinator, client_for):
    """A course over Spring Festival cannot hold its 7 module days (see the service test): the tab answers 422 with
    the sentence in Chinese."""
    from citybridge.academy.models import Course

    Course.objects.filter(pk=plan_course.pk).update(start_date=date(2026, 2, 12), end_date=date(2026, 2, 25))
    plan_course.refresh_from_db()
    add_need(plan_course, coordinator, 0, count=1)
    add_need(plan_course, coordinator, 1, count=1)
    r = client_for(coordinator, language="zh-hans").post(f"/academy/courses/{plan_course.pk}/timetable/generate/")
    assert r.status_code == 422
    html = r.content.decode()
    assert "需要 7 个授课日" in html and "法定节假日" in html
    assert not TimetableRun.objects.exists()


def test_the_tab_shows_holidays_from_chinesecalendar_with_the_source(plan_course, coordinator, client_for):
    from citybridge.academy.models import Course

    Course.objects.filter(pk=plan_course.pk).update(start_date=date(2026, 9, 28), end_date=date(2026, 10, 11))
    html = client_for(coordinator).get(f"/academy/courses/{plan_course.pk}/timetable/").content.decode()
    assert "National Day" in html and "chinesecalendar" in html
    assert "State Council General Office&#x27;s notices on public holiday arrangements" in html
    # in Chinese the notices are named as the State Council names them, and the holiday too
    html = client_for(coordinator, language="zh-hans").get(f"/academy/courses/{plan_course.pk}/timetable/").content
    html = html.decode()
    assert "据国务院办公厅关于部分节假日安排的通知" in html and "国庆节" in html
    assert "State Council" not in html


ID_PAGES = [
    ("get", "/academy/courses/{c}/timetable/"),
    ("post", "/academy/courses/{c}/timetable/generate/"),
    ("post", "/academy/courses/{c}/timetable/needs/"),
    ("post", "/academy/courses/{c}/timetable/events/"),
    ("post", "/academy/courses/{c}/timetable/settings/"),
    ("post", "/academy/courses/{c}/timetable/blackouts/"),
    ("post", "/academy/timetable/needs/{n}/delete/"),
    ("post", "/academy/sessions/{s}/lock/"),
    ("get", "/academy/timetable/runs/{r}/"),
    ("get", "/academy/timetable/runs/{r}/status/"),
    ("post", "/academy/timetable/runs/{r}/accept/"),
    ("post", "/academy/timetable/runs/{r}/discard/"),
]


def _ids(planned, run):
    s = Session.objects.create(course=planned, date=date(2026, 3, 3), start_time=time(9), end_time=time(12))
    TimetableRun.objects.filter(pk=run.pk).update(base_fingerprint="")  # accept would refuse anyway
    return {"c": planned.pk, "n": ModuleSessionNeed.objects.first().pk, "s": s.pk, "r": run.pk}


@pytest.mark.parametrize("method,path", ID_PAGES)
def test_a_coordinator_of_another_academy_gets_not_found_and_nothing_changes(
    method, path, planned, run, other_coordinator, client_for
):
    ids = _ids(planned, run)
    before = (TimetableRun.objects.count(), ModuleSessionNeed.objects.count(), run.status)
    r = getattr(client_for(other_coordinator), method)(path.format(**ids))
    assert r.status_code == 404
    run.refresh_from_db()
    assert (TimetableRun.objects.count(), ModuleSessionNeed.objects.count(), run.status) == before


@pytest.mark.parametrize("method,path", ID_PAGES)
def test_a_lecturer_teaching_in_the_course_may_not_plan_it(method, path, planned, run, lecturer, client_for):
    ids = _ids(planned, run)
    Session.objects.filter(pk=ids["s"]).update(lecturer=lecturer.person)  # they now see the course
    r = getattr(client_for(lecturer), method)(path.format(**ids))
    # the course is visible to them (403); its runs are not (404)
    assert r.status_code == (404 if "/runs/" in path else 403)
    run.refresh_from_db()
    assert run.status == "done"


def test_the_season_page_is_for_staff(planned, staff, coordinator, lecturer, client_for, generate):
    for user in (coordinator, lecturer):
        assert client_for(user).get("/academy/timetable/season/").status_code == 403
    assert client_for(staff).get("/academy/timetable/season/").status_code == 200
    season = generate(actor=staff, season_start=date(2026, 3, 1), season_end=date(2026, 3, 31))
    assert client_for(coordinator).get(f"/academy/timetable/runs/{season.pk}/").status_code == 404
    r = client_for(staff).post("/academy/timetable/season/", {"season_start": "2026-03-31", "season_end": "2026-03-01"})
    assert r.status_code == 422 and "The season must end on or after the day it starts." in r.content.decode()


# --------------------------------------------------------------------------- API


def test_api_start_poll_accept(planned, coordinator, api_for, django_capture_on_commit_callbacks):
    api = api_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/api/v1/academy/courses/{planned.pk}/timetable-runs", {}, content_type="application/json")
    assert r.status_code == 202
    rid = r.json()["id"]
    got = api.get(f"/api/v1/academy/timetable-runs/{rid}").json()
    assert got["status"] == "done" and got["progress"] == 100 and len(got["placements"]) == 4
    assert got["result"] in ("optimal", "feasible") and got["changes"][0]["new"] == 4
    r = api.post(f"/api/v1/academy/timetable-runs/{rid}/accept")
    assert r.status_code == 200 and r.json()["status"] == "accepted" and planned.sessions.count() == 4
    r = api.post(f"/api/v1/academy/timetable-runs/{rid}/discard")
    assert r.status_code == 422


def test_api_bad_input_is_422_in_chinese_and_saves_nothing(plan_course, coordinator, api_for):
    from citybridge.academy.models import Course

    Course.objects.filter(pk=plan_course.pk).update(start_date=date(2026, 2, 12), end_date=date(2026, 2, 25))
    add_need(plan_course, coordinator, 0, count=1)
    add_need(plan_course, coordinator, 1, count=1)
    r = api_for(coordinator, language="zh-hans").post(
        f"/api/v1/academy/courses/{plan_course.pk}/timetable-runs", {}, content_type="application/json"
    )
    assert r.status_code == 422 and "授课日" in r.json()["errors"][0]["message"]
    r = api_for(coordinator).post(
        f"/api/v1/academy/courses/{plan_course.pk}/timetable-runs",
        {"weights": {"trips": -1}, "surprise": 1},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert not TimetableRun.objects.exists()


def test_api_wrong_users(planned, run, other_coordinator, lecturer, coordinator, api_for):
    for user in (other_coordinator, lecturer):
        api = api_for(user)
        assert api.get(f"/api/v1/academy/timetable-runs/{run.pk}").status_code == 404
        assert api.post(f"/api/v1/academy/timetable-runs/{run.pk}/accept").status_code == 404
        assert api.post(f"/api/v1/academy/timetable-runs/{run.pk}/discard").status_code == 404
        assert (
            api.post(
                f"/api/v1/academy/courses/{planned.pk}/timetable-runs", {}, content_type="application/json"
            ).status_code
            == 404
        )
        assert api.get(f"/api/v1/academy/courses/{planned.pk}/timetable-runs").status_code == 404
    r = api_for(coordinator).post(
        "/api/v1/academy/timetable-runs/season",
        {"season_start": "2026-03-01", "season_end": "2026-03-31"},
        content_type="application/json",
    )
    assert r.status_code == 403
    run.refresh_from_db()
    assert run.status == "done" and TimetableRun.objects.count() == 1
    assert svc  # the service module the endpoints call


def test_site_hosts_page_and_a_site_visit_only_on_open_days(plan_course, staff, coordinator, client_for, generate):
    """The host receives a class on Thursdays only: in 2 – 15 March 2026 those are 5 and 12 March; the one site
    visit of "Green finance" lands on one of them."""
    from citybridge.core.models import Organisation

    host = Organisation.objects.create(name_en="Shanghai Tower", name_zh_hans="上海中心", type="company", country="CN")
    assert client_for(coordinator).get("/academy/timetable/hosts/").status_code == 403
    r = client_for(staff).post("/academy/timetable/hosts/", {"organisation": host.pk, "weekdays": ["3"]})
    assert r.status_code == 302
    page = client_for(staff, language="zh-hans").get("/academy/timetable/hosts/").content.decode()
    assert "上海中心" in page and "周四" in page
    bad = client_for(staff).post(
        "/academy/timetable/hosts/", {"organisation": host.pk, "open_from": "2026-03-09", "open_until": "2026-03-01"}
    )
    assert bad.status_code == 422
    add_need(plan_course, staff, 0, format="site_visit", count=1, host=host)
    add_need(plan_course, staff, 1, count=1)
    run = generate(actor=staff, course=plan_course)
    assert run.status == "done", run.error
    (visit,) = [k for k, v in run.solution["sessions"].items() if v["host"] == host.pk]
    assert run.solution["placements"][visit]["day"] in ("2026-03-05", "2026-03-12")


def test_weights_are_edited_on_the_tab_with_the_version_and_used_by_the_run(planned, coordinator, client_for, generate):
    c = client_for(coordinator)
    tab = c.get(f"/academy/courses/{planned.pk}/timetable/").content.decode()
    assert 'name="weight_trips"' in tab and 'value="6"' in tab  # the engine's default
    r = c.post(f"/academy/courses/{planned.pk}/timetable/settings/", {"rest_weekday": "5", "weight_trips": "40"})
    assert r.status_code == 302
    from citybridge.academy.models import CoursePlanning

    planning = CoursePlanning.objects.get(course=planned)
    assert planning.rest_weekday == 5 and planning.weights["trips"] == 40
    stale = c.post(f"/academy/courses/{planned.pk}/timetable/settings/", {"weight_trips": "1", "version": "0"})
    assert stale.status_code == 422  # version 0 is not a version
    ok = c.post(f"/academy/courses/{planned.pk}/timetable/settings/", {"weight_trips": "40", "version": "1"})
    assert ok.status_code == 302  # version 1 -> 2
    stale = c.post(f"/academy/courses/{planned.pk}/timetable/settings/", {"weight_trips": "1", "version": "1"})
    assert stale.status_code == 409 and "Someone else saved this record" in stale.content.decode()
    bad = c.post(f"/academy/courses/{planned.pk}/timetable/settings/", {"weight_trips": "-3", "version": "2"})
    assert bad.status_code == 422
    assert CoursePlanning.objects.get(course=planned).weights["trips"] == 40
    run = generate(actor=coordinator, course=planned)
    assert run.solution["weights"]["trips"] == 40
