"""Issue 9, "Fast at any depth": the officials list sorts by the official's own copies of the person's names
(`OfficialProfile.sort_*`, indexes academy_official_name_en_idx / _zh_idx), kept by database triggers
(academy/official_sort.py). A stale copy would list a renamed official under the old name, so every path that writes
a name or links an official to a person is tried here, and after each the copies must equal the person's names and
the list's order must be the order of the person's names (the order the list had when it sorted through the person).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import F
from django.test import RequestFactory
from django.utils import translation

from citybridge.academy import official_sort, selectors, services
from citybridge.academy.models import OfficialProfile
from citybridge.core.listing import name_order, sort_queryset
from citybridge.core.models import Person
from citybridge.core.paging import seek_slice

pytestmark = pytest.mark.django_db

NAMES = official_sort.NAMES  # the four names and the name in pinyin (core.pinyin)


def copies_in_step() -> list[tuple]:
    """Officials whose copies differ from their person's names (empty when in step)."""
    rows = OfficialProfile.objects.values_list("pk", *official_sort.COPIES, *(f"person__{n}" for n in NAMES))
    n = len(NAMES)
    return [r for r in rows if r[1 : 1 + n] != r[1 + n :]]


def person_order(language: str, descending: bool) -> list[int]:
    """The list's order as it was before the copies: the person's names (in Chinese their pinyin first), then the
    person's key (the oracle)."""
    with translation.override(language):
        order = [F(f) for f in name_order("family_name", "given_name", prefix="person__")] + [F("person__id")]
    qs = OfficialProfile.objects.order_by(*[o.desc() if descending else o.asc() for o in order])
    return list(qs.values_list("pk", flat=True))


def shown(client, sort: str = "name", page: int = 1) -> list[int]:
    response = client.get(f"/academy/officials/?sort={sort}&page={page}")
    assert response.status_code == 200
    return [row.id for row in response.context["page_obj"].object_list]


def stale_pinyin() -> list[tuple]:
    """People whose name in pinyin is not their names' (core.pinyin; empty when every path kept it)."""
    return [(p.pk, p.pinyin_name) for p in Person.objects.all() if p.pinyin_name != p.pinyin_key()]


def assert_list_follows(client_en, client_zh) -> None:
    assert copies_in_step() == []
    assert stale_pinyin() == []
    for language, client in (("en", client_en), ("zh-hans", client_zh)):
        for sort in ("name", "-name"):
            assert shown(client, sort) == person_order(language, sort.startswith("-"))[:50], (language, sort)


def person(family_en: str, given_en: str, family_zh: str | None = None, given_zh: str | None = None) -> Person:
    return Person.objects.create(
        family_name=family_en,
        family_name_en=family_en,
        given_name_en=given_en,
        family_name_zh_hans=family_zh,
        given_name_zh_hans=given_zh,
    )


def official(p: Person) -> OfficialProfile:
    return OfficialProfile.objects.create(person=p, position="mayor", service_start=date(2015, 1, 1))


@pytest.fixture
def clients(staff, client_for):
    return client_for(staff, "en"), client_for(staff, "zh-hans")


@pytest.fixture
def five(db):
    """Five officials; Chen Jing twice (equal names in both languages: their persons' keys order them, and the
    second Chen's official is created first, so the official's own key would give the other order); one official
    with no Chinese name (NULL copies)."""
    chen_b, chen_a = person("Chen", "Jing", "陈", "静"), person("Chen", "Jing", "陈", "静")
    made = {
        "zhao": official(person("Zhao", "Lei", "赵", "磊")),
        "chen_a": official(chen_a),  # person created second, official first
        "chen_b": official(chen_b),
        "smith": official(person("Smith", "Anna")),
        "li": official(person("Li", "Na", "李", "娜")),
    }
    return made


