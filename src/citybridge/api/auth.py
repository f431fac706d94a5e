from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from citybridge.core.auth import user_for_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cb_…` with a personal access token from the profile page."""

    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


#: token first (scripts), then the browser session (which checks CSRF on writes)
API_AUTH = [TokenAuth(), SessionAuth()]
