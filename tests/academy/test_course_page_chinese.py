"""A class's roster and attendance grid, and the partners list, in Chinese follow the pinyin order of names
(core.pinyin) like every list of names; in English the Latin names' order. The timetable's site and host read in
the page's language's punctuation."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from citybridge.academy import selectors
from citybridge.academy.models import Enrolment, OfficialProfile
from citybridge.core.models import Organisation, Person

pytestmark = pytest.mark.django_db

# (English family, given; Chinese family, given): 单 is the surname Shàn, 曾 Zēng
NAMES = {
    "zhang": ("Zhang", "Wei", "张", "伟"),
    "shan": ("Shan", "Li", "单", "丽"),
    "li": ("Li", "Na", "李", "娜"),
    "zeng": ("Zeng", "Hua", "曾", "华"),
    "ou": ("Aubert", "Paul", "欧贝尔", "保罗"),  # a French name in Chinese: 欧 ōu, sorted by its family name
}


@pytest.fixture
def enrolled(course):
    made = {}
    for key, (fe, ge, fz, gz) in NAMES.items():
        person = Person.objects.create(
            family_name=fe, family_name_en=fe, given_name_en=ge, family_name_zh_hans=fz, given_name_zh_hans=gz
        )
        official = OfficialProfile.objects.create(person=person, position="mayor", service_start=date(2015, 1, 1))
        made[key] = Enrolment.objects.create(course=course, official=official, status="confirmed", position="mayor")
    return {k: e.pk for k, e in made.items()}


def test_roster_and_attendance_grid_in_both_languages(course, enrolled):
    chinese = [enrolled[k] for k in ("li", "ou", "shan", "zeng", "zhang")]  # li3 ou1 shan4 zeng1 zhang1
    english = [enrolled[k] for k in ("ou", "li", "shan", "zeng", "zhang")]  # Aubert, Li, Shan, Zeng, Zhang
    for language, expected in (("zh-hans", chinese), ("en", english)):
        with translation.override(language):
            assert [e.pk for e in selectors.course_enrolments(course=course)] == expected, language
            grid = selectors.attendance_grid(course=course, sessions=[])
            assert [row.enrolment.pk for row in grid] == expected, language


def test_partners_list_in_chinese_by_pinyin(staff):
    from citybridge.outreach.models import Partner
    from citybridge.outreach.selectors.partners import partner_list

    names = [("Tongji University", "同济大学"), ("Philips Lighting", "飞利浦照明"), ("Arup", "奥雅纳")]
    for en, zh in names:
        org = Organisation.objects.create(name=en, name_en=en, name_zh_hans=zh, type="company", country="CN")
        Partner.objects.create(organisation=org)
    with translation.override("zh-hans"):
        assert [p.organisation.name_zh_hans for p in partner_list(user=staff)] == ["奥雅纳", "飞利浦照明", "同济大学"]
    with translation.override("en"):
        assert [p.organisation.name_en for p in partner_list(user=staff)] == [
            "Arup",
            "Philips Lighting",
            "Tongji University",
        ]


def test_timetable_site_and_host_in_each_languages_punctuation(course, staff, client_for):
    from datetime import time

    from citybridge.academy.models import Session

    host = Organisation.objects.create(name="Tongji University", name_en="Tongji University",
                                       name_zh_hans="同济大学", type="university", country="CN")  # fmt: skip
    Session.objects.create(course=course, date=course.start_date, start_time=time(9), end_time=time(12),
                           title_en="Visit", format="site_visit", site="Room 101", partner=host)  # fmt: skip
    Session.objects.create(course=course, date=course.start_date, start_time=time(14), end_time=time(17),
                           title_en="Visit 2", format="site_visit", partner=host)  # fmt: skip
    zh = client_for(staff, "zh-hans").get(f"/academy/courses/{course.pk}/").content.decode()
    en = client_for(staff, "en").get(f"/academy/courses/{course.pk}/").content.decode()
    assert "<td>Room 101（同济大学）</td>" in zh and "<td>同济大学</td>" in zh
    assert "<td>Room 101 (Tongji University)</td>" in en and "<td>Tongji University</td>" in en


def test_course_list_by_title_in_pinyin_in_chinese(academy, staff, client_for):
    """The course list sorted by title: in Chinese by the title in pinyin (重庆 chóng, 长沙 cháng as places read),
    both directions; in English by the English title. The key follows every way a title is written."""
    import re

    from citybridge.academy.models import Course

    titles = [("Urban renewal", "城市更新"), ("Zero-carbon parks", "零碳园区"), ("Chongqing field study", "重庆实地考察"),
              ("Aging cities", "安居与养老"), ("Changsha water", "长沙海绵城市")]  # fmt: skip
    made = {}
    for en, zh in titles:
        made[en] = Course.objects.create(academy=academy, title=en, title_en=en, title_zh_hans=zh,
                                         start_date=date(2025, 3, 3), end_date=date(2025, 3, 4))  # fmt: skip

    ours = {c.pk for c in made.values()}

    def listed(language, sort):
        """The page's courses made here, in the page's order (the fixture's course 能源 neng2 is listed too)."""
        html = client_for(staff, language).get(f"/academy/?sort={sort}").content.decode()
        pks = (int(pk) for pk in re.findall(r'<tr><td><a href="/academy/courses/(\d+)/">', html))
        return [pk for pk in pks if pk in ours]

    # an1ju1 < chang2sha1 < cheng2shi4 < chong2qing4 < ling2tan4
    chinese = ["Aging cities", "Changsha water", "Urban renewal", "Chongqing field study", "Zero-carbon parks"]
    assert listed("zh-hans", "title") == [made[t].pk for t in chinese]
    assert listed("zh-hans", "-title") == [made[t].pk for t in reversed(chinese)]
    assert listed("en", "title") == [made[t].pk for t in sorted(made)]

    course = made["Urban renewal"]
    course.title_zh_hans = "安全韧性城市"
    course.save(update_fields=["title_zh_hans"])
    assert Course.objects.get(pk=course.pk).pinyin_name == "an1quan2ren4xing4cheng2shi4"
    Course.objects.filter(pk=course.pk).update(title_zh_hans="城市更新")
    assert Course.objects.get(pk=course.pk).pinyin_name == "cheng2shi4geng1xin1"  # 更新 gēngxīn (core.pinyin.WORDS)
    made_in_bulk = Course.objects.bulk_create([Course(academy=academy, title="X", title_en="X", title_zh_hans="北京",
                                                      start_date=date(2025, 3, 3), end_date=date(2025, 3, 4))])  # fmt: skip
    assert Course.objects.get(pk=made_in_bulk[0].pk).pinyin_name == "bei3jing1"


def test_a_sessions_site_in_each_language(course, staff, coordinator, client_for, api_for):
    """A session's site is entered in English and Chinese, as its title is: each timetable shows its own language
    (the other when one is missing); the API reads and writes both, and `site` alone writes the request's language
    only."""
    from datetime import time

    from citybridge.academy.models import Session

    session = Session.objects.create(course=course, date=course.start_date, start_time=time(9), end_time=time(12),
                                     title_en="Visit", format="site_visit")  # fmt: skip
    form = client_for(coordinator, "zh-hans").get(f"/academy/sessions/{session.pk}/edit/").content.decode()
    assert "场地（英文）" in form and "场地（中文）" in form and 'name="site"' not in form
    r = client_for(coordinator, "zh-hans").post(f"/academy/sessions/{session.pk}/edit/", {
        "date": session.date.isoformat(), "start_time": "09:00", "end_time": "12:00", "format": "site_visit",
        "title_en": "Visit", "site_en": "Pudong Exhibition Hall", "site_zh_hans": "浦东展览馆", "version": "1"})  # fmt: skip
    assert r.status_code == 302
    session.refresh_from_db()
    assert (session.site_en, session.site_zh_hans) == ("Pudong Exhibition Hall", "浦东展览馆")
    zh = client_for(staff, "zh-hans").get(f"/academy/courses/{course.pk}/").content.decode()
    en = client_for(staff, "en").get(f"/academy/courses/{course.pk}/").content.decode()
    assert "<td>浦东展览馆</td>" in zh and "Pudong Exhibition Hall" not in zh
    assert "<td>Pudong Exhibition Hall</td>" in en and "浦东展览馆" not in en

    url = f"/api/v1/academy/sessions/{session.pk}"
    body = {"date": session.date.isoformat(), "start_time": "09:00", "end_time": "12:00", "format": "site_visit",
            "title_en": "Visit"}  # fmt: skip
    api = api_for(coordinator, language="zh-hans")
    out = api.put(url, {**body, "site": "世博园", "version": 2}, content_type="application/json").json()
    assert (out["site"], out["site_en"], out["site_zh_hans"]) == ("世博园", "Pudong Exhibition Hall", "世博园")
    out = api.put(url, {**body, "site_en": "Expo Park", "site_zh_hans": "", "version": 3},
                  content_type="application/json").json()  # fmt: skip
    assert (out["site"], out["site_en"], out["site_zh_hans"]) == ("Expo Park", "Expo Park", "")  # the other language
    assert (
        api.put(url, {**body, "site_en": "x" * 201, "version": 4}, content_type="application/json").status_code == 422
    )
    session.refresh_from_db()
    assert (session.site_en, session.site_zh_hans, session.version) == ("Expo Park", "", 4)


def test_the_migration_puts_a_typed_site_in_the_language_it_is_written_in(course):
    import importlib
    from datetime import time
    from types import SimpleNamespace

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from citybridge.academy.models import Session

    # the models as the migration sees them (no per-language rewriting of `site`)
    apps = MigrationExecutor(connection).loader.project_state(("academy", "0014_session_site_translations")).apps
    split = importlib.import_module("citybridge.academy.migrations.0014_session_site_translations").split
    made = [Session.objects.create(course=course, date=course.start_date, start_time=time(h), end_time=time(h + 1),
                                   title_en="S", format="lecture") for h in (9, 10, 11)]  # fmt: skip
    with connection.cursor() as cursor:  # as the column held them before the two languages
        for session, site in zip(made, ("Room 101", "浦东新区会议中心 Hall B", ""), strict=True):
            cursor.execute("UPDATE academy_session SET site = %s, site_en = NULL, site_zh_hans = NULL WHERE id = %s",
                           [site, session.pk])  # fmt: skip
    split(apps, SimpleNamespace(connection=connection))
    rows = Session.objects.filter(pk__in=[s.pk for s in made]).order_by("start_time")
    assert [(s.site_en, s.site_zh_hans) for s in rows] == [
        ("Room 101", None),
        (None, "浦东新区会议中心 Hall B"),
        (None, None),
    ]
