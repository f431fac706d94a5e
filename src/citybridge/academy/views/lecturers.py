"""Lecturer pages (issue #11): the list (program staff), a profile (the lecturer themself or staff), its edit form,
the availability editor and the lecturer's sessions as an .ics feed. Another user gets 404 (the profile is outside
their scope) or 403 (a page for staff only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core.files import file_response
from citybridge.core.paging import detail_urls
from citybridge.core.validation import add_to_messages
from citybridge.core.views import paginate

from .. import selectors_lecturers as sel
from ..forms_timetable import AvailabilityForm, LecturerCreateForm, LecturerForm
from ..models import LecturerAvailability, LecturerProfile
from ..services import lecturers as svc
from ..templatetags.academy_tags import other_zone
from ._common import _form_page, _save


def _lecturer(request: HttpRequest, pk: int, perm: str = "academy.view_lecturer") -> LecturerProfile:
    lecturer = sel.lecturer_get(user=request.user, pk=pk)  # outside the user's scope: 404
    if not request.user.has_perm(perm, lecturer):
        raise PermissionDenied
    return lecturer


@login_required
def lecturer_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("academy.manage_lecturers"):
        raise PermissionDenied
    q = request.GET.get("q", "")[:100]
    ctx = paginate(request, sel.lecturer_list(user=request.user, q=q))
    detail_urls(ctx["page_obj"], "academy:lecturer", "detail_url")
    return render(request, "academy/lecturer_list.html", {**ctx, "q": q})


@login_required
def lecturer_me(request: HttpRequest) -> HttpResponse:
    """A lecturer's own profile (the navigation's "My profile")."""
    own = sel.lecturer_own(user=request.user)
    if own is None:
        raise Http404
    return redirect("academy:lecturer", pk=own.pk)


@login_required
def lecturer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lecturer = _lecturer(request, pk)
    return render(
        request,
        "academy/lecturer_detail.html",
        {
            "lecturer": lecturer,
            "windows": sel.lecturer_availability(lecturer=lecturer),
            "sessions": sel.lecturer_sessions(lecturer=lecturer),
            "other_zone": other_zone(lecturer.home_timezone),
            "can_edit": request.user.has_perm("academy.change_lecturer", lecturer),
        },
    )


def _profile_initial(lecturer: LecturerProfile) -> dict:
    return {
        "organisation": lecturer.organisation_id,
        "bio_en": lecturer.bio_en,
        "bio_zh_hans": lecturer.bio_zh_hans,
        "topics": list(lecturer.topics.all()),
        "languages": lecturer.languages,
        "needs_interpretation": lecturer.needs_interpretation,
        "home_timezone": lecturer.home_timezone,
        "visiting": lecturer.visiting,
        "preferred_weekdays": [str(d) for d in lecturer.preferred_weekdays],
        "max_sessions_per_day": lecturer.max_sessions_per_day,
        "group_sessions": lecturer.group_sessions,
    }


@login_required
def lecturer_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("academy.manage_lecturers"):
        raise PermissionDenied
    form = LecturerCreateForm(request.POST or None)
    created = {}
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda d: created.update(obj=svc.lecturer_create(actor=request.user, **d)))
    ):
        messages.success(request, _("The lecturer profile was created."))
        return redirect("academy:lecturer", pk=created["obj"].pk)
    return _form_page(request, form, _("Add a lecturer"), reverse("academy:lecturers"))


@login_required
def lecturer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lecturer = _lecturer(request, pk, "academy.change_lecturer")
    form = LecturerForm(request.POST or None, initial=_profile_initial(lecturer), version=lecturer.version)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda d: svc.lecturer_update(actor=request.user, lecturer=lecturer, **d))
    ):
        messages.success(request, _("The profile was saved."))
        return redirect("academy:lecturer", pk=lecturer.pk)
    return _form_page(request, form, _("Edit the profile"), reverse("academy:lecturer", args=[lecturer.pk]))


def _availability_page(
    request: HttpRequest,
    lecturer: LecturerProfile,
    form: AvailabilityForm,
    window: LecturerAvailability | None = None,
) -> HttpResponse:
    return render(
        request,
        "academy/lecturer_availability.html",
        {"lecturer": lecturer, "windows": sel.lecturer_availability(lecturer=lecturer), "form": form, "window": window},
        status=409 if getattr(form, "stale", False) else (422 if form.errors else 200),
    )


@login_required
def lecturer_availability(request: HttpRequest, pk: int) -> HttpResponse:
    """The availability editor: the windows, and a form adding one."""
    lecturer = _lecturer(request, pk, "academy.change_lecturer")
    form = AvailabilityForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda d: svc.availability_save(actor=request.user, lecturer=lecturer, **d))
    ):
        messages.success(request, _("The availability window was added."))
        return redirect("academy:lecturer-availability", pk=lecturer.pk)
    return _availability_page(request, lecturer, form)


def _window(request: HttpRequest, pk: int) -> LecturerAvailability:
    window = sel.availability_get(user=request.user, pk=pk)
    if not request.user.has_perm("academy.change_lecturer", window.lecturer):
        raise PermissionDenied
    return window


@login_required
def availability_edit(request: HttpRequest, pk: int) -> HttpResponse:
    window = _window(request, pk)
    lecturer = window.lecturer
    initial = {
        "start_date": window.start_date,
        "end_date": window.end_date,
        "weekdays": [str(d) for d in window.weekdays],
        "note": window.note,
    }
    form = AvailabilityForm(request.POST or None, initial=initial, version=window.version)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda d: svc.availability_save(actor=request.user, lecturer=lecturer, window=window, **d))
    ):
        messages.success(request, _("The availability window was saved."))
        return redirect("academy:lecturer-availability", pk=lecturer.pk)
    return _availability_page(request, lecturer, form, window)


@login_required
@require_POST
def availability_delete(request: HttpRequest, pk: int) -> HttpResponse:
    window = _window(request, pk)
    try:
        svc.availability_delete(actor=request.user, window=window)
        messages.success(request, _("The availability window was deleted."))
    except ValidationError as exc:
        add_to_messages(request, exc)
    return redirect("academy:lecturer-availability", pk=window.lecturer_id)


@login_required
def lecturer_ics(request: HttpRequest, pk: int) -> HttpResponse:
    lecturer = _lecturer(request, pk)
    host = request.get_host().split(":")[0] or "citybridge"
    data = sel.lecturer_calendar(lecturer=lecturer, host=host)
    return file_response(data, f"lecturer-{lecturer.pk}.ics", "text/calendar; charset=utf-8")
