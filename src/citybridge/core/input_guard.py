"""Control characters are refused at the door: one middleware checks every query string, form post and JSON body.

C0 controls (U+0000–U+001F except tab, newline and carriage return) and DEL have no place in a name or a text;
stored, they break exports (openpyxl refuses them) and confuse other systems. Keys and values are checked, JSON
recursively. Under /api/ the answer is a 422 in the API's error format, elsewhere a 400 page, in the user's language.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .files import CONTROL_RE, has_control_characters

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse, QueryDict

_JSON_TYPES = ("application/json", "application/merge-patch+json")


def _in_json(value: object, path: str) -> str | None:
    """The dotted path of the first key or string with a control character, or None."""
    if isinstance(value, str):
        return (path or "__all__") if has_control_characters(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            if has_control_characters(str(k)):
                return CONTROL_RE.sub("", sub) or "__all__"
            found = _in_json(v, sub)
            if found:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _in_json(v, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


def _in_query(query: QueryDict) -> str | None:
    for key, values in query.lists():
        if has_control_characters(key):
            return CONTROL_RE.sub("", key) or "__all__"
        if any(has_control_characters(v) for v in values):
            return key
    return None


def offending_field(request: HttpRequest) -> str | None:
    """The first field (query, form or JSON) holding a control character, or None."""
    found = _in_query(request.GET)
    if found or request.method in ("GET", "HEAD", "OPTIONS"):
        return found
    content_type = request.content_type or ""
    try:
        if content_type in _JSON_TYPES:
            if not request.body:
                return None
            return _in_json(json.loads(request.body), "")
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return _in_query(request.POST)
    except Exception:  # noqa: BLE001 - a malformed or oversized body is the view's to report, as before
        return None
    return None


class ControlCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        field = offending_field(request)
        if field is None:
            return self.get_response(request)
        message = _("Remove the control characters (invisible characters such as NUL) from this field.")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _("The request contains control characters."),
                    "errors": [{"field": field, "message": message}],
                },
                status=422,
            )
        return render(request, "core/control_characters.html", {"field": field}, status=400)
