"""Who is behind (/academy/behind/): what a row shows, escaping, the pages past the first and sorted by a column,
the scope of a coordinator on every page, the drop-downs (fixed ones built once per language, data ones from the
shared cache and dropped on write) and the query count, the same for 3 officials and for 30."""

from __future__ import annotations

import importlib
import re
from datetime import date

import pytest

from citybridge.academy import selectors, services
from citybridge.academy.models import Academy, Enrolment
from citybridge.core.models import Organisation

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db

behind_views = importlib.import_module("citybridge.academy.views.behind")  # the package exports the view
OFFICIAL_LINK = re.compile(r'<a href="/academy/officials/(\d+)/">')


def _attend_first_days(staff, course, sessions, official, days: int) -> None:
    """Enrol `official` and mark them present at both sessions of the course's first `days` days."""
    services.enrolment_create(actor=staff, course=course, official=official)
    dates = sorted({s.date for s in sessions})[:days]
    marks = [services.Mark(official.pk, s.pk, "present") for s in sessions if s.date in dates]
    if marks:
        services.attendance_record(actor=staff, course=course, marks=marks)


@pytest.fixture
def trained(staff, course, make_official):
    """Six officials enrolled in the course (2025-03-03 to 03-16, two sessions a day, a rest day every 7th: 12
    days), official k present on the first k days (k = 0..5); 2025 prepared."""
    sessions = fill_timetable(course)
    Enrolment.objects.all().delete()
    officials = [make_official() for _ in range(6)]
    services.course_set_status(actor=staff, course=course, status="running")
    for k, official in enumerate(officials):
        _attend_first_days(staff, course, sessions, official, k)
    services.compliance_prepare_year(year=2025)
    return officials


def _row_of(html: str, official_id: int) -> str:
    start = html.index(f'<a href="/academy/officials/{official_id}/">')
    return html[html.rindex("<tr>", 0, start) : html.index("</tr>", start)]


def test_a_row_shows_the_stored_figures_worked_by_hand(trained, coordinator, client_for):
    official = trained[4]  # present on the first 4 days: 4 training days in 2025
    html = client_for(coordinator).get("/academy/behind/?year=2025").content.decode()
    row = _row_of(html, official.pk)
    # annual: 4 of 12 days, 12 - 4 = 8 short
    assert "<td>4 / 12</td><td><strong>8</strong></td>" in row
    # window 2025-2029 (service since 2015-01-01: windows 2015-19, 2020-24, 2025-29): 4 of 78 days; at the annual
    # pace the official reaches 4 + (12 - 4) + 4 × 12 = 60 days by 2029, 78 - 60 = 18 short
    assert '<td>4 / 78 <small class="at-risk">(at risk: 18 days beyond the annual pace)</small>' in row
    assert f">Test Official{official.person.family_name_en.removeprefix('Official')}</a>" in row
    assert "<td>Mayor</td>" in row

    zh = client_for(coordinator, "zh-hans").get("/academy/behind/?year=2025").content.decode()
    zh_row = _row_of(zh, official.pk)
    # a Chinese name family-first without a space, the position and the at-risk note in Chinese
    assert f">官员{official.person.family_name_en.removeprefix('Official')}</a>" in zh_row
    assert "<td>市长</td>" in zh_row
    assert "（有风险：按年度进度仍缺 18 天）" in zh_row


def test_hostile_names_are_escaped(staff, make_official, client_for):
    org = Organisation.objects.create(
        name="A & B <b>", name_en="A & B <b>", type="city_government", country="CN", province_en="Hebei"
    )
    official = make_official(organisation=org)
    official.person.family_name_en = '<script>alert("x")</script>'
    official.person.save()
    services.compliance_prepare_year(year=2025)
    html = client_for(staff).get("/academy/behind/?year=2025").content.decode()
    row = _row_of(html, official.pk)
    assert "<script>" not in row and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in row
    assert "<td>A &amp; B &lt;b&gt;</td>" in row
    # an organisation picked by key is shown chosen, escaped; a search is kept in its box, escaped
    picked = client_for(staff).get(f"/academy/behind/?year=2025&organisation={org.pk}").content.decode()
    assert f'<option value="{org.pk}" selected>A &amp; B &lt;b&gt;</option>' in picked
    searched = client_for(staff).get("/academy/behind/", {"year": 2025, "organisation_q": '"><b>x'}).content.decode()
    assert 'name="organisation_q" value="&quot;&gt;&lt;b&gt;x"' in searched and "<b>x" not in searched


