from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AnonRateThrottle, AuthRateThrottle, SimpleRateThrottle

from citybridge.core.auth import user_for_token
from citybridge.core.middleware import client_ip
from citybridge.core.ratelimit import count_request, rate_key, retry_after

if TYPE_CHECKING:
    from django.http import HttpRequest

    from citybridge.core.models import User


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cb_…` with a personal access token from the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


#: token first (scripts), then the browser session (which checks CSRF on writes)
API_AUTH = [TokenAuth(), SessionAuth()]


class _CountedInTheDatabase(SimpleRateThrottle):
    """ninja's throttle interface (`allow_request`, then `wait` for Retry-After when refused), counted by
    `core.ratelimit`: one `INSERT … ON CONFLICT DO UPDATE … RETURNING` on `core.RateCount` per request, a sliding
    window over two fixed windows, refused requests not counted (core/ratelimit.py says why). Before, ninja kept
    every request's timestamp of the last window in the cache and rewrote the whole list on every request (five
    queries on the database cache). The instance is shared by every request of the process: what `wait` needs is
    kept per thread."""

    scope: str

    def __init__(self, rate: str | None) -> None:
        """`rate` as "60/m" ("number/s|m|h|d"); None: no limit and nothing counted (tests/settings.py, so the
        query counts tests pin are the views' own; tests/api/test_rate_limits.py sets limits where it counts)."""
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        self._last = threading.local()

    def get_ident(self, request: HttpRequest) -> str:
        return client_ip(request)

    def _ident(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request: HttpRequest) -> str | None:
        """The counter's key for this request (`core.ratelimit.rate_key`), or None when this throttle does not
        count it."""
        ident = self._ident(request)
        return None if ident is None else rate_key(self.scope, self.duration, ident)

    def allow_request(self, request: HttpRequest) -> bool:
        if self.num_requests is None:
            return True
        key = self.get_cache_key(request)
        if key is None:
            return True
        now = self.timer()
        state = count_request(key=key, limit=self.num_requests, duration=self.duration, now=now)
        self._last.state, self._last.now = state, now
        return not state.refused

    def wait(self) -> float | None:
        """Seconds until this client's next request would be served (ninja sends it, rounded up, as Retry-After)."""
        state = getattr(self._last, "state", None)
        if state is None:
            return None
        return retry_after(state, limit=self.num_requests, duration=self.duration, now=self._last.now)


class ClientAnonRateThrottle(_CountedInTheDatabase, AnonRateThrottle):
    """Anonymous requests (operations with `auth=None`), counted per client address as `client_ip` finds it:
    X-Forwarded-For counts only when a trusted proxy sent it, so a forged header does not give a fresh allowance."""

    def _ident(self, request: HttpRequest) -> str | None:
        return None if getattr(request, "auth", None) is not None else client_ip(request)


class ClientAuthRateThrottle(_CountedInTheDatabase, AuthRateThrottle):
    """Signed-in requests (token or session), counted per user: the key is the user's id, so a user's tokens and
    browser share one allowance and a new token gives no fresh one (ninja's AuthRateThrottle keyed on
    sha256(str(request.auth)), the user's e-mail here). Anonymous requests are left to ClientAnonRateThrottle,
    whose limit is the lower one (settings.CITYBRIDGE_API_RATES): a second count per address could never refuse
    anything and would cost a second statement."""

    def _ident(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        return None if user is None else f"user:{user.pk}"
