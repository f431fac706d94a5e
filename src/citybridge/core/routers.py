"""The API rate counts in a database of their own on SQLite (issue 9, "Fast at any depth").

Every API request writes its rate count (core/ratelimit.py: one `INSERT … ON CONFLICT … RETURNING`). On SQLite a
write to a database file makes every other connection to that file drop its whole page cache at its next read, so
each gunicorn worker re-read the pages of its next list from the operating system after any other worker's API
request. Under bench/load.py's load (20 users, 3 workers) the API lists served 12-19 % fewer requests than with
the counts in a file of their own, and their workers spent twice the system time.

So when the `counters` database is configured (settings: the SQLite setup, `counters.sqlite3` beside the main
file), `core.RateCount` is read and written there and its table exists there only (`migrate` creates it from the
model: ensure_counters_database), and nothing else is there. The counts are short-lived (two windows of a minute
or an hour) and reference nothing, so no foreign key or transaction has to span the two files. PostgreSQL keeps
one database: its readers do not lose their cache to another session's write, and the router leaves every model
where Django puts it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

COUNTERS = "counters"
_COUNTS = ("core", "ratecount")  # (app label, model name) of core.RateCount


def _counted(app_label: str, model_name: str | None) -> bool:
    return (app_label, model_name) == _COUNTS


class CountersRouter:
    def _alias(self, model: type) -> str | None:
        if COUNTERS in settings.DATABASES and _counted(model._meta.app_label, model._meta.model_name):
            return COUNTERS
        return None

    def db_for_read(self, model: type, **hints: Any) -> str | None:  # noqa: ANN401
        return self._alias(model)

    def db_for_write(self, model: type, **hints: Any) -> str | None:  # noqa: ANN401
        return self._alias(model)

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:  # noqa: ANN401
        if COUNTERS not in settings.DATABASES:
            return None
        # the counts' table only in `counters`, and only it there (data migrations, RunSQL: model_name None)
        return _counted(app_label, model_name) == (db == COUNTERS)


def ensure_counters_database(alias: str = COUNTERS) -> None:
    """Create the counts' table in `alias` from the model, or again when its columns differ from the model's. The
    counters database is not migrated: Django's `migrate` walks every migration's state even where the router
    applies nothing, 20 s for this one table. What it holds lives a minute or an hour, so a changed table simply
    starts again (a client gets at most one window's requests extra)."""
    from django.db import connections

    from .models import RateCount

    connection = connections[alias]
    table = RateCount._meta.db_table
    columns = None
    if table in connection.introspection.table_names():
        with connection.cursor() as cursor:
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    if columns == {field.column for field in RateCount._meta.local_fields}:
        return
    with connection.schema_editor() as editor:
        if columns is not None:
            editor.delete_model(RateCount)
        editor.create_model(RateCount)
