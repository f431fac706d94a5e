"""Load benchmark: requests per second and latency of the list pages under gunicorn, beside a bare Django view.

    .venv/bin/python bench/load.py                 # 10 s per route, 20,000 officials, 10,000 people, all cities
    BENCH_QUICK=1 .venv/bin/python bench/load.py   # tiny data, 2 s per route (CI: fails on an error, never a time)

Builds a throw-away SQLite database under a temporary directory with the project's own generators (the academy
generator, the real `import cities`, bulk people and organisations), starts `gunicorn` exactly as `citybridge serve`
does (3 sync workers, the real WSGI application and settings; bench/load_wsgi.py only adds the bare signed-in
page, bench/load_settings.py only raises the API rate limits), signs in with a session cookie and drives 20
concurrent users with `wrk` (Debian package `wrk`; `make bench-system` installs it) for N seconds per route.
Prints req/s, p50, p95 and the share of the bare view's req/s: each route runs in 3 rounds, each right after a
short run of the bare view, a round going through every route before the next starts (so that each route is
measured early, midway and late in the run), and the median of the rounds' shares is printed beside the bare figure
(the machine is shared and its speed drifts within a minute; the ratio is what counts). Targets (issue 9): signed-in home >= 50 % of bare; list pages and API lists >= 25 % with p95 < 100 ms;
deep pages like first pages. Printed for reference only; the run fails on errors (non-2xx answers).
Also prints, per route, the page's size (KB), its number of SQL queries and the CPU milliseconds one request costs
in-process (Django's test client on the same database, before gunicorn starts), with the bare view's CPU time as a
share of it ("bare/CPU"): on a shared machine req/s moves with everyone else's load, CPU time hardly does.
Env: BENCH_SECONDS (per route; 0 = only the in-process costs, no load), BENCH_USERS (connections, default 20), BENCH_WORKERS (default 3),
BENCH_ROUTES (a regular expression: only the routes whose name matches, the bare view always),
BENCH_DATA (a directory that keeps the built database between runs: the next run only migrates it, so a short
before/after comparison does not pay the build again; delete the directory to rebuild).
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from bench.harness import QUICK  # noqa: E402

KEEP_DATA = os.environ.get("BENCH_DATA", "")
VAR_DIR = os.path.abspath(KEEP_DATA) if KEEP_DATA else tempfile.mkdtemp(prefix="citybridge-load-")
REUSE = bool(KEEP_DATA) and os.path.exists(os.path.join(VAR_DIR, "citybridge.sqlite3"))
os.makedirs(VAR_DIR, exist_ok=True)
os.environ["CITYBRIDGE_VAR_DIR"] = VAR_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "bench-load-secret-key-" + "x" * 40)

SECONDS = int(os.environ.get("BENCH_SECONDS", 2 if QUICK else 10))
#: each route is measured in ROUNDS rounds of (the bare view for BARE_SECONDS, then the route for ROUND_SECONDS)
ROUNDS = 1 if QUICK else 3
ROUND_SECONDS = max(1, SECONDS // ROUNDS)
BARE_SECONDS = max(1, ROUND_SECONDS * 2 // 3)
USERS = int(os.environ.get("BENCH_USERS", 20))
WORKERS = os.environ.get("BENCH_WORKERS", "3")
OFFICIALS, ATTENDANCE = (1_000, 10_000) if QUICK else (20_000, 200_000)
N_ORGS, N_PEOPLE = (100, 600) if QUICK else (2_000, 10_000)
COST_REPEAT = 3 if QUICK else 15
TARGETS = "home >= 50 % of bare; lists >= 25 % of bare with p95 < 100 ms; deep pages as fast as first pages"

# wrk prints these after its own summary: p50/p95 in microseconds and the non-2xx/3xx and socket error counts
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("CB p50=%d p95=%d requests=%d status=%d socket=%d\\n", latency:percentile(50),
    latency:percentile(95), summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def populate_people(n_orgs: int, n_people: int) -> None:
    from citybridge.core.models import Organisation, OrganisationType, Person

    family, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛"
    types = OrganisationType.values
    Organisation.objects.bulk_create(
        [
            Organisation(
                name_en=f"Organisation {i}",
                name_zh_hans=f"机构{i}",
                type=types[i % len(types)],
                country="CN" if i % 3 else "US",
            )
            for i in range(n_orgs)
        ],
        batch_size=1000,
    )
    ids = list(Organisation.objects.values_list("id", flat=True))
    people = []
    for i in range(n_people):
        fam, giv = family[i % len(family)], given[i % len(given)]
        p = Person(
            family_name_en=f"Family{i}",
            given_name_en=f"Given{i}",
            family_name_zh_hans=fam,
            given_name_zh_hans=giv,
            organisation_id=ids[i % len(ids)],
            email=f"p{i}@example.org",
            title="Deputy Director" if i % 2 else "",
        )
        p.search_name = f"{fam}{giv} Given{i} Family{i}"
        people.append(p)
    Person.objects.bulk_create(people, batch_size=2000)


def build() -> tuple[str, str, dict[str, int]]:
    """The data set; returns the session cookie, an API token and the number of pages of each list."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from citybridge.academy.generator import generate
    from citybridge.academy.models import Course, OfficialProfile
    from citybridge.academy.selectors import behind_list
    from citybridge.cities.models import City
    from citybridge.core.models import ApiToken, Organisation, Person, RoleMembership, User
    from citybridge.core.services import api_token_create, api_token_revoke

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if REUSE:
        staff = User.objects.get(email="bench-load@example.org")
        for token in ApiToken.objects.filter(user=staff, revoked_at__isnull=True):  # a user holds at most 20
            api_token_revoke(actor=staff, token=token)
    else:
        call_command("import_cities", stdout=open(os.devnull, "w"))
        generate(officials=OFFICIALS, attendance=ATTENDANCE)
        populate_people(N_ORGS, N_PEOPLE)
        staff = User.objects.create_superuser("bench-load@example.org", "bench-password-123")
        RoleMembership.objects.create(user=staff, role="program_staff")
    client = Client()
    client.force_login(staff, backend="citybridge.core.auth.EmailBackend")
    _token, secret = api_token_create(actor=staff, name="bench-load")
    behind = behind_list(user=staff, year=timezone.localdate().year)  # this year, behind on either rule
    pages = {
        "people": Person.objects.count() // 50,
        "organisations": Organisation.objects.count() // 50,
        "courses": Course.objects.count() // 50,
        "officials": OfficialProfile.objects.count() // 50,
        "cities": City.objects.count() // 50,
        "behind": behind.count() // 50,
    }
    # who-is-behind counts no rows: its last full page, reached by Next from the page before it, whose link
    # carries that page's last row (academy.selectors.behind_seek)
    deep = max(2, pages["behind"] - 1)
    days, official = behind.values_list("behind_days", "official_id")[(deep - 1) * 50 - 1]
    behind_deep = f"/academy/behind/?page={deep}&after={days},{official}"
    print(
        f"data: {City.objects.count():,} cities, {OfficialProfile.objects.count():,} officials, "
        f"{Course.objects.count():,} courses, {Person.objects.count():,} people, "
        f"{Organisation.objects.count():,} organisations; {'reused' if REUSE else 'built'} in "
        f"{time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    connection.close()
    return client.cookies["sessionid"].value, secret, pages, behind_deep


def _counting(queries: list[str]):
    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def page_costs(routes: list[tuple[str, str, dict[str, str]]], token: str) -> dict[str, tuple[float, int, float]]:
    """Size (KB), SQL queries and CPU milliseconds of each route's answer through Django's test client, in this
    process: queries of the second request (the first fills the per-process caches, as a gunicorn worker's first
    request does), CPU time the median of COST_REPEAT more. CPU time is what 2 cores share out under load, and
    unlike req/s it hardly moves when other programs load the machine."""
    from django.db import connection
    from django.test import Client

    from bench.harness import install_bare_page
    from citybridge.core.models import User

    install_bare_page()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email="bench-load@example.org"), backend="citybridge.core.auth.EmailBackend")
    for _name, path, _headers in routes:
        client.get(path)
    gc.collect()  # as citybridge.wsgi does in each gunicorn worker: what is loaded now is out of the collector's reach
    gc.freeze()
    costs = {}
    for _name, path, _headers in routes:
        queries: list[str] = []  # every execute, counted by a wrapper (the debug query log is capped)
        with connection.execute_wrapper(_counting(queries)):
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code} through the test client")
        cpu = []
        for _ in range(COST_REPEAT):
            t = time.process_time()
            client.get(path)
            cpu.append((time.process_time() - t) * 1000)
        costs[path] = (len(response.content) / 1024, len(queries), statistics.median(cpu))
    connection.close()
    return costs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.load_wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            WORKERS,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("gunicorn exited at start-up")
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def check(base: str, path: str, headers: dict[str, str]) -> int:
    """One request outside the load, so a redirect to the sign-in page or an error fails the run loudly."""
    request = urllib.request.Request(base + path, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def settle(base: str, headers: dict[str, str]) -> None:
    """Wait until the workers are idle: a sync worker still answers the requests wrk gave up on (timeouts), and
    that backlog would be counted against the next route."""
    for _ in range(120):
        t = time.perf_counter()
        check(base, "/bench/bare/", headers)
        if time.perf_counter() - t < 0.5:
            return
        time.sleep(1)


def wrk(base: str, path: str, headers: dict[str, str], seconds: int, script: str) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{USERS}", f"-d{seconds}s", "--timeout", "10s", "-s", script]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run(args + [base + path], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"CB p50=(\d+) p95=(\d+) requests=(\d+) status=(\d+) socket=(\d+)", out)
    return {
        "rps": rps,
        "p50": int(m[1]) / 1000,
        "p95": int(m[2]) / 1000,
        "requests": int(m[3]),
        "errors": int(m[4]) + int(m[5]),
    }


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: `make bench-system` (or apt-get install wrk) installs it", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `kill` stops gunicorn and removes the data too
    session, token, pages, behind_deep = build()
    # a browser sends back the CSRF cookie its first signed-in page set (without it each page would draw a new secret
    # and set the cookie again); its value is any CSRF secret, as Django would draw it
    from django.middleware.csrf import _get_new_csrf_string

    browser = {"Cookie": f"sessionid={session}; csrftoken={_get_new_csrf_string()}"}
    api = {"Authorization": f"Bearer {token}"}

    def deep(n: int) -> int:
        """The page whose keys take the longest walk: the middle one, since core.paging walks a page in the back
        half of a list from its end (the last pages cost what the first do)."""
        return max(1, (n + 1) // 2)

    routes = [
        ("bare signed-in view", "/bench/bare/", browser),
        ("signed-in home", "/", browser),
        ("people", "/people/", browser),
        ("people, deep page", f"/people/?page={deep(pages['people'])}", browser),
        ("organisations", "/organisations/", browser),
        ("organisations, deep page", f"/organisations/?page={deep(pages['organisations'])}", browser),
        ("courses", "/academy/", browser),
        ("courses, deep page", f"/academy/?page={deep(pages['courses'])}", browser),
        ("officials", "/academy/officials/", browser),
        ("officials, deep page", f"/academy/officials/?page={deep(pages['officials'])}", browser),
        ("who is behind", "/academy/behind/", browser),
        ("who is behind, deep page", behind_deep, browser),
        ("cities", "/cities/", browser),
        ("cities, deep page", f"/cities/?page={deep(pages['cities'])}", browser),
        ("API cities", "/api/v1/cities/cities", api),
        ("API cities, deep page", f"/api/v1/cities/cities?page={deep(pages['cities'])}", api),
        ("API people", "/api/v1/people", api),
        ("API people, deep page", f"/api/v1/people?page={deep(pages['people'])}", api),
    ]
    only = re.compile(os.environ.get("BENCH_ROUTES", ""))
    routes = [r for i, r in enumerate(routes) if i == 0 or only.search(r[0])]
    costs = page_costs(routes, token)
    if SECONDS == 0:  # the in-process costs only (no gunicorn, no wrk): for a machine too loaded to measure req/s
        bare_cpu = costs[routes[0][1]][2]
        print(f"\nIn-process costs (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
        print(f"{'route':28} {'path':44} {'KB':>6} {'queries':>7} {'CPU ms':>7} {'bare/CPU':>8}")
        for name, path, _headers in routes:
            kb, n_queries, cpu = costs[path]
            print(f"{name:28} {path[:44]:44} {kb:6.1f} {n_queries:7d} {cpu:7.1f} {100 * bare_cpu / cpu:7.1f}%")
        if not KEEP_DATA:
            shutil.rmtree(VAR_DIR, ignore_errors=True)
        return 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    script = Path(VAR_DIR) / "report.lua"
    script.write_text(WRK_SCRIPT)
    proc = start_gunicorn(port)
    failures = []
    try:
        for _ in range(20):  # the workers import Django after the socket opens: wait until each one answers
            try:
                if all(check(base, "/bench/bare/", browser) == 200 for _ in range(int(WORKERS) * 2)):
                    break
            except OSError:
                time.sleep(1)
        for _name, path, headers in routes:
            status = check(base, path, headers)
            if status != 200:
                failures.append(f"{path}: HTTP {status}")
        if failures:
            raise SystemExit("routes that do not answer 200: " + "; ".join(failures))
        print(
            f"\nLoad: {USERS} users, {WORKERS} gunicorn workers, {ROUNDS} × {ROUND_SECONDS} s per route, SQLite "
            f"({os.cpu_count()} CPUs; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())})\n"
            f"Each route runs in {ROUNDS} rounds, each right after {BARE_SECONDS} s of the bare view, and a round goes "
            f"through every route before the next one starts: '% of bare' is the median of the rounds' shares, 'bare "
            f"req/s' the bare view's mean beside it, p50 and p95 the median of the rounds'. This machine's speed "
            f"drifts by a third within a minute, and it slows as a run goes on: one bare figure for the run would not "
            f"say what the machine gave each route, and routes measured one after the other would leave the last "
            f"ones the slowest minutes.\n"
            f"{'route':28} {'path':44} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'bare req/s':>10} {'% of bare':>9} "
            f"{'KB':>6} {'queries':>7} {'CPU ms':>7} {'bare/CPU':>8}",
            flush=True,
        )
        bare_path = routes[0][1]
        bare_cpu = costs[bare_path][2]
        first_bare = 0.0  # quick mode: the bare view's row, the floor of every route
        rounds: dict[str, list] = {path: [] for _name, path, _headers in routes}  # (bare req/s, the route's figures)
        for number in range(ROUNDS):
            for _name, path, headers in routes:
                settle(base, browser)
                if number == 0 and not QUICK:
                    wrk(base, path, headers, 1, str(script))  # warm-up: every worker has the route's code and caches
                # quick mode (CI) checks only that every route answers: the share is of the bare view's own row
                bare = first_bare if QUICK else wrk(base, bare_path, browser, BARE_SECONDS, str(script))["rps"]
                r = wrk(base, path, headers, ROUND_SECONDS, str(script))
                if r["errors"]:
                    failures.append(f"{path}: {r['errors']} errors in {r['requests']} requests")
                rounds[path].append((r["rps"] if path == bare_path else bare, r))
                first_bare = first_bare or r["rps"]  # the bare view is the first route
        for name, path, _headers in routes:
            measured = rounds[path]
            rps = statistics.mean(r["rps"] for _b, r in measured)
            share = statistics.median(100 * r["rps"] / b for b, r in measured)
            p50, p95 = (statistics.median(r[k] for _b, r in measured) for k in ("p50", "p95"))
            bare_rps = statistics.mean(b for b, _r in measured)
            kb, n_queries, cpu = costs[path]
            print(
                f"{name:28} {path[:44]:44} {rps:8.0f} {p50:8.1f} {p95:8.1f} {bare_rps:10.0f} {share:8.1f}% "
                f"{kb:6.1f} {n_queries:7d} {cpu:7.1f} {100 * bare_cpu / cpu:7.1f}%",
                flush=True,
            )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"targets (for reference; a benchmark never fails on a time): {TARGETS}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        if not KEEP_DATA:
            shutil.rmtree(VAR_DIR, ignore_errors=True)
    if failures:
        print("errors: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
