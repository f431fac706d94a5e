"""`{% site_header %}` and `{% site_footer %}`: the page's header (navigation, sign-out, language switch) and footer,
rendered from their templates once per process for each (language, signed in or not, script prefix, URLconf, which
of the navigation's permissions the user has: core.context_processors.NAV_PERMS) and kept as a string; each request
only puts in its own CSRF token, the path the language switch returns to, and `aria-current` on the navigation item
of the page it is on.

They are the same on every page and depend on nothing else (no name, no data; of the roles, only those
permissions): a template pass over them (eight navigation items, five `{% url %}`, two language options, three CSRF
tokens) was most of what the signed-in home cost beyond a bare view (issue 9). The labels are translated when the string is built, in the language it is
built for, so a string never serves another language.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import rules
from django import template
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from citybridge.core.context_processors import NAV_PERMS, _nav_items

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.template import Context

register = template.Library()

#: placeholders the per-request values replace; plain words, so escaping leaves them as they are
_CSRF = "cbchromecsrftoken"
_NEXT = "cbchromenextpath"

_built: dict[tuple[str, str, bool, str, str, frozenset[str]], str] = {}


def _allowed(user: object, perms: tuple[str, ...]) -> frozenset[str]:
    """Which of `perms` the user has, asked of the rules (a superuser has all, as User.has_perm answers; User.has_perm
    itself would also ask the model backend's permission tables: two queries)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_active and user.is_superuser:
        return frozenset(perms)
    return frozenset(p for p in perms if rules.has_perm(p, user))


def _kept(store: dict, key: tuple, build: Callable[[], str]) -> str:
    """`store[key]`, built by `build()` the first time; under DEBUG built every time (templates edited while the
    server runs show)."""
    if settings.DEBUG:
        return build()
    html = store.get(key)
    if html is None:
        html = store[key] = build()
    return html


def _chrome(name: str, context: Context) -> str:
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    language = get_language() or settings.LANGUAGE_CODE
    allowed = _allowed(user, NAV_PERMS) if name == "header" else frozenset()
    key = (name, language, signed_in, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF), allowed)
    html = _kept(
        _built,
        key,
        lambda: render_to_string(
            f"core/_site_{name}.html",
            {
                "signed_in": signed_in,
                "LANGUAGE_CODE": language,
                # from the items themselves, not the context: a page rendered without the context processors (the
                # 500 page) must not leave its empty navigation in the string every page then uses
                "nav_items": _nav_items(signed_in, key[3], key[4], allowed),
                "csrf_token": _CSRF,
                "next_path": _NEXT,
            },
        ),
    )
    if name == "header" and request is not None:
        path = escape(request.path)
        html = html.replace(f'<li><a href="{path}">', f'<li><a href="{path}" aria-current="page">')
        nav_open = context.get("nav_open")  # the menu whose sub-items hold this page: marked as the current section
        if nav_open:
            menu = f'<summary data-nav="{escape(nav_open)}">'
            html = html.replace(menu, menu[:-1] + ' class="current">')
        html = html.replace(_NEXT, escape(request.get_full_path()))
    return html


@register.simple_tag(takes_context=True)
def site_header(context: Context) -> SafeString:
    html = _chrome("header", context)
    token = context.get("csrf_token")
    if token and token != "NOTPROVIDED":
        html = html.replace(_CSRF, escape(str(token)))
    else:  # as {% csrf_token %} does without a token: no hidden field
        html = html.replace(f'<input type="hidden" name="csrfmiddlewaretoken" value="{_CSRF}">', "")
    return mark_safe(html)  # noqa: S308 - rendered by the template engine (escaped); the inserts are escaped


@register.simple_tag(takes_context=True)
def site_footer(context: Context) -> SafeString:
    return mark_safe(_chrome("footer", context))  # noqa: S308 - rendered by the template engine (escaped)


_heads: dict[tuple[str, str], str] = {}


@register.simple_tag
def site_head() -> SafeString:
    """The page's start up to its `<title>` (`core/_site_head.html`: `<html lang>`, the stylesheets and scripts),
    rendered once per process for each (language, static URL prefix) and kept, as the header is: it holds nothing
    else (issue 9: base.html's nine nodes before the title were rendered on every page)."""
    language = get_language() or settings.LANGUAGE_CODE
    html = _kept(
        _heads,
        (language, settings.STATIC_URL),
        lambda: render_to_string("core/_site_head.html", {"LANGUAGE_CODE": language}),
    )
    return mark_safe(html)  # noqa: S308 - rendered by the template engine (escaped)


_navs: dict[tuple[str, str, str, str, frozenset[str]], str] = {}


@register.simple_tag(takes_context=True)
def section_nav(context: Context, app_label: str) -> SafeString:
    """A section's menu (`<app>/_nav.html`), rendered once per process for each (language, script prefix, URLconf,
    set of the permissions it asks about that the user has) and kept as a string, as the header is. The app names
    the permissions its menu depends on in its AppConfig's `nav_perms`; the template sees only `allowed` (the
    ones the user has), so nothing else about the user can make two users' menus differ."""
    allowed = _allowed(context.get("user"), getattr(apps.get_app_config(app_label), "nav_perms", ()))
    language = get_language() or settings.LANGUAGE_CODE
    key = (app_label, language, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF), allowed)
    html = _kept(_navs, key, lambda: render_to_string(f"{app_label}/_nav.html", {"allowed": allowed}))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine (escaped)


@functools.lru_cache(maxsize=64)
def _asset(path: str) -> str:
    return static(path)


@register.simple_tag
def asset(path: str) -> str:
    """`{% static path %}`, looked up once per process: the manifest (hashed names) is read at start-up and a new
    one needs a restart anyway. Under DEBUG, looked up each time as `{% static %}` does."""
    return static(path) if settings.DEBUG else _asset(path)


@functools.lru_cache(maxsize=512)
def _url(name: str, script_prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def url_once(name: str) -> str:
    """`{% url name %}` for a view without arguments, reversed once per process (per script prefix and URLconf):
    the same string every time. For the section menus, whose ten links were ten reverses on every page."""
    return _url(name, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
