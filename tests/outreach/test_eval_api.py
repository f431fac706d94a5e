"""Evaluation endpoints under /api/v1/outreach/: form, staff entry (bad input 422 with the field, in the user's
language, nothing saved), list (official only for staff), translation with version, results per kind; wrong users."""

from __future__ import annotations

import json

import pytest

from citybridge.outreach import services

from ._eval_fixtures import *  # noqa: F403
from ._eval_fixtures import answers, enrol, sessions, snapshot

pytestmark = pytest.mark.django_db
BASE = "/api/v1/outreach/evaluations"


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_form_lists_items_in_the_users_language(staff, ecourse, api_for):
    r = api_for(staff, "zh-hans").get(f"{BASE}/courses/{ecourse.pk}/form")
    assert r.status_code == 200
    data = r.json()
    assert [q["label"] for q in data["questions"]] == ["与中国的相关性", "授课质量", "达到预期"]
    assert len(data["items"]) == 4 and data["items"][-1]["key"] == "overall"  # 3 lectures + overall, no dinner
    assert "讲座 1" in data["items"][0]["label"]


def test_staff_entry_and_bad_input(staff, ecourse, other_course, make_official, api_for):
    o = make_official()
    enrol(ecourse, o)
    s = sessions(ecourse)
    c = api_for(staff, "zh-hans")
    url = f"{BASE}/courses/{ecourse.pk}/submissions"
    before = snapshot()
    r = _post(c, url, {"answers": [{"session_id": s[0].pk, "relevance": 6}]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"].endswith("relevance")
    foreign = other_course.sessions.first().pk
    r = _post(c, url, {"answers": [{"session_id": foreign, "relevance": 3}]})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "answers.0.session_id", "message": "此课次不在本课程的评价范围内。"}]
    r = _post(c, url, {"answers": [{"session_id": s[0].pk, "relevance": 3}], "official_id": 10**9})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "official_id"
    r = _post(c, url, {"answers": [{"session_id": s[0].pk, "relevance": 3}], "extra": 1})
    assert r.status_code == 422
    assert snapshot() == before
    r = _post(c, url, {"answers": [{"session_id": s[0].pk, "relevance": 3, "comment": "好"}], "official_id": o.pk})
    assert r.status_code == 201 and r.json()["official_id"] == o.pk


def test_list_hides_official_from_coordinator(staff, coordinator, ecourse, make_official, api_for):
    o = make_official()
    enrol(ecourse, o)
    services.evaluation_enter(
        actor=staff, course=ecourse, answers=answers(ecourse, {0: (4, 4, 4)}), official=o, contact="x@y.cn"
    )
    url = f"{BASE}/courses/{ecourse.pk}/submissions"
    staff_item = api_for(staff).get(url).json()["items"][0]
    coord_item = api_for(coordinator).get(url).json()["items"][0]
    assert staff_item["official_id"] == o.pk and staff_item["contact"] == "x@y.cn"
    assert coord_item["official_id"] is None and coord_item["contact"] == ""
    assert coord_item["answers"][0]["relevance"] == 4


def test_wrong_users(staff, ecourse, other_coordinator, lecturer, api_for):
    ev = services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {0: (4, 4, 4)}, comment="c"))
    a = ev.answers.get()
    s = sessions(ecourse)
    before = snapshot()
    oc, lc = api_for(other_coordinator), api_for(lecturer)
    for client, expected in ((oc, 404), (lc, 403)):
        assert client.get(f"{BASE}/courses/{ecourse.pk}/form").status_code == expected
        assert client.get(f"{BASE}/courses/{ecourse.pk}/submissions").status_code == expected
        assert (
            _post(
                client,
                f"{BASE}/courses/{ecourse.pk}/submissions",
                {"answers": [{"session_id": s[0].pk, "relevance": 3}]},
            ).status_code
            == expected
        )
        r = client.put(
            f"{BASE}/answers/{a.pk}/translation",
            json.dumps({"comment_translation": "x", "version": 1}),
            content_type="application/json",
        )
        assert r.status_code == 404
        assert client.get(f"{BASE}/results/course/{ecourse.pk}").status_code == 404
    assert api_for(None).get(f"{BASE}/results/course/{ecourse.pk}").status_code == 401
    assert snapshot() == before


def test_translation_with_version(staff, ecourse, api_for):
    ev = services.evaluation_enter(
        actor=staff, course=ecourse, answers=answers(ecourse, {0: (4, 4, 4)}, comment="讲得很好")
    )
    a = ev.answers.get()
    c = api_for(staff)
    url = f"{BASE}/answers/{a.pk}/translation"
    r = c.put(url, json.dumps({"comment_translation": "Well taught", "version": 1}), content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2 and r["ETag"] == '"2"'
    r = c.put(url, json.dumps({"comment_translation": "Other", "version": 1}), content_type="application/json")
    assert r.status_code == 409
    r = c.put(url, json.dumps({"comment_translation": "No version"}), content_type="application/json")
    assert r.status_code == 422


def test_results_per_kind(staff, ecourse, lecturer, other_lecturer, api_for):
    # lecturer sessions: s0 answers 5,4,3 -> mean 4.0 ; other lecturer s2: 2,2,2 -> 2.0
    for score in (5, 4, 3):
        services.evaluation_enter(
            actor=staff, course=ecourse, answers=answers(ecourse, {0: (score, score, score), 2: (2, 2, 2)})
        )
    c = api_for(staff)
    r = c.get(f"{BASE}/results/lecturer/{lecturer.person_id}").json()
    assert r["overall"]["n"] == 3 and r["overall"]["relevance"] == 4.0
    # program 2025 mean relevance: (5+4+3+2+2+2)/6 = 3.0 -> lecturer +1.0
    assert r["versus_program"] == [{"key": "2025", "relevance": 1.0, "delivery": 1.0, "expectations": 1.0}]
    course = c.get(f"{BASE}/results/course/{ecourse.pk}").json()
    assert course["overall"]["n"] == 6 and course["overall"]["relevance"] == 3.0
    assert [g["n"] for g in course["breakdown"]] == [3, 3]
    academy = c.get(f"{BASE}/results/academy/{ecourse.academy_id}").json()
    assert academy["breakdown"][0]["label"] == "Energy Smart Cities"
    assert c.get(f"{BASE}/results/nonsense/1").status_code == 422
    # the lecturer: own only
    lc = api_for(lecturer)
    own = lc.get(f"{BASE}/results/lecturer/{lecturer.person_id}")
    assert own.status_code == 200 and own.json()["min_group"] == 3
    assert lc.get(f"{BASE}/results/lecturer/{other_lecturer.person_id}").status_code == 404
