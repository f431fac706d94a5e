"""List pages and API lists (issue 9): the same number of queries for 60 rows and for 180, first page and deep
page alike, and the same rows on a deep page as Django's plain OFFSET gives. Never a time."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

#: route -> queries (staff user; a signed-in page also reads the session and the user); a deep page costs the
#: same number as the first. A list of `.values()` rows (core.paging.SeekRows) is three: its count, the page's
#: keys, the rows by those keys.
LIMITS = {
    "/people/": 6,
    "/people/?page={last}": 6,
    "/organisations/": 6,
    "/organisations/?page={last}": 6,
    "/cities/": 6,
    "/cities/?page={last}": 6,
    "/academy/": 7,  # the confirmed count is a column of the course (academy/confirmed_count.py)
    "/academy/?page={last}": 7,
    "/academy/?sort=confirmed": 7,  # sorted by that column: through its index (academy_course_confirmed_idx)
    "/academy/?sort=confirmed&page={last}": 7,
    "/api/v1/people": 5,
    "/api/v1/people?page={last}": 5,
    "/api/v1/cities/cities": 4,
    "/api/v1/cities/cities?page={last}": 4,
    "/api/v1/academy/courses": 4,
    "/api/v1/academy/courses?page={last}": 4,
}


def build(n: int) -> None:
    from citybridge.academy.models import Academy, Course, Enrolment, OfficialProfile
    from citybridge.cities.models import City
    from citybridge.core.models import Organisation, Person

    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name_en=f"Organisation {i:03}",
                name_zh_hans=f"机构{i}",
                type="academy" if i % 2 else "ngo",
                country="CN" if i % 3 else "US",
            )
            for i in range(n)
        ]
    )
    Person.objects.bulk_create(
        [
            Person(
                family_name_en=f"Family{i % 7}",
                given_name_en=f"Given{i:03}",
                family_name_zh_hans="王",
                given_name_zh_hans=f"伟{i}",
                organisation=orgs[i % len(orgs)],
            )
            for i in range(n)
        ]
    )
    City.objects.bulk_create(
        [
            City(
                name_en=f"City {i}",
                name_zh_hans=f"城市{i}",
                country="CN" if i % 2 else "US",
                population=1000 * (i % 40),
                size_class="large" if i % 2 else "",
                climate_zone="",
            )
            for i in range(n)
        ]
    )
    academy = Academy.objects.create(organisation=orgs[1], official=True)
    courses = Course.objects.bulk_create(
        [
            Course(
                academy=academy,
                title_en=f"Course {i}",
                title_zh_hans=f"课程{i}",
                start_date=date(2025, 1, 1) + timedelta(days=i % 30),
                end_date=date(2025, 2, 1),
                status="open",
            )
            for i in range(n)
        ]
    )
    officials = [
        OfficialProfile.objects.create(person=p, position="mayor", service_start=date(2015, 1, 1))
        for p in Person.objects.order_by("-pk")[:3]
    ]
    Enrolment.objects.bulk_create(
        [Enrolment(course=c, official=o, position="mayor", status="confirmed") for c in courses for o in officials]
    )


@pytest.mark.parametrize("path", list(LIMITS))
def test_query_count_is_the_same_at_two_sizes(path, staff, client_for, api_for):
    counts = []
    for n in (60, 180):
        build(60 if n == 60 else 120)  # 60 rows, then 180
        url = path.format(last=-(-n // 50))  # the last page: 2, then 4
        client = api_for(staff) if url.startswith("/api/") else client_for(staff)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], f"{path}: {counts[0]} queries for 60 rows, {counts[1]} for 180"
    assert counts[1] == LIMITS[path], f"{path}: {counts[1]} queries, pinned at {LIMITS[path]}"


def test_deep_page_has_the_rows_offset_gives(staff):
    """The seek (keys through the index, then rows by key) answers exactly what LIMIT/OFFSET answers."""
    from citybridge.core import selectors
    from citybridge.core.paging import SeekPaginator, seek_slice

    build(130)
    qs = selectors.person_list(user=staff)
    for offset in (0, 1, 49, 50, 100, 129, 130):
        assert [p.pk for p in seek_slice(qs, offset, 50)] == [p.pk for p in qs[offset : offset + 50]]
    page = SeekPaginator(qs, 50).page(3)
    assert [p.pk for p in page.object_list] == [p.pk for p in qs[100:130]]
    assert (page.number, page.paginator.num_pages, page.has_next(), page.paginator.count) == (3, 3, False, 130)


@pytest.mark.parametrize(
    "order",
    [
        ("family_name_en", "given_name_en", "id"),  # ties on the family name, broken by the key
        ("-family_name_en", "given_name_en", "-id"),
        ("organisation__name_en", "pk"),  # a joined column
        ("-title_en", "-pk"),  # every title empty: all tie but the key
    ],
)
def test_back_half_pages_walked_from_the_end_are_the_offset_pages(staff, order):
    """A page in the back half is walked backwards through the reversed ordering (core.paging.seek_slice): every
    page, first to past the end, holds exactly the rows LIMIT/OFFSET gives, in the same order."""
    from django.db.models import F

    from citybridge.core import selectors
    from citybridge.core.paging import SeekPaginator, seek_slice

    build(130)
    qs = selectors.person_list(user=staff).order_by(*order)
    count = qs.count()
    for offset in (0, 1, 49, 50, 64, 65, 66, 80, 100, 110, 129, 130, 131):
        expected = [p.pk for p in qs[offset : offset + 50]]
        assert [p.pk for p in seek_slice(qs, offset, 50, count=count)] == expected, offset
        rows = seek_slice(qs, offset, 50, values=("id", "family_name_en"), count=count)
        assert [r["id"] for r in rows] == expected, offset
    pages = SeekPaginator(qs, 20, orphans=5)
    walked = [p.pk for n in pages.page_range for p in pages.page(n).object_list]
    assert walked == [p.pk for p in qs]
    # an ordering written as expressions, as core.listing.sort_queryset writes it
    qs = selectors.person_list(user=staff).order_by(F("family_name_en").desc(nulls_last=True), F("id").asc())
    assert [p.pk for p in seek_slice(qs, 120, 50, count=count)] == [p.pk for p in qs[120:170]]


def test_only_an_order_that_ends_with_the_key_is_walked_backwards(staff):
    """Rows that tie in the ordering may come back in another order backwards, so without the key at the end the
    back half is walked forwards, as before; with it, the key query reads the reversed order."""
    from citybridge.core import selectors
    from citybridge.core.paging import seek_slice

    build(130)
    qs = selectors.person_list(user=staff)

    def key_query(queryset) -> str:
        with CaptureQueriesContext(connection) as ctx:
            list(seek_slice(queryset, 100, 20, count=130))
        (sql,) = [q["sql"] for q in ctx.captured_queries]
        return sql[sql.index("IN (SELECT") :]

    backwards = key_query(qs.order_by("family_name_en", "id"))
    assert re.search(r'ORDER BY .*"family_name_en" DESC, .*"id" DESC LIMIT 20 OFFSET 10\b', backwards), backwards
    forwards = key_query(qs.order_by("family_name_en"))
    assert re.search(r'ORDER BY .*"family_name_en" ASC LIMIT 20 OFFSET 100\b', forwards), forwards


def test_course_counts_are_those_of_the_page_rows(staff, client_for):
    build(60)
    from citybridge.academy import selectors

    rows = selectors.course_list(user=staff)
    assert {c.confirmed_count for c in rows} == {3}
    # the page shows each course's count, sorted by dates or by the count
    for path in ("/academy/?page=2", "/academy/?sort=confirmed&page=2"):
        html = client_for(staff).get(path).content.decode()
        assert re.findall(r"<td>(\d+)</td></tr>", html) == ["3"] * 10, path


def test_behind_filter_lists_are_cached_and_dropped_on_write(staff, client_for):
    from citybridge.academy.models import Academy
    from citybridge.core.models import Organisation

    def reads_academies(ctx) -> bool:
        return any('FROM "academy_academy"' in q["sql"] for q in ctx.captured_queries)

    client = client_for(staff)
    client.get("/academy/behind/")
    with CaptureQueriesContext(connection) as first:
        client.get("/academy/behind/")
    assert not reads_academies(first)  # the academies drop-down comes from the shared cache
    org = Organisation.objects.create(name_en="Suzhou Academy", type="academy", country="CN")
    Academy.objects.create(organisation=org)
    with CaptureQueriesContext(connection) as after_write:
        html = client.get("/academy/behind/").content.decode()
    assert ">Suzhou Academy</option>" in html and reads_academies(after_write)  # dropped on the write, read again
    with CaptureQueriesContext(connection) as cached:
        client.get("/academy/behind/")
    assert len(cached.captured_queries) == len(first.captured_queries)


def test_a_kept_order_by_is_the_one_django_compiles(staff, make_user, client_for, api_for, monkeypatch):
    """core.paging keeps the ORDER BY of a key query ordered by the model's own columns per process
    (`_order_by_sql`) instead of compiling it on every request. On every list that reads its rows by key, every
    sort, both directions, both languages, first and back-half pages (walked backwards), and a coordinator's
    scoped list: the key query's SQL is exactly what Django compiles, and the kept path was taken where it can."""
    from citybridge.core import paging

    build(130)
    kept_sql, kept = paging.keys_sql, []

    def checked(queryset, *, backwards=False, unordered=None):
        sql, params = kept_sql(queryset, backwards=backwards, unordered=unordered)
        compiled = paging.compiled((queryset.reverse() if backwards else queryset).values("pk"))
        assert (sql, params) == compiled, queryset.query.order_by
        kept.append(paging._column_ordering(queryset) is not None)
        return sql, params

    monkeypatch.setattr(paging, "keys_sql", checked)
    from citybridge.academy.models import Academy

    coordinator = make_user("academy_coordinator", organisation=Academy.objects.get().organisation)
    pages = ["/people/", "/organisations/", "/cities/", "/academy/", "/academy/officials/"]
    for user, language in ((staff, "en"), (staff, "zh-hans"), (coordinator, "zh-hans")):
        client = client_for(user, language)
        for page in pages:
            sorts = set(re.findall(r'href="\?[^"]*sort=(-?\w+)', client.get(page).content.decode()))
            assert sorts, page
            for sort in sorted(
                sorts | {f"-{s.removeprefix('-')}" for s in sorts} | {s.removeprefix("-") for s in sorts}
            ):
                for number in (1, 3):
                    assert client.get(f"{page}?sort={sort}&page={number}").status_code == 200, (page, sort)
        api = api_for(user, language)
        for path in ("/api/v1/people", "/api/v1/cities/cities"):
            for number in (1, 3):
                assert api.get(f"{path}?page={number}").status_code == 200, path
    assert kept and sum(kept) / len(kept) > 0.5, kept  # the name, date and number sorts of own columns


