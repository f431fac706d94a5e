"""Session pages: add, edit and delete a course's sessions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core.validation import add_to_messages

from .. import selectors, services
from ..forms import SessionForm
from ._common import _course, _form_page, _save


@login_required
def session_edit(request: HttpRequest, pk: int | None = None, course_pk: int | None = None) -> HttpResponse:
    """A new session of course `course_pk`, or session `pk` edited: the same form and the same service."""
    session = selectors.session_get(user=request.user, pk=pk) if pk else None
    course = _course(request, session.course_id if session else course_pk, "academy.manage_course")
    if session:
        initial = {
            "date": session.date,
            "start_time": session.start_time,
            "end_time": session.end_time,
            "format": session.format,
            "module": session.module_id,
            "title_en": session.title_en,
            "title_zh_hans": session.title_zh_hans,
            "lecturer": session.lecturer_id,
            "site_en": session.site_en,
            "site_zh_hans": session.site_zh_hans,
            "partner": session.partner_id,
        }
    else:
        initial = {"date": course.start_date}
    form = SessionForm(
        request.POST or None, course=course, initial=initial, version=session.version if session else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda d: services.session_save(actor=request.user, course=course, session=session, **d))
    ):
        messages.success(request, _("The session was saved.") if session else _("The session was added."))
        return redirect("academy:course", pk=course.pk)
    return _form_page(
        request, form, _("Edit session") if session else _("New session"), reverse("academy:course", args=[course.pk])
    )


@login_required
@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    course = _course(request, session.course_id, "academy.manage_course")
    try:
        services.session_delete(actor=request.user, session=session)
        messages.success(request, _("The session was deleted."))
    except ValidationError as exc:
        add_to_messages(request, exc)
    return redirect("academy:course", pk=course.pk)
