"""Government Training benchmarks: "who is behind" first page, 5,000-row roster import, impact dashboard.

    .venv/bin/python bench/academy_bench.py            # 200,000 officials, 2,000,000 attendance records
    BENCH_OFFICIALS=20000 BENCH_ATTENDANCE=200000 .venv/bin/python bench/academy_bench.py   # quicker

Data go to a separate database: SQLite under $CITYBRIDGE_VAR_DIR (default /tmp/citybridge-bench-academy), or
PostgreSQL when CITYBRIDGE_DATABASE_URL is set. The data are generated once (bulk inserts) and reused by later runs.
Targets (issue 3): who-is-behind first page < 300 ms, roster import of 5,000 rows < 10 s, dashboard < 500 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("CITYBRIDGE_VAR_DIR", "/tmp/citybridge-bench-academy")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citybridge.settings")
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "bench-secret-key-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

OFFICIALS = int(os.environ.get("BENCH_OFFICIALS", 200_000))
ATTENDANCE = int(os.environ.get("BENCH_ATTENDANCE", 2_000_000))
TARGETS = {"behind": 0.300, "roster": 10.0, "impact": 0.500}


def timed(fn, repeat=5):
    fn()  # warm
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> int:
    from citybridge.academy.generator import generate
    from citybridge.academy.models import Academy, Attendance, ImpactSnapshot, OfficialProfile
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
    print(f"data: {OfficialProfile.objects.count()} officials, {Attendance.objects.count()} attendance records "
          f"({django.db.connection.vendor})", flush=True)

    staff = User.objects.filter(email="bench-staff@example.org").first() or User.objects.create_superuser(
        "bench-staff@example.org", "bench-password-123")
    coordinator = User.objects.filter(email="bench-coord@example.org").first()
    if coordinator is None:
        coordinator = User.objects.create_user("bench-coord@example.org", "bench-password-123")
        RoleMembership.objects.create(user=coordinator, role="academy_coordinator",
                                      organisation=Academy.objects.order_by("pk").first().organisation)
    year = timezone.localdate().year
    results = {}

    def client(user):
        c = Client(SERVER_NAME="localhost")
        c.force_login(user, backend="citybridge.core.auth.EmailBackend")
        return c

    cs, cc = client(staff), client(coordinator)

    def get(c, url):
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
        return r

    results["behind: first page, staff"] = timed(lambda: get(cs, f"/academy/behind/?year={year}"))
    results["behind: first page, academy coordinator"] = timed(lambda: get(cc, f"/academy/behind/?year={year}"))
    results["behind: first page, filtered (position)"] = timed(
        lambda: get(cs, f"/academy/behind/?year={year}&position=vice_mayor"))
    results["behind: API first page, staff"] = timed(lambda: get(cs, f"/api/v1/academy/behind?year={year}"))
    results["impact dashboard (stored snapshot)"] = timed(lambda: get(cs, "/academy/impact/"))
    results["impact API"] = timed(lambda: get(cs, "/api/v1/academy/impact"))

    def cold_impact():  # the background task's work after a change (pages only read the snapshot)
        from citybridge.academy.services.impact import impact_refresh_if_stale

        ImpactSnapshot.objects.update(stale=True)
        impact_refresh_if_stale()

    results["impact recomputed by the worker from all records (after a change)"] = timed(cold_impact, repeat=1)

    stamp = int(time.time())
    rows = [{"family_name_en": "Bench", "given_name_en": f"Import{stamp}x{i}", "family_name_zh": "测",
             "given_name_zh": f"试{stamp}{i}", "position": ["mayor", "vice_mayor", "soe_executive", "other"][i % 4],
             "organisation": f"City {i % 500} Government", "jurisdiction": f"City {i % 2000}" if i % 4 < 2 else "",
             "province": "", "population": "", "service_start": "2015-03-01",
             "email": f"import{stamp}.{i}@bench.example.cn"} for i in range(5000)]
    data = rows_to_csv(rows)
    t = time.perf_counter()
    report = roster_import(actor=staff, data=data, filename="roster.csv")
    results["roster import, 5,000 rows"] = time.perf_counter() - t
    assert report.ok and report.created == 5000, report.errors[:3]

    failed = False
    print(f"\n{'benchmark':66} {'seconds':>9}  target")
    for name, seconds in results.items():
        key = "behind" if name.startswith("behind") else "roster" if name.startswith("roster") else (
            "impact" if "snapshot" in name or name == "impact API" else None)
        target = TARGETS.get(key) if key else None
        ok = target is None or seconds <= target
        failed |= not ok
        print(f"{name:66} {seconds:9.3f}  {'< ' + str(target) + ' s' if target else '':10} "
              f"{'' if target is None else ('ok' if ok else 'SLOW')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
