"""Paired cities: a California city and a Chinese city, one active pair per city, ended pairs kept as history.
The rules (service), the pages in both languages, the API, wrong users refused on every write, query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from citybridge.cities import services
from citybridge.cities.models import City, CityPair
from tests.chinese import has_chinese

pytestmark = pytest.mark.django_db

START = date(2025, 6, 1)


@pytest.fixture
def pair(staff, small_registry):
    return services.city_pair_create(
        actor=staff,
        us_city=small_registry["Hayward"],
        cn_city=small_registry["Hefei"],
        started_on=START,
        note_en="Building energy",
        note_zh_hans="建筑能效",
    )


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --------------------------------------------------------------------------- rules


def test_a_pair_is_created_with_who_and_a_version(pair, staff):
    assert (pair.us_city.name_en, pair.cn_city.name_en, pair.started_on, pair.ended_on) == (
        "Hayward",
        "Hefei",
        START,
        None,
    )
    assert pair.created_by == staff and pair.version == 1
    assert (pair.note_en, pair.note_zh_hans) == ("Building energy", "建筑能效")
    assert pair.history.count() == 1


def test_a_same_side_pair_is_refused(staff, small_registry):
    with pytest.raises(ValidationError) as exc:
        services.city_pair_create(
            actor=staff, us_city=small_registry["Hayward"], cn_city=small_registry["Oakland"], started_on=START
        )
    assert "Choose a Chinese city" in exc.value.message_dict["cn_city"][0]
    with pytest.raises(ValidationError) as exc:
        services.city_pair_create(
            actor=staff, us_city=small_registry["Beijing"], cn_city=small_registry["Hefei"], started_on=START
        )
    assert "Choose a California city" in exc.value.message_dict["us_city"][0]
    assert not CityPair.objects.exists()


def test_a_second_active_pair_is_refused_in_the_users_language(staff, small_registry, pair):
    from django.utils import translation

    with pytest.raises(ValidationError) as exc:
        services.city_pair_create(
            actor=staff, us_city=small_registry["Hayward"], cn_city=small_registry["Anqing"], started_on=START
        )
    assert exc.value.message_dict["us_city"] == [
        "Hayward is already paired with Hefei since June 1, 2025; end that pair first."
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.city_pair_create(
            actor=staff, us_city=small_registry["Oakland"], cn_city=small_registry["Hefei"], started_on=START
        )
    assert exc.value.message_dict["cn_city"] == ["合肥 自 2025年6月1日 起已与 海沃德 结对；请先结束该结对。"]
    assert CityPair.objects.count() == 1


def test_the_database_also_refuses_a_second_active_pair(staff, small_registry, pair):
    with pytest.raises(IntegrityError), transaction.atomic():
        CityPair.objects.create(us_city=small_registry["Hayward"], cn_city=small_registry["Anqing"], started_on=START)
    with pytest.raises(IntegrityError), transaction.atomic():
        CityPair.objects.create(
            us_city=small_registry["Oakland"],
            cn_city=small_registry["Anqing"],
            started_on=START,
            ended_on=START - timedelta(1),
        )


def test_start_dates_and_end_before_start_are_refused(staff, small_registry, pair):
    far = timezone.localdate() + timedelta(days=400)
    with pytest.raises(ValidationError) as exc:
        services.city_pair_create(
            actor=staff, us_city=small_registry["Oakland"], cn_city=small_registry["Anqing"], started_on=far
        )
    assert exc.value.message_dict["started_on"] == ["A pair cannot start more than a year from today."]
    with pytest.raises(ValidationError) as exc:
        services.city_pair_end(actor=staff, pair=pair, ended_on=START - timedelta(days=1), expected_version=1)
    assert exc.value.message_dict["ended_on"] == ["A pair cannot end before it started (June 1, 2025)."]
    pair.refresh_from_db()
    assert (pair.ended_on, pair.version) == (None, 1)  # the refused end changed nothing


def test_an_ended_pair_is_kept_and_frees_both_cities(staff, small_registry, pair):
    services.city_pair_end(actor=staff, pair=pair, ended_on=date(2025, 12, 1), expected_version=1)
    pair.refresh_from_db()
    assert (pair.ended_on, pair.version) == (date(2025, 12, 1), 2)
    again = services.city_pair_create(
        actor=staff, us_city=small_registry["Hayward"], cn_city=small_registry["Anqing"], started_on=date(2025, 12, 2)
    )
    assert CityPair.objects.active().get() == again and CityPair.objects.count() == 2
    with pytest.raises(ValidationError):
        services.city_pair_end(actor=staff, pair=pair, ended_on=date(2025, 12, 3), expected_version=2)


def test_a_stale_end_is_refused(staff, pair):
    from citybridge.core.concurrency import StaleEdit, VersionMissing

    with pytest.raises(StaleEdit):
        services.city_pair_end(actor=staff, pair=pair, ended_on=START, expected_version=7)
    with pytest.raises(VersionMissing):
        services.city_pair_end(actor=staff, pair=pair, ended_on=START, expected_version=None)


def test_only_program_staff_write_pairs(coordinator, small_registry, pair):
    from django.contrib.auth.models import AnonymousUser

    for user in (coordinator, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.city_pair_create(
                actor=user, us_city=small_registry["Oakland"], cn_city=small_registry["Anqing"], started_on=START
            )
        with pytest.raises(PermissionDenied):
            services.city_pair_end(actor=user, pair=pair, ended_on=START, expected_version=1)
    assert CityPair.objects.count() == 1 and CityPair.objects.get().ended_on is None


# --------------------------------------------------------------------------- pages


def test_the_list_in_both_languages_active_first(staff, client_for, small_registry, pair):
    ended = services.city_pair_create(
        actor=staff, us_city=small_registry["San Jose"], cn_city=small_registry["Beijing"], started_on=date(2024, 1, 1)
    )
    services.city_pair_end(actor=staff, pair=ended, ended_on=date(2024, 6, 30), expected_version=1)
    r = client_for(staff).get("/cities/pairs/")
    html = r.content.decode()
    assert r.status_code == 200 and list(r.context["page_obj"].object_list) == [pair, ended]
    assert "Hayward" in html and "Hefei" in html and "June 1, 2025" in html and "June 30, 2024" in html
    assert (
        "New pair" in html and f"/cities/pairs/{pair.pk}/end/" in html and f"/cities/pairs/{ended.pk}/end/" not in html
    )
    zh = client_for(staff, language="zh-hans").get("/cities/pairs/").content.decode()
    assert "结对城市" in zh and "海沃德" in zh and "合肥" in zh and "2025年6月1日" in zh and "新建结对" in zh
    assert "建筑能效" in zh and "Building energy" not in zh


def test_every_participant_sees_the_list_but_not_the_staff_actions(coordinator, client_for, pair):
    html = client_for(coordinator).get("/cities/pairs/").content.decode()
    assert "Hayward" in html and "New pair" not in html and "/end/" not in html
    assert "/cities/pairs/" in client_for(coordinator).get("/cities/").content.decode()  # the section's menu
    r = client_for(None).get("/cities/pairs/")
    assert r.status_code == 302 and "/login" in r.url


def test_a_city_page_says_whom_it_is_paired_with(staff, client_for, small_registry, pair):
    hayward, hefei = small_registry["Hayward"], small_registry["Hefei"]
    html = client_for(staff).get(f"/cities/{hayward.pk}/").content.decode()
    assert f'Paired with <a href="/cities/{hefei.pk}/">Hefei</a> since June 1, 2025' in html
    zh = client_for(staff, language="zh-hans").get(f"/cities/{hefei.pk}/").content.decode()
    assert f'自 2025年6月1日 起与 <a href="/cities/{hayward.pk}/">海沃德</a> 结对' in zh
    for name in ("Oakland", "Beijing"):
        assert "Paired with" not in client_for(staff).get(f"/cities/{small_registry[name].pk}/").content.decode()
    services.city_pair_end(actor=staff, pair=pair, ended_on=START, expected_version=1)
    assert "Paired with" not in client_for(staff).get(f"/cities/{hayward.pk}/").content.decode()


def test_staff_create_a_pair_by_searching_both_cities_by_name(staff, client_for, small_registry):
    hayward, anqing = small_registry["Hayward"], small_registry["Anqing"]
    client = client_for(staff, language="zh-hans")
    html = client.get("/cities/pairs/new/").content.decode()
    assert "按中文或英文名称搜索城市" in html and 'name="us_city_q"' in html and 'name="cn_city_q"' in html
    # the search without JS posts back: Hayward found by its Chinese name, the other fields kept, nothing saved
    r = client.post("/cities/pairs/new/", {"find": "us_city", "us_city_q": "海沃", "started_on": "2025-06-01"})
    html = r.content.decode()
    assert r.status_code == 200 and f'name="us_city" value="{hayward.pk}"' in html and 'value="2025-06-01"' in html
    # the live search (htmx) answers the same options
    html = client.get("/cities/pick/", {"name": "cn_city", "cn_city_q": "anq"}).content.decode()
    assert f'type="radio" name="cn_city" value="{anqing.pk}"' in html
    assert not CityPair.objects.exists()
    # a same-side choice comes back with the error beside the field, in Chinese
    r = client.post(
        "/cities/pairs/new/",
        {"us_city": hayward.pk, "cn_city": small_registry["Oakland"].pk, "started_on": "2025-06-01"},
    )
    assert r.status_code == 422 and "请选择一个中国城市" in r.content.decode()
    r = client.post(
        "/cities/pairs/new/",
        {"us_city": hayward.pk, "cn_city": anqing.pk, "started_on": "2025-06-01", "note_zh_hans": "交流"},
        follow=True,
    )
    assert "海沃德 与 安庆 已结对。" in _messages(r)
    p = CityPair.objects.get()
    assert (p.us_city, p.cn_city, p.started_on, p.note_zh_hans, p.created_by) == (
        hayward,
        anqing,
        START,
        "交流",
        staff,
    )


def test_staff_end_a_pair_after_confirming(staff, client_for, pair):
    client = client_for(staff)
    url = f"/cities/pairs/{pair.pk}/end/"
    html = client.get(url).content.decode()
    assert "End this pair?" in html and "End the pair of Hayward and Hefei, paired since June 1, 2025?" in html
    assert 'name="version" value="1"' in html and "Cannot be undone" not in html
    zh = client_for(staff, language="zh-hans").get(url).content.decode()
    assert "结束此结对？" in zh and has_chinese(zh)
    pair.refresh_from_db()
    assert pair.ended_on is None  # asking changes nothing
    # an end before the start: the error beside the field
    r = client.post(url, {"ended_on": "2025-05-01", "version": 1})
    assert r.status_code == 422 and "cannot end before it started" in r.content.decode()
    # a stale confirmation (someone ended and the version moved): refused with the current state
    r = client.post(url, {"ended_on": "2025-07-01", "version": 7})
    assert r.status_code == 409 and "Someone else saved this record" in r.content.decode()
    r = client.post(url, {"ended_on": "2025-07-01", "version": 1}, follow=True)
    assert "has ended" in _messages(r)
    pair.refresh_from_db()
    assert pair.ended_on == date(2025, 7, 1) and pair.version == 2
    # ending again: nothing to confirm
    r = client.get(url, follow=True)
    assert "already ended" in _messages(r)


def test_wrong_users_are_refused_on_every_page_write(coordinator, client_for, small_registry, pair):
    client = client_for(coordinator)
    assert client.get("/cities/pairs/new/").status_code == 403
    data = {"us_city": small_registry["Oakland"].pk, "cn_city": small_registry["Anqing"].pk, "started_on": "2025-06-01"}
    assert client.post("/cities/pairs/new/", data).status_code == 403
    assert client.get(f"/cities/pairs/{pair.pk}/end/").status_code == 403
    assert client.post(f"/cities/pairs/{pair.pk}/end/", {"ended_on": "2025-07-01", "version": 1}).status_code == 403
    assert client.get("/cities/pick/", {"name": "cn_city", "cn_city_q": "an"}).status_code == 403
    anonymous = client_for(None)
    for url in ("/cities/pairs/new/", f"/cities/pairs/{pair.pk}/end/"):
        r = anonymous.post(url, data)
        assert r.status_code == 302 and "/login" in r.url
    assert CityPair.objects.count() == 1 and CityPair.objects.get().ended_on is None
    assert client_for(coordinator).get("/cities/pairs/999999/end/").status_code == 404


# --------------------------------------------------------------------------- API


def test_api_create_list_and_end(staff, api_for, small_registry):
    api = api_for(staff)
    hayward, anqing = small_registry["Hayward"], small_registry["Anqing"]
    r = api.post(
        "/api/v1/cities/pairs",
        {"us_city_id": hayward.pk, "cn_city_id": anqing.pk, "started_on": "2025-06-01", "note_en": "Heat"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    item = r.json()
    assert item == {
        "id": item["id"],
        "us_city_id": hayward.pk,
        "us_city_name_en": "Hayward",
        "us_city_name_zh_hans": "海沃德",
        "cn_city_id": anqing.pk,
        "cn_city_name_en": "Anqing",
        "cn_city_name_zh_hans": "安庆",
        "started_on": "2025-06-01",
        "ended_on": None,
        "note": "Heat",
        "note_en": "Heat",
        "note_zh_hans": "",
        "version": 1,
    }
    listed = api.get("/api/v1/cities/pairs").json()
    assert listed["count"] == 1 and listed["items"] == [item]
    r = api.post(
        f"/api/v1/cities/pairs/{item['id']}/end",
        {"ended_on": "2025-09-01", "version": 1},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["ended_on"] == "2025-09-01" and r.json()["version"] == 2
    assert r["ETag"] == '"2"'


def test_api_errors(staff, api_for, small_registry, pair):
    api = api_for(staff, language="zh-hans")
    hayward, oakland = small_registry["Hayward"], small_registry["Oakland"]
    # same side, in the request's language, naming the body's field
    r = api.post(
        "/api/v1/cities/pairs",
        {"us_city_id": oakland.pk, "cn_city_id": hayward.pk, "started_on": "2025-06-01"},
        content_type="application/json",
    )
    assert r.status_code == 422
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert errors["cn_city_id"].startswith("请选择一个中国城市") and has_chinese(r.json()["detail"])
    # a second active pair for Hayward
    r = api.post(
        "/api/v1/cities/pairs",
        {"us_city_id": hayward.pk, "cn_city_id": small_registry["Anqing"].pk, "started_on": "2025-06-01"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "us_city_id"
    # an unknown city id in the body: 422 naming the field; an unknown pair in the path: 404
    r = api.post(
        "/api/v1/cities/pairs",
        {"us_city_id": 999999, "cn_city_id": small_registry["Anqing"].pk, "started_on": "2025-06-01"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "us_city_id"
    r = api.post("/api/v1/cities/pairs/999999/end", {"version": 1}, content_type="application/json")
    assert r.status_code == 404
    # an end before the start; a stale version (409 with the current pair)
    r = api.post(
        f"/api/v1/cities/pairs/{pair.pk}/end",
        {"ended_on": "2025-01-01", "version": 1},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ended_on"
    r = api.post(f"/api/v1/cities/pairs/{pair.pk}/end", {"version": 5}, content_type="application/json")
    assert r.status_code == 409 and r.json()["current"]["version"] == 1
    assert CityPair.objects.get().ended_on is None


def test_api_refuses_wrong_users_on_every_write(coordinator, api_for, small_registry, pair):
    body = {
        "us_city_id": small_registry["Oakland"].pk,
        "cn_city_id": small_registry["Anqing"].pk,
        "started_on": "2025-06-01",
    }
    for user, status in ((coordinator, 403), (None, 401)):
        api = api_for(user)
        assert api.post("/api/v1/cities/pairs", body, content_type="application/json").status_code == status
        r = api.post(f"/api/v1/cities/pairs/{pair.pk}/end", {"version": 1}, content_type="application/json")
        assert r.status_code == status
    assert api_for(coordinator).get("/api/v1/cities/pairs").json()["count"] == 1  # every participant reads them
    assert CityPair.objects.count() == 1 and CityPair.objects.get().ended_on is None


# --------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_uses_a_constant_number_of_queries(
    staff, client_for, api_for, small_registry, django_assert_num_queries, rows
):
    for i in range(rows):
        us = City.objects.create(name=f"U{i}", name_en=f"U{i}", name_zh_hans=f"美{i}", country="US")
        cn = City.objects.create(name=f"C{i}", name_en=f"C{i}", name_zh_hans=f"中{i}", country="CN")
        p = services.city_pair_create(actor=staff, us_city=us, cn_city=cn, started_on=START)
        if i % 2:
            services.city_pair_end(actor=staff, pair=p, ended_on=START, expected_version=1)
    client, api = client_for(staff), api_for(staff)
    client.get("/cities/pairs/")  # warm the session and caches
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get("/cities/pairs/").status_code == 200
    with django_assert_num_queries(API_QUERIES):
        assert api.get("/api/v1/cities/pairs").status_code == 200


PAGE_QUERIES = 5  # session, user, count, page (pairs with both cities in one join), messages
API_QUERIES = 4  # token, count, page with both cities, token last-used


def test_the_demo_pairs_hayward_through_the_service_once(staff, small_registry):
    from citybridge.cities import demo

    pair = demo._pair_hayward(staff, small_registry["Hayward"])
    assert (pair.us_city.name_en, pair.cn_city.name_en, pair.created_by) == ("Hayward", "Hefei", staff)
    assert pair.note_en and has_chinese(pair.note_zh_hans)
    assert demo._pair_hayward(staff, small_registry["Hayward"]) is None  # idempotent
    assert CityPair.objects.count() == 1
