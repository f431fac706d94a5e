"""Helpers every academy page shares: fetch a scoped object, save a form through a service, render the form page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from citybridge.core.concurrency import StaleEdit, current_values

from .. import selectors
from ..models import Course, OfficialProfile


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _form_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc)


def _save(form, write) -> bool:
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
        _form_error(form, exc)
    return False


def _form_page(request, form, title, cancel_url) -> HttpResponse:
    return render(
        request,
        "academy/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url},
        status=409 if getattr(form, "stale", False) else 200,
    )


def _course(request: HttpRequest, pk: int, perm: str = "academy.view_course") -> Course:
    try:
        course = selectors.course_get(user=request.user, pk=pk)
    except Course.DoesNotExist:
        raise Http404
    if not request.user.has_perm(perm, course):
        raise PermissionDenied
    return course


def _official(request: HttpRequest, pk: int, perm: str = "academy.view_official") -> OfficialProfile:
    try:
        official = selectors.official_get(user=request.user, pk=pk)
    except OfficialProfile.DoesNotExist:
        raise Http404
    if not request.user.has_perm(perm, official):
        raise PermissionDenied
    return official
