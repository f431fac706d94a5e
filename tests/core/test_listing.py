"""Sortable columns and numbered pages: one helper (core.listing) and one template tag for every list."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from citybridge.core.listing import page_window, sort_queryset
from citybridge.core.models import Organisation, Person

ALLOWED = {"name": ("name_en",), "country": ("country",)}


def _orgs(n):
    return [
        Organisation.objects.create(
            name=f"Org {i:03d}",
            name_en=f"Org {i:03d}",
            name_zh_hans=f"机构{i:03d}",
            type="ngo",
            country="CN" if i % 2 else "US",
        )
        for i in range(n)
    ]


def test_page_window_stays_within_the_pages():
    assert page_window(1, 1) == [1]
    assert page_window(1, 10) == [1, 2, 3]
    assert page_window(5, 10) == [3, 4, 5, 6, 7]
    assert page_window(10, 10) == [8, 9, 10]
    assert page_window(1, 0) == []


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["password", "-person__user__password", "name_en", "?", "name; DROP", "--name"])
def test_sort_never_passes_raw_input_to_order_by(raw):
    _orgs(3)
    qs, sort = sort_queryset(RequestFactory().get("/", {"sort": raw}), Organisation.objects.all(), ALLOWED, "name")
    assert sort == "name"
    assert [o.name_en for o in qs] == ["Org 000", "Org 001", "Org 002"]


@pytest.mark.django_db
def test_sort_descending_with_stable_id_tiebreaker():
    orgs = _orgs(4)
    qs, sort = sort_queryset(
        RequestFactory().get("/", {"sort": "-country"}), Organisation.objects.all(), ALLOWED, "name"
    )
    assert sort == "-country"
    assert [o.pk for o in qs] == [orgs[0].pk, orgs[2].pk, orgs[1].pk, orgs[3].pk]  # US first, ties by id
    assert str(qs.query).rstrip().endswith('"core_organisation"."id" ASC')


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_organisation_list_headers_sort_and_keep_filters(client_for, staff, language):
    _orgs(5)
    client = client_for(staff, language)
    html = client.get("/organisations/", {"country": "CN", "sort": "-name"}).content.decode()
    assert 'aria-sort="descending"' in html and "▼" in html
    # the active column's link reverses the order and keeps the filter; no page in a sort link
    assert 'href="?country=CN&amp;sort=name"' in html
    assert 'href="?country=CN&amp;sort=type"' in html
    # the filter form carries the sort along
    assert '<input type="hidden" name="sort" value="-name">' in html
    first, second = ("Org 003", "Org 001") if language == "en" else ("机构003", "机构001")
    assert html.index(first) < html.index(second)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_people_list_pages_with_numbers_keeping_the_query(client_for, staff, language):
    for i in range(260):
        Person.objects.create(family_name=f"P{i:03d}", family_name_en=f"P{i:03d}", family_name_zh_hans=f"人{i:03d}")
    client = client_for(staff, language)
    html = client.get("/people/", {"q": "P", "sort": "-name", "page": 3}).content.decode()
    assert 'aria-current="page"' in html
    pages = set(re.findall(r'href="\?q=P&amp;sort=-name&amp;page=(\d+)"', html))
    assert {"1", "2", "4", "5", "6"} <= pages  # first, previous, window, next, last
    assert "…" in html
    assert ("Last" if language == "en" else "末页") in html
    assert ("Page 3 of 6" if language == "en" else "第 3 页，共 6 页") in html
    assert (
        'href="?q=P&amp;sort=-name&amp;page=2" rel="prev"' in html
        and '<a aria-current="page" class="current">3</a>' in html
    )
    rows = re.findall(r"<tr><td><a href=\"/people/\d+/\">([^<]+)</a>", html)
    assert rows[0] == ("P159" if language == "en" else "人159")  # descending, page 3 of 50 rows


@pytest.mark.parametrize("sort", ["name", "-name", "title", "-title", "organisation", "-organisation", "junk"])
def test_people_list_every_sort_key(client_for, staff, sort):
    Person.objects.create(family_name="X" * 100, family_name_en="X" * 100)
    assert client_for(staff).get("/people/", {"sort": sort}).status_code == 200


def test_cached_options_mark_only_the_chosen_one_selected():
    """Long drop-downs are rendered once (core.paging.options_html without a selection) and the page marks the
    chosen option: exactly that one, matched as a whole value, escaped as the options are."""
    from citybridge.core.paging import options_html
    from citybridge.core.templatetags.listing import with_selected

    html = str(options_html([(1, "One"), (12, "Twelve"), ("a&b", "<A & B>")], None))
    assert "selected" not in html and "&lt;A &amp; B&gt;" in html
    assert with_selected(html, 1).count(" selected") == 1 and '<option value="1" selected>One' in with_selected(html, 1)
    assert '<option value="12" selected>' in with_selected(html, "12") and 'value="1" selected' not in with_selected(
        html, "12"
    )
    assert '<option value="a&amp;b" selected>' in with_selected(html, "a&b")
    assert with_selected(html, None) == html and with_selected(html, "") == html and with_selected(html, 99) == html


@pytest.mark.django_db
def test_organisation_list_marks_the_chosen_country(client_for, staff):
    html = client_for(staff).get("/organisations/", {"country": "CN"}).content.decode()
    assert html.count(" selected>") >= 1 and '<option value="CN" selected>' in html
    assert '<option value="US" selected>' not in html


def test_listed_joins_with_the_enumeration_comma_in_chinese():
    from django.utils import translation

    from citybridge.core.templatetags.listing import listed

    assert listed(["Green buildings", "Clean energy"]) == "Green buildings, Clean energy"
    with translation.override("zh-hans"):
        assert listed(["绿色建筑", "清洁能源"]) == "绿色建筑、清洁能源"
    assert listed([]) == ""


@pytest.mark.django_db
def test_organisation_list_shows_a_short_name_only_when_it_differs(client_for, staff):
    """聚思 is the name and the short name in Chinese: the row reads 聚思, not 聚思（聚思）; NAMC's aside stays."""
    Organisation.objects.create(
        name="JUCCCE",
        name_en="Joint US-China Collaboration on Clean Energy",
        name_zh_hans="聚思",
        short_name_en="JUCCCE",
        short_name_zh_hans="聚思",
        type="ngo",
        country="CN",
    )
    Organisation.objects.create(
        name="NAMC",
        name_en="National Academy for Mayors of China",
        name_zh_hans="全国市长研修学院",
        short_name_en="NAMC",
        type="academy",
        country="CN",
    )
    html = client_for(staff, language="zh-hans").get("/organisations/").content.decode()
    assert "聚思</a></td>" in html and "（聚思）" not in html
    assert '全国市长研修学院</a><span class="muted">（NAMC）</span>' in html
    html = client_for(staff).get("/organisations/").content.decode()
    assert 'Clean Energy</a> <span class="muted">(JUCCCE)</span>' in html