def test_organisations_are_found_by_part_of_their_name_in_either_language(staff, make_official, client_for):
    """Past the first 500 organisations too (a drop-down offered only those): 520 governments, the official's the
    last by name; the search matches part of the English or the Chinese name, case aside, and nothing else."""
    Organisation.objects.bulk_create(
        [
            Organisation(name=f"A{i:03d} Government", name_en=f"A{i:03d} Government", type="city_government")
            for i in range(520)
        ]
    )
    far = Organisation.objects.create(
        name="Zhoushan Municipal Government",
        name_en="Zhoushan Municipal Government",
        name_zh_hans="舟山市人民政府",
        type="city_government",
        country="CN",
    )
    theirs, other = make_official(organisation=far), make_official()
    services.compliance_prepare_year(year=2025)
    for language, q in (("en", "zhoushan"), ("zh-hans", "舟山"), ("en", "Municipal Gov")):
        html = client_for(staff, language).get("/academy/behind/", {"year": 2025, "organisation_q": q}).content.decode()
        assert set(OFFICIAL_LINK.findall(html)) == {str(theirs.pk)}, (language, q)
        assert f'name="organisation_q" value="{q}"' in html
    html = client_for(staff).get("/academy/behind/", {"year": 2025, "organisation_q": "Nowhere"}).content.decode()
    assert not OFFICIAL_LINK.findall(html)
    everyone = client_for(staff).get("/academy/behind/", {"year": 2025}).content.decode()
    assert {str(theirs.pk), str(other.pk)} <= set(OFFICIAL_LINK.findall(everyone))
    zh = client_for(staff, "zh-hans").get("/academy/behind/", {"year": 2025}).content.decode()
    assert 'placeholder="名称的一部分，中文或英文均可"' in zh
    # the export lists what the page lists
    from io import BytesIO

    from openpyxl import load_workbook

    export = client_for(staff).get("/academy/behind.xlsx", {"year": 2025, "organisation_q": "舟山"})
    cells = {str(c.value) for row in load_workbook(BytesIO(export.content)).active.iter_rows() for c in row}
    assert any(theirs.person.family_name_en in c for c in cells)
    assert not any(other.person.family_name_en == c or f" {other.person.family_name_en}" in c for c in cells)


@pytest.mark.parametrize("rule", ["any", "annual", "window", "both"])
@pytest.mark.parametrize("sort", ["", "official", "-position", "organisation", "province", "days", "-shortfall", "gap"])
def test_every_page_and_sort_is_the_plain_slice(trained, staff, make_official, rule, sort):
    """The pages read by key (past the first, or sorted by a column) hold the rows, in the order, of the plain
    OFFSET slice of the same query: 6 trained officials and 4 without training (ties broken by the official)."""
    from django.test import RequestFactory

    from citybridge.core.listing import sort_queryset

    untrained = [make_official(position="vice_mayor") for _ in range(4)]
    services.compliance_refresh(official_ids=[o.pk for o in trained + untrained], years=[2025])
    services.compliance_prepare_year(year=2026)  # only 2025 is read below; a second year must not leak in
    qs = selectors.behind_list(user=staff, year=2025, rule=rule)
    if sort:
        request = RequestFactory().get("/academy/behind/", {"sort": sort})
        qs, _key = sort_queryset(request, qs, behind_views.behind_sorts(), "-shortfall", tiebreaker="official_id")
    everything = list(qs.values(*behind_views.BEHIND_ROW_FIELDS))
    assert everything, "the rule lists somebody"
    for offset in (0, 1, 3, 4, 9):
        page = behind_views._rows_by_keys(qs, offset, 3)
        assert page == everything[offset : offset + 3], (offset, rule, sort)
    if not sort:  # the first page in the rule's order, read from the rows' columns resolved once per process
        params = {"year": 2025, "academy": None, "organisation": None, "province": "", "position": "", "rule": rule}
        first = selectors.behind_first(user=staff, **params, columns=behind_views.BEHIND_ROW_FIELDS, limit=3)
        assert first == everything[:3]


