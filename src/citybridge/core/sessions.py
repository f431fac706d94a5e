"""Database sessions that ignore malformed session cookies (e.g. with NUL bytes, which PostgreSQL refuses)
instead of failing the request: a cookie that cannot be a session key is treated as no session."""

from __future__ import annotations

import re

from django.contrib.sessions.backends.db import SessionStore as DbSessionStore

_KEY = re.compile(r"^[a-z0-9]{8,64}$")


class SessionStore(DbSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key) and isinstance(key, str) and bool(_KEY.match(key))
