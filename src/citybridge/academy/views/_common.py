"""Helpers every academy page shares: fetch a scoped object, save a form through a service, render the form page."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from citybridge.core.concurrency import StaleEdit, current_values
from citybridge.core.validation import add_to_form

from .. import selectors
from ..models import Course, OfficialProfile

if TYPE_CHECKING:
    from collections.abc import Callable

    from citybridge.core.concurrency import VersionedForm

M = TypeVar("M")


def _save(form: VersionedForm, write: Callable[[dict], object]) -> bool:
    """Call `write(data)` with the form's data, plus the `expected_version` an edit started from. Errors land on the
    form; a stale edit keeps the user's input and shows the saved values beside it."""
    data = form.data_without_version()
    if "version" in form.fields:
        data["expected_version"] = form.expected_version
    try:
        write(data)
        return True
    except StaleEdit as exc:
        form.show_stale(exc, current_values(exc.instance, form.fields))
    except ValidationError as exc:
        add_to_form(form, exc)
    return False


def _form_page(request: HttpRequest, form: VersionedForm, title: str, cancel_url: str) -> HttpResponse:
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url},
        status=409 if getattr(form, "stale", False) else 200,
    )


def _fetch(request: HttpRequest, get: Callable[..., M], pk: int, perm: str) -> M:
    """The object through its scoped selector (missing or outside the user's scope: 404), if the user has `perm` on
    it (else 403)."""
    try:
        obj = get(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
    return obj


def _course(request: HttpRequest, pk: int, perm: str = "academy.view_course") -> Course:
    return _fetch(request, selectors.course_get, pk, perm)


def _official(request: HttpRequest, pk: int, perm: str = "academy.view_official") -> OfficialProfile:
    return _fetch(request, selectors.official_get, pk, perm)