@pytest.mark.parametrize(
    ("order", "statements"),
    [
        (("-id",), 1),  # whole numbers: one statement, the order put back in Python
        (("pk",), 1),
        (("-organisation_id", "id"), 2),  # a column that may be null: keys, then rows by key
        (("family_name_en", "id"), 2),  # text follows the database's collation
        (("organisation__name_en", "id"), 2),  # a joined column
    ],
)
def test_first_rows_are_the_slice_in_its_order(staff, order, statements):
    """core.paging.first_rows: the first rows of a queryset, in its order, as `.values()` gives them."""
    from citybridge.core import selectors
    from citybridge.core.paging import first_rows

    build(130)
    columns = ("id", "organisation_id", "family_name_en")
    for qs in (
        selectors.person_list(user=staff).order_by(*order),
        selectors.person_list(user=staff).order_by(*order).reverse(),
    ):
        for limit in (0, 1, 50, 200):
            with CaptureQueriesContext(connection) as ctx:
                rows = first_rows(qs, columns, limit)
            assert rows == list(qs.values(*columns)[:limit]), (order, limit)
            assert len(ctx.captured_queries) == (statements if limit else len(ctx.captured_queries))


def _people_after(*, organisation: int | None, after: int, family: str, descending: bool):
    """A builder for kept_first_rows: people of an organisation (or all), past a key, of a family name."""
    from citybridge.core.models import Person

    people = Person.objects.filter(id__gt=after, family_name_en=family)
    if organisation is not None:
        people = people.filter(organisation_id=organisation)
    return people.order_by("-id" if descending else "id")


