"""On SQLite the API rate counts live in a database of their own (core/routers.py, issue 9): only they are there,
the main database holds none, and `migrate` without --database migrates both. On PostgreSQL everything stays in the
one database. (An API request's count: tests/api/test_rate_limits.py.)"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, connections, router

from citybridge.core.models import Person, RateCount
from citybridge.core.routers import COUNTERS

ROOT = Path(__file__).resolve().parents[2]
SQLITE = connection.vendor == "sqlite"
sqlite_only = pytest.mark.skipif(not SQLITE, reason="PostgreSQL keeps the counts in its one database")


def test_counts_are_routed_to_their_own_database_on_sqlite_only():
    expected = COUNTERS if SQLITE else "default"
    assert router.db_for_write(RateCount) == router.db_for_read(RateCount) == expected
    assert router.db_for_write(Person) == router.db_for_read(Person) == "default"


@sqlite_only
@pytest.mark.django_db
def test_only_the_counts_are_in_the_counters_database():
    # an API request's count there, and the main database's own: tests/api/test_rate_limits.py
    assert set(connections[COUNTERS].introspection.table_names()) == {"core_ratecount"}
    assert "core_ratecount" not in connections["default"].introspection.table_names()


def test_migrate_names_every_database_only_when_none_is_given(monkeypatch):
    from django.core.management.commands import migrate as django_migrate

    from citybridge.core.management.commands.migrate import Command

    migrated = []
    monkeypatch.setattr(django_migrate.Command, "handle", lambda self, *a, **o: migrated.append(o["database"]))
    made = []
    monkeypatch.setattr(
        "citybridge.core.management.commands.migrate.ensure_counters_database", lambda alias: made.append(alias)
    )
    Command().handle(database=None)
    assert migrated == ["default"]  # first; then the counts' own database (SQLite) is made, not migrated
    assert made == ([COUNTERS] if SQLITE else [])
    migrated.clear()
    Command().handle(database="default")  # as Django's test set-up calls it: that database only
    assert migrated == ["default"]


@sqlite_only
def test_migrate_creates_both_files(tmp_path):
    """`citybridge manage migrate` as an operator (and `make demo`) runs it, on a new directory."""
    env = {k: v for k, v in os.environ.items() if k not in ("CITYBRIDGE_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {"CITYBRIDGE_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(
        [sys.executable, "-c", "from citybridge.cli import main; main()", "manage", "migrate"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    def tables(name: str) -> set[str]:
        with sqlite3.connect(tmp_path / name) as db:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            return {row[0] for row in rows}

    assert tables("counters.sqlite3") == {"core_ratecount"}
    main = tables("citybridge.sqlite3")
    assert {"core_person", "academy_course", "django_migrations"} <= main and "core_ratecount" not in main


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_counters_table_that_differs_from_its_model_is_made_again():
    """An older table (columns missing) is replaced by the model's; a matching one is kept with its rows."""
    from citybridge.core.routers import ensure_counters_database

    counters = connections[COUNTERS]

    def columns() -> set[str]:
        with counters.cursor() as cursor:
            return {c.name for c in counters.introspection.get_table_description(cursor, "core_ratecount")}

    with counters.cursor() as cursor:
        cursor.execute('DROP TABLE "core_ratecount"')
        cursor.execute('CREATE TABLE "core_ratecount" ("key" varchar(32) PRIMARY KEY, "count" integer)')
        cursor.execute("INSERT INTO core_ratecount VALUES ('old', 5)")
    ensure_counters_database()
    assert columns() == {f.column for f in RateCount._meta.local_fields}
    assert not RateCount.objects.exists()
    RateCount.objects.create(key="k", duration=60, period=1000, count=1)
    ensure_counters_database()
    assert list(RateCount.objects.values_list("key", flat=True)) == ["k"]
