"""Settings for bench/load.py: the real settings (SQLite under $CITYBRIDGE_VAR_DIR, the shared database cache,
Argon2, every middleware), with the API rate limits raised so that 20 users hammering one route measure the
route, not the 429 page. Not for anything but the load benchmark."""

from citybridge.settings import *  # noqa: F403

CITYBRIDGE_API_RATES = ("100000000/m", "100000000/m")
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