def test_hand_worked_order_in_both_languages_and_directions(five, clients):
    """English: Chen Jing (person made first, so chen_b), Chen Jing (chen_a), Li, Smith, Zhao. Chinese: the
    family name in Chinese first; SQLite and PostgreSQL put the NULL (Smith has no Chinese name) at different ends,
    as they did when the list sorted through the person's columns."""
    en, zh = clients
    ids = {k: o.pk for k, o in five.items()}
    assert copies_in_step() == []
    assert shown(en) == [ids["chen_b"], ids["chen_a"], ids["li"], ids["smith"], ids["zhao"]]
    assert shown(en, "-name") == [ids["zhao"], ids["smith"], ids["li"], ids["chen_a"], ids["chen_b"]]
    # by pinyin (core.pinyin): chen2jing4, li3na4, smithanna (no Chinese name: by its letters), zhao4lei3; by code
    # point 李 (U+674E) < 赵 (U+8D75) < 陈 (U+9648), as the list was before
    assert shown(zh) == [ids["chen_b"], ids["chen_a"], ids["li"], ids["smith"], ids["zhao"]]
    assert shown(zh, "-name") == [ids["zhao"], ids["smith"], ids["li"], ids["chen_a"], ids["chen_b"]]
    assert_list_follows(en, zh)


def test_official_service_rename_moves_the_official(five, clients, staff):
    en, zh = clients
    zhao = OfficialProfile.objects.select_related("person").get(pk=five["zhao"].pk)
    services.official_update_with_person(
        actor=staff,
        official=zhao,
        family_name_en="Aaronson",
        given_name_en="Abe",
        family_name_zh_hans="阿",
        given_name_zh_hans="贝",
        position="mayor",
        service_start=date(2015, 1, 1),
        expected_version=zhao.version,
    )
    assert shown(en)[0] == zhao.pk and shown(en, "-name")[-1] == zhao.pk
    assert_list_follows(en, zh)


def test_core_person_service_rename(five, clients, staff):
    from citybridge.core.services import person_update

    en, zh = clients
    p = Person.objects.get(pk=five["li"].person_id)
    person_update(actor=staff, person=p, expected_version=p.version, family_name_en="Zz", family_name_zh_hans="一")
    assert shown(en)[-1] == five["li"].pk
    assert_list_follows(en, zh)


def test_privacy_erase_lists_the_erased_name(five, clients, staff):
    from citybridge.core.privacy import person_erase

    en, zh = clients
    erased = person_erase(actor=staff, person=five["chen_a"].person)
    assert OfficialProfile.objects.get(pk=five["chen_a"].pk).sort_family_name_en == erased.family_name_en
    assert_list_follows(en, zh)


@pytest.mark.parametrize("how", ["bulk_update", "queryset_update", "raw_sql", "save_update_fields"])
def test_bulk_and_raw_writes_of_a_name(five, clients, how):
    en, zh = clients
    p = Person.objects.get(pk=five["zhao"].person_id)
    if how == "bulk_update":
        p.family_name_en, p.given_name_zh_hans = "Abbott", "甲"
        Person.objects.bulk_update([p], ["family_name_en", "given_name_zh_hans"])
    elif how == "queryset_update":
        Person.objects.filter(pk=p.pk).update(family_name_en="Abbott", family_name_zh_hans=None)
    elif how == "raw_sql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_person SET family_name_en = %s WHERE id = %s", ["Abbott", p.pk])
    else:
        p.family_name_en = "Abbott"
        p.save(update_fields=["family_name_en"])
    assert shown(en)[0] == five["zhao"].pk
    assert_list_follows(en, zh)


def test_a_stale_official_object_saved_after_a_rename_cannot_write_old_names_back(five, clients):
    """Django's save() writes every column, the copies too, with what the Python object holds."""
    en, zh = clients
    stale = OfficialProfile.objects.get(pk=five["zhao"].pk)  # copies: Zhao Lei
    Person.objects.filter(pk=stale.person_id).update(family_name_en="Abbott")
    stale.position = "vice_mayor"
    stale.save()
    assert stale.sort_family_name_en == "Zhao"  # the object is stale; the row is not
    assert OfficialProfile.objects.get(pk=stale.pk).sort_family_name_en == "Abbott"
    # writing a copy directly is undone too
    OfficialProfile.objects.filter(pk=stale.pk).update(sort_family_name_en="Aaa", sort_given_name_zh_hans="x")
    assert_list_follows(en, zh)


def test_relinking_an_official_to_another_person(five, clients):
    en, zh = clients
    newcomer = person("Aardvark", "Al", "阿", "尔")
    OfficialProfile.objects.filter(pk=five["smith"].pk).update(person=newcomer)
    assert shown(en)[0] == five["smith"].pk
    assert_list_follows(en, zh)


