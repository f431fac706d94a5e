"""An event's venue and city, and a partner engagement's title and venue, in both languages, as event titles and
session sites are: the forms ask for each language, the pages and the API show the reader's language (else the
other), the API's one-text fields write the request's language only, and migration outreach 0005 moves each text
typed so far into the language it is written in."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from citybridge.outreach.models import Engagement, Event

from ._part_fixtures import *  # noqa: F401,F403
from ._part_fixtures import rows

pytestmark = pytest.mark.django_db

_MIGRATION = "0005_bilingual_engagements_and_event_places"


def _json(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


# --------------------------------------------------------------------------- events


def test_the_event_form_asks_for_each_language_and_the_pages_show_the_readers(client_for, staff, partner_user):
    zh = client_for(staff, language="zh-hans")
    form = zh.get("/outreach/events/new/").content.decode()
    for label in ("地点（英文）", "地点（中文）", "城市（英文）", "城市（中文）"):
        assert label in form, label
    before = rows()
    empty = zh.post(
        "/outreach/events/new/", {"title_zh_hans": "论坛", "starts_on": "2025-06-10", "ends_on": "2025-06-11"}
    )
    assert empty.status_code == 422 and "请填写英文或中文地点。" in empty.content.decode()
    assert rows() == before
    r = zh.post(
        "/outreach/events/new/",
        {"title_zh_hans": "城市气候论坛", "starts_on": "2025-06-10", "ends_on": "2025-06-11",
         "venue_zh_hans": "上海国际会议中心", "city_zh_hans": "上海", "city_en": "Shanghai"},
    )  # fmt: skip
    assert r.status_code == 302
    event = Event.objects.get(title_zh_hans="城市气候论坛")
    assert (event.venue_en, event.venue_zh_hans, event.city_en, event.city_zh_hans) == (
        "",
        "上海国际会议中心",
        "Shanghai",
        "上海",
    )
    detail_zh = zh.get(f"/outreach/events/{event.pk}/").content.decode()
    assert "上海国际会议中心，上海" in detail_zh
    detail_en = client_for(partner_user).get(f"/outreach/events/{event.pk}/").content.decode()
    assert "上海国际会议中心, Shanghai" in detail_en  # no English venue: the Chinese one, with the English city
    assert "上海国际会议中心" in client_for(partner_user).get("/outreach/events/").content.decode()


def test_the_event_edit_form_keeps_the_other_language(client_for, staff, event):
    zh = client_for(staff, language="zh-hans")
    url = f"/outreach/events/{event.pk}/edit/"
    page = zh.get(url).content.decode()
    assert 'value="北京国际饭店"' in page and 'value="Beijing International Hotel"' in page
    data = {"version": "1", "title_en": "China Energy Forum", "title_zh_hans": "中国能源论坛",
            "starts_on": "2025-06-10", "ends_on": "2025-06-11", "venue_en": "Beijing International Hotel",
            "venue_zh_hans": "北京国际大酒店", "city_en": "Beijing", "city_zh_hans": "北京"}  # fmt: skip
    assert zh.post(url, data).status_code == 302
    event.refresh_from_db()
    assert (event.venue_en, event.venue_zh_hans, event.version) == ("Beijing International Hotel", "北京国际大酒店", 2)


def test_the_event_api_in_both_languages(api_for, staff, event):
    en, zh = api_for(staff), api_for(staff, "zh-hans")
    body = en.get(f"/api/v1/outreach/events/{event.pk}").json()
    assert (body["venue"], body["venue_en"], body["venue_zh_hans"]) == (
        "Beijing International Hotel", "Beijing International Hotel", "北京国际饭店")  # fmt: skip
    assert (body["city"], body["city_en"], body["city_zh_hans"]) == ("Beijing", "Beijing", "北京")
    listed = zh.get("/api/v1/outreach/events").json()["items"][0]
    assert (listed["venue"], listed["city"]) == ("北京国际饭店", "北京")
    # `venue` alone, in a Chinese request: the Chinese venue only; the English one stays
    r = _json(zh, "patch", f"/api/v1/outreach/events/{event.pk}", {"venue": "国家会议中心", "version": 1})
    assert r.status_code == 200, r.content
    assert (r.json()["venue_en"], r.json()["venue_zh_hans"], r.json()["venue"]) == (
        "Beijing International Hotel", "国家会议中心", "国家会议中心")  # fmt: skip
    # both languages sent: `venue` is not needed
    created = _json(en, "post", "/api/v1/outreach/events",
                    {"title_en": "Forum", "starts_on": "2025-07-01", "ends_on": "2025-07-01",
                     "venue_en": "Hall", "venue_zh_hans": "大厅", "city": "Xi'an"})  # fmt: skip
    assert created.status_code == 201, created.content
    assert (created.json()["venue_zh_hans"], created.json()["city_en"], created.json()["city_zh_hans"]) == (
        "大厅",
        "Xi'an",
        "",
    )
    before = rows()
    missing = _json(zh, "post", "/api/v1/outreach/events",
                    {"title_en": "Forum", "starts_on": "2025-07-01", "ends_on": "2025-07-01", "venue_zh_hans": " "})  # fmt: skip
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "venue_en"
    assert "请填写英文或中文地点。" in missing.json()["errors"][0]["message"]
    too_long = _json(en, "post", "/api/v1/outreach/events",
                     {"title_en": "F", "starts_on": "2025-07-01", "ends_on": "2025-07-01", "city_zh_hans": "城" * 101,
                      "venue": "v"})  # fmt: skip
    assert too_long.status_code == 422
    assert rows() == before


# --------------------------------------------------------------------------- engagements


def test_a_new_engagement_in_chinese_only(client_for, staff, partner, pcourse, partner_user):
    zh = client_for(staff, language="zh-hans")
    url = f"/outreach/partners/{partner.pk}/engagements/new/"
    form = zh.get(url).content.decode()
    for label in ("标题（英文）", "标题（中文）", "地点（英文）", "地点（中文）"):
        assert label in form, label
    data = {"course": pcourse.pk, "kind": "lunch", "date": "2025-03-05", "start_time": "12:00",
            "end_time": "13:00", "status": "proposed"}  # fmt: skip
    before = rows()
    r = zh.post(url, data)
    assert r.status_code == 422 and "请填写英文或中文标题。" in r.content.decode()
    assert rows() == before
    r = zh.post(url, {**data, "title_zh_hans": "飞利浦午餐会", "venue_zh_hans": "国贸大酒店"})
    assert r.status_code == 302
    engagement = Engagement.objects.get(title_zh_hans="飞利浦午餐会")
    assert (engagement.title_en, engagement.venue_en) == ("", "")
    session = engagement.session
    assert (session.title_zh_hans, session.site_zh_hans) == ("飞利浦午餐会", "国贸大酒店")
    page = zh.get(f"/outreach/engagements/{engagement.pk}/").content.decode()
    assert "<h1>飞利浦午餐会</h1>" in page and "国贸大酒店" in page
    # an English reader sees the Chinese texts rather than nothing
    assert "飞利浦午餐会" in client_for(partner_user).get("/outreach/engagements/").content.decode()
    assert "飞利浦午餐会" in client_for(staff).get(f"/outreach/partners/{partner.pk}/").content.decode()


def test_the_engagement_api_in_both_languages(api_for, staff, engagement, partner, pcourse):
    en, zh = api_for(staff), api_for(staff, "zh-hans")
    body = en.get(f"/api/v1/outreach/engagements/{engagement.pk}").json()
    assert (body["title"], body["title_en"], body["title_zh_hans"]) == (
        "Dinner with Philips",
        "Dinner with Philips",
        "",
    )
    assert (body["venue"], body["venue_en"], body["venue_zh_hans"]) == ("Beijing Hotel", "Beijing Hotel", "")
    r = _json(zh, "patch", f"/api/v1/outreach/engagements/{engagement.pk}",
              {"title": "与飞利浦共进晚餐", "venue_zh_hans": "北京饭店", "version": 1})  # fmt: skip
    assert r.status_code == 200, r.content
    got = r.json()
    assert (got["title_en"], got["title_zh_hans"], got["title"]) == (
        "Dinner with Philips",
        "与飞利浦共进晚餐",
        "与飞利浦共进晚餐",
    )
    assert (got["venue_en"], got["venue_zh_hans"], got["venue"]) == ("Beijing Hotel", "北京饭店", "北京饭店")
    engagement.session.refresh_from_db()
    assert (engagement.session.title_zh_hans, engagement.session.site_zh_hans) == ("与飞利浦共进晚餐", "北京饭店")
    assert en.get(f"/api/v1/outreach/engagements/{engagement.pk}").json()["title"] == "Dinner with Philips"
    before = rows()
    r = _json(en, "post", "/api/v1/outreach/engagements",
              {"partner_id": partner.pk, "course_id": pcourse.pk, "kind": "lunch", "date": "2025-03-05",
               "start_time": "12:00", "end_time": "13:00"})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "title_en"
    assert rows() == before


# --------------------------------------------------------------------------- the migration


def test_the_migration_puts_each_typed_text_in_the_language_it_is_written_in(staff, engagement, event):
    apps = MigrationExecutor(connection).loader.project_state(("outreach", _MIGRATION)).apps
    migration = importlib.import_module(f"citybridge.outreach.migrations.{_MIGRATION}")
    # as the rename left them: every text in the English column
    Engagement.objects.filter(pk=engagement.pk).update(title_en="国贸晚宴 (CWTC)", venue_en="Kerry Hotel")
    Event.objects.filter(pk=event.pk).update(
        venue_en="北京国际饭店", venue_zh_hans="", city_en="Beijing", city_zh_hans=""
    )
    migration.split(apps, SimpleNamespace(connection=connection))
    engagement.refresh_from_db()
    event.refresh_from_db()
    assert (engagement.title_en, engagement.title_zh_hans) == ("", "国贸晚宴 (CWTC)")
    assert (engagement.venue_en, engagement.venue_zh_hans) == ("Kerry Hotel", "")
    assert (event.venue_en, event.venue_zh_hans, event.city_en, event.city_zh_hans) == (
        "",
        "北京国际饭店",
        "Beijing",
        "",
    )
    # back to one column: the English text, else the Chinese one
    migration.join(apps, SimpleNamespace(connection=connection))
    engagement.refresh_from_db()
    event.refresh_from_db()
    assert (engagement.title_en, event.venue_en, event.city_en) == ("国贸晚宴 (CWTC)", "北京国际饭店", "Beijing")
