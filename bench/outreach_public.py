"""The public "Our impact" page (issue 14): < 100 ms with 200,000 officials.

    .venv/bin/python bench/outreach_public.py                  # 200,000 officials
    BENCH_OFFICIALS=20000 .venv/bin/python bench/outreach_public.py   # quicker
    BENCH_QUICK=1 .venv/bin/python bench/outreach_public.py    # 2,000 officials (CI: fails on an error, never a time)

The page reads one stored row (the figures the worker computed from the records), so its cost does not grow with
the officials; the worker's two refreshes (academy impact snapshot, then the public figures) are timed too.
Data: SQLite under $CITYBRIDGE_VAR_DIR (default /tmp/citybridge-bench-outreach-public-<hash of the migration names>), generated once by the
academy generator and reused. Floors: a bare signed-in page and the raw SQL reading the stored row.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from bench.harness import QUICK, SOLVE_REPEAT, Table, install_bare_page, kept_data_dir, timed  # noqa: E402

os.environ.setdefault(
    "CITYBRIDGE_VAR_DIR", kept_data_dir("/tmp/citybridge-bench-outreach-public" + ("-quick" if QUICK else ""))
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citybridge.settings")
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "bench-secret-key-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

OFFICIALS = int(os.environ.get("BENCH_OFFICIALS", 2_000 if QUICK else 200_000))
ATTENDANCE = int(os.environ.get("BENCH_ATTENDANCE", 20_000 if QUICK else 200_000))
TARGET_MS = 100.0  # printed for reference only


def main() -> int:
    from django.db import connection

    from citybridge.academy.generator import generate
    from citybridge.academy.models import OfficialProfile
    from citybridge.academy.services.impact import impact_refresh
    from citybridge.core.models import User
    from citybridge.outreach.services.public import PUBLIC_KEY, public_impact_refresh

    call_command("migrate", verbosity=0)
    if not OfficialProfile.objects.exists():
        print(f"generating {OFFICIALS} officials …", flush=True)

        class Out:
            def write(self, msg: str) -> None:
                print(msg, flush=True)

        generate(officials=OFFICIALS, attendance=ATTENDANCE, stdout=Out())
    n = OfficialProfile.objects.count()
    print(f"data: {n} officials ({connection.vendor})", flush=True)

    staff = User.objects.filter(email="bench-staff@example.org").first() or User.objects.create_superuser(
        "bench-staff@example.org", "bench-password-123"
    )
    bare = install_bare_page()
    signed = Client(SERVER_NAME="localhost")
    signed.force_login(staff, backend="citybridge.core.auth.EmailBackend")
    anonymous = Client(SERVER_NAME="localhost")
    chinese = Client(SERVER_NAME="localhost", HTTP_ACCEPT_LANGUAGE="zh-hans")

    def get(c: Client, url: str) -> None:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)

    def raw_row() -> None:
        with connection.cursor() as cur:
            cur.execute("SELECT data, computed_at, stale FROM academy_impactsnapshot WHERE key = %s", [PUBLIC_KEY])
            cur.fetchall()

    table = Table(f"Outreach public record ({n:,} officials, {connection.vendor})")
    worker_academy = timed(impact_refresh, repeat=SOLVE_REPEAT, warmup=0)
    worker_public = timed(public_impact_refresh, repeat=SOLVE_REPEAT, warmup=0)
    table.row("worker: academy impact snapshot refresh", worker_academy)
    table.row("worker: public figures refresh (4 counts + copy)", worker_public)
    floor_page = timed(lambda: get(signed, bare))
    floor_sql = timed(raw_row)
    table.row("floor: bare signed-in page", floor_page)
    table.row("floor: raw SQL reading the stored row", floor_sql)
    page = timed(lambda: get(anonymous, "/outreach/impact/"))
    table.row("public impact page, anonymous, English", page, "bare page", floor_page)
    table.row(
        "public impact page, anonymous, Chinese",
        timed(lambda: get(chinese, "/outreach/impact/")),
        "bare page",
        floor_page,
    )
    table.row("public impact API", timed(lambda: get(anonymous, "/api/v1/outreach/impact")), "raw SQL", floor_sql)
    print(f"target: public impact page < {TARGET_MS:.0f} ms (median {page.median_ms:.1f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
