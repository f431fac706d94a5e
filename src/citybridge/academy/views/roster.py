"""Roster import pages (a course's roster or the officials' register) and the roster template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from citybridge.core.files import XLSX, file_response

from .. import selectors, services
from ..forms import RosterForm
from ..roster import template_xlsx
from ._common import _course, _errors


@login_required
def roster_import(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Upload → preview (per row: new, already enrolled, changed details, errors; nothing imported) → confirm."""
    course = _course(request, pk, "academy.manage_course") if pk else None
    if course is None and not request.user.has_perm("academy.add_official"):
        raise PermissionDenied
    if request.method == "POST" and "upload" in request.POST:
        return _roster_confirm(request, course)
    form = RosterForm(request.POST or None, request.FILES or None)
    report = upload = None
    status = 200
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]  # bounded and typed by RosterForm (check_upload)
        data = file.read()
        overflow = form.cleaned_data["overflow_to_waitlist"]
        report = services.roster_import(
            actor=request.user,
            data=data,
            filename=file.name,
            course=course,
            overflow_to_waitlist=overflow,
            dry_run=True,
        )
        if report.ok:
            upload = services.roster_upload_store(
                actor=request.user, data=data, filename=file.name, course=course, overflow_to_waitlist=overflow
            )
        else:
            status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "academy/roster_import.html",
        {"form": form, "course": course, "report": report, "upload": upload},
        status=status,
    )


def _roster_confirm(request: HttpRequest, course) -> HttpResponse:
    upload = selectors.roster_upload(user=request.user, pk=request.POST["upload"], course=course)
    if upload is None:
        messages.error(request, _("This preview has expired or was already imported: upload the file again."))
        return redirect(request.path)
    confirmed = set(request.POST.getlist("change"))
    try:
        report = services.roster_upload_confirm(
            actor=request.user, upload=upload, sha256=request.POST.get("sha256", ""), apply_changes=confirmed
        )
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
        return redirect(request.path)
    if not report.ok:
        return render(
            request,
            "academy/roster_import.html",
            {"form": RosterForm(), "course": course, "report": report},
            status=422,
        )
    messages.success(
        request,
        _("Imported %(rows)s officials: %(created)s new, %(matched)s already known.")
        % {"rows": report.created + report.matched, "created": report.created, "matched": report.matched},
    )
    applied = sum(1 for row in report.rows for c in row["changes"] if c["key"] in confirmed)
    if report.skipped or applied:
        messages.info(
            request,
            _("%(skipped)s already enrolled (left as they were); %(changes)s changed details applied.")
            % {"skipped": report.skipped, "changes": applied},
        )
    return redirect("academy:course", pk=course.pk) if course else redirect("academy:officials")


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("academy.add_official"):
        raise PermissionDenied
    return file_response(template_xlsx(), "citybridge-roster-template.xlsx", XLSX)
