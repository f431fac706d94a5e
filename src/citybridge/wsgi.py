"""The WSGI application that `citybridge serve` gives gunicorn (each worker imports it after the fork)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citybridge.settings")
application = get_wsgi_application()


def freeze_startup_objects() -> None:
    """Load every view module now and move everything loaded so far out of the garbage collector's reach.

    A worker holds about 250,000 long-lived objects once Django, the apps and their views are imported; Python's
    full collection walks all of them (100-200 ms on this project's 2-core machine) every few dozen requests, and
    the request that triggers it waits (issue 9: a visible share of the list pages' CPU and most of their p95).
    `gc.freeze()` puts the objects alive now into a permanent generation that collections skip; they are never
    garbage (modules, functions, classes, URL patterns), and what requests allocate is still collected as before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URL configuration and with it every view module
    gc.collect()
    gc.freeze()


freeze_startup_objects()
