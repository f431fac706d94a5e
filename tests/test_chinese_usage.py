"""Chinese that reads as native: names in Chinese order, dates as Chinese readers write them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from citybridge.core.models import Person


@pytest.mark.parametrize(
    ("family_zh", "given_zh", "family_en", "given_en", "shown"),
    [
        ("张", "伟", "Zhang", "Wei", "张伟"),  # Chinese: family first, no space
        ("欧阳", "修", "Ouyang", "Xiu", "欧阳修"),  # compound surname stays Chinese
        ("海默", "史蒂夫", "Hammer", "Steve", "史蒂夫·海默"),  # Western name in Chinese: given · family
        ("左丘", "明", "Zuoqiu", "Ming", "左丘明"),  # a compound surname the list lacks: its pinyin is the English name
        ("海默", "史蒂夫", "", "Steve", "史蒂夫·海默"),  # no English family name to tell by: as before
        ("", "", "Hammer", "Steve", "Steve Hammer"),  # only English names: shown as written
    ],
)
def test_names_follow_chinese_usage(family_zh, given_zh, family_en, given_en, shown):
    person = Person(
        family_name_zh_hans=family_zh, given_name_zh_hans=given_zh, family_name_en=family_en, given_name_en=given_en
    )
    assert person.display_name("zh-hans") == shown


def test_dates_in_the_chinese_ui():
    with translation.override("zh-hans"):
        assert formats.date_format(date(2026, 11, 28)) == "2026年11月28日"
        assert formats.date_format(date(2026, 9, 5), "MONTH_DAY_FORMAT") == "9月5日"
        assert formats.date_format(datetime(2026, 11, 28, 9, 5), "DATETIME_FORMAT") == "2026年11月28日 09:05"
        assert Template("{{ d }}").render(Context({"d": date(2026, 11, 28)})) == "2026年11月28日"


def test_a_timetable_day_in_both_languages():
    template = Template("{% load academy_tags %}{{ d|short_day }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"d": date(2026, 12, 7)})) == "12月7日 周一"
    with translation.override("en"):
        assert template.render(Context({"d": date(2026, 12, 7)})) == "Mon 7 Dec"
    # in a list that spans years (a lecturer's sessions, 2019–2027) the day carries its year
    template = Template("{% load academy_tags %}{{ d|day_and_year }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"d": date(2019, 5, 6)})) == "2019年5月6日 周一"
    with translation.override("en"):
        assert template.render(Context({"d": date(2019, 5, 6)})) == "Mon 6 May 2019"


@pytest.mark.parametrize(
    ("code", "zh"),
    [
        ("people", "人"),
        ("%/year", "%/年"),
        ("tCO2/person", "吨二氧化碳/人"),
        ("km2", "平方公里"),
        ("°C·day", "摄氏度·日"),
        ("something else", "something else"),
    ],
)
def test_units_in_chinese(code, zh):
    template = Template("{% load cities_format %}{{ u|unit }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"u": code})) == zh
    with translation.override("en"):
        assert template.render(Context({"u": "km2"})) == "km²"


def test_provinces_written_in_english_are_shown_in_chinese():
    template = Template("{% load academy_tags %}{{ p|province_name }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"p": "Jiangsu"})) == "江苏"
        assert template.render(Context({"p": "California"})) == "California"
    with translation.override("en"):
        assert template.render(Context({"p": "Jiangsu"})) == "Jiangsu"


def test_money_and_currencies_as_a_reader_writes_them():
    """150,000.00元 and 以美元计 in Chinese, CNY 150,000.00 and USD in English (never "150,000.00 CNY")."""
    template = Template("{% load listing %}{% money amount code %}|{{ code|currency_word }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"amount": 150000, "code": "CNY"})) == "150,000.00元|人民币"
        assert template.render(Context({"amount": 1200.5, "code": "usd"})) == "1,200.50美元|美元"
        assert template.render(Context({"amount": 10, "code": "CHF"})) == "CHF 10.00|CHF"
    with translation.override("en"):
        assert template.render(Context({"amount": 150000, "code": "CNY"})) == "CNY 150,000.00|CNY"
        assert template.render(Context({"amount": None, "code": "CNY"})) == "|CNY"


def test_a_cdp_boundary_reads_in_the_reader_language():
    from citybridge.climate.models import Inventory

    inventory = Inventory(boundary="Same – covers entire city and nothing else")
    with translation.override("zh-hans"):
        assert inventory.display_boundary() == "相同：覆盖全市，且不含市外区域"
    assert Inventory(boundary="Our own words").display_boundary() == "Our own words"


@pytest.mark.parametrize(
    ("start", "end", "en", "zh"),
    [
        # the year and month both ends share are written once; Chinese joins with 至
        (date(2027, 1, 18), date(2027, 1, 31), "Jan. 18 – 31, 2027", "2027年1月18日至31日"),
        (date(2027, 1, 18), date(2027, 2, 2), "Jan. 18 – Feb. 2, 2027", "2027年1月18日至2月2日"),
        (date(2026, 12, 28), date(2027, 1, 10), "Dec. 28, 2026 – Jan. 10, 2027", "2026年12月28日至2027年1月10日"),
        (date(2027, 1, 18), date(2027, 1, 18), "Jan. 18, 2027", "2027年1月18日"),
        (date(2027, 1, 18), None, "Jan. 18, 2027", "2027年1月18日"),
    ],
)
def test_a_period_is_written_one_way_per_language(start, end, en, zh):
    from citybridge.core.rows import date_range_text

    assert date_range_text(start, end, "en") == en
    assert date_range_text(start, end, "zh-hans") == zh
    with translation.override("zh-hans"):
        html = Template("{% load listing %}{{ a|date_range:b }}").render(Context({"a": start, "b": end}))
    # on a page each date is kept on one line (a Chinese date otherwise breaks between any two characters)
    parts = zh.split("至")
    assert html == "至".join(f'<span class="nowrap">{p}</span>' for p in parts)


@pytest.mark.django_db
def test_no_space_after_a_chinese_full_stop_in_the_footer(client):
    zh = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    en = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "合作的开源软件。<a" in zh and "。 <a" not in zh
    assert "collaboration. <a" in en
