"""Enrolment pages: enrol, withdraw, confirm from the waitlist."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core.validation import add_to_messages

from .. import selectors, services
from ..forms import EnrolForm
from ..models import Enrolment, EnrolmentStatus, OfficialProfile
from ._common import _course


@login_required
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, "academy.manage_course")
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            official = selectors.official_list(user=request.user).get(pk=form.cleaned_data["official"])
        except OfficialProfile.DoesNotExist:
            raise Http404
        try:
            e = services.enrolment_create(
                actor=request.user, course=course, official=official, waitlist=form.cleaned_data["waitlist"]
            )
            if e.status == EnrolmentStatus.WAITLISTED:
                messages.success(request, _("%(name)s was put on the waitlist.") % {"name": official.person})
            else:
                messages.success(request, _("%(name)s was enrolled.") % {"name": official.person})
        except ValidationError as exc:
            add_to_messages(request, exc)
    # back to the search the official was found by, to enrol the next one from the same results
    q = request.POST.get("q", "")[:100].strip()
    url = reverse("academy:course", args=[course.pk])
    return redirect(f"{url}?{urlencode({'q': q})}" if q else url)


def _enrolment(request: HttpRequest, pk: int) -> Enrolment:
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    _course(request, enrolment.course_id, "academy.manage_course")
    return enrolment


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    try:
        promoted = services.enrolment_withdraw(actor=request.user, enrolment=enrolment)
        messages.success(request, _("%(name)s was withdrawn.") % {"name": enrolment.official.person})
        if promoted:
            messages.success(
                request, _("%(name)s moved from the waitlist into the class.") % {"name": promoted.official.person}
            )
    except ValidationError as exc:
        add_to_messages(request, exc)
    return redirect("academy:course", pk=enrolment.course_id)


@login_required
@require_POST
def enrolment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    try:
        services.enrolment_confirm(actor=request.user, enrolment=enrolment)
        messages.success(request, _("%(name)s was enrolled.") % {"name": enrolment.official.person})
    except ValidationError as exc:
        add_to_messages(request, exc)
    return redirect("academy:course", pk=enrolment.course_id)
