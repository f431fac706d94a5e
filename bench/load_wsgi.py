"""The project's WSGI application for bench/load.py, plus the bare signed-in page (bench.harness.install_bare_page)
that is the floor every route is compared with."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load_settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from bench.harness import install_bare_page  # noqa: E402

install_bare_page()