@pytest.mark.parametrize("rule", ["any", "annual", "window", "both"])
def test_next_and_previous_follow_the_rows_they_were_clicked_beside(
    trained, staff, make_official, client_for, monkeypatch, rule
):
    """Pages of 3: following Next from the first page lists every row once, in the rule's order (4 untrained
    officials tie with the one who trained 0 days: the cursor breaks ties by official), each link carrying the last
    row's cursor; following Previous back shows the same pages. A page asked for by number still works."""
    monkeypatch.setattr(behind_views, "PAGE_SIZE", 3)
    untrained = [make_official() for _ in range(4)]
    services.compliance_refresh(official_ids=[o.pk for o in trained + untrained], years=[2025])
    everything = [s.official_id for s in selectors.behind_list(user=staff, year=2025, rule=rule)]
    assert len(everything) > 6, "several pages, with ties"
    client, pages, url = client_for(staff), [], f"/academy/behind/?year=2025&rule={rule}"
    next_link = re.compile(r'<a href="([^"]*)">Next</a>')
    while True:
        html = client.get(url).content.decode()
        pages.append([int(pk) for pk in OFFICIAL_LINK.findall(html)])
        found = next_link.search(html)
        if not found:
            break
        url = "/academy/behind/" + found.group(1).replace("&amp;", "&")
        assert len(pages) == 1 or "after=" in url, url
    assert [pk for page in pages for pk in page] == everything
    assert all(len(page) == 3 for page in pages[:-1])
    previous_link = re.compile(r'<a href="([^"]*)">Previous</a>')
    for expected in reversed(pages[:-1]):
        url = "/academy/behind/" + previous_link.search(html).group(1).replace("&amp;", "&")
        html = client.get(url).content.decode()
        assert [int(pk) for pk in OFFICIAL_LINK.findall(html)] == expected, url
    assert not previous_link.search(html), "the first page has no Previous"
    # page 2 by its number (a bookmark, a typed URL) and a cursor that is not one: found by the number
    for query in ("&page=2", "&page=2&after=x,1", "&page=2&before=-1,2"):
        html = client.get(f"/academy/behind/?year=2025&rule={rule}{query}").content.decode()
        assert [int(pk) for pk in OFFICIAL_LINK.findall(html)] == pages[1], query


@pytest.mark.parametrize("rule", ["any", "annual", "window", "both"])
def test_behind_seek_is_the_plain_slice_on_either_side_of_every_row(trained, staff, make_official, rule):
    untrained = [make_official() for _ in range(4)]
    services.compliance_refresh(official_ids=[o.pk for o in trained + untrained], years=[2025])
    qs = selectors.behind_list(user=staff, year=2025, rule=rule)
    everything = list(qs)
    key = selectors.behind_key(rule)
    for i, row in enumerate(everything):
        cursor = (getattr(row, key), row.official_id)
        params = {"user": staff, "year": 2025, "rule": rule, "columns": behind_views.BEHIND_ROW_FIELDS}
        ahead = selectors.behind_seek(**params, cursor=cursor, limit=3)
        assert [r["id"] for r in ahead] == [s.pk for s in everything[i + 1 : i + 4]], i
        back = selectors.behind_seek(**params, cursor=cursor, limit=3, backwards=True)
        assert [r["id"] for r in back] == [s.pk for s in everything[max(0, i - 3) : i]], i


