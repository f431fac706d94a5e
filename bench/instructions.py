"""Instructions per request of each list route, counted by valgrind: a figure that does not drift with the machine.

    BENCH_DATA=/tmp/cb-load .venv/bin/python bench/instructions.py       # builds the data once (bench/load.py's)
    BENCH_QUICK=1 .venv/bin/python bench/instructions.py                 # tiny data, two routes (CI: fails on an error)

On the shared 2-core machine req/s and CPU time move by a third within a minute, so a change worth 3 % cannot be
seen in them. Here each route is requested N times in a Python process run under valgrind's cachegrind (Debian
package `valgrind`; `make bench-system` installs it) and once more with no request: the difference over N is the
instructions one request executes (Django's test client in-process, on the database bench/load.py built, with the
garbage collector frozen as citybridge.wsgi freezes it). Runs back to back on the same database agree within about
1 %; compare two versions in one sitting (the database moves the figure by a few per cent). Printed beside the bare
signed-in view's count: the ratio is what the issue-9 share under load follows, but it is not that share (the
load share also holds gunicorn's and wrk's own work per request, about the bare view's again, and instructions in
SQLite run faster than instructions in the template engine).
Env: BENCH_DATA (the directory bench/load.py keeps its database in; built there by `bench/load.py` with
BENCH_SECONDS=0 when it holds none; default: a temporary directory), BENCH_REQUESTS (N, default 30; 3 with
BENCH_QUICK), BENCH_ROUTES (a regular expression on the route names; the bare view always; with BENCH_QUICK the
people list only).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUICK = bool(os.environ.get("BENCH_QUICK"))
N = int(os.environ.get("BENCH_REQUESTS", 3 if QUICK else 30))
ROUTES = [
    ("bare signed-in view", "/bench/bare/"),
    ("signed-in home", "/"),
    ("people", "/people/"),
    ("organisations", "/organisations/"),
    ("courses", "/academy/"),
    ("officials", "/academy/officials/"),
    ("who is behind", "/academy/behind/"),
    ("cities", "/cities/"),
    ("API cities", "/api/v1/cities/cities"),
    ("API people", "/api/v1/people"),
]

CHILD = """
import gc, os, sys
sys.path[:0] = [{src!r}, {root!r}]
import bench.load_wsgi  # the project's WSGI module as a gunicorn worker imports it, plus the bare page
from django.test import Client
from citybridge.core.models import User
client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION="Bearer " + os.environ["BENCH_TOKEN"])
client.force_login(User.objects.get(email="bench-load@example.org"), backend="citybridge.core.auth.EmailBackend")
path, n = sys.argv[1], int(sys.argv[2])
for _ in range(5):
    status = client.get(path).status_code
if status != 200:
    raise SystemExit(f"{{path}}: HTTP {{status}}")
gc.collect()
gc.freeze()
for _ in range(n):
    client.get(path)
"""


def instructions(path: str, n: int, env: dict[str, str]) -> int:
    """Instructions valgrind counted for the child process (start-up, five warm-up requests, then `n`)."""
    result = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", sys.executable, "-c"]
        + [CHILD.format(src=str(ROOT / "src"), root=str(ROOT)), path, str(n)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    match = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if result.returncode != 0 or not match:
        raise SystemExit(f"{path}: valgrind run failed\n{result.stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def main() -> int:
    if not shutil.which("valgrind"):
        print("valgrind is missing: `make bench-system` (or apt-get install valgrind) installs it", file=sys.stderr)
        return 1
    data = os.environ.get("BENCH_DATA") or tempfile.mkdtemp(prefix="citybridge-instructions-")
    try:
        return measure(data)
    finally:
        if not os.environ.get("BENCH_DATA"):
            shutil.rmtree(data, ignore_errors=True)


def measure(data: str) -> int:
    if not os.path.exists(os.path.join(data, "citybridge.sqlite3")):  # bench/load.py's data, built without a load run
        env = {**os.environ, "BENCH_DATA": data, "BENCH_SECONDS": "0"}
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "load.py")], env=env, check=True, stdout=subprocess.DEVNULL
        )
    env = {
        **os.environ,
        "CITYBRIDGE_VAR_DIR": os.path.abspath(data),
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "PYTHONHASHSEED": "0",  # the same dict and set layouts in every run
    }
    env.setdefault("CITYBRIDGE_SECRET_KEY", "bench-load-secret-key-" + "x" * 40)
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()
    from citybridge.core.models import User
    from citybridge.core.services import api_token_create, api_token_revoke

    staff = User.objects.get(email="bench-load@example.org")
    token, env["BENCH_TOKEN"] = api_token_create(actor=staff, name="bench-instructions")
    only = re.compile(os.environ.get("BENCH_ROUTES", "^people$" if QUICK else ""))
    routes = [r for i, r in enumerate(ROUTES) if i == 0 or only.search(r[0])]
    try:
        jobs = [(path, n) for _name, path in routes for n in (0, N)]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            counts = dict(zip(jobs, pool.map(lambda job: instructions(*job, env), jobs), strict=True))
    finally:
        api_token_revoke(actor=staff, token=token)
    per_request = {path: (counts[(path, N)] - counts[(path, 0)]) / N for _name, path in routes}
    bare = per_request[routes[0][1]]
    print(f"Instructions per request ({N} requests a route, valgrind cachegrind; bare = the bare signed-in view)")
    print(f"{'route':28} {'path':32} {'M instr.':>9} {'x bare':>7}")
    for name, path in routes:
        print(f"{name:28} {path:32} {per_request[path] / 1e6:9.2f} {per_request[path] / bare:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
