"""Benchmark: organisation and people lists (page and API) with 10,000 people and 2,000 organisations on SQLite.

Prints median/p95 per route beside a bare signed-in page measured in the same run, and the query count at two
table sizes (it must not grow). Run: .venv/bin/python bench/core_lists.py (BENCH_QUICK=1: 1,000 people, as CI does).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ["CITYBRIDGE_VAR_DIR"] = tempfile.mkdtemp(prefix="citybridge-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench.harness import QUICK, Table, install_bare_page, timed  # noqa: E402
from citybridge.core.models import Organisation, OrganisationType, Person, RoleMembership, User  # noqa: E402
from citybridge.core.services import api_token_create  # noqa: E402

N_ORGS, N_PEOPLE = (400, 2_000) if QUICK else (2_000, 10_000)
FAMILY_ZH = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_ZH = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]


def populate(n_orgs: int, n_people: int) -> None:
    types = OrganisationType.values
    orgs = [
        Organisation(
            name=f"Org {i}",
            name_en=f"Organisation {i}",
            name_zh_hans=f"机构{i}",
            type=types[i % len(types)],
            country="CN" if i % 3 else "US",
        )
        for i in range(n_orgs)
    ]
    Organisation.objects.bulk_create(orgs, batch_size=1000)
    ids = list(Organisation.objects.values_list("id", flat=True))
    people = []
    for i in range(n_people):
        fam, giv = FAMILY_ZH[i % len(FAMILY_ZH)], GIVEN_ZH[i % len(GIVEN_ZH)]
        p = Person(
            family_name=f"Family{i}",
            family_name_en=f"Family{i}",
            given_name_en=f"Given{i}",
            family_name_zh_hans=fam,
            given_name_zh_hans=giv,
            organisation_id=ids[i % len(ids)],
            email=f"p{i}@example.org",
        )
        p.search_name = f"{fam}{giv} Given{i} Family{i}"
        people.append(p)
    Person.objects.bulk_create(people, batch_size=2000)


def measure(client: Client, url: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    timing = timed(get)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return timing, len(ctx.captured_queries)


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    staff = User.objects.create_user("bench@example.org", "bench-password-123")
    RoleMembership.objects.create(user=staff, role="program_staff")
    browser = Client()
    browser.force_login(staff, backend="citybridge.core.auth.EmailBackend")
    _token, secret = api_token_create(actor=staff, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    deep = N_PEOPLE // 50 - 10
    routes = [
        (browser, "/organisations/"),
        (browser, "/people/"),
        (browser, "/people/?q=王"),
        (browser, "/organisations/?q=机构1&type=academy"),
        (api, "/api/v1/organisations"),
        (api, "/api/v1/people"),
        (api, "/api/v1/people?q=Given99"),
        (api, f"/api/v1/people?page={deep}"),
    ]

    populate(200, 1_000)
    # the same routes on 1,000 people (a page past the last row reads no rows: the deep page is counted on the
    # small list's own last pages)
    small = {url: measure(c, url.replace(f"page={deep}", f"page={1_000 // 50 - 2}"))[1] for c, url in routes}
    Person.objects.all().delete()
    Organisation.objects.all().delete()
    t0 = time.perf_counter()
    populate(N_ORGS, N_PEOPLE)
    print(f"generated {N_ORGS:,} organisations and {N_PEOPLE:,} people in {time.perf_counter() - t0:.1f} s (SQLite)")
    bare = install_bare_page()
    floor = timed(lambda: browser.get(bare))
    table = Table(f"Organisation and people lists ({N_PEOPLE:,} people, SQLite)")
    table.row("floor: bare signed-in page", floor)
    for client, url in routes:
        timing, queries = measure(client, url)
        table.row(f"{url} ({queries} queries)", timing, "bare page", floor)
        assert queries == small[url], f"query count grows with rows on {url}: {small[url]} -> {queries}"


if __name__ == "__main__":
    main()