def test_a_coordinator_sees_only_their_officials_on_every_page_and_sort(
    trained, staff, coordinator, other_academy, other_coordinator, make_official, client_for
):
    from citybridge.academy.models import Course

    other_course = Course.objects.create(
        academy=other_academy, title="Other", title_en="Other", start_date=date(2025, 5, 5), end_date=date(2025, 5, 9)
    )
    outsiders = [make_official() for _ in range(3)]
    for o in outsiders:
        services.enrolment_create(actor=staff, course=other_course, official=o)
    services.compliance_refresh(official_ids=[o.pk for o in outsiders], years=[2025])
    mine = {o.pk for o in outsiders}
    client = client_for(other_coordinator)
    for sort in ("", "official", "-shortfall", "province", "gap"):
        for page in (1, 2):
            html = client.get("/academy/behind/", {"year": 2025, "sort": sort, "page": page}).content.decode()
            shown = {int(pk) for pk in OFFICIAL_LINK.findall(html)}
            assert shown == (mine if page == 1 else set()), (sort, page)
    # Next's cursor (before everybody's rows) and Previous's (after them): still only the coordinator's officials
    for cursor in ({"after": "999,0"}, {"before": "0,999999"}):
        html = client.get("/academy/behind/", {"year": 2025, "page": 3, **cursor}).content.decode()
        assert {int(pk) for pk in OFFICIAL_LINK.findall(html)} == mine, cursor
    # the first academy's coordinator and staff, in the same process, on the same first page and cursors: the
    # statements kept for one scope never list another scope's officials (core.paging.kept_first_rows)
    for user, expected in ((coordinator, {o.pk for o in trained}), (staff, {o.pk for o in trained} | mine)):
        client = client_for(user)
        for query in ({}, {"page": 3, "after": "999,0"}, {"page": 3, "before": "0,999999"}):
            html = client.get("/academy/behind/", {"year": 2025, **query}).content.decode()
            assert {int(pk) for pk in OFFICIAL_LINK.findall(html)} == expected, (user, query)


def test_a_withdrawn_official_leaves_the_coordinator_s_list_everywhere(
    trained, staff, other_academy, other_coordinator, make_official, client_for, api_for
):
    """A withdrawn enrolment no longer gives access to the official (OfficialProfile.visible_to): not on the page,
    in its export, in its API or in a row's explanation, as on the official's own page (they were listed)."""
    import io

    import openpyxl

    from citybridge.academy.models import Course, TrainingSummary

    other_course = Course.objects.create(
        academy=other_academy, title="Other", title_en="Other", start_date=date(2025, 5, 5), end_date=date(2025, 5, 9)
    )
    kept, gone = make_official(), make_official()
    for o in (kept, gone):
        services.enrolment_create(actor=staff, course=other_course, official=o)
    services.enrolment_withdraw(actor=staff, enrolment=Enrolment.objects.get(official=gone, course=other_course))
    services.compliance_refresh(official_ids=[kept.pk, gone.pk], years=[2025])
    client = client_for(other_coordinator)
    html = client.get("/academy/behind/", {"year": 2025}).content.decode()
    assert {int(pk) for pk in OFFICIAL_LINK.findall(html)} == {kept.pk}
    assert client.get(f"/academy/officials/{gone.pk}/").status_code == 404
    api = api_for(other_coordinator).get("/api/v1/academy/behind", {"year": 2025}).json()
    assert {row["official_id"] for row in api["items"]} == {kept.pk}
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/academy/behind.xlsx", {"year": 2025}).content)).active
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert gone.person.display_name() not in text and kept.person.display_name() in text
    summary = TrainingSummary.objects.get(official=gone, year=2025)
    assert client.get(f"/academy/behind/{summary.pk}/why/").status_code == 404


