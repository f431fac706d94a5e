"""Follow-up pages and endpoints: my follow-ups, the staff list, create / edit with version / complete, wrong users,
officials' names for staff only, bad input 422 in the user's language with nothing saved."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from citybridge.outreach import services
from citybridge.outreach.models import Activity

from ._eval_fixtures import *  # noqa: F403
from ._eval_fixtures import snapshot

pytestmark = pytest.mark.django_db
API = "/api/v1/outreach/activities"


def _new(staff, **kw):
    return services.activity_create(actor=staff, **{"type": "call", "subject": "Call about heat pumps", **kw})


def test_my_followups_page(staff, lecturer, make_official, client_for):
    o = make_official()
    _new(staff, assignee=lecturer, officials=[o], due_date=timezone.localdate())
    body = client_for(lecturer, "zh-hans").get("/outreach/follow-ups/mine/").content.decode()
    assert "我的跟进" in body and "Call about heat pumps" in body
    assert o.person.display_name() not in body  # officials' names: staff only


def test_staff_list_and_create(staff, lecturer, make_official, client_for):
    o = make_official()
    c = client_for(staff)
    page = c.get(f"/outreach/follow-ups/new/?official={o.pk}").content.decode()
    assert o.person.display_name() in page
    today = timezone.localdate()
    bad = c.post(
        "/outreach/follow-ups/new/",
        {"type": "call", "subject": "x", "status": "open", "due_date": (today - timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 422 and "cannot be due before" in bad.content.decode()
    assert not Activity.objects.exists()
    ok = c.post(
        f"/outreach/follow-ups/new/?official={o.pk}",
        {
            "type": "meeting",
            "subject": "Meet the vice mayor",
            "status": "open",
            "due_date": today.isoformat(),
            "assignee": str(lecturer.pk),
            "officials": [str(o.pk)],
        },
    )
    assert ok.status_code == 302
    a = Activity.objects.get()
    assert list(a.officials.all()) == [o] and a.assignee == lecturer
    body = c.get("/outreach/follow-ups/").content.decode()
    assert "Meet the vice mayor" in body and o.person.display_name() in body


def test_assignee_edits_status_and_outcome_page(staff, lecturer, other_lecturer, client_for):
    a = _new(staff, assignee=lecturer)
    c = client_for(lecturer)
    url = f"/outreach/follow-ups/{a.pk}/"
    page = c.get(url).content.decode()
    assert 'name="subject"' not in page and 'name="outcome"' in page
    r = c.post(url, {"status": "open", "outcome": "Left a message", "version": "1"})
    assert r.status_code == 302
    stale = c.post(url, {"status": "open", "outcome": "Again", "version": "1"})
    assert stale.status_code == 409
    r = c.post(f"{url}complete/", {"outcome": "Done: introduced", "version": "2"})
    a.refresh_from_db()
    assert a.status == "done" and a.outcome == "Done: introduced"
    # someone else: 404 (not visible), the staff list: 403
    before = snapshot()
    assert client_for(other_lecturer).get(url).status_code == 404
    assert client_for(other_lecturer).post(f"{url}complete/", {"outcome": "x", "version": "3"}).status_code == 404
    assert client_for(other_lecturer).get("/outreach/follow-ups/").status_code == 403
    assert client_for(other_lecturer).get("/outreach/follow-ups/new/").status_code == 403
    assert snapshot() == before


def test_api_create_update_complete(staff, lecturer, make_official, api_for):
    o = make_official()
    c = api_for(staff, "zh-hans")
    today = timezone.localdate()
    r = c.post(
        API,
        json.dumps({"type": "call", "subject": "x", "due_date": (today - timedelta(days=1)).isoformat()}),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "due_date"
    assert "截止日期不能早于创建日期" in r.json()["errors"][0]["message"]
    r = c.post(API, json.dumps({"type": "call", "subject": "x", "assignee_id": 10**9}), content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "assignee_id"
    assert not Activity.objects.exists()
    r = c.post(
        API,
        json.dumps(
            {
                "type": "introduction",
                "subject": "Introduce to supplier",
                "assignee_id": lecturer.pk,
                "official_ids": [o.pk],
                "due_date": today.isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["official_ids"] == [o.pk]
    pk = r.json()["id"]
    lc = api_for(lecturer)
    got = lc.get(f"{API}/{pk}").json()
    assert got["official_ids"] is None  # not staff
    assert (
        lc.patch(
            f"{API}/{pk}", json.dumps({"subject": "mine now", "version": 1}), content_type="application/json"
        ).status_code
        == 403
    )
    r = lc.patch(f"{API}/{pk}", json.dumps({"outcome": "Called", "version": 1}), content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = lc.patch(f"{API}/{pk}", json.dumps({"outcome": "Stale", "version": 1}), content_type="application/json")
    assert r.status_code == 409 and r.json()["current"]["outcome"] == "Called"
    r = lc.post(
        f"{API}/{pk}/complete", json.dumps({"outcome": "Introduced", "version": 2}), content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    mine = lc.get(f"{API}/mine?include_closed=true").json()
    assert mine["count"] == 1


def test_api_wrong_users(staff, lecturer, other_lecturer, coordinator, api_for):
    a = _new(staff, assignee=lecturer)
    before = snapshot()
    for user in (other_lecturer, coordinator):
        c = api_for(user)
        assert c.get(f"{API}/{a.pk}").status_code == 404
        assert (
            c.patch(
                f"{API}/{a.pk}", json.dumps({"outcome": "x", "version": 1}), content_type="application/json"
            ).status_code
            == 404
        )
        assert (
            c.post(API, json.dumps({"type": "call", "subject": "x"}), content_type="application/json").status_code
            == 403
        )
        assert c.get(API).json()["count"] == 0
    assert api_for(None).get(f"{API}/mine").status_code == 401
    assert snapshot() == before


def test_mine_overdue_first_api(staff, lecturer, api_for):
    today = timezone.localdate()
    later = _new(staff, assignee=lecturer, due_date=today + timedelta(days=2), subject="later")
    late = _new(staff, assignee=lecturer, due_date=today, subject="late")
    Activity.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=3))
    items = api_for(lecturer).get(f"{API}/mine").json()["items"]
    assert [(i["subject"], i["overdue"]) for i in items] == [("late", True), ("later", False)]
    assert later.pk == items[1]["id"]
