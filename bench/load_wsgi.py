"""The project's WSGI application for bench/load.py (citybridge.wsgi, as `citybridge serve` runs it), plus the bare
signed-in page (bench.harness.install_bare_page) that is the floor every route is compared with."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load_settings")

from bench.harness import install_bare_page  # noqa: E402
from citybridge.wsgi import application  # noqa: E402, F401

install_bare_page()
