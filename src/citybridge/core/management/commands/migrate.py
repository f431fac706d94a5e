"""`migrate` without `--database` migrates every configured database, `default` first; Django's test set-up names
each database it creates and gets that one. The API rate counts' own database on SQLite (core/routers.py) is not
migrated but made from its models (routers.ensure_counters_database): Django's migrate would walk every
migration's state for one table."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from citybridge.core.routers import COUNTERS, ensure_counters_database


class Command(migrate.Command):
    def add_arguments(self, parser: Any) -> None:  # noqa: ANN401 - Django's CommandParser
        super().add_arguments(parser)
        parser.set_defaults(database=None)

    def get_check_kwargs(self, options: dict[str, Any]) -> dict[str, Any]:
        kwargs = super().get_check_kwargs(options)
        return kwargs if options["database"] is not None else {**kwargs, "databases": list(connections)}

    def handle(self, *args: Any, **options: Any) -> None:  # noqa: ANN401 - Django's command arguments
        given = options["database"]
        aliases = (
            [given] if given is not None else [DEFAULT_DB_ALIAS, *(a for a in connections if a != DEFAULT_DB_ALIAS)]
        )
        for alias in aliases:
            if alias == COUNTERS:
                ensure_counters_database(alias)
            else:
                super().handle(*args, **{**options, "database": alias})
