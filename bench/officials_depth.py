"""The officials list at any depth: page 1, a middle page and the last full page cost the same (issue 9).

    .venv/bin/python bench/officials_depth.py                 # 20,000 officials among 30,000 people
    BENCH_QUICK=1 .venv/bin/python bench/officials_depth.py   # 1,000 officials (CI: fails on an error, never a time)
    BENCH_DATA=<dir> .venv/bin/python bench/officials_depth.py   # a kept load-benchmark database (bench/load.py)

Without BENCH_DATA the database is built once under /tmp (kept_data_dir) and reused by later runs.

`/academy/officials/` sorted by name reads a page's keys from one covering index of the official table (the
person's names copied onto the official by database triggers, academy/official_sort.py). For each language (the
Chinese sort is another index) and direction, it prints the in-process CPU and wall milliseconds of one request
for page 1, the middle page and the last full page, beside the bare signed-in view measured in the same rounds,
and the key query alone beside the key query the list used before (walking the person name index and probing
each person's official): the second shows what the copies save, on this machine, now.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from bench.harness import FAST_REPEAT, QUICK, Table, kept_data_dir, timed  # noqa: E402

KEEP = os.environ.get("BENCH_DATA", "")
# kept between runs (keyed on the migrations, bench.harness.kept_data_dir): only the first run builds it
VAR_DIR = (
    os.path.abspath(KEEP) if KEEP else kept_data_dir("/tmp/citybridge-bench-officials" + ("-quick" if QUICK else ""))
)
os.makedirs(VAR_DIR, exist_ok=True)
os.environ["CITYBRIDGE_VAR_DIR"] = VAR_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "bench-load-secret-key-" + "x" * 40)
OFFICIALS, OTHERS = (1_000, 500) if QUICK else (20_000, 10_000)
STAFF = "bench-load@example.org"


def build() -> None:
    from citybridge.academy.generator import generate
    from citybridge.core.models import Person, RoleMembership, User

    generate(officials=OFFICIALS, attendance=OFFICIALS)
    family, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋"
    Person.objects.bulk_create(
        [
            Person(
                family_name_en=f"Family{i % 97}",
                given_name_en=f"Given{i}",
                family_name_zh_hans=family[i % 10],
                given_name_zh_hans=f"{given[i % 10]}{i}",
            )
            for i in range(OTHERS)
        ],
        batch_size=2000,
    )
    staff = User.objects.create_superuser(STAFF, "bench-password-123")
    RoleMembership.objects.create(user=staff, role="program_staff")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.harness import install_bare_page
    from citybridge.academy.models import OfficialProfile
    from citybridge.core.models import Person, User
    from citybridge.core.paging import seek_slice

    call_command("migrate", verbosity=0)
    if not User.objects.filter(email=STAFF).exists():
        build()
    bare = install_bare_page()
    n = OfficialProfile.objects.count()
    pages = max(1, n // 50)
    print(f"data: {n:,} officials, {Person.objects.count():,} people; pages 1, {max(1, pages // 2)}, {pages}")

    clients = {}
    for language in ("en", "zh-hans"):
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(User.objects.get(email=STAFF), backend="citybridge.core.auth.EmailBackend")
        clients[language] = client
    routes = [("bare signed-in view", "en", bare)]
    for language in ("en", "zh-hans"):
        for sort in ("name", "-name"):
            for page in sorted({1, 2, max(1, pages // 2), pages}):
                routes.append(
                    (f"{language} sort={sort} page {page}", language, f"/academy/officials/?sort={sort}&page={page}")
                )
    for _name, language, path in routes:
        for _ in range(2):
            response = clients[language].get(path)
            assert response.status_code == 200, (path, response.status_code)
    # rounds interleave the routes, so a change in the machine's load touches them all alike
    cpu: dict[str, list[float]] = {name: [] for name, _l, _p in routes}
    wall: dict[str, list[float]] = {name: [] for name, _l, _p in routes}
    for _ in range(FAST_REPEAT):
        for name, language, path in routes:
            c0, w0 = time.process_time(), time.perf_counter()
            clients[language].get(path)
            cpu[name].append((time.process_time() - c0) * 1000)
            wall[name].append((time.perf_counter() - w0) * 1000)
    print(f"\nIn-process cost of one request, median of {FAST_REPEAT} interleaved rounds")
    print(f"{'route':40} {'CPU ms':>8} {'wall ms':>8} {'CPU / page 1':>13}")
    first: dict[str, float] = {}
    for name, _language, _path in routes:
        c, w = statistics.median(cpu[name]), statistics.median(wall[name])
        key = name.rsplit(" page ", 1)[0]
        if name.endswith(" page 1"):
            first[key] = c
        ratio = f"{c / first[key]:12.2f}×" if key in first else ""
        print(f"{name:40} {c:8.2f} {w:8.2f} {ratio:>13}", flush=True)

    table = Table("The key query alone (ids of one page), the official's index against the person-index walk of before")
    fields = ("sort_family_name_en", "sort_given_name_en", "sort_family_name_zh_hans", "sort_given_name_zh_hans")
    now_order = [*fields, "person_id", "id"]
    # the key query of before: the person's names, then core_person.id (the last column of the person name index,
    # which the walk read instead of sorting; the ORM would write official.person_id)
    then_sql = (
        "SELECT o.id FROM academy_officialprofile o JOIN core_person p ON p.id = o.person_id ORDER BY "
        "p.family_name_en, p.given_name_en, p.family_name_zh_hans, p.given_name_zh_hans, p.id, o.id "
        "LIMIT 50 OFFSET %s"
    )

    now_sql = f"SELECT id FROM academy_officialprofile ORDER BY {', '.join(now_order)} LIMIT 50 OFFSET %s"

    def keys(sql: str, offset: int) -> list[tuple[int]]:  # both as raw SQL: the index walk, not the ORM's building
        with connection.cursor() as cursor:
            cursor.execute(sql, [offset])
            return cursor.fetchall()

    for page in sorted({1, pages}):
        offset = (page - 1) * 50
        now = timed(lambda o=offset: keys(now_sql, o))
        then = timed(lambda o=offset: keys(then_sql, o))
        table.row(f"page {page}: official's own index", now, "person-index walk", then)
    sample = seek_slice(OfficialProfile.objects.order_by(*now_order), (pages - 1) * 50, 50)
    assert len(list(sample)) == min(50, n - (pages - 1) * 50)


if __name__ == "__main__":
    main()
