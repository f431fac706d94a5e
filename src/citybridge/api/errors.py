"""One error format for the whole API: {"detail": str, "errors": [{"field": str, "message": str}]}, in the request's language."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from citybridge.core.concurrency import StaleEdit
from citybridge.core.validation import without_constraint_names

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from django.http import HttpRequest, HttpResponse

    from citybridge.core.models import User


#: what django-ninja answers to a request body it cannot parse (ninja/params/models.py)
NINJA_UNPARSABLE = "Cannot parse request body"


def _choices(expected: str) -> str:
    """Pydantic's "'AR4', 'AR5' or 'AR6'" as the user's language joins a list ('AR4'、'AR5' 或 'AR6')."""
    items = re.split(r", | or ", expected)
    if len(items) < 2:
        return expected
    return pgettext("list of choices", "%(items)s or %(last)s") % {
        "items": pgettext("list of choices", ", ").join(items[:-1]),
        "last": items[-1],
    }


def _pydantic_message(error: dict) -> str:
    """Pydantic's English messages, re-worded through gettext so they reach the user in their language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "too_long" and ctx.get("field_type") != "Value":  # a list, set or tuple with too many items
        limit = ctx.get("max_length", 0)
        return ngettext("Give at most %(max)s item.", "Give at most %(max)s items.", limit) % {"max": limit}
    if kind in ("string_too_long", "too_long"):
        return _("Ensure this value has at most %(max)s characters.") % {"max": ctx.get("max_length", "?")}
    if kind in ("string_too_short", "too_short"):
        return _("Ensure this value has at least %(min)s characters.") % {"min": ctx.get("min_length", "?")}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return _("Enter a number.")
    if kind in ("string_type",):
        return _("Enter text.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return _("Enter a valid date (YYYY-MM-DD).")
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return _("Enter a valid date and time.")
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice. Allowed: %(choices)s.") % {"choices": _choices(str(ctx.get("expected", "")))}
    if kind == "extra_forbidden":
        return _("This field is not allowed.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt", "?"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt", "?"))}
    if kind in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
        return _("The request body is not valid JSON of the expected shape.")
    if kind in ("list_type",):
        return _("Enter a list.")
    if kind in ("url_parsing", "url_type", "url_scheme", "url_syntax_violation"):
        return _("Enter a valid URL.")
    if kind == "time_of_day":
        return _("Enter a time of day as HH:MM, without a time zone.")
    if kind in ("uuid_parsing", "uuid_type", "string_pattern_mismatch", "time_parsing", "time_type"):
        return _("Enter a valid value.")
    if kind == "value_error" and "email" in str(ctx.get("reason", ctx.get("error", ""))).lower() + kind:
        return _("Enter a valid e-mail address.")
    if kind == "value_error" and ctx.get("error") and not _is_pydantic_english(ctx["error"]):
        return str(ctx["error"])
    return _("Enter a valid value.")


def _is_pydantic_english(error: dict) -> bool:
    """A ValueError raised inside pydantic or a library (English), not one of our own translated messages."""
    return not isinstance(error, DjangoValidationError) and type(error).__module__.split(".")[0] in (
        "pydantic",
        "pydantic_core",
        "email_validator",
    )


def _field(loc: Sequence[str | int]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    parts = [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]  # an upload's "file.file" is "file"
    return ".".join(parts) or "__all__"


def django_validation_errors(exc: DjangoValidationError) -> list[dict]:
    exc = without_constraint_names(exc)
    if hasattr(exc, "error_dict"):
        return [
            {"field": "__all__" if field == "__all__" else field, "message": message}
            for field, msgs in exc.message_dict.items()
            for message in msgs
        ]
    return [{"field": "__all__", "message": m} for m in exc.messages]


def body_ref(get: Callable[..., Any], field: str, pk: int | None, *, user: User) -> Any:
    """Resolve an id sent in a request body through a scoped selector ``get(*, user, pk)``.

    The rule for ids in bodies (docs/architecture.md): one that does not exist or is outside the user's scope is a
    422 naming the field, the same answer either way (ids in the path are a 404). No id, no object."""
    if pk is None:
        return None
    try:
        return get(user=user, pk=pk)
    except (Http404, ObjectDoesNotExist):
        raise DjangoValidationError(
            {field: _("Select a valid choice. That choice is not one of the available choices.")}
        ) from None


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, detail: str, errors: list | None = None) -> HttpResponse:
        return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [{"field": _field(e.get("loc", ())), "message": _pydantic_message(e)} for e in exc.errors]
        return respond(request, 422, _("The request has invalid fields."), errors)

    @api.exception_handler(StaleEdit)
    def _stale(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
        detail = _(
            "Someone else saved this record after the version you sent (%(sent)s). Its current values, at "
            "version %(version)s, are in “current”: review them and send your change again."
        ) % {"sent": exc.expected, "version": exc.current_version}
        response = api.create_response(
            request, {"detail": detail, "errors": [], "current": getattr(exc, "representation", None)}, status=409
        )
        response["ETag"] = f'"{exc.current_version}"'
        return response

    @api.exception_handler(DjangoValidationError)
    def _invalid_model(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, 422, _("The request has invalid fields."), django_validation_errors(exc))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, _("Sign in or send a valid API token."))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, _("You do not have permission to do this."))

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, _("Not found."))

    @api.exception_handler(ObjectDoesNotExist)
    def _does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return respond(request, 404, _("Not found."))

    @api.exception_handler(Throttled)
    def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # ninja adds Retry-After (the wait rounded up) to this response; the detail says the same in words
        if exc.wait is None:
            return respond(request, 429, _("Too many requests. Try again later."))
        seconds = max(math.ceil(exc.wait), 1)
        detail = ngettext(
            "Too many requests. Try again in %(seconds)s second.",
            "Too many requests. Try again in %(seconds)s seconds.",
            seconds,
        ) % {"seconds": seconds}
        return respond(request, 429, detail)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if message == NINJA_UNPARSABLE:  # ninja's own words, in English: a body that is not JSON (or not UTF-8)
            message = _("The request body is not valid JSON of the expected shape.")
        return respond(request, exc.status_code, message)