def _people_after_shifted(*, after: int, family: str):
    """Not keepable: the value goes into the query after arithmetic."""
    from citybridge.core.models import Person

    return Person.objects.filter(id__gt=after - 1, family_name_en=family).order_by("id")


def _people_after_written(*, after: int, family: str):
    """Not keepable: the value is written into the SQL's text."""
    from django.db.models.expressions import RawSQL

    from citybridge.core.models import Person

    inner = RawSQL(f"SELECT id FROM core_person WHERE id > {int(after)}", [])  # noqa: S611 - an int, the test's own
    return Person.objects.filter(id__in=inner, family_name_en=family).order_by("id")


def test_kept_first_rows_are_first_rows_whatever_the_numbers(staff, monkeypatch):
    """core.paging.kept_first_rows: the rows first_rows gives, for every value of a shape's numbers, in one
    statement; a shape is compiled on its first call only (twice: with stand-ins and with its values). A shape
    whose numbers are not plain parameters (arithmetic, written into the SQL) is compiled on every call and still
    right; so is a number too large for a parameter, or out of a column's range."""
    from citybridge.core import paging
    from citybridge.core.models import Organisation, Person

    build(130)
    organisation = Organisation.objects.order_by("id")[3].pk
    Person.objects.filter(id__in=Person.objects.order_by("id").values("id")[:40]).update(organisation_id=organisation)
    columns = ("id", "organisation_id", "family_name_en")
    compiles = []
    real_of = paging._FirstRows.of.__func__
    monkeypatch.setattr(paging._FirstRows, "of", classmethod(lambda cls, *a: compiles.append(1) or real_of(cls, *a)))
    monkeypatch.setattr(paging, "_KEPT", {})
    first_id = Person.objects.order_by("id").first().pk
    afters = [first_id + n for n in (0, 7, 35, 90, 200)] + [40_000, 2**31 - 1, 2**31, 2**70]
    for builder, shapes in (
        (_people_after, [{"organisation": o, "descending": d} for o in (None, organisation) for d in (False, True)]),
        (_people_after_shifted, [{}]),
        (_people_after_written, [{}]),
    ):
        for shape in shapes:
            for family in ("Family3", "Family5"):
                for after in afters:
                    values = {**shape, "family": family, "after": after}
                    expected = list(builder(**values).values(*columns)[:9])
                    with CaptureQueriesContext(connection) as ctx:
                        rows = paging.kept_first_rows(paging.Kept(builder, values), columns, 9)
                    assert rows == expected, (builder.__name__, values)
                    assert len(ctx.captured_queries) <= 1, values
    with_parameter = {k for k in paging._KEPT if any(value is None for _name, value in k[4])}
    kept = {k for k in with_parameter if paging._KEPT[k] is not None}
    assert {k[1] for k in kept} == {_people_after}, "arithmetic and SQL text are never kept"
    assert {k[1] for k in with_parameter - kept} == {_people_after_shifted, _people_after_written}
    # a kept shape is compiled on its first call only, whatever its numbers; the others on every call
    compiles.clear()
    for after in afters:
        values = {"organisation": organisation, "descending": True, "family": "Family3", "after": after}
        assert paging.kept_first_rows(paging.Kept(_people_after, values), columns, 9) == list(
            _people_after(**values).values(*columns)[:9]
        )
    assert not compiles
    paging.kept_first_rows(paging.Kept(_people_after_shifted, {"after": first_id + 3, "family": "Family3"}), columns, 9)
    assert len(compiles) == 1