def test_drop_downs_mark_the_request_and_follow_writes(trained, staff, coordinator, academy, other_academy, client_for):
    client = client_for(staff)
    url = "/academy/behind/"
    query = {"year": 2025, "rule": "window", "academy": academy.pk, "province": "CN-HE", "position": "mayor"}
    html = client.get(url, query).content.decode()
    assert '<option value="window" selected>At risk in the 5-year window</option>' in html
    assert '<option value="2025" selected>2025</option>' in html
    assert f'<option value="{academy.pk}" selected>National Academy for Mayors of China</option>' in html
    assert f'<option value="{other_academy.pk}">China Executive Leadership Academy Pudong</option>' in html
    assert '<option value="CN-HE" selected>' in html and '<option value="mayor" selected>Mayor</option>' in html
    assert html.count(" selected>") == 5 + 1  # the five above and the language switch

    # a coordinator is offered their own academy only
    mine = client_for(coordinator).get(url, {"year": 2025}).content.decode()
    assert f'<option value="{academy.pk}">' in mine and f'<option value="{other_academy.pk}">' not in mine

    # in Chinese: the fixed vocabularies and the academies' names in Chinese (each language built once)
    zh = client_for(staff, "zh-hans").get(url, query).content.decode()
    assert '<option value="window" selected>五年周期内有风险</option>' in zh
    assert f'<option value="{academy.pk}" selected>全国市长研修学院</option>' in zh
    assert '<option value="mayor" selected>市长</option>' in zh
    assert (
        '<option value="window" selected>At risk in the 5-year window</option>'
        in client.get(url, query).content.decode()
    )

    # written after the lists were cached: a new academy and a renamed one appear on the next request
    org = Organisation.objects.create(name="Zhejiang Academy", name_en="Zhejiang Academy", type="academy", country="CN")
    added = Academy.objects.create(organisation=org)
    other_academy.organisation.name_en = "CELAP (renamed)"
    other_academy.organisation.save()
    html = client.get(url, {"year": 2025}).content.decode()
    assert f'<option value="{added.pk}">Zhejiang Academy</option>' in html
    assert f'<option value="{other_academy.pk}">CELAP (renamed)</option>' in html
    # sorted by the organisation's name, as Academy.Meta.ordering: CELAP, National, Zhejiang
    names = re.findall(r'<select name="academy">(.*?)</select>', html)[0]
    assert names.index("CELAP") < names.index("National Academy") < names.index("Zhejiang Academy")


def test_a_year_prepared_after_the_page_was_cached_is_listed(
    staff, make_official, client_for, django_capture_on_commit_callbacks
):
    make_official()
    client = client_for(staff)
    first = client.get("/academy/behind/?year=2024").content.decode()
    assert 'data-testid="not-prepared"' in first  # and the prepared years are now cached
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.compliance_prepare_year(year=2024)
    assert callbacks  # dropped again when the write commits
    after = client.get("/academy/behind/?year=2024").content.decode()
    assert 'data-testid="not-prepared"' not in after and len(OFFICIAL_LINK.findall(after)) == 1


@pytest.mark.parametrize("n", [3, 30])
def test_query_count_is_pinned(n, staff, coordinator, course, make_official, client_for, django_assert_num_queries):
    """Staff and a coordinator, the first page, a page past it and a sorted page: the same queries whatever the
    number of officials: the session, the user, their role memberships and the page's rows (the drop-downs and the
    prepared years come from the cache, in memory here); past the first page or sorted, the page's keys and then
    its rows by key (one more; none when the page is past the last row). The section menu asks the rules only, so a coordinator's
    menu no longer asks Django's model backend for the permissions their roles do not grant (user and group
    permissions: 2 queries). Before: 6 for staff (the prepared year and the academies were a query each), 6 for a
    coordinator."""
    for _ in range(n):
        services.enrolment_create(actor=staff, course=course, official=make_official())
    services.compliance_prepare_year(year=2025)
    for user in (staff, coordinator):
        client = client_for(user)
        for path, expected in (
            ("/academy/behind/?year=2025", 4),
            ("/academy/behind/?year=2025&page=2", 4),  # past the last row here: no keys, no rows to read
            # Next: the rows tied with the cursor past its official, then the rows of the next values
            ("/academy/behind/?year=2025&page=2&after=1,1", 5),
            ("/academy/behind/?year=2025&sort=official", 5),
        ):
            client.get(path)  # warm (the shared cache); the page itself writes nothing
            with django_assert_num_queries(expected):
                assert client.get(path).status_code == 200


def test_the_export_names_provinces_in_the_reader_language(staff, client_for, make_official):
    """The XLSX writes an official's province as the page does: 河北省 in Chinese, Hebei in English (the stored
    text was written raw, so a Chinese sheet read "Hebei")."""
    import io

    import openpyxl

    make_official(province="Hebei", province_code="CN-HE")
    services.compliance_prepare_year(year=2025)
    for language, expected in (("zh-hans", "河北省"), ("en", "Hebei")):
        r = client_for(staff, language=language).get("/academy/behind.xlsx?year=2025")
        header, row = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(max_row=2, values_only=True))
        assert row[header.index("省份" if language == "zh-hans" else "Province")] == expected
