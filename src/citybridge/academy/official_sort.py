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

Django's SQLite schema editor rebuilds a table (new table, copy, drop, rename) for many `ALTER`s, e.g. adding a
NOT NULL column to `core_person` or `academy_officialprofile`: the rebuild drops that table's triggers, and the
rename fails while the other table's triggers name the dropped table. So on SQLite the triggers live outside
migrations: `drop_before_migrate()` (pre_migrate) drops them when `migrate` has something to apply, and `ensure()`
(post_migrate, both connected in `AcademyConfig.ready`) creates them again when any is missing and copies the names
of every official whose copies differ (one UPDATE), so a migration can neither fail on them nor leave a key stale.
PostgreSQL keeps its triggers through any ALTER; `ensure()` checks them too.
`tests/academy/test_officials_sort_keys.py` changes a name by each path and checks the list's order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

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
BACKFILL = {
    "sqlite": f"""
        UPDATE {OFFICIAL} SET ({_copies}) = (SELECT {_p_names} FROM {PERSON} p WHERE p.id = {OFFICIAL}.person_id)
        WHERE ({_copies}) IS NOT (SELECT {_p_names} FROM {PERSON} p WHERE p.id = {OFFICIAL}.person_id)""",
    "postgresql": f"""
        UPDATE {OFFICIAL} o SET ({_copies}) = ({_p_names}) FROM {PERSON} p
        WHERE p.id = o.person_id AND ({", ".join(f"o.{c}" for c in COPIES)}) IS DISTINCT FROM ({_p_names})""",
}

SQLITE: dict[str, str] = {
    "academy_official_names_insert": f"""
        CREATE TRIGGER academy_official_names_insert AFTER INSERT ON {OFFICIAL}
        WHEN ({_new_copies}) IS NOT {_person_of_new}
        BEGIN
            UPDATE {OFFICIAL} SET ({_copies}) = {_person_of_new} WHERE id = NEW.id;
        END""",
    "academy_official_names_update": f"""
        CREATE TRIGGER academy_official_names_update AFTER UPDATE OF person_id, {_copies} ON {OFFICIAL}
        WHEN ({_new_copies}) IS NOT {_person_of_new}
        BEGIN
            UPDATE {OFFICIAL} SET ({_copies}) = {_person_of_new} WHERE id = NEW.id;
        END""",
    "academy_person_names_insert": f"""
        CREATE TRIGGER academy_person_names_insert AFTER INSERT ON {PERSON}
        BEGIN
            UPDATE {OFFICIAL} SET ({_copies}) = ({_new_names})
            WHERE person_id = NEW.id AND ({_copies}) IS NOT ({_new_names});
        END""",
    "academy_person_names_update": f"""
        CREATE TRIGGER academy_person_names_update AFTER UPDATE OF {_names} ON {PERSON}
        BEGIN
            UPDATE {OFFICIAL} SET ({_copies}) = ({_new_names})
            WHERE person_id = NEW.id AND ({_copies}) IS NOT ({_new_names});
        END""",
}

_POSTGRES_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION academy_official_names_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT {_names} INTO {_new_copies} FROM {PERSON} WHERE id = NEW.person_id;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION academy_person_names_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {OFFICIAL} SET ({_copies}) = ({_new_names})
    WHERE person_id = NEW.id AND ({_copies}) IS DISTINCT FROM ({_new_names});
    RETURN NULL;
END $$;
"""

POSTGRES: dict[str, str] = {
    "academy_official_names_fill": f"""
        CREATE TRIGGER academy_official_names_fill BEFORE INSERT OR UPDATE OF person_id, {_copies} ON {OFFICIAL}
        FOR EACH ROW EXECUTE FUNCTION academy_official_names_fill()""",
    "academy_person_names_copy": f"""
        CREATE TRIGGER academy_person_names_copy AFTER INSERT OR UPDATE OF {_names} ON {PERSON}
        FOR EACH ROW EXECUTE FUNCTION academy_person_names_copy()""",
}

_TABLE_OF = {
    "academy_official_names_insert": OFFICIAL,
    "academy_official_names_update": OFFICIAL,
    "academy_person_names_insert": PERSON,
    "academy_person_names_update": PERSON,
    "academy_official_names_fill": OFFICIAL,
    "academy_person_names_copy": PERSON,
}


def triggers(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The triggers' names and CREATE statements for this database."""
    if connection.vendor == "sqlite":
        return SQLITE
    if connection.vendor == "postgresql":
        return POSTGRES
    # a database without them would sort officials by stale names: refuse rather than run without
    raise NotImplementedError(f"official sort keys: no triggers for {connection.vendor}")


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """The names of this module's triggers present in the database."""
    names = list(triggers(connection))
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})", names)
        else:
            cursor.execute(f"SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname IN ({marks})", names)
        return {row[0] for row in cursor.fetchall()}