def test_bulk_create_and_an_official_inserted_before_its_person(five, clients):
    """bulk_create skips save(); in a transaction a row may even come before the person it points to (foreign keys
    are checked at commit)."""
    en, zh = clients
    people = Person.objects.bulk_create([Person(family_name_en="Bulk", given_name_en=str(i)) for i in range(3)])
    OfficialProfile.objects.bulk_create([OfficialProfile(person=p, position="other") for p in people])
    next_id = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "INSERT INTO academy_officialprofile (person_id, position, province, province_code, version, created_at,"
            " updated_at) VALUES (%s, 'other', '', '', 1, %s, %s)",
            [next_id, "2025-01-01 00:00:00+00:00", "2025-01-01 00:00:00+00:00"],
        )
    assert copies_in_step() == []  # the join finds no person yet: nothing to compare
    Person.objects.create(id=next_id, family_name="Early", family_name_en="Early", given_name_en="Bird")
    assert OfficialProfile.objects.get(person_id=next_id).sort_family_name_en == "Early"
    assert_list_follows(en, zh)


def test_roster_import_creates_officials_with_their_names(clients, staff):
    from citybridge.academy.roster import rows_to_csv

    en, zh = clients
    rows = [
        {"family_name_en": "Roster", "given_name_en": f"R{i}", "family_name_zh": "罗", "given_name_zh": f"{i}"}
        | {"position": "mayor", "email": f"r{i}@example.cn"}
        for i in range(3)
    ]
    report = services.roster_import(actor=staff, data=rows_to_csv(rows), filename="r.csv")
    assert report.ok and report.created == 3
    assert OfficialProfile.objects.filter(sort_family_name_en="Roster", sort_family_name_zh_hans="罗").count() == 3
    assert_list_follows(en, zh)


def test_duplicate_merge_keeps_the_list_in_step(five, clients, staff):
    from citybridge.academy.models import PossibleDuplicate

    en, zh = clients
    dup = PossibleDuplicate.objects.create(new_official=five["chen_a"], existing_official=five["chen_b"], reason="name")
    services.duplicate_merge(actor=staff, duplicate=dup)
    assert five["chen_a"].pk not in shown(en)
    assert_list_follows(en, zh)


def test_generator_fills_the_copies(clients):
    from citybridge.academy.generator import generate

    en, zh = clients
    generate(officials=120, attendance=1)
    assert OfficialProfile.objects.count() == 120
    assert copies_in_step() == []
    assert OfficialProfile.objects.filter(sort_family_name_en__isnull=True).count() == 0
    assert_list_follows(en, zh)
    for language, client in (("en", en), ("zh-hans", zh)):
        assert shown(client, "name", 3) == person_order(language, False)[100:120]
        assert shown(client, "-name", 2) == person_order(language, True)[50:100]


def test_a_dropped_trigger_is_installed_again_after_migrate_and_the_copies_caught_up(five, clients):
    """Django's SQLite schema editor rebuilds a table for many ALTERs, which drops its triggers; post_migrate
    (official_sort.ensure) puts them back and copies every official's names again."""
    en, zh = clients
    assert official_sort.installed(connection) == set(official_sort.triggers(connection))
    assert official_sort.ensure(using="default") is False  # nothing missing: nothing done
    victim = "academy_person_names_update" if connection.vendor == "sqlite" else "academy_person_names_copy"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {victim}" + (" ON core_person" if connection.vendor == "postgresql" else ""))
    Person.objects.filter(pk=five["zhao"].person_id).update(family_name_en="Abbott")
    assert len(copies_in_step()) == 1  # without the trigger the copy went stale: the failure this guards against
    assert official_sort.ensure(using="default") is True
    assert official_sort.installed(connection) == set(official_sort.triggers(connection))
    assert_list_follows(en, zh)


