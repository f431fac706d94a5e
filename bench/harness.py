"""What every benchmark shares: warm-up, repeats, median and p95, and the physical floor measured in the same run.

    BENCH_QUICK=1 .venv/bin/python bench/<name>.py   # small sizes, as CI runs them: fails on an error, never on a time

A figure means little alone: beside each one the benchmark prints its floor, the cheapest thing the same request
could possibly cost on this machine at this moment (a bare signed-in page, the raw SQL of the query, one NumPy pass),
so a slow machine and a slow feature can be told apart.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

QUICK = os.environ.get("BENCH_QUICK") == "1"
#: repeats: at least 30 for fast paths, at least 5 for solves (fewer in quick mode, which checks only that it runs)
FAST_REPEAT = 5 if QUICK else 30
SOLVE_REPEAT = 2 if QUICK else 5


def kept_data_dir(base: str) -> str:
    """`base` + a short hash of the set of migration names (every app's `migrations/*.py`): the directory where a
    benchmark keeps its built database between runs. A renamed, removed or re-chained migration gives another
    directory, so the database is built afresh instead of `migrate` failing on a history it cannot follow (an
    added migration changes it too: a rebuild, never a half-migrated database)."""
    src = Path(__file__).resolve().parent.parent / "src" / "citybridge"
    names = sorted(f"{p.parent.parent.name}/{p.stem}" for p in src.glob("*/migrations/[0-9]*.py"))
    return f"{base}-{hashlib.sha256(chr(10).join(names).encode()).hexdigest()[:10]}"


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p95_ms: float
    runs: int

    def __str__(self) -> str:
        return f"{self.median_ms:9.2f} {self.p95_ms:9.2f}"


def timed(fn: Callable[[], object], *, repeat: int = FAST_REPEAT, warmup: int = 2) -> Timing:
    """Run `fn` `warmup` times unmeasured, then `repeat` times; milliseconds."""
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    runs.sort()
    p95 = runs[min(len(runs) - 1, max(0, round(0.95 * len(runs)) - 1))]
    return Timing(statistics.median(runs), p95, len(runs))


class Table:
    """Prints one line per figure: name, median, p95, runs, and the floor it is compared with."""

    def __init__(self, title: str) -> None:
        self.title = title
        print(f"\n{title}\n{'figure':58} {'median ms':>9} {'p95 ms':>9} {'runs':>5}  {'floor (median ms)':<40} ×floor")

    def row(self, name: str, t: Timing, floor_name: str = "", floor: Timing | None = None) -> None:
        ratio = f"{t.median_ms / floor.median_ms:6.1f}" if floor and floor.median_ms > 0 else ""
        fl = f"{floor_name} {floor.median_ms:.2f}" if floor else ""
        print(f"{name:58} {t} {t.runs:5d}  {fl:<40} {ratio}", flush=True)


def install_bare_page() -> str:
    """Add a bare signed-in page (`login_required`, returns "ok") to the URLconf; returns its path.

    It passes through every middleware a real page does (sessions, auth, locale, CSP …) and nothing else."""
    import importlib

    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    base = importlib.import_module(settings.ROOT_URLCONF)
    module = type(base)("bench_urls")
    module.urlpatterns = [path("bench/bare/", login_required(lambda request: HttpResponse("ok")))] + list(
        base.urlpatterns
    )
    for name in ("handler400", "handler403", "handler404", "handler500"):
        if hasattr(base, name):
            setattr(module, name, getattr(base, name))
    import sys

    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()
    return "/bench/bare/"
