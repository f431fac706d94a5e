"""Findings 20 of the phone audit: a partner's technologies of interest and notes, an agreement's title and scope, a
contribution's description and an engagement's outcomes in both languages, as an engagement's title and venue are:
the forms ask for each language, the pages show the reader's language (else the other), the API keeps its fields
(`technologies`, `title`, `scope`, `description`, `outcomes`: the reader's language; alone in a body: the request's
language) and adds `<field>_en` / `<field>_zh_hans`; migration outreach 0007 moves each text typed so far into the
language it is written in; the demo partner reads in Chinese on Chinese pages, with "LED" in capitals."""

from __future__ import annotations

import importlib
import json
from datetime import date, time
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from citybridge.outreach import services
from citybridge.outreach.models import Agreement, Contribution, Engagement, Partner

from ._part_fixtures import *  # noqa: F401,F403
from ._part_fixtures import rows

pytestmark = pytest.mark.django_db

_MIGRATION = "0007_bilingual_partner_texts"


def _json(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
def texts(staff, partner, engagement):
    """The demo's Philips texts, in both languages."""
    services.partner_update(
        actor=staff,
        partner=partner,
        expected_version=partner.version,
        technologies_en="LED street lighting, smart lighting controls",
        technologies_zh_hans="LED路灯，智能照明控制",
        notes_en="Hosts a dinner for each Low-carbon Cities class.",
        notes_zh_hans="每期低碳城市班举办一次晚宴。",
    )
    services.agreement_add(
        actor=staff,
        partner=partner,
        title_en="Memorandum of understanding 2023–2025",
        title_zh_hans="2023–2025年合作谅解备忘录",
        scope_en="One dinner and one lighting workshop per course.",
        scope_zh_hans="每期课程举办一次晚宴和一次照明研讨会。",
        starts_on=date(2023, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    services.contribution_add(
        actor=staff,
        partner=partner,
        kind="money",
        description_en="Sponsorship of the China Energy Forum",
        description_zh_hans="赞助中国能源论坛",
        amount="150000",
        currency="CNY",
        received_on=date(2024, 9, 1),
    )
    services.engagement_update(
        actor=staff,
        engagement=engagement,
        expected_version=engagement.version,
        outcomes_en="Three mayors asked for street-lighting retrofit figures.",
        outcomes_zh_hans="三位市长索要了路灯改造的数据。",
    )
    partner.refresh_from_db()
    engagement.refresh_from_db()
    return partner


ENGLISH = (
    "LED street lighting, smart lighting controls",
    "Hosts a dinner for each Low-carbon Cities class.",
    "Memorandum of understanding 2023–2025",
    "One dinner and one lighting workshop per course.",
    "Sponsorship of the China Energy Forum",
)
CHINESE = ("LED路灯、智能照明控制", "每期低碳城市班举办一次晚宴。", "2023–2025年合作谅解备忘录",
           "每期课程举办一次晚宴和一次照明研讨会。", "赞助中国能源论坛")  # fmt: skip


# --------------------------------------------------------------------------- pages


def test_the_partner_page_reads_in_the_readers_language(client_for, staff, texts, engagement):
    zh = client_for(staff, language="zh-hans").get(f"/outreach/partners/{texts.pk}/").content.decode()
    for text in CHINESE:
        assert text in zh, text
    for text in ENGLISH:
        assert text not in zh, text
    en = client_for(staff).get(f"/outreach/partners/{texts.pk}/").content.decode()
    for text in ENGLISH:
        assert text in en, text
    assert "每期" not in en and "赞助" not in en
    outcome_zh = client_for(staff, language="zh-hans").get(f"/outreach/engagements/{engagement.pk}/")
    assert "三位市长索要了路灯改造的数据。" in outcome_zh.content.decode()
    assert "Three mayors" not in outcome_zh.content.decode()
    outcome_en = client_for(staff).get(f"/outreach/engagements/{engagement.pk}/").content.decode()
    assert "Three mayors asked for street-lighting retrofit figures." in outcome_en and "三位市长" not in outcome_en
    # the list of partners and the edit page's history show the tags in the reader's language
    assert "LED路灯、智能照明控制" in client_for(staff, language="zh-hans").get("/outreach/partners/").content.decode()
    history = client_for(staff, language="zh-hans").get(f"/outreach/partners/{texts.pk}/edit/").content.decode()
    assert "<td>LED路灯、智能照明控制</td>" in history


def test_a_text_in_one_language_shows_in_the_other(client_for, staff, partner, engagement):
    """Only English typed (as everything was before): the Chinese page shows it rather than nothing; and the other
    way round."""
    services.partner_update(actor=staff, partner=partner, expected_version=1, notes_en="Only English")
    services.contribution_add(actor=staff, partner=partner, kind="in_kind", description_zh_hans="大巴和午餐",
                              amount="10", currency="USD", received_on=date(2024, 1, 1))  # fmt: skip
    services.engagement_transition(actor=staff, engagement=engagement, expected_version=engagement.version,
                                   status="proposed", outcomes_zh_hans="两位市长要求实地考察。")  # fmt: skip
    zh = client_for(staff, language="zh-hans").get(f"/outreach/partners/{partner.pk}/").content.decode()
    assert "Only English" in zh and "led lighting" in zh and "大巴和午餐" in zh
    en = client_for(staff).get(f"/outreach/partners/{partner.pk}/").content.decode()
    assert "Only English" in en and "大巴和午餐" in en
    assert "两位市长要求实地考察。" in client_for(staff).get(f"/outreach/engagements/{engagement.pk}/").content.decode()


def test_the_forms_ask_for_each_language(client_for, staff, partner, engagement):
    zh = client_for(staff, language="zh-hans")
    partner_form = zh.get(f"/outreach/partners/{partner.pk}/edit/").content.decode()
    for label in ("感兴趣的技术（英文）", "感兴趣的技术（中文）", "备注（英文）", "备注（中文）"):
        assert label in partner_form, label
    assert 'value="led lighting"' in partner_form
    r = zh.post(f"/outreach/partners/{partner.pk}/edit/",
                {"version": "1", "technologies_en": "led lighting", "technologies_zh_hans": "LED照明、热泵，热泵",
                 "notes_en": "Dinner host", "notes_zh_hans": "晚宴主办方"})  # fmt: skip
    assert r.status_code == 302
    partner.refresh_from_db()
    assert (partner.technologies_en, partner.technologies_zh_hans) == ("led lighting", "LED照明, 热泵")
    assert (partner.notes_en, partner.notes_zh_hans) == ("Dinner host", "晚宴主办方")
    assert partner.technology_tags("zh-hans") == ["LED照明", "热泵"] and partner.technology_tags("en") == [
        "led lighting"
    ]

    new_agreement = zh.get(f"/outreach/partners/{partner.pk}/agreements/new/").content.decode()
    for label in ("标题（英文）", "标题（中文）", "范围（英文）", "范围（中文）"):
        assert label in new_agreement, label
    before = rows()
    r = zh.post(f"/outreach/partners/{partner.pk}/agreements/new/", {"starts_on": "2025-01-01"})
    assert r.status_code == 422 and "请填写英文或中文标题。" in r.content.decode()
    assert rows() == before
    r = zh.post(f"/outreach/partners/{partner.pk}/agreements/new/",
                {"title_zh_hans": "谅解备忘录", "scope_zh_hans": "每年两次晚宴", "starts_on": "2025-01-01"})  # fmt: skip
    assert r.status_code == 302
    agreement = Agreement.objects.get(partner=partner)
    assert (agreement.title_en, agreement.title_zh_hans, agreement.scope_zh_hans) == ("", "谅解备忘录", "每年两次晚宴")
    edit = zh.get(f"/outreach/agreements/{agreement.pk}/edit/").content.decode()
    assert 'value="谅解备忘录"' in edit and "每年两次晚宴" in edit
    r = zh.post(f"/outreach/agreements/{agreement.pk}/edit/",
                {"version": "1", "title_en": "MoU", "title_zh_hans": "谅解备忘录", "scope_zh_hans": "每年两次晚宴",
                 "starts_on": "2025-01-01"})  # fmt: skip
    assert r.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title_en, agreement.title_zh_hans, agreement.version) == ("MoU", "谅解备忘录", 2)

    page = zh.get(f"/outreach/partners/{partner.pk}/").content.decode()
    assert "说明（英文）" in page and "说明（中文）" in page  # the new contribution form
    before = rows()
    r = zh.post(f"/outreach/partners/{partner.pk}/contributions/",
                {"kind": "money", "amount": "5", "currency": "CNY", "received_on": "2025-01-01"})  # fmt: skip
    assert r.status_code == 422 and "请填写英文或中文说明。" in r.content.decode()
    assert rows() == before
    r = zh.post(f"/outreach/partners/{partner.pk}/contributions/",
                {"kind": "money", "description_zh_hans": "论坛赞助", "amount": "5", "currency": "CNY",
                 "received_on": "2025-01-01"})  # fmt: skip
    assert r.status_code == 302
    assert Contribution.objects.get(partner=partner).description_zh_hans == "论坛赞助"

    edit = zh.get(f"/outreach/engagements/{engagement.pk}/edit/").content.decode()
    assert "成果（英文）" in edit and "成果（中文）" in edit
    r = zh.post(f"/outreach/engagements/{engagement.pk}/edit/",
                {"version": str(engagement.version), "title_en": "Dinner with Philips", "date": "2025-03-04",
                 "start_time": "18:00", "end_time": "20:00", "outcomes_zh_hans": "两座城市要求实地考察。"})  # fmt: skip
    assert r.status_code == 302
    engagement.refresh_from_db()
    assert (engagement.outcomes_en, engagement.outcomes_zh_hans) == ("", "两座城市要求实地考察。")


def test_tags_keep_abbreviations_and_each_language_its_own(staff, partner):
    """Lower case (one spelling per tag), but for abbreviations: "LED" is no longer shown as "led"."""
    p = services.partner_update(actor=staff, partner=partner, expected_version=1,
                                technologies_en="LED Street Lighting, HVAC controls, led street lighting, 5G",
                                technologies_zh_hans=" 热泵、 LED路灯 ，热泵 ")  # fmt: skip
    assert p.technologies_en == "LED street lighting, HVAC controls, 5G"
    assert p.technologies_zh_hans == "热泵, LED路灯"
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.partner_update(actor=staff, partner=p, expected_version=2, technologies_zh_hans="热" * 501)
    assert "请" in exc.value.message_dict["technologies_zh_hans"][0]


# --------------------------------------------------------------------------- API


def test_partner_api_round_trip_in_both_languages(api_for, staff, partner, partner_user):
    from citybridge.core.models import Organisation

    en, zh = api_for(staff), api_for(staff, "zh-hans")
    url = f"/api/v1/outreach/partners/{partner.pk}"
    r = _json(zh, "patch", url, {"technologies": "LED路灯、智能照明控制", "notes": "每期低碳城市班举办一次晚宴。",
                                 "version": 1})  # fmt: skip
    assert r.status_code == 200, r.content
    got = r.json()  # `technologies` alone in a Chinese request: the Chinese tags; the English ones stay
    assert got["technologies"] == ["LED路灯", "智能照明控制"]
    assert (got["technologies_en"], got["technologies_zh_hans"]) == (["led lighting"], ["LED路灯", "智能照明控制"])
    assert (got["notes"], got["notes_en"], got["notes_zh_hans"]) == ("每期低碳城市班举办一次晚宴。", "",
                                                                     "每期低碳城市班举办一次晚宴。")  # fmt: skip
    body = en.get(url).json()
    assert body["technologies"] == ["led lighting"] and body["notes"] == "每期低碳城市班举办一次晚宴。"  # the other
    # both languages at once; null empties, as it always has
    r = _json(en, "patch", url, {"technologies_en": "LED street lighting", "notes_en": "Hosts dinners",
                                 "notes_zh_hans": None, "version": 2})  # fmt: skip
    assert r.status_code == 200, r.content
    assert (r.json()["technologies_en"], r.json()["notes_en"], r.json()["notes_zh_hans"]) == (
        ["LED street lighting"], "Hosts dinners", "")  # fmt: skip
    r = _json(en, "patch", url, {"notes": None, "version": 3})
    assert r.status_code == 200 and r.json()["notes_en"] == "" and r.json()["version"] == 4
    # the list carries the same fields; a partner's user does not read the staff's notes
    item = zh.get("/api/v1/outreach/partners").json()["items"][0]
    assert item["technologies"] == ["LED路灯", "智能照明控制"] and item["technologies_en"] == ["LED street lighting"]
    own = api_for(partner_user, "zh-hans").get(url).json()
    assert own["technologies"] == ["LED路灯", "智能照明控制"]
    assert (own["notes"], own["notes_en"], own["notes_zh_hans"]) == (None, None, None)
    # create: each language, or the one-text fields as before
    org = Organisation.objects.create(name="Siemens", name_en="Siemens", type="company", country="DE")
    r = _json(zh, "post", "/api/v1/outreach/partners",
              {"organisation_id": org.pk, "technologies": "热泵", "technologies_en": "heat pumps"})  # fmt: skip
    assert r.status_code == 201, r.content
    assert (r.json()["technologies_en"], r.json()["technologies_zh_hans"]) == (["heat pumps"], [])
    org2 = Organisation.objects.create(name="ABB", name_en="ABB", type="company", country="CH")
    r = _json(zh, "post", "/api/v1/outreach/partners", {"organisation_id": org2.pk, "technologies": "热泵"})
    assert r.status_code == 201 and r.json()["technologies_zh_hans"] == ["热泵"] and r.json()["technologies_en"] == []
    # a too long text: 422 on the field the client sent
    before = rows()
    bad = _json(en, "patch", url, {"technologies": "a" * 500 + ", b", "version": 4})
    assert bad.status_code == 422 and set(_fields(bad)) == {"technologies"}
    assert rows() == before


def test_partner_api_refuses_the_wrong_users(api_for, partner_user, other_partner_user, partner):
    url = f"/api/v1/outreach/partners/{partner.pk}"
    before = rows()
    assert _json(api_for(partner_user), "patch", url, {"technologies_zh_hans": "热泵", "version": 1}).status_code == 403
    assert _json(api_for(other_partner_user), "patch", url, {"notes_en": "x", "version": 1}).status_code == 404
    r = _json(api_for(partner_user), "post", f"{url}/contributions",
              {"kind": "money", "description_zh_hans": "x", "amount": "1", "currency": "USD",
               "received_on": "2025-01-01"})  # fmt: skip
    assert r.status_code == 403
    r = _json(api_for(partner_user), "post", "/api/v1/outreach/agreements",
              {"partner_id": partner.pk, "title_zh_hans": "x", "starts_on": "2025-01-01"})  # fmt: skip
    assert r.status_code == 403
    assert rows() == before


def test_agreement_api_round_trip_in_both_languages(api_for, staff, partner, partner_user):
    en, zh = api_for(staff), api_for(staff, "zh-hans")
    r = _json(zh, "post", "/api/v1/outreach/agreements",
              {"partner_id": partner.pk, "title_zh_hans": "谅解备忘录", "scope": "每年两次晚宴",
               "starts_on": "2025-01-01"})  # fmt: skip
    assert r.status_code == 201, r.content
    got = r.json()
    assert (got["title"], got["title_en"], got["title_zh_hans"]) == ("谅解备忘录", "", "谅解备忘录")
    assert (got["scope"], got["scope_en"], got["scope_zh_hans"]) == ("每年两次晚宴", "", "每年两次晚宴")
    url = f"/api/v1/outreach/agreements/{got['id']}"
    r = _json(en, "patch", url, {"title": "MoU", "scope_en": "Two dinners a year", "version": 1})
    assert r.status_code == 200, r.content
    got = r.json()
    assert (got["title"], got["title_en"], got["title_zh_hans"]) == ("MoU", "MoU", "谅解备忘录")
    assert (got["scope"], got["scope_zh_hans"]) == ("Two dinners a year", "每年两次晚宴")
    assert api_for(partner_user, "zh-hans").get(url).json()["title"] == "谅解备忘录"
    before = rows()
    # `title` left out, or sent empty where the other language has none: 422 on `title`, as before
    missing = _json(en, "post", "/api/v1/outreach/agreements", {"partner_id": partner.pk, "starts_on": "2025-01-01"})
    assert missing.status_code == 422 and set(_fields(missing)) == {"title"}
    blank = _json(zh, "post", "/api/v1/outreach/agreements",
                  {"partner_id": partner.pk, "title": " ", "starts_on": "2025-01-01"})  # fmt: skip
    assert blank.status_code == 422 and _fields(blank)["title"] == "请填写英文或中文标题。"
    both_blank = _json(en, "post", "/api/v1/outreach/agreements",
                       {"partner_id": partner.pk, "title_en": "", "title_zh_hans": "", "starts_on": "2025-01-01"})  # fmt: skip
    assert both_blank.status_code == 422 and set(_fields(both_blank)) == {"title_en"}
    assert rows() == before


def test_contribution_api_round_trip_in_both_languages(api_for, staff, partner):
    zh = api_for(staff, "zh-hans")
    url = f"/api/v1/outreach/partners/{partner.pk}/contributions"
    r = _json(zh, "post", url, {"kind": "money", "description": "赞助中国能源论坛", "amount": "150000.00",
                                "currency": "CNY", "received_on": "2024-09-01"})  # fmt: skip
    assert r.status_code == 201, r.content
    got = r.json()
    assert (got["description"], got["description_en"], got["description_zh_hans"]) == (
        "赞助中国能源论坛", "", "赞助中国能源论坛")  # fmt: skip
    r = _json(api_for(staff), "post", url,
              {"kind": "in_kind", "description_en": "Bus and lunch", "description_zh_hans": "大巴和午餐",
               "amount": "3200.00", "currency": "USD", "received_on": "2023-04-20"})  # fmt: skip
    assert r.status_code == 201 and r.json()["description"] == "Bus and lunch"
    detail = zh.get(f"/api/v1/outreach/partners/{partner.pk}").json()
    assert sorted(c["description"] for c in detail["contributions"]) == ["大巴和午餐", "赞助中国能源论坛"]
    before = rows()
    missing = _json(zh, "post", url, {"kind": "money", "amount": "1", "currency": "CNY", "received_on": "2024-09-01"})
    assert missing.status_code == 422 and _fields(missing) == {"description": "请填写英文或中文说明。"}
    assert rows() == before


def test_engagement_outcomes_api_in_both_languages(api_for, staff, engagement):
    en, zh = api_for(staff), api_for(staff, "zh-hans")
    url = f"/api/v1/outreach/engagements/{engagement.pk}"
    r = _json(zh, "patch", url, {"outcomes": "三位市长索要了路灯改造的数据。", "version": 1})
    assert r.status_code == 200, r.content
    got = r.json()
    assert (got["outcomes"], got["outcomes_en"], got["outcomes_zh_hans"]) == (
        "三位市长索要了路灯改造的数据。", "", "三位市长索要了路灯改造的数据。")  # fmt: skip
    r = _json(en, "post", f"{url}/transition",
              {"status": "proposed", "outcomes_en": "Three mayors asked for figures.", "version": 2})  # fmt: skip
    assert r.status_code == 200, r.content
    got = r.json()
    assert (got["outcomes"], got["outcomes_en"], got["outcomes_zh_hans"]) == (
        "Three mayors asked for figures.", "Three mayors asked for figures.", "三位市长索要了路灯改造的数据。")  # fmt: skip
    assert zh.get(url).json()["outcomes"] == "三位市长索要了路灯改造的数据。"
    # a step without outcomes keeps them; `outcomes` alone in English changes the English only
    r = _json(en, "post", f"{url}/transition", {"status": "confirmed", "version": 3})
    assert r.json()["outcomes_zh_hans"] == "三位市长索要了路灯改造的数据。"
    r = _json(en, "patch", url, {"outcomes": None, "version": 4})
    assert r.status_code == 200 and (r.json()["outcomes_en"], r.json()["outcomes_zh_hans"]) == (
        "", "三位市长索要了路灯改造的数据。")  # fmt: skip
    listed = zh.get("/api/v1/outreach/engagements").json()["items"][0]
    assert listed["outcomes"] == "三位市长索要了路灯改造的数据。" and listed["outcomes_en"] == ""


# --------------------------------------------------------------------------- the migration


def test_the_migration_puts_each_typed_text_in_the_language_it_is_written_in(staff, partner, engagement):
    apps = MigrationExecutor(connection).loader.project_state(("outreach", _MIGRATION)).apps
    migration = importlib.import_module(f"citybridge.outreach.migrations.{_MIGRATION}")
    agreement = services.agreement_add(actor=staff, partner=partner, title_en="x", starts_on=date(2025, 1, 1))
    contribution = services.contribution_add(actor=staff, partner=partner, kind="money", description_en="x",
                                             amount="1", currency="CNY", received_on=date(2025, 1, 1))  # fmt: skip
    # as the rename left them: every text in the English column
    Partner.objects.filter(pk=partner.pk).update(
        technologies_en="led street lighting, 热泵，smart grid、智能电网", notes_en="每期低碳城市班举办一次晚宴。"
    )
    Agreement.objects.filter(pk=agreement.pk).update(
        title_en="Memorandum of understanding 2023–2025", scope_en="每期课程一次晚宴"
    )
    Contribution.objects.filter(pk=contribution.pk).update(description_en="Sponsorship of the China Energy Forum")
    Engagement.objects.filter(pk=engagement.pk).update(outcomes_en="三位市长索要了路灯改造的数据。")
    migration.split(apps, SimpleNamespace(connection=connection))
    for row in (partner, agreement, contribution, engagement):
        row.refresh_from_db()
    assert (partner.technologies_en, partner.technologies_zh_hans) == (
        "led street lighting, smart grid",
        "热泵, 智能电网",
    )
    assert (partner.notes_en, partner.notes_zh_hans) == ("", "每期低碳城市班举办一次晚宴。")
    assert (agreement.title_en, agreement.title_zh_hans) == ("Memorandum of understanding 2023–2025", "")
    assert (agreement.scope_en, agreement.scope_zh_hans) == ("", "每期课程一次晚宴")
    assert (contribution.description_en, contribution.description_zh_hans) == (
        "Sponsorship of the China Energy Forum", "")  # fmt: skip
    assert (engagement.outcomes_en, engagement.outcomes_zh_hans) == ("", "三位市长索要了路灯改造的数据。")
    # back to one column: the English text, else the Chinese one (tags: both)
    migration.join(apps, SimpleNamespace(connection=connection))
    for row in (partner, agreement, engagement):
        row.refresh_from_db()
    assert partner.technologies_en == "led street lighting, smart grid, 热泵, 智能电网"
    assert (partner.notes_en, agreement.scope_en, engagement.outcomes_en) == (
        "每期低碳城市班举办一次晚宴。", "每期课程一次晚宴", "三位市长索要了路灯改造的数据。")  # fmt: skip


# --------------------------------------------------------------------------- the demo


def test_the_demo_partner_reads_in_chinese(client_for, django_capture_on_commit_callbacks):
    from citybridge.academy import demo as academy_demo
    from citybridge.core import demo as core_demo
    from citybridge.core.models import User
    from citybridge.outreach import demo

    core_demo.load()
    academy_demo.load()
    with django_capture_on_commit_callbacks(execute=True):
        demo.load()
    staff = User.objects.get(email="staff@citybridge.local")
    philips = Partner.objects.get(organisation__name_en="Philips Lighting")
    zh = client_for(staff, language="zh-hans").get(f"/outreach/partners/{philips.pk}/").content.decode()
    for text in ("LED路灯、智能照明控制", "每期低碳城市班举办一次晚宴。", "2023–2025年合作谅解备忘录",
                 "每期课程举办一次晚宴和一次照明研讨会；为论坛推荐演讲嘉宾。", "赞助中国能源论坛"):  # fmt: skip
        assert text in zh, text
    for text in ("led street lighting", "Hosts a dinner", "Memorandum of understanding", "One dinner", "Sponsorship"):
        assert text not in zh, text
    en = client_for(staff).get(f"/outreach/partners/{philips.pk}/").content.decode()
    assert (
        "LED street lighting, smart lighting controls" in en
        and "Hosts a dinner for each Low-carbon Cities class." in en
    )
    dinner = Engagement.objects.get(partner=philips, kind="dinner")
    page = client_for(staff, language="zh-hans").get(f"/outreach/engagements/{dinner.pk}/").content.decode()
    assert "三位市长索要了路灯改造的数据。" in page and "Three mayors" not in page
    ge = Partner.objects.get(organisation__name_en="GE")
    assert ge.technology_tags("zh-hans") == ["燃气轮机", "电网软件", "风力发电机组"]
    assert all(
        c.description_en and c.description_zh_hans for c in Contribution.objects.all()
    ) and all(a.title_zh_hans and a.scope_zh_hans for a in Agreement.objects.all())  # fmt: skip


def test_engagement_with_outcomes_created_then_time_untouched(staff, partner, pcourse):
    """An engagement's outcomes change nothing else of it (its session keeps its title and times)."""
    e = services.engagement_create(actor=staff, partner=partner, course=pcourse, kind="lunch", title_en="Lunch",
                                   date=date(2025, 3, 5), start_time=time(12), end_time=time(13))  # fmt: skip
    e = services.engagement_update(actor=staff, engagement=e, expected_version=1, outcomes_zh_hans="很好")
    e.session.refresh_from_db()
    assert (e.outcomes_zh_hans, e.session.title_en, e.session.start_time) == ("很好", "Lunch", time(12))