def test_kept_statements_are_at_most_so_many(staff, monkeypatch):
    from citybridge.core import paging

    build(10)
    monkeypatch.setattr(paging, "_KEPT", {})
    monkeypatch.setattr(paging, "_KEPT_SHAPES", 3)
    for n in range(6):
        values = {"organisation": None, "after": 1, "family": f"F{n}", "descending": False}
        paging.kept_first_rows(paging.Kept(_people_after, values), ("id",), 5)
    assert [dict(k[4])["family"] for k in paging._KEPT] == [("F3",), ("F4",), ("F5",)], "let go when full"


def test_kept_lists_follow_each_user_and_their_roles(staff, make_user, client_for, api_for):
    """The list pages and the people API keep their key queries per shape and user (core.paging.Kept,
    User.scope_key): in one process, a user sees only their own scope's rows after another user's wider list was
    kept, a role moved to another organisation takes effect on the next request, and a superuser sees everyone."""
    from citybridge.core.models import Organisation, Person, RoleMembership

    build(30)
    first, second = Organisation.objects.order_by("id")[:2]
    Person.objects.filter(pk__in=Person.objects.order_by("id").values("pk")[:5]).update(organisation=first)
    Person.objects.filter(pk__in=Person.objects.order_by("-id").values("pk")[:3]).update(organisation=second)
    partner = make_user("partner", organisation=first)
    root = make_user(is_superuser=True)
    link = re.compile(r'<a href="/people/(\d+)/">')

    def listed(user) -> set[int]:
        page = {int(pk) for pk in link.findall(client_for(user).get("/people/?sort=-name").content.decode())}
        api = {item["id"] for item in api_for(user).get("/api/v1/people").json()["items"]}
        assert api == page, user
        return page

    of = lambda organisation: set(Person.objects.filter(organisation=organisation).values_list("pk", flat=True))  # noqa: E731
    for _ in range(2):  # the second time from the kept statements
        assert listed(staff) >= of(first) | of(second)
        assert listed(partner) == of(first)
        assert listed(root) == listed(staff)
    RoleMembership.objects.filter(user=partner).update(organisation=second)
    assert listed(partner) == of(second), "the moved role, on the next request"
