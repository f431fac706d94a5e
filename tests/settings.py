"""Test settings: the real settings, with tasks run inline, fast password hashing and no rate limits."""

import os
import tempfile

# one private directory per test process: CI runs the SQLite and PostgreSQL suites side by side
_TMP = tempfile.mkdtemp(prefix="citybridge-test-")
os.environ.setdefault("CITYBRIDGE_VAR_DIR", os.path.join(_TMP, "var"))
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)

from citybridge.settings import *  # noqa: E402,F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CITYBRIDGE_API_RATES = (None, None)  # no API rate limit, nothing counted (tests/api/test_rate_limits.py sets them)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = os.path.join(_TMP, "media")
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The real settings share the database cache between workers (tests/core/test_security.py checks it); tests use
# memory so query counts pin only the view's own queries. tests/conftest.py clears it between tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
