from __future__ import annotations

from typing import TYPE_CHECKING

from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from citybridge.core.auth import user_for_token
from citybridge.core.middleware import client_ip

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


class ClientAnonRateThrottle(AnonRateThrottle):
    """Anonymous requests, counted per client address as `client_ip` finds it: X-Forwarded-For counts only when a
    trusted proxy sent it, so a forged header does not give a fresh allowance. Counted in the shared cache."""

    def get_ident(self, request: HttpRequest) -> str:
        return client_ip(request)


class ClientAuthRateThrottle(AuthRateThrottle):
    """Signed-in requests, counted per user (anonymous ones per client address, as above)."""

    def get_ident(self, request: HttpRequest) -> str:
        return client_ip(request)
