"""The API rate limit's cost per request (issue 9): the database counter (core/ratelimit.py, one statement) against
ninja's throttle on the database cache it replaced (a list of every request's timestamp in the window, read, pickled
and rewritten on every request), with the history lengths that throttle reached.

    .venv/bin/python bench/api_rate_limit.py
    BENCH_QUICK=1 .venv/bin/python bench/api_rate_limit.py   # fewer repeats (CI: fails on an error, never a time)
    BENCH_DATABASE_URL=postgres://…/<empty db> .venv/bin/python bench/api_rate_limit.py   # on PostgreSQL

Data: a fresh SQLite file under a temporary $CITYBRIDGE_VAR_DIR with only the two tables it needs (the counter's and
the cache's), the project's real settings (WAL, the database cache). Floor: the cheapest single write on the same
table, `UPDATE core_ratecount SET count = count + 1 WHERE key = …`. Each figure also prints its queries per request.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from bench.harness import FAST_REPEAT, QUICK, Table, timed  # noqa: E402

VAR_DIR = tempfile.mkdtemp(prefix="citybridge-bench-rate-")
os.environ["CITYBRIDGE_VAR_DIR"] = VAR_DIR
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citybridge.settings")
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "bench-secret-key-" + "x" * 40)
if not os.environ.get("BENCH_DATABASE_URL"):
    os.environ.pop("CITYBRIDGE_DATABASE_URL", None)  # SQLite, as bench/load.py measures
else:  # an empty PostgreSQL database of yours: the two tables are created and dropped again
    os.environ["CITYBRIDGE_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ.pop("CITYBRIDGE_CACHE_URL", None)  # the database cache, the default the old throttle used

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, router  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

#: ninja's throttle kept this many timestamps per user: a few requests, the production limit of 1,200 a minute,
#: and about what bench/load.py's 20 users reach in a minute on one route (its rates are raised)
HISTORIES = (10, 1_200, 15_000)
REPEAT = 10 if QUICK else max(FAST_REPEAT, 200)


class BenchUser:
    """What the throttles read of `request.auth`: the id (the counter) or the text (ninja's sha256 of it)."""

    pk = 1

    def __str__(self) -> str:
        return "bench@example.org"


def queries_per_call(fn: Callable[[], object], database: str = "default") -> int:
    with CaptureQueriesContext(connections[database]) as captured:
        fn()
    return len(captured)


def main() -> int:
    from ninja.throttling import AuthRateThrottle

    from citybridge.api.auth import ClientAuthRateThrottle
    from citybridge.core.models import RateCount

    counts = router.db_for_write(RateCount)  # on SQLite a file of its own (core/routers.py)
    with connections[counts].schema_editor() as editor:
        editor.create_model(RateCount)
    call_command("createcachetable", verbosity=0)
    request = RequestFactory().get("/api/v1/people", REMOTE_ADDR="198.51.100.7")
    request.auth = BenchUser()

    table = Table(f"API rate limit per request ({connection.vendor}; {REPEAT} runs each)")
    RateCount.objects.create(key="floor", duration=60, period=0)

    def floor_write() -> None:
        with connections[counts].cursor() as cursor:
            cursor.execute('UPDATE "core_ratecount" SET "count" = "count" + 1 WHERE "key" = %s', ["floor"])

    floor = timed(floor_write, repeat=REPEAT)
    table.row("floor: one UPDATE of one row (1 query)", floor)

    new = ClientAuthRateThrottle("100000000/m")
    n = queries_per_call(lambda: new.allow_request(request), counts)
    table.row(
        f"database counter, one statement ({n} query)",
        timed(lambda: new.allow_request(request), repeat=REPEAT),
        "one UPDATE",
        floor,
    )

    old = AuthRateThrottle("100000000/m")
    key = old.get_cache_key(request)
    for length in HISTORIES:
        now = time.time()
        old.cache.set(key, [now - i * (50 / length) for i in range(length)], 60)
        n = queries_per_call(lambda: old.allow_request(request))
        t = timed(lambda: old.allow_request(request), repeat=REPEAT)
        table.row(f"before: ninja, {length:,} stamps in the db cache ({n} queries)", t, "one UPDATE", floor)
    if connection.vendor != "sqlite":
        with connections[counts].cursor() as cursor:
            cursor.execute('DROP TABLE "core_ratecount"')
        with connection.cursor() as cursor:
            cursor.execute('DROP TABLE "citybridge_cache"')
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(VAR_DIR, ignore_errors=True)
