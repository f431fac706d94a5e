"""Possible duplicate officials (program staff): list, merge, dismiss."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core.views import paginate

from .. import selectors, services
from ._common import _errors


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("academy.manage_duplicates"):
        raise PermissionDenied
    return render(request, "academy/duplicates.html", paginate(request, selectors.duplicate_list(user=request.user)))


@login_required
@require_POST
def duplicate_resolve(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    dup = selectors.duplicate_get(user=request.user, pk=pk)
    if not request.user.has_perm("academy.manage_duplicates"):
        raise PermissionDenied
    try:
        if action == "merge":
            services.duplicate_merge(actor=request.user, duplicate=dup)
            messages.success(request, _("The two officials were merged."))
        else:
            services.duplicate_dismiss(actor=request.user, duplicate=dup)
            messages.success(request, _("The possible duplicate was dismissed."))
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("academy:duplicates")