def test_the_view_sorts_by_the_copies_and_walks_the_official_index(five, staff):
    """The key query of a deep page reads the official's table alone, through its name index (no person join)."""
    for language, index in (("en", "academy_official_name_en_idx"), ("zh-hans", "academy_official_name_zh_idx")):
        with translation.override(language):
            names = name_order("sort_family_name", "sort_given_name", pinyin="sort_pinyin_name")
            allowed = {"name": (*names, "person_id", "id")}
            for sort in ("name", "-name"):
                request = RequestFactory().get("/", {"sort": sort})
                qs, _sort = sort_queryset(request, selectors.official_list(user=staff), allowed, "name")
                key_sql = str(qs.values("pk")[2:4].query)
                assert "core_person" not in key_sql
                if connection.vendor == "sqlite":
                    with connection.cursor() as cursor:
                        sql, params = qs.values("pk")[2:4].query.sql_with_params()
                        plan = " ".join(str(r) for r in cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
                    assert f"COVERING INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan
                assert [o.pk for o in seek_slice(qs, 2, 2)] == person_order(language, sort == "-name")[2:4]


def _many(n: int) -> list[OfficialProfile]:
    people = Person.objects.bulk_create(
        [
            Person(family_name_en=f"F{i % 7}", given_name_en=f"G{i}", family_name_zh_hans="王李张"[i % 3])
            for i in range(n)
        ]
    )
    return OfficialProfile.objects.bulk_create([OfficialProfile(person=p, position="other") for p in people])


@pytest.mark.parametrize("n", [60, 160])
def test_deep_pages_cost_the_queries_of_the_first(n, staff, client_for, django_assert_max_num_queries):
    """Same query count on page 1 and the last page, at two sizes, in both languages and directions."""
    from django.test.utils import CaptureQueriesContext

    _many(n)
    last = -(-n // 50)
    for language in ("en", "zh-hans"):
        client = client_for(staff, language)
        for sort in ("name", "-name"):
            client.get(f"/academy/officials/?sort={sort}")
            counts = []
            for page in (1, last):
                with django_assert_max_num_queries(7), CaptureQueriesContext(connection) as queries:
                    ids = shown(client, sort, page)
                counts.append(len(queries.captured_queries))
                assert ids == person_order(language, sort == "-name")[(page - 1) * 50 : page * 50]
            assert counts[0] == counts[1]


def test_a_coordinator_pages_through_their_own_officials_only(staff, coordinator, course, client_for):
    """Scope unchanged: the sort keys are the official's, the filter is still visible_to (enrolled at their
    academy, not withdrawn)."""
    officials = _many(110)  # 55 enrolled: a full class
    for o in officials[::2]:
        services.enrolment_create(actor=staff, course=course, official=o)
    mine = set(o.pk for o in officials[::2])
    client = client_for(coordinator, "zh-hans")
    seen = shown(client, "-name", 1) + shown(client, "-name", 2)
    assert set(seen) == mine and len(seen) == 55
    assert seen == [pk for pk in person_order("zh-hans", True) if pk in mine]


def test_the_api_lists_officials_in_the_pages_english_name_order_at_any_depth(staff, api_for):
    """/api/v1/academy/officials orders by the same index (it sorted every official by family names and id before:
    no index held that order). Same query count on the first and the last page."""
    from django.test.utils import CaptureQueriesContext

    _many(130)
    api = api_for(staff, "zh-hans")  # the API's order does not depend on the language
    expected = person_order("en", False)
    api.get("/api/v1/academy/officials")  # warm: the token's first use is recorded once
    counts = []
    for page in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/api/v1/academy/officials?page={page}&page_size=50")
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
        assert [item["id"] for item in response.json()["items"]] == expected[(page - 1) * 50 : page * 50]
    assert counts[0] == counts[1]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL alters tables in place: no rebuild")
@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_both_tables_runs_and_leaves_no_stale_copy(staff, client_for):
    """Django's SQLite schema editor rebuilds a table (new table, copy, DROP, RENAME) for many ALTERs; the RENAME
    fails while a trigger on the other table names the dropped one. `migrate` drops the triggers first
    (pre_migrate, with something to apply), and post_migrate installs them again and catches up the copies of names
    written meanwhile (a data migration, say)."""
    en, zh = client_for(staff, "en"), client_for(staff, "zh-hans")
    zhao = official(person("Zhao", "Lei", "赵", "磊"))
    official(person("Li", "Na", "李", "娜"))
    official_sort.drop_before_migrate(using="default", plan=[("academy", "a migration")])
    assert official_sort.installed(connection) == set()
    with connection.schema_editor() as editor:
        editor._remake_table(Person)
        editor._remake_table(OfficialProfile)
    Person.objects.filter(pk=zhao.person_id).update(family_name_en="Abbott", family_name_zh_hans="艾")
    assert len(copies_in_step()) == 1  # no trigger while migrating: stale until post_migrate
    assert official_sort.ensure(using="default") is True
    assert official_sort.installed(connection) == set(official_sort.triggers(connection))
    assert_list_follows(en, zh)
    assert shown(en)[0] == zhao.pk
    official_sort.drop_before_migrate(using="default", plan=[])  # nothing to apply: the triggers stay
    assert official_sort.installed(connection) == set(official_sort.triggers(connection))
