"""External training pages: delete a record of training taken elsewhere."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ._common import _official


@login_required
@require_POST
def external_training_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.external_training_get(user=request.user, pk=pk)
    official = _official(request, record.official_id, "academy.change_official")
    if not request.user.has_perm("academy.delete_external_training", record):
        raise PermissionDenied
    services.external_training_delete(actor=request.user, record=record)
    messages.success(request, _("The external training was deleted."))
    return redirect("academy:official", pk=official.pk)
