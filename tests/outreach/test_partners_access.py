"""Partner and engagement pages and endpoints as every role: staff see and manage everything; a partner sees only
their own engagements with aggregated attendance and never an official's name or contact; another partner gets
404 on ids and an empty list; other roles 403. Bad input answers 422 with the field, translated, nothing saved.
Query counts pinned at two sizes."""

from __future__ import annotations

import json
from datetime import date, time

import pytest

from citybridge.outreach import services

from ._part_fixtures import *  # noqa: F401,F403
from ._part_fixtures import rows

pytestmark = pytest.mark.django_db


def _post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url: str, body: dict):
    return client.patch(url, json.dumps(body), content_type="application/json")


# --------------------------------------------------------------------------- pages


def test_staff_partner_page_shows_contacts_and_officials(client_for, staff, partner, engagement, officials, host):
    partner.contacts.add(host)
    html = client_for(staff).get(f"/outreach/partners/{partner.pk}/").content.decode()
    assert "Jansen" in html and "Dinner with Philips" in html
    html = client_for(staff).get(f"/outreach/engagements/{engagement.pk}/").content.decode()
    assert "Jansen" in html  # the host
    for o in officials:
        assert o.person.family_name_en in html


def test_partner_sees_own_engagement_aggregated_without_names(client_for, partner_user, engagement, officials):
    response = client_for(partner_user).get(f"/outreach/engagements/{engagement.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 officials attended." in html
    assert (
        "Other (combined so that no group of fewer than 3 shows)" in html and "Vice mayor" not in html
    )  # no group of one or two
    for o in officials:
        assert o.person.family_name_en not in html
        assert o.person.email not in html
        assert o.person.phone not in html
    # the partner page too
    html = client_for(partner_user).get(f"/outreach/partners/{engagement.partner_id}/").content.decode()
    assert "Dinner with Philips" in html
    assert all(o.person.family_name_en not in html for o in officials)


def test_partner_page_punctuation_follows_the_language(client_for, staff, partner, host):
    """A contact's title and the interests' two lists are joined with the reader's punctuation: full-width in
    Chinese (彼得·扬森，中国区总监), never a half-width comma or semicolon. Amounts read 150,000.00."""
    from citybridge.academy.models import Topic

    host.title_en, host.title_zh_hans = "Director, China", "中国区总监"
    host.save()
    partner.contacts.add(host)
    partner.topics.add(Topic.objects.create(name_en="Green buildings", name_zh_hans="绿色建筑", slug="gb"))
    partner.contributions.create(
        kind="money", description_en="Forum", amount="150000", currency="CNY", received_on=date(2024, 9, 1)
    )
    html = client_for(staff, language="zh-hans").get(f"/outreach/partners/{partner.pk}/").content.decode()
    assert "，中国区总监" in html and ", 中国区总监" not in html
    assert "绿色建筑；led lighting" in html
    html = client_for(staff).get(f"/outreach/partners/{partner.pk}/").content.decode()
    assert "Pieter Jansen, Director, China" in html
    assert "Green buildings; led lighting" in html
    assert '<td class="num">CNY 150,000.00</td>' in html  # an amount with its thousands separated
    zh = client_for(staff, language="zh-hans").get(f"/outreach/partners/{partner.pk}/").content.decode()
    assert '<td class="num">150,000.00元</td>' in zh  # as Chinese writes an amount in yuan


def test_partner_page_in_chinese(client_for, partner_user, engagement):
    html = client_for(partner_user, language="zh-hans").get(f"/outreach/engagements/{engagement.pk}/").content.decode()
    assert "3 名学员出席。" in html and "按职务" in html and "其他（合并显示，不单列不足 3 人的组）" in html


def test_other_partner_gets_404(client_for, other_partner_user, engagement, partner):
    c = client_for(other_partner_user)
    assert c.get(f"/outreach/engagements/{engagement.pk}/").status_code == 404
    assert c.get(f"/outreach/partners/{partner.pk}/").status_code == 404
    assert (
        c.post(f"/outreach/engagements/{engagement.pk}/move/", {"status": "proposed", "version": 1}).status_code == 404
    )
    html = c.get("/outreach/engagements/").content.decode()
    assert "Dinner with Philips" not in html


@pytest.mark.parametrize("role", ["lecturer", "academy_coordinator", None])
def test_other_roles_refused(client_for, make_user, academy, role, engagement, partner):
    user = make_user(role, organisation=academy.organisation if role == "academy_coordinator" else None)
    c = client_for(user)
    assert c.get("/outreach/partners/").status_code == 403
    assert c.get("/outreach/engagements/").status_code == 403
    assert c.get(f"/outreach/engagements/{engagement.pk}/").status_code == 404
    assert c.get(f"/outreach/partners/{partner.pk}/").status_code == 404


def test_anonymous_redirected_to_sign_in(client_for, engagement):
    assert client_for(None).get("/outreach/partners/").status_code == 302
    assert client_for(None).get(f"/outreach/engagements/{engagement.pk}/").status_code == 302


def test_partner_cannot_move_the_pipeline(client_for, partner_user, engagement):
    r = client_for(partner_user).post(
        f"/outreach/engagements/{engagement.pk}/move/", {"status": "proposed", "version": 1}
    )
    assert r.status_code == 403
    engagement.refresh_from_db()
    assert engagement.status == "interested"


def test_staff_moves_pipeline_on_the_page(client_for, staff, engagement):
    c = client_for(staff)
    r = c.post(f"/outreach/engagements/{engagement.pk}/move/", {"status": "proposed", "version": engagement.version})
    assert r.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == "proposed"
    # a skipped step is refused with a message
    r = c.post(
        f"/outreach/engagements/{engagement.pk}/move/", {"status": "held", "version": engagement.version}, follow=True
    )
    assert "cannot become" in r.content.decode()


def test_new_engagement_form_outside_course_dates(client_for, staff, partner, pcourse):
    before = rows()
    r = client_for(staff, language="zh-hans").post(
        f"/outreach/partners/{partner.pk}/engagements/new/",
        {
            "course": pcourse.pk,
            "kind": "lunch",
            "title_en": "Lunch",
            "date": "2025-04-01",
            "start_time": "12:00",
            "end_time": "13:00",
            "status": "interested",
        },
    )
    assert r.status_code == 422
    assert "合作活动必须在其课程日期之内" in r.content.decode()
    assert rows() == before


def test_new_engagement_form_creates_timetable_session(client_for, staff, partner, pcourse):
    r = client_for(staff).post(
        f"/outreach/partners/{partner.pk}/engagements/new/",
        {
            "course": pcourse.pk,
            "kind": "lunch",
            "title_en": "Lunch with Philips",
            "date": "2025-03-05",
            "start_time": "12:00",
            "end_time": "13:00",
            "status": "proposed",
            "cost": "800",
            "cost_currency": "CNY",
        },
    )
    assert r.status_code == 302
    assert pcourse.sessions.filter(format="lunch", partner=partner.organisation, date=date(2025, 3, 5)).count() == 1


def test_contribution_form_refuses_missing_currency(client_for, staff, partner):
    before = rows()
    r = client_for(staff).post(
        f"/outreach/partners/{partner.pk}/contributions/",
        {"kind": "money", "description_en": "Gift", "amount": "100", "currency": "", "received_on": "2025-01-01"},
    )
    assert r.status_code == 422 and "ISO code" in r.content.decode()
    assert rows() == before


def test_new_partner_page(client_for, staff, partner_user):
    from citybridge.core.models import Organisation

    org = Organisation.objects.create(name="Siemens", name_en="Siemens", type="company", country="DE")
    assert client_for(partner_user).get("/outreach/partners/new/").status_code == 403
    r = client_for(staff).post("/outreach/partners/new/", {"organisation": org.pk, "technologies_en": "smart grid"})
    assert r.status_code == 302
    assert org.partner_record.technology_tags() == ["smart grid"]


# --------------------------------------------------------------------------- API


def test_api_partner_sees_own_only_and_no_official_ids(api_for, partner_user, engagement, other_engagement, officials):
    c = api_for(partner_user)
    data = c.get("/api/v1/outreach/engagements").json()
    assert [e["id"] for e in data["items"]] == [engagement.pk]
    detail = c.get(f"/api/v1/outreach/engagements/{engagement.pk}").json()
    assert detail["official_ids"] is None
    assert detail["attendance"]["officials"] == 3
    assert detail["attendance"]["by_position"] == [
        {"label": "Other (combined so that no group of fewer than 3 shows)", "officials": 3}
    ]
    text = json.dumps(detail)
    assert all(o.person.family_name_en not in text and o.person.email not in text for o in officials)
    assert c.get(f"/api/v1/outreach/engagements/{other_engagement.pk}").status_code == 404
    assert c.get(f"/api/v1/outreach/partners/{other_engagement.partner_id}").status_code == 404
    assert [p["id"] for p in c.get("/api/v1/outreach/partners").json()["items"]] == [engagement.partner_id]
    assert c.get(f"/api/v1/outreach/partners/{engagement.partner_id}").json()["contact_ids"] is None


def test_api_staff_sees_official_ids(api_for, staff, engagement, officials):
    detail = api_for(staff).get(f"/api/v1/outreach/engagements/{engagement.pk}").json()
    assert sorted(detail["official_ids"]) == sorted(o.pk for o in officials)


def test_api_partner_cannot_write(api_for, partner_user, engagement, partner, pcourse):
    c = api_for(partner_user)
    assert (
        _post(c, f"/api/v1/outreach/engagements/{engagement.pk}/transition", {"status": "proposed"}).status_code == 403
    )
    r = _post(
        c,
        "/api/v1/outreach/engagements",
        {
            "partner_id": partner.pk,
            "course_id": pcourse.pk,
            "kind": "lunch",
            "title": "x",
            "date": "2025-03-04",
            "start_time": "12:00",
            "end_time": "13:00",
        },
    )
    assert r.status_code == 403
    r = _post(
        c,
        f"/api/v1/outreach/partners/{partner.pk}/contributions",
        {"kind": "money", "description": "x", "amount": "1", "currency": "USD", "received_on": "2025-01-01"},
    )
    assert r.status_code == 403


def test_api_create_engagement_and_errors(api_for, staff, partner, pcourse, officials):
    c = api_for(staff, language="zh-hans")
    body = {
        "partner_id": partner.pk,
        "course_id": pcourse.pk,
        "kind": "workshop",
        "title": "LED workshop",
        "date": "2025-03-09",
        "start_time": "09:00",
        "end_time": "11:00",
        "official_ids": [officials[0].pk],
    }
    before = rows()
    r = _post(c, "/api/v1/outreach/engagements", body)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "date" and "课程日期" in r.json()["errors"][0]["message"]
    r = _post(c, "/api/v1/outreach/engagements", {**body, "date": "2025-03-06", "cost": "-3", "cost_currency": "CNY"})
    assert r.status_code == 422
    r = _post(c, "/api/v1/outreach/engagements", {**body, "date": "2025-03-06", "partner_id": 999999})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "partner_id"
    assert rows() == before
    r = _post(c, "/api/v1/outreach/engagements", {**body, "date": "2025-03-06"})
    assert r.status_code == 201, r.content
    e = r.json()
    assert e["session_id"] and e["official_ids"] == [officials[0].pk]
    # pipeline over the API, with version
    r = _post(c, f"/api/v1/outreach/engagements/{e['id']}/transition", {"status": "proposed", "version": e["version"]})
    assert r.status_code == 200 and r.json()["status"] == "proposed"
    r = _post(c, f"/api/v1/outreach/engagements/{e['id']}/transition", {"status": "confirmed", "version": e["version"]})
    assert r.status_code == 409
    r = _patch(c, f"/api/v1/outreach/engagements/{e['id']}", {"outcomes": "Good", "version": e["version"] + 1})
    assert r.status_code == 200 and r.json()["outcomes"] == "Good"


def test_api_contribution_bad_input(api_for, staff, partner):
    c = api_for(staff)
    url = f"/api/v1/outreach/partners/{partner.pk}/contributions"
    good = {"kind": "money", "description": "Gift", "amount": "2500.00", "currency": "EUR", "received_on": "2025-01-01"}
    before = rows()
    for bad, field in (({"currency": ""}, "currency"), ({"amount": "-1"}, "amount"), ({"kind": "shares"}, "kind")):
        r = _post(c, url, {**good, **bad})
        assert r.status_code == 422, (bad, r.content)
        assert field in json.dumps(r.json()["errors"])
    assert rows() == before
    r = _post(c, url, good)
    assert r.status_code == 201 and r.json()["currency"] == "EUR" and r.json()["amount"] == "2500.00"


def test_api_followup_from_engagement(api_for, staff, engagement):
    c = api_for(staff)
    v = engagement.version
    for s in ("proposed", "confirmed", "held"):
        v = _post(c, f"/api/v1/outreach/engagements/{engagement.pk}/transition", {"status": s, "version": v}).json()[
            "version"
        ]
    r = _post(c, f"/api/v1/outreach/engagements/{engagement.pk}/follow-ups", {"subject": "Send the case study"})
    assert r.status_code == 201
    detail = c.get(f"/api/v1/outreach/engagements/{engagement.pk}").json()
    assert detail["status"] == "followed_up" and detail["followup_ids"] == [r.json()["id"]]


# --------------------------------------------------------------------------- query counts


def _many(n: int, staff, partner, pcourse, officials) -> None:
    for i in range(n):
        services.engagement_create(
            actor=staff,
            partner=partner,
            course=pcourse,
            kind="lunch",
            title_en=f"Lunch {i}",
            date=date(2025, 3, 3 + i % 5),
            start_time=time(12),
            end_time=time(13),
            officials=officials,
        )


LIMITS = {
    "/outreach/partners/": 8,
    "/outreach/engagements/": 8,
    "/api/v1/outreach/engagements": 8,
    "/api/v1/outreach/partners": 8,
}


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("path", list(LIMITS))
def test_query_counts(n, path, staff, partner, pcourse, officials, client_for, api_for, django_assert_max_num_queries):
    _many(n, staff, partner, pcourse, officials)
    client = api_for(staff) if path.startswith("/api/") else client_for(staff)
    client.get(path)
    with django_assert_max_num_queries(LIMITS[path]):
        r = client.get(path)
    assert r.status_code == 200


@pytest.mark.parametrize("n", [2, 20])
def test_query_counts_partner_detail(
    n, staff, partner, partner_user, pcourse, officials, client_for, django_assert_max_num_queries
):
    _many(n, staff, partner, pcourse, officials)
    client = client_for(partner_user)
    client.get(f"/outreach/partners/{partner.pk}/")
    with django_assert_max_num_queries(12):
        assert client.get(f"/outreach/partners/{partner.pk}/").status_code == 200


def test_outreach_home_links_by_role(client_for, staff, partner_user):
    html = client_for(partner_user).get("/outreach/").content.decode()
    assert "/outreach/partners/" in html and "/outreach/engagements/" in html and "/outreach/impact/" in html
    assert "/outreach/record/" not in html
    html = client_for(staff).get("/outreach/").content.decode()
    assert "/outreach/record/" in html


def test_engagement_in_the_course_timetable_page_and_ics(client_for, staff, engagement, pcourse):
    from icalendar import Calendar

    html = client_for(staff).get(f"/academy/courses/{pcourse.pk}/").content.decode()
    assert "Dinner with Philips" in html
    cal = Calendar.from_ical(client_for(staff).get(f"/academy/courses/{pcourse.pk}/timetable.ics").content)
    assert any("Dinner with Philips" in str(e["summary"]) for e in cal.walk("VEVENT"))
