"""Security headers Django does not set itself, the client's address behind trusted proxies, and no caching of
anything a signed-in user sees."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

    from django.http import HttpRequest, HttpResponse

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # vega-embed injects its tooltip styles
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

#: what every response to a signed-in user (or to a request carrying credentials) says to caches
NO_STORE = "no-store, private"


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted if entry.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: IPv4Address | IPv6Address, networks: Iterable[IPv4Network | IPv6Network]) -> bool:
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless it is one of `CITYBRIDGE_TRUSTED_PROXIES` (IPs or CIDRs).

    Only then is X-Forwarded-For read, from the right: each hop a trusted proxy added is skipped and the first
    address that is not a trusted proxy is the client. Whatever a client writes itself into the header sits to
    the left of that and is never believed. Used by the sign-in lock (django-axes) and the API rate limits.
    """
    cached = getattr(request, "_citybridge_client_ip", None)
    if cached is not None:
        return cached
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        # no usable address (the test client's login, a misconfigured socket): the unspecified address, which
        # every database stores as an IP (PostgreSQL's inet refuses a word such as "unknown")
        result = "0.0.0.0"
    else:
        networks = _networks(tuple(settings.CITYBRIDGE_TRUSTED_PROXIES))
        address = remote
        if networks and _trusted(remote, networks):
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            for hop in reversed(forwarded.split(",")[-20:] if forwarded else []):
                parsed = _parse(hop)
                if parsed is None:
                    break  # garbage: the last address we could believe stands
                address = parsed
                if not _trusted(parsed, networks):
                    break
        result = address.compressed
    request._citybridge_client_ip = result
    return result


class SecurityHeadersMiddleware:
    """A 405 answered in the user's language (core.views.error_405); Content-Security-Policy, Permissions-Policy, and `Cache-Control: no-store, private` on every response to a
    signed-in user or to a request with credentials (pages, API, file downloads), so no browser or proxy cache
    keeps personal data. A response that declares itself `public` (static content) keeps its own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if response.status_code == 405 and not response.headers.get("Content-Type", "").startswith("application/json"):
            from .views import error_405

            response = error_405(request, response)  # a page or the API's error format, in the user's language
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if _has_credentials(request) and "public" not in response.headers.get("Cache-Control", "").lower():
            response.headers["Cache-Control"] = NO_STORE
        return response


def _has_credentials(request: HttpRequest) -> bool:
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
