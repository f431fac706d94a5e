"""Government Training benchmarks: "who is behind" first page, 5,000-row roster import, impact dashboard.

    .venv/bin/python bench/academy_bench.py            # 200,000 officials, 2,000,000 attendance records
    BENCH_OFFICIALS=20000 BENCH_ATTENDANCE=200000 .venv/bin/python bench/academy_bench.py   # quicker

Data go to a separate database: SQLite under $CITYBRIDGE_VAR_DIR (default /tmp/citybridge-bench-academy-<hash of the migration names>), or
PostgreSQL when CITYBRIDGE_DATABASE_URL is set. The data are generated once (bulk inserts) and reused by later runs.
Targets (issue 3): who-is-behind first page < 300 ms, roster import of 5,000 rows < 10 s, dashboard < 500 ms.
Floors printed beside the figures: a bare signed-in page, and the raw SQL of "who is behind" (its first 50 rows).
BENCH_QUICK=1 uses 2,000 officials in a separate database (CI runs it; it fails on an error, never on a time).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from bench.harness import QUICK, SOLVE_REPEAT, Table, install_bare_page, kept_data_dir, timed  # noqa: E402

os.environ.setdefault(
    "CITYBRIDGE_VAR_DIR", kept_data_dir("/tmp/citybridge-bench-academy" + ("-quick" if QUICK else ""))
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citybridge.settings")
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "bench-secret-key-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

OFFICIALS = int(os.environ.get("BENCH_OFFICIALS", 2_000 if QUICK else 200_000))
ATTENDANCE = int(os.environ.get("BENCH_ATTENDANCE", 20_000 if QUICK else 2_000_000))
ROSTER_ROWS = 500 if QUICK else 5000
TARGETS = {"behind": 300.0, "roster": 10_000.0, "impact": 500.0}  # ms, printed for reference only


def main() -> int:
    from django.db import connection, transaction

    from citybridge.academy.generator import generate
    from citybridge.academy.models import Academy, Attendance, OfficialProfile
    from citybridge.academy.roster import rows_to_csv
    from citybridge.academy.services import roster_import
    from citybridge.core.models import RoleMembership, User

    call_command("migrate", verbosity=0)
    if not OfficialProfile.objects.exists():
        print(f"generating {OFFICIALS} officials and {ATTENDANCE} attendance records …", flush=True)

        class Out:
            def write(self, msg):
                print(msg, flush=True)

        generate(officials=OFFICIALS, attendance=ATTENDANCE, stdout=Out())
    print(
        f"data: {OfficialProfile.objects.count()} officials, {Attendance.objects.count()} attendance records "
        f"({connection.vendor})",
        flush=True,
    )

    staff = User.objects.filter(email="bench-staff@example.org").first() or User.objects.create_superuser(
        "bench-staff@example.org", "bench-password-123"
    )
    coordinator = User.objects.filter(email="bench-coord@example.org").first()
    if coordinator is None:
        coordinator = User.objects.create_user("bench-coord@example.org", "bench-password-123")
        RoleMembership.objects.create(
            user=coordinator,
            role="academy_coordinator",
            organisation=Academy.objects.order_by("pk").first().organisation,
        )
    year = timezone.localdate().year
    bare = install_bare_page()

    def client(user):
        c = Client(SERVER_NAME="localhost")
        c.force_login(user, backend="citybridge.core.auth.EmailBackend")
        return c

    cs, cc = client(staff), client(coordinator)

    def get(c, url):
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
        return r

    def raw_behind():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT official_id, total_days, shortfall FROM academy_trainingsummary WHERE year = %s "
                "AND shortfall > 0 ORDER BY shortfall DESC, official_id LIMIT 50",
                [year],
            )
            return cur.fetchall()

    floor_page = timed(lambda: get(cs, bare))
    floor_sql = timed(raw_behind)
    table = Table(f"Government Training ({OfficialProfile.objects.count():,} officials, {connection.vendor})")
    table.row("floor: bare signed-in page", floor_page)
    table.row("floor: raw SQL of who-is-behind, first 50 rows", floor_sql)
    for name, c, url in [
        ("behind: first page, staff", cs, f"/academy/behind/?year={year}"),
        ("behind: first page, academy coordinator", cc, f"/academy/behind/?year={year}"),
        ("behind: first page, filtered (position)", cs, f"/academy/behind/?year={year}&position=vice_mayor"),
    ]:
        table.row(name, timed(lambda c=c, url=url: get(c, url)), "bare page", floor_page)
    table.row(
        "behind: API first page, staff",
        timed(lambda: get(cs, f"/api/v1/academy/behind?year={year}")),
        "raw SQL",
        floor_sql,
    )
    table.row("impact dashboard (stored snapshot)", timed(lambda: get(cs, "/academy/impact/")), "bare page", floor_page)
    table.row("impact API", timed(lambda: get(cs, "/api/v1/academy/impact")), "bare page", floor_page)

    from django.core.cache import cache

    from citybridge.academy.models import Course

    first = (
        Course.objects.filter(status="completed")
        .order_by("academy_id", "-end_date")
        .values_list("academy_id", "end_date")
        .first()
    )
    one = f"/academy/impact/?academy={first[0]}&year={first[1].year}" if first else "/academy/impact/?year=2020"

    def uncached(c, url):
        cache.clear()  # the figures for the filter are computed from records (first visit after a change)
        return get(c, url)

    table.row(
        "impact dashboard, one academy + year, computed", timed(lambda: uncached(cs, one)), "bare page", floor_page
    )
    table.row("impact dashboard, one academy + year, cached", timed(lambda: get(cs, one)), "bare page", floor_page)
    table.row(
        "impact dashboard, coordinator (own academy), computed",
        timed(lambda: uncached(cc, "/academy/impact/")),
        "bare page",
        floor_page,
    )
    table.row(
        "impact dashboard, all academies, one year, computed",
        timed(lambda: uncached(cs, f"/academy/impact/?year={first[1].year if first else 2020}")),
        "bare page",
        floor_page,
    )
    for fmt in ("xlsx", "png", "pdf"):
        table.row(
            f"impact export {fmt}, one academy + year",
            timed(lambda fmt=fmt: get(cs, one.replace("/impact/", f"/impact.{fmt}")), repeat=3, warmup=1),
        )

    def cold_impact():  # the background task's work after a change (pages only read the snapshot)
        from citybridge.academy.models import ImpactSnapshot
        from citybridge.academy.services.impact import impact_refresh_if_stale

        ImpactSnapshot.objects.update(stale=True)
        impact_refresh_if_stale()

    table.row("impact recomputed by the worker from all records", timed(cold_impact, repeat=SOLVE_REPEAT, warmup=0))

    rows = [
        {
            "family_name_en": "Bench",
            "given_name_en": f"Import{i}",
            "family_name_zh": "测",
            "given_name_zh": f"试{i}",
            "position": ["mayor", "vice_mayor", "soe_executive", "other"][i % 4],
            "organisation": f"City {i % 500} Government",
            "jurisdiction": f"City {i % 2000}" if i % 4 < 2 else "",
            "province": "",
            "population": "",
            "service_start": "2015-03-01",
            "email": f"import.{i}@bench.example.cn",
        }
        for i in range(ROSTER_ROWS)
    ]
    data = rows_to_csv(rows)

    def import_rolled_back():
        # the data set stops growing: every run imports the same rows into the same database, then rolls back
        with transaction.atomic():
            report = roster_import(actor=staff, data=data, filename="roster.csv")
            assert report.ok and report.created == ROSTER_ROWS, report.errors[:3]
            transaction.set_rollback(True)

    table.row(
        f"roster import, {ROSTER_ROWS:,} rows (rolled back)", timed(import_rolled_back, repeat=SOLVE_REPEAT, warmup=1)
    )
    print(f"targets (ms, for reference; a benchmark never fails on a time): {TARGETS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
