"""Request bodies a hostile-input walk answered with a 500 or in English (each now a 422 or 400 in the caller's
language, nothing changed): times with a zone or as numbers, ids above 2**63 in a list, a follow-up's outcome
cleared with null, a body that is not JSON, a list with too many items."""

from __future__ import annotations

import json

import pytest

from citybridge.academy.models import Session
from citybridge.outreach.models import Engagement

from ..outreach._part_fixtures import *  # noqa: F403  (fixtures)


def _send(client, method: str, path: str, body: object):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return getattr(client, method)(path, data, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["09:00:00+08:00", "09:00Z", 3600, 1.5, "9am", "25:00", True])
def test_a_time_of_day_has_no_zone_and_is_no_number(api_for, staff, pcourse, engagement, start):
    api = api_for(staff, "zh-hans")
    sessions, engagements = Session.objects.count(), Engagement.objects.count()
    for method, path, body in [
        ("post", f"/api/v1/academy/courses/{pcourse.pk}/sessions", {"date": "2025-03-05", "end_time": "10:00"}),
        ("post", "/api/v1/outreach/engagements", {"partner_id": engagement.partner_id, "course_id": pcourse.pk,
            "kind": "dinner", "title": "Dinner", "date": "2025-03-05", "end_time": "20:00"}),
        ("patch", f"/api/v1/outreach/engagements/{engagement.pk}", {"version": engagement.version}),
    ]:  # fmt: skip
        r = _send(api, method, path, {**body, "start_time": start})
        assert r.status_code == 422, (path, r.status_code, r.content)
        errors = {e["field"]: e["message"] for e in r.json()["errors"]}
        assert errors["start_time"] == "请按 HH:MM 填写时刻，不带时区。", (path, errors)
    assert (Session.objects.count(), Engagement.objects.count()) == (sessions, engagements)
    engagement.refresh_from_db()
    assert str(engagement.start_time) == "18:00:00"


@pytest.mark.django_db
def test_a_time_of_day_as_the_pages_write_it(api_for, staff, pcourse):
    r = _send(
        api_for(staff),
        "post",
        f"/api/v1/academy/courses/{pcourse.pk}/sessions",
        {"date": "2025-03-05", "start_time": "09:00", "end_time": "10:30:00"},
    )
    assert r.status_code == 201, r.content
    assert (r.json()["start_time"], r.json()["end_time"]) == ("09:00:00", "10:30:00")


@pytest.mark.django_db
def test_course_patch_refuses_an_absurd_module_id(api_for, staff, pcourse):
    r = _send(
        api_for(staff, "zh-hans"),
        "patch",
        f"/api/v1/academy/courses/{pcourse.pk}",
        {"module_ids": [10**40], "version": pcourse.version},
    )
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "module_ids.0"


@pytest.mark.django_db
def test_a_list_with_too_many_items_is_told_so(api_for, staff, pcourse):
    r = _send(api_for(staff, "zh-hans"), "patch", f"/api/v1/academy/courses/{pcourse.pk}",
              {"module_ids": list(range(1, 52)), "version": pcourse.version})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "module_ids", "message": "最多填写 50 项。"}]


@pytest.mark.django_db
def test_a_follow_ups_outcome_cleared_with_null(api_for, staff):
    from citybridge.outreach import services

    activity = services.activity_create(actor=staff, type="call", subject="Call the mayor", outcome="Left a message")
    r = _send(api_for(staff), "patch", f"/api/v1/outreach/activities/{activity.pk}",
              {"outcome": None, "version": activity.version})  # fmt: skip
    assert r.status_code == 200, r.content
    activity.refresh_from_db()
    assert activity.outcome == ""


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"{", b'{"name_en": "A"}\x00', "{'名称'}".encode("gbk")])
def test_a_body_that_is_not_json_is_answered_in_the_callers_language(api_for, staff, body):
    r = _send(api_for(staff, "zh-hans"), "post", "/api/v1/organisations", body)
    assert r.status_code == 400, r.content
    assert r.json()["detail"] == "请求正文不是预期格式的有效 JSON。"
