"""The API rate limits' counter: one row per (scope, client) in `core.RateCount`, one SQL statement per request.

A sliding-window estimate over two fixed windows (the one the request falls in and the one before it): with the
window's length D, a request at `elapsed` seconds into window w is served when

    previous × (D − elapsed) / D + count + 1 ≤ limit

(`previous` = requests served in window w − 1, `count` = those served so far in w, + 1 = this request): the
previous window's requests are assumed spread evenly and the part of them still inside the last D seconds counts.
A client cannot double its allowance at a window boundary, as it could with a fixed window.

**Refused requests are not counted** (nor did ninja's throttle before, nor DRF's): the limit is on requests served,
Retry-After names the moment a request will be served again, and a client retrying too early, or a stranger at the
same address (anonymous clients are counted per address), does not push that moment further out. Each refusal
still costs its one statement (it records `refused`).

The statement is `INSERT … ON CONFLICT (key) DO UPDATE SET … RETURNING …` (SQLite ≥ 3.35, PostgreSQL ≥ 9.5):
it rolls the row to the request's window (count → previous, or both to 0 after a silent window), decides, counts
and returns the row, atomically: PostgreSQL locks the conflicting row and evaluates the SET on its latest version;
SQLite runs one writer at a time. Arithmetic is in integers (milliseconds), so the decision is exact on both.
Each node's clock decides the window; a row already in a later window (another node's clock a little ahead) is
counted in that window rather than rolled back.

The engine part (`window_of`, `allowed`, `retry_after`) is plain Python; `count_request` and `prune` run the SQL.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class Count:
    """The counter's row as the statement left it."""

    period: int  # the window (epoch seconds // duration)
    count: int  # requests served in it, this one included when served
    previous: int  # requests served in the window before it
    refused: bool  # this request was refused (and not counted)


def rate_key(scope: str, duration: int, ident: str) -> str:
    """32 hex characters for (scope, window length, client): fixed length whatever the ident (an IPv6 address, a
    user id), and a changed rate's window length starts a new row instead of misreading the old one's windows."""
    return hashlib.sha256(f"{scope}:{duration}:{ident}".encode()).hexdigest()[:32]


def window_of(now: float, duration: int) -> tuple[int, int]:
    """(window, milliseconds elapsed in it) of the instant `now` (epoch seconds) for windows of `duration` s."""
    period = int(now // duration)
    elapsed_ms = min(int((now - period * duration) * 1000), duration * 1000)
    return period, max(elapsed_ms, 0)


def allowed(*, previous: int, count: int, limit: int, duration: int, elapsed_ms: int) -> bool:
    """The rule the statement applies, in the same integers: previous × (D − e) + (count + 1) × D ≤ limit × D."""
    d = duration * 1000
    return previous * (d - elapsed_ms) + (count + 1) * d <= limit * d


def retry_after(state: Count, *, limit: int, duration: int, now: float) -> float | None:
    """Seconds until a request from this client would be served, if it sends nothing in between (refused requests
    are not counted, so waiting this long is enough). None when nothing will ever be served (a limit of 0)."""
    if limit <= 0:
        return None
    start = state.period * duration
    if state.count + 1 <= limit:
        # later in this window, once enough of the previous window has slid out:
        # previous × (1 − f) + count + 1 ≤ limit  ⇔  f ≥ 1 − (limit − count − 1) / previous
        fraction = 1 - (limit - state.count - 1) / state.previous if state.previous else 0.0
        moment = start + duration * fraction
    else:
        # in the next window, where this window's count becomes `previous` and nothing is counted yet:
        # count × (1 − f) + 1 ≤ limit  ⇔  f ≥ 1 − (limit − 1) / count
        moment = start + duration + duration * max(0.0, 1 - (limit - 1) / state.count)
    return max(moment - now, 0.001)


def _statement(connection: BaseDatabaseWrapper) -> str:
    q = connection.ops.quote_name
    t = q("core_ratecount")
    key, duration, period, count, previous, refused = (
        q(c) for c in ("key", "duration", "period", "count", "previous", "refused")
    )
    # the row's counts seen from the request's window (parameters: window, window − 1 for `before`, window for `current`)
    current = f"CASE WHEN {t}.{period} >= %s THEN {t}.{count} ELSE 0 END"
    before = f"CASE WHEN {t}.{period} >= %s THEN {t}.{previous} WHEN {t}.{period} = %s THEN {t}.{count} ELSE 0 END"
    # parameters: the window's milliseconds still to run, its length in ms, limit × length
    serve = f"(({before}) * CAST(%s AS BIGINT) + (({current}) + 1) * CAST(%s AS BIGINT) <= CAST(%s AS BIGINT))"
    return (
        f"INSERT INTO {t} ({key}, {duration}, {period}, {count}, {previous}, {refused}) "
        f"VALUES (%s, %s, %s, %s, 0, %s) "
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{period} = CASE WHEN {t}.{period} > excluded.{period} THEN {t}.{period} ELSE excluded.{period} END, "
        f"{previous} = {before}, "
        f"{count} = {current} + CASE WHEN {serve} THEN 1 ELSE 0 END, "
        f"{refused} = CASE WHEN {serve} THEN %s ELSE %s END "
        f"RETURNING {period}, {count}, {previous}, {refused}"
    )


_STATEMENTS: dict[str, str] = {}


def count_request(
    *, key: str, limit: int, duration: int, now: float, connection: BaseDatabaseWrapper | None = None
) -> Count:
    """Count one request of `key` at `now` (epoch seconds) against `limit` per `duration` seconds, in one
    statement, and return the row: `refused` says whether it was served. Runs in autocommit (or in the caller's
    transaction), on RateCount's database (core/routers.py) unless a connection is given."""
    if connection is None:
        from django.db import connections, router

        from .models import RateCount

        connection = connections[router.db_for_write(RateCount)]  # on SQLite a database of its own (core/routers.py)
    sql = _STATEMENTS.get(connection.vendor)
    if sql is None:
        sql = _STATEMENTS[connection.vendor] = _statement(connection)
    period, elapsed_ms = window_of(now, duration)
    d = duration * 1000
    before = [period, period - 1]  # the placeholders of `before` in _statement, in order
    current = [period]
    serve = [*before, d - elapsed_ms, *current, d, limit * d]
    first_served = limit >= 1  # a first request: previous 0, count 0 → served when 1 ≤ limit
    params = [
        *(key, duration, period, 1 if first_served else 0, not first_served),  # VALUES
        *before,  # SET previous
        *current,  # SET count = current + CASE WHEN serve …
        *serve,
        *serve,  # SET refused = CASE WHEN serve THEN false ELSE true END
        False,
        True,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()  # to the end: SQLite finishes (and commits) a RETURNING statement only then
    row_period, row_count, row_previous, row_refused = rows[0]
    return Count(int(row_period), int(row_count), int(row_previous), bool(row_refused))


def prune(now: float | None = None) -> int:
    """Delete the rows whose window is older than the one before the current window: they can no longer count.
    For a row of window p and length D that is (p + 2) × D ≤ now. Returns how many were deleted."""
    from django.db.models import F

    from .models import RateCount

    now = time.time() if now is None else now
    deleted, _ = (
        RateCount.objects.alias(ends=(F("period") + 2) * F("duration")).filter(ends__lte=math.floor(now)).delete()
    )
    return deleted
