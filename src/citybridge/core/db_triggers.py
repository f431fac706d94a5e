"""Columns the database keeps in step with other rows through triggers, and those triggers' life through `migrate`.

A copy or a count that Python code had to remember to write could go stale on any path that forgets it (a bulk
update, an import, raw SQL, a merge), so a column like the officials' sort names (academy/official_sort.py) or a
course's confirmed count (academy/confirmed_count.py) is written by triggers only. `KeptColumns` holds one such set:
its triggers for SQLite and PostgreSQL, PostgreSQL's trigger functions, and the statement that recomputes every
stale value ("backfill").

Django's SQLite schema editor rebuilds a table (new table, copy, drop, rename) for many `ALTER`s: the rebuild drops
that table's triggers, and the rename fails while a trigger on another table names the dropped table in its body.
So on SQLite the triggers live outside migrations: `drop_before_migrate` (pre_migrate) drops them when `migrate` has
something to apply, and `ensure` (post_migrate) creates them again when any is missing and backfills, so a migration
can neither fail on them nor leave a value stale. PostgreSQL keeps its triggers through any ALTER; `ensure` checks
them too. A database that is neither is refused: it would show stale values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class KeptColumns:
    #: what the columns are, for messages ("official sort keys")
    label: str
    #: the tables the triggers read or write and the columns each must have before they can be installed
    columns: dict[str, frozenset[str]]
    #: trigger name -> (its table, its CREATE TRIGGER statement), per database
    sqlite: dict[str, tuple[str, str]]
    postgresql: dict[str, tuple[str, str]]
    #: the statement that sets every stale value again (rows already in step are not written), per database
    backfill_sql: dict[str, str]
    #: PostgreSQL's trigger functions: name -> CREATE OR REPLACE FUNCTION statement
    postgresql_functions: dict[str, str] = field(default_factory=dict)

    def triggers(self, connection: BaseDatabaseWrapper) -> dict[str, tuple[str, str]]:
        """The triggers' names, tables and CREATE statements for this database."""
        if connection.vendor in ("sqlite", "postgresql"):
            return getattr(self, connection.vendor)
        # a database without them would show stale values: refuse rather than run without
        raise NotImplementedError(f"{self.label}: no triggers for {connection.vendor}")

    def installed(self, connection: BaseDatabaseWrapper) -> set[str]:
        """The names of these triggers present in the database."""
        names = list(self.triggers(connection))
        marks = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})", names)
            else:
                cursor.execute(f"SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname IN ({marks})", names)
            return {row[0] for row in cursor.fetchall()}

    def install(self, connection: BaseDatabaseWrapper) -> None:
        """(Re)create every trigger, then backfill."""
        with connection.cursor() as cursor:
            for sql in self.postgresql_functions.values() if connection.vendor == "postgresql" else ():
                cursor.execute(sql)
            for name, (table, sql) in self.triggers(connection).items():
                cursor.execute(self._drop(connection, name, table))
                cursor.execute(sql)
        self.backfill(connection)

    def uninstall(self, connection: BaseDatabaseWrapper) -> None:
        """Drop the triggers (and PostgreSQL's functions): a migration's reverse."""
        with connection.cursor() as cursor:
            for name, (table, _sql) in self.triggers(connection).items():
                cursor.execute(self._drop(connection, name, table))
            for name in self.postgresql_functions if connection.vendor == "postgresql" else ():
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")

    def backfill(self, connection: BaseDatabaseWrapper) -> None:
        """Set every stale value again."""
        with connection.cursor() as cursor:
            cursor.execute(self.backfill_sql[connection.vendor])

    def columns_ready(self, connection: BaseDatabaseWrapper) -> bool:
        """Whether every table has every column of the current definition (not before the migration that adds the
        last one, nor after a migrate back to an earlier state)."""
        tables = connection.introspection.table_names()
        if any(table not in tables for table in self.columns):
            return False
        with connection.cursor() as cursor:
            return all(
                columns <= {c.name for c in connection.introspection.get_table_description(cursor, table)}
                for table, columns in self.columns.items()
            )

    def migrate(self, apps: Any, schema_editor: Any) -> None:  # noqa: ANN401 - RunPython's arguments
        """For a migration that adds a kept column (RunPython): on PostgreSQL install the current triggers and
        backfill; on SQLite backfill (`ensure` installs the triggers after `migrate`). An earlier migration on a new
        database, before the last column exists, leaves it to the migration that adds it."""
        connection = schema_editor.connection
        self.triggers(connection)  # refuses a database it has no triggers for
        if not self.columns_ready(connection):
            return
        if connection.vendor == "postgresql":
            self.install(connection)
        else:
            self.backfill(connection)

    def unmigrate(self, apps: Any, schema_editor: Any) -> None:  # noqa: ANN401 - RunPython's arguments
        """The reverse of `migrate`."""
        self.uninstall(schema_editor.connection)

    def drop_before_migrate(self, *, using: str = "default", plan: list | None = None, **kwargs: Any) -> None:  # noqa: ANN401
        """Before `migrate` applies anything on SQLite (pre_migrate): drop the triggers; post_migrate (`ensure`)
        puts them back and backfills. PostgreSQL alters tables in place: its triggers stay."""
        from django.db import connections

        connection = connections[using]
        if connection.vendor == "sqlite" and plan:
            self.uninstall(connection)

    def ensure(self, *, using: str = "default", **kwargs: Any) -> bool:  # noqa: ANN401 - post_migrate's keywords
        """After `migrate` (post_migrate): install the triggers again if any is missing (a SQLite table rebuild
        drops them) and backfill. True when they had to be installed."""
        from django.db import connections

        connection = connections[using]
        if connection.vendor not in ("sqlite", "postgresql") or not self.columns_ready(connection):
            return False
        if self.installed(connection) == set(self.triggers(connection)):
            return False
        self.install(connection)
        return True

    @staticmethod
    def _drop(connection: BaseDatabaseWrapper, name: str, table: str) -> str:
        return f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if connection.vendor == "postgresql" else "")
