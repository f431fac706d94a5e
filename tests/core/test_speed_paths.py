"""The fast paths of issue 9 show exactly what the slow ones did: list rows read as values (core.rows), API list
items built from values (core.api.RowSchema), the header and footer rendered once per language
(core/templatetags/chrome.py), sort links without a QueryDict copy."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from citybridge.core.models import Organisation, Person


@pytest.fixture
def people(db):
    org = Organisation.objects.create(
        name_en="Hangzhou Municipal Government", name_zh_hans="杭州市人民政府", type="city_government", country="CN"
    )
    other = Organisation.objects.create(name_en="Other <Org> & Co", type="ngo", country="US")
    chinese = Person.objects.create(
        family_name_en="Zhang",
        given_name_en="Wei",
        family_name_zh_hans="张",
        given_name_zh_hans="伟",
        title_en="Mayor",
        title_zh_hans="市长",
        organisation=org,
        email="zhang.wei@hangzhou.gov.cn",
        phone="+86 571 8888 0000",
        notes="Prefers mornings.",
    )
    # a Western name written in Chinese (given·family), and markup in a name: both through the one display method
    western = Person.objects.create(
        family_name_en="<b>Haimer</b>",
        given_name_en="Steve",
        family_name_zh_hans="海默",
        given_name_zh_hans="史蒂夫",
        organisation=other,
        email="steve@example.org",
    )
    lone = Person.objects.create(family_name_en="Nobody", given_name_en="Ann", email="ann@example.org")
    return {"org": org, "other": other, "people": [chinese, western, lone]}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_api_people_list_items_equal_the_detail_for_every_caller(people, make_user, staff, api_for, language):
    """The list builds its items from values with the same contact rule as the detail, which uses the model: for
    staff (sees all contacts), a coordinator of the Hangzhou government (Zhang's contact only), and the person
    himself (his own only), every item a caller may open reads the same in the list as on its own."""
    coordinator = make_user("academy_coordinator", organisation=people["org"])
    own = make_user("partner", organisation=people["other"], person=people["people"][1])
    seen_contact = {}
    for user in (staff, coordinator, own):
        api = api_for(user, language=language)
        items = api.get("/api/v1/people?page_size=200").json()["items"]
        assert items, user
        for item in items:
            detail = api.get(f"/api/v1/people/{item['id']}")
            if detail.status_code == 200:
                assert item == detail.json(), (user.email, item["id"])
        seen_contact[user.email] = {i["id"] for i in items if i["email"] is not None}
    zhang, steve, ann = (p.pk for p in people["people"])
    assert seen_contact[staff.email] >= {zhang, steve, ann}
    assert zhang in seen_contact[coordinator.email] and ann not in seen_contact[coordinator.email]
    assert steve in seen_contact[own.email] and ann not in seen_contact[own.email]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_api_city_list_items_equal_the_city_in_its_profile(db, staff, api_for, language):
    from citybridge.cities.models import City

    City.objects.create(name_en="Fresno", name_zh_hans="", country="US", population=542_107, timezone="UTC")
    City.objects.create(name_en="", name_zh_hans="杭州", country="CN", population=11_936_010, timezone="UTC")
    api = api_for(staff, language=language)
    items = api.get("/api/v1/cities/cities").json()["items"]
    assert [i["name"] for i in items] == ["杭州", "Fresno"]  # largest first; each name falls back to the other
    for item in items:
        assert item == api.get(f"/api/v1/cities/cities/{item['id']}").json()["city"]


def test_people_page_rows_escape_and_link(people, staff, client_for):
    body = client_for(staff).get("/people/").content.decode()
    assert "Steve &lt;b&gt;Haimer&lt;/b&gt;" in body and "<b>Haimer</b>" not in body
    assert "Other &lt;Org&gt; &amp; Co" in body
    zhang = people["people"][0]
    assert (
        f'<a href="/people/{zhang.pk}/">Wei Zhang</a></td><td>Mayor</td><td>Hangzhou Municipal Government</td>' in body
    )
    zh = client_for(staff, language="zh-hans").get("/people/").content.decode()
    assert f'<a href="/people/{zhang.pk}/">张伟</a></td><td>市长</td><td>杭州市人民政府</td>' in zh
    assert "史蒂夫·海默" in zh  # Person.full_name_zh, borrowed by the row


def test_course_rows_show_dates_in_the_page_language(db, staff, client_for):
    from citybridge.academy.models import Academy, Course

    org = Organisation.objects.create(name_en="Academy A", name_zh_hans="甲学院", type="academy", country="CN")
    academy = Academy.objects.create(organisation=org, official=True, managed_by_program=True)
    Course.objects.create(
        academy=academy,
        title_en="Energy",
        title_zh_hans="能源",
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 7),
        status="open",
    )
    en = client_for(staff).get("/academy/").content.decode()
    dates = '<span class="nowrap">March 3</span> – <span class="nowrap">7, 2025</span>'
    assert f"<td>Academy A</td><td>{dates}</td><td>Open for enrolment</td><td>0</td>" in en
    zh = client_for(staff, language="zh-hans").get("/academy/").content.decode()
    assert '<td>甲学院</td><td><span class="nowrap">2025年3月3日</span>至<span class="nowrap">7日</span></td>' in zh


def test_header_is_per_request_where_it_must_be(db, staff, client_for):
    client = client_for(staff)
    body = client.get("/people/?q=a%22b").content.decode()
    # the current page's navigation item, and only it
    assert body.count('aria-current="page"') == 1
    assert '<li><a href="/people/" aria-current="page">People</a></li>' in body
    # the language switch returns to this very address, escaped
    assert '<input name="next" type="hidden" value="/people/?q=a%22b">' in body
    # both forms (sign out, language) carry this request's CSRF token, the one htmx sends, never the placeholder
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert len(tokens) == 2 and "cbchrome" not in body
    assert f'"X-CSRFToken": "{tokens[0]}"' in body and tokens[0] == tokens[1]
    other = client.get("/organisations/").content.decode()
    assert '<li><a href="/organisations/" aria-current="page">Organisations</a></li>' in other
    zh = client_for(staff, language="zh-hans").get("/people/").content.decode()
    assert '<option value="zh-hans" selected>' in zh and "退出" in zh
    anonymous = client_for(None).get("/accounts/login/").content.decode()
    assert "csrfmiddlewaretoken" in anonymous and 'href="/people/"' not in anonymous


@pytest.mark.parametrize(
    "query",
    ["", "q=a b&sort=-name&page=3", "q=%E4%B8%AD+%26x&x=1&x=2&page=2", "page=1&page=2&sort=a&sort=b", "sort=x&q=1"],
)
def test_sort_links_keep_the_query_as_querydict_writes_it(query):
    """Each column's link is the query with `sort` set (where it stood) and `page` dropped, as QueryDict writes it."""
    from html import unescape

    from django.template import Context

    from citybridge.core.templatetags.listing import sort_header

    request = RequestFactory().get("/x/?" + query)
    for key in ("title", "name", "x"):
        html = sort_header(Context({"request": request, "sort": request.GET.get("sort", "")}), "T", key)
        href = unescape(re.search(r'href="([^"]*)"', html)[1])
        expected = QueryDict(query, mutable=True)
        expected.pop("page", None)
        current = request.GET.get("sort", "")
        expected["sort"] = (key if current.startswith("-") else f"-{key}") if current.lstrip("-") == key else key
        assert href == "?" + expected.urlencode(), (query, key)


def test_kept_bench_data_follows_the_migration_names(tmp_path, monkeypatch):
    import bench.harness as harness

    app = tmp_path / "src" / "citybridge" / "core" / "migrations"
    app.mkdir(parents=True)
    (app / "0001_initial.py").write_text("")
    monkeypatch.setattr(harness, "__file__", str(tmp_path / "bench" / "harness.py"))
    first = harness.kept_data_dir("/tmp/citybridge-bench-x")
    assert first.startswith("/tmp/citybridge-bench-x-") and first == harness.kept_data_dir("/tmp/citybridge-bench-x")
    (app / "0001_initial.py").rename(app / "0001_first.py")
    assert harness.kept_data_dir("/tmp/citybridge-bench-x") != first


def test_a_gunicorn_worker_freezes_what_it_loaded_at_start_up():
    """citybridge.wsgi (what each gunicorn worker imports) loads every view module and then moves the objects
    alive at that point out of the garbage collector's reach, so a full collection no longer walks ~250,000 objects
    in the middle of a request. In a fresh interpreter, as a worker starts."""
    import subprocess
    import sys

    code = (
        "import gc, sys; import citybridge.wsgi; "
        "print(gc.get_freeze_count(), 'citybridge.academy.views.officials' in sys.modules, len(gc.get_objects()))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    frozen, views_loaded, still_tracked = out.split()
    assert views_loaded == "True"
    assert int(frozen) > 100_000  # Django, the apps and their views
    assert int(still_tracked) < int(frozen) / 10  # what the collector still walks is a small rest


def test_row_cells_are_escaped_exactly_as_conditional_escape_does():
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy, override

    from citybridge.core.rows import escaped

    with override("zh-hans"):
        for value in ['<b>"O\'Neil" & co</b>', mark_safe("<i>kept</i>"), gettext_lazy("People"), 42, None, 1.5, ""]:
            assert escaped(value) == str(conditional_escape(value))
        assert escaped(gettext_lazy("People")) == "人员"  # a lazy label in the active language


def test_filter_options_are_what_format_html_join_made():
    from django.utils.html import format_html_join
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy, override

    from citybridge.core.paging import options_html

    choices = [("a&b", '<b>"x"</b>'), ("people", gettext_lazy("People")), (3, 3), ("safe", mark_safe("<i>s</i>"))]
    with override("zh-hans"):
        for selected in (None, "a&b", "people", 3, "none of them"):
            before = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (v, mark_safe(" selected") if selected is not None and v == selected else "", label)
                    for v, label in choices
                ),
            )
            assert options_html(choices, selected) == before, selected
        assert ">人员</option>" in options_html(choices, None)