def install(connection: BaseDatabaseWrapper) -> None:
    """(Re)create every trigger, then copy every official's names from its person."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_FUNCTIONS)
        for name, sql in triggers(connection).items():
            cursor.execute(
                f"DROP TRIGGER IF EXISTS {name}"
                + (f" ON {_TABLE_OF[name]}" if connection.vendor == "postgresql" else "")
            )
            cursor.execute(sql)
        cursor.execute(BACKFILL[connection.vendor])


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers (and PostgreSQL's functions): the migration's reverse."""
    with connection.cursor() as cursor:
        for name in triggers(connection):
            cursor.execute(
                f"DROP TRIGGER IF EXISTS {name}"
                + (f" ON {_TABLE_OF[name]}" if connection.vendor == "postgresql" else "")
            )
        if connection.vendor == "postgresql":
            cursor.execute(
                "DROP FUNCTION IF EXISTS academy_official_names_fill(); DROP FUNCTION IF EXISTS academy_person_names_copy();"
            )


def backfill(connection: BaseDatabaseWrapper) -> None:
    """Copy the names of every official whose copies differ from its person's."""
    with connection.cursor() as cursor:
        cursor.execute(BACKFILL[connection.vendor])


def _columns_ready(connection: BaseDatabaseWrapper) -> bool:
    """Whether both tables have every column of the current definition (not before the migration that adds the
    last copy, nor after a migrate back to an earlier state)."""
    tables = connection.introspection.table_names()
    if OFFICIAL not in tables or PERSON not in tables:
        return False
    with connection.cursor() as cursor:
        official = {c.name for c in connection.introspection.get_table_description(cursor, OFFICIAL)}
        person = {c.name for c in connection.introspection.get_table_description(cursor, PERSON)}
    return set(COPIES) <= official and set(NAMES) <= person


def migrate(apps: Any, schema_editor: Any) -> None:  # noqa: ANN401 - RunPython's arguments
    """The migrations that add copies (RunPython): on PostgreSQL install the current triggers and fill the copies;
    on SQLite fill them (`ensure` installs the triggers after `migrate`). An earlier migration on a new database,
    before the last copy's column exists, leaves it to the migration that adds it. Any other database is refused."""
    connection = schema_editor.connection
    triggers(connection)  # refuses a database it has no triggers for
    if not _columns_ready(connection):
        return
    if connection.vendor == "postgresql":
        install(connection)
    else:
        backfill(connection)


def drop_before_migrate(*, using: str = "default", plan: list | None = None, **kwargs: Any) -> None:  # noqa: ANN401
    """Before `migrate` applies anything on SQLite (pre_migrate): drop the triggers; post_migrate (`ensure`) puts
    them back and catches the copies up. A SQLite table rebuild (Django's schema editor: new table, copy, DROP, then
    RENAME) fails while a trigger on another table names the dropped table in its body (`ALTER TABLE … RENAME`
    re-checks every trigger), so with them in place no later migration could rebuild `core_person` or
    `academy_officialprofile`. PostgreSQL alters tables in place: its triggers stay."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite" and plan:
        uninstall(connection)


def ensure(*, using: str = "default", **kwargs: Any) -> bool:  # noqa: ANN401 - post_migrate's keywords
    """After `migrate` (post_migrate): install the triggers again if any is missing (a SQLite table rebuild drops
    them) and copy the names of the officials whose copies differ. True when they had to be installed."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql") or not _columns_ready(connection):
        return False
    if installed(connection) == set(triggers(connection)):
        return False
    install(connection)
    return True
