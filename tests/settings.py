"""Test settings: the real settings, with tasks run inline, fast password hashing and no rate limits."""

import os
import tempfile

os.environ.setdefault("CITYBRIDGE_VAR_DIR", os.path.join(tempfile.gettempdir(), "citybridge-test-var"))
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)

from citybridge.settings import *  # noqa: E402,F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CITYBRIDGE_API_RATES = ("100000/m", "100000/m")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = os.path.join(tempfile.gettempdir(), "citybridge-test-media")
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The real settings share the database cache between workers (tests/core/test_security.py checks it); tests use
# memory so query counts pin only the view's own queries. tests/conftest.py clears it between tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
