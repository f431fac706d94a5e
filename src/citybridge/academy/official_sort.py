"""The officials list's sort keys, kept in step with the person by the database (issue 9, "Fast at any depth").

`OfficialProfile.sort_family_name_en` … `sort_given_name_zh_hans` are copies of the person's four name columns, so
that the officials list sorted by name reads a page's keys from one covering index of the official table
(`academy_official_name_en_idx` / `_zh_idx`), as the people list does from the person's: page 399 of 20,000
officials then costs what page 1 does, instead of walking the person name index (30,000 people) and probing each
person's official.

A copy that could go stale would sort a renamed official under their old name, so no Python code writes the copies:
triggers do, on every path that changes a name or links an official to a person (services, roster import, merges,
privacy erase, the demo and the generator, `bulk_create`, `bulk_update`, `QuerySet.update`, raw SQL):

- a person's names change (or a person is inserted): the person's official, if any, gets the new names;
- an official is inserted, re-linked to another person, or has its copies written (Django's `save()` writes every
  column, with whatever the Python object holds): the copies are read again from the person.

SQLite has no BEFORE trigger that may change the new row, so its official triggers are AFTER triggers that update
the row when its copies differ from the person's (the WHEN clause also ends the chain: the person trigger's update
of the official fires the official's trigger, which then finds nothing to do). PostgreSQL uses a BEFORE trigger that
sets the row's copies from the person.

The triggers' life through `migrate` (dropped before it on SQLite, installed again and the copies caught up after it)
is core/db_triggers.py's.
`tests/academy/test_officials_sort_keys.py` changes a name by each path and checks the list's order.
"""

from __future__ import annotations

from citybridge.core.db_triggers import KeptColumns

OFFICIAL = "academy_officialprofile"
PERSON = "core_person"
#: the person's columns and their copies on the official, in the same order (the pinyin key, core.pinyin, orders the
#: list in Chinese)
NAMES = ("family_name_en", "given_name_en", "family_name_zh_hans", "given_name_zh_hans", "pinyin_name")
COPIES = tuple(f"sort_{c}" for c in NAMES)

_names = ", ".join(NAMES)
_copies = ", ".join(COPIES)
_new_copies = ", ".join(f"NEW.{c}" for c in COPIES)
_new_names = ", ".join(f"NEW.{c}" for c in NAMES)
_person_of_new = f"(SELECT {_names} FROM {PERSON} WHERE id = NEW.person_id)"

_p_names = ", ".join(f"p.{c}" for c in NAMES)
#: the officials whose copies differ from their person's names get them again (after a trigger was missing, and in
#: the migration); rows already in step are not written
_BACKFILL = {
    "sqlite": f"""
        UPDATE {OFFICIAL} SET ({_copies}) = (SELECT {_p_names} FROM {PERSON} p WHERE p.id = {OFFICIAL}.person_id)
        WHERE ({_copies}) IS NOT (SELECT {_p_names} FROM {PERSON} p WHERE p.id = {OFFICIAL}.person_id)""",
    "postgresql": f"""
        UPDATE {OFFICIAL} o SET ({_copies}) = ({_p_names}) FROM {PERSON} p
        WHERE p.id = o.person_id AND ({", ".join(f"o.{c}" for c in COPIES)}) IS DISTINCT FROM ({_p_names})""",
}

_new_row = f"SET ({_copies}) = {_person_of_new} WHERE id = NEW.id"
_sqlite = {
    "academy_official_names_insert": (
        OFFICIAL,
        f"""CREATE TRIGGER academy_official_names_insert AFTER INSERT ON {OFFICIAL}
        WHEN ({_new_copies}) IS NOT {_person_of_new}
        BEGIN
            UPDATE {OFFICIAL} {_new_row};
        END""",
    ),
    "academy_official_names_update": (
        OFFICIAL,
        f"""CREATE TRIGGER academy_official_names_update AFTER UPDATE OF person_id, {_copies} ON {OFFICIAL}
        WHEN ({_new_copies}) IS NOT {_person_of_new}
        BEGIN
            UPDATE {OFFICIAL} {_new_row};
        END""",
    ),
    "academy_person_names_insert": (
        PERSON,
        f"""CREATE TRIGGER academy_person_names_insert AFTER INSERT ON {PERSON}
        BEGIN
            UPDATE {OFFICIAL} SET ({_copies}) = ({_new_names})
            WHERE person_id = NEW.id AND ({_copies}) IS NOT ({_new_names});
        END""",
    ),
    "academy_person_names_update": (
        PERSON,
        f"""CREATE TRIGGER academy_person_names_update AFTER UPDATE OF {_names} ON {PERSON}
        BEGIN
            UPDATE {OFFICIAL} SET ({_copies}) = ({_new_names})
            WHERE person_id = NEW.id AND ({_copies}) IS NOT ({_new_names});
        END""",
    ),
}

_postgresql_functions = {
    "academy_official_names_fill": f"""
        CREATE OR REPLACE FUNCTION academy_official_names_fill() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            SELECT {_names} INTO {_new_copies} FROM {PERSON} WHERE id = NEW.person_id;
            RETURN NEW;
        END $$""",
    "academy_person_names_copy": f"""
        CREATE OR REPLACE FUNCTION academy_person_names_copy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {OFFICIAL} SET ({_copies}) = ({_new_names})
            WHERE person_id = NEW.id AND ({_copies}) IS DISTINCT FROM ({_new_names});
            RETURN NULL;
        END $$""",
}

_postgresql = {
    "academy_official_names_fill": (
        OFFICIAL,
        f"""CREATE TRIGGER academy_official_names_fill BEFORE INSERT OR UPDATE OF person_id, {_copies} ON {OFFICIAL}
        FOR EACH ROW EXECUTE FUNCTION academy_official_names_fill()""",
    ),
    "academy_person_names_copy": (
        PERSON,
        f"""CREATE TRIGGER academy_person_names_copy AFTER INSERT OR UPDATE OF {_names} ON {PERSON}
        FOR EACH ROW EXECUTE FUNCTION academy_person_names_copy()""",
    ),
}

KEPT = KeptColumns(
    label="official sort keys",
    columns={OFFICIAL: frozenset(COPIES), PERSON: frozenset(NAMES)},
    sqlite=_sqlite,
    postgresql=_postgresql,
    postgresql_functions=_postgresql_functions,
    backfill_sql=_BACKFILL,
)
# the names the migrations (0010, 0012), AcademyConfig.ready and the tests use
triggers, installed, install, uninstall = KEPT.triggers, KEPT.installed, KEPT.install, KEPT.uninstall
migrate, drop_before_migrate, ensure = KEPT.migrate, KEPT.drop_before_migrate, KEPT.ensure
