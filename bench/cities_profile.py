"""Benchmark: the city profile page and API with the full real registry imported.

    .venv/bin/python bench/cities_profile.py

Builds a throw-away SQLite database (tests.settings, under a temporary directory), runs the real
`import cities`, signs in a program-staff user and times GET /cities/<id>/ for the cities with the most
data (CEADs 1997-2019 series, Nangini, CDP). Prints median and 95th percentile beside a bare signed-in page measured
in the same run; not a unit test.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ["CITYBRIDGE_VAR_DIR"] = tempfile.mkdtemp(prefix="cb-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.harness import Table, install_bare_page, timed  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    call_command("import_cities", stdout=open(os.devnull, "w"))
    print(f"import cities: {time.perf_counter() - t:.1f} s")
    from citybridge.cities.models import City
    from citybridge.core.models import RoleMembership, User

    user = User.objects.create_user("bench@example.org", "correct-horse-battery")
    RoleMembership.objects.create(user=user, role="program_staff")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    bare = install_bare_page()
    floor = timed(lambda: client.get(bare))
    table = Table("City profile (real registry)")
    table.row("floor: bare signed-in page", floor)
    names = [("CN", "Beijing"), ("CN", "Anqing"), ("US", "Los Angeles"), ("US", "Hayward")]
    for country, name in names:
        city = City.objects.filter(country=country, name_en=name).order_by("-population").first()
        for url in (f"/cities/{city.pk}/", f"/api/v1/cities/cities/{city.pk}"):
            assert client.get(url).status_code == 200, url
            table.row(f"{url} ({name})", timed(lambda url=url: client.get(url)), "bare page", floor)


if __name__ == "__main__":
    main()
