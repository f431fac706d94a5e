"""Certificate pages: issue, download, revoke and the public verification page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core.files import file_response

from .. import selectors, services
from ..certificate import normalise_code
from ..forms import RevokeForm
from ..models import Certificate
from ._common import _course, _errors, _form_error


@login_required
@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, "academy.manage_course")
    try:
        issued, skipped = services.certificate_issue_all(actor=request.user, course=course)
        messages.success(
            request,
            _("%(issued)s certificates issued; %(skipped)s officials without a training day were skipped.")
            % {"issued": issued, "skipped": skipped},
        )
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("academy:course", pk=course.pk)


def _certificate(request, pk) -> Certificate:
    cert = selectors.certificate_get(user=request.user, pk=pk)
    _course(request, cert.enrolment.course_id, "academy.manage_course")
    return cert


@login_required
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    cert = _certificate(request, pk)
    url = request.build_absolute_uri(reverse("academy:verify-code", args=[cert.code]))
    return file_response(services.certificate_pdf(cert, url), f"certificate-{cert.code}.pdf", "application/pdf")


@login_required
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    cert = _certificate(request, pk)
    if not request.user.has_perm("academy.revoke_certificate", cert):
        raise PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(actor=request.user, certificate=cert, reason=form.cleaned_data["reason"])
            messages.success(request, _("The certificate was revoked."))
            return redirect("academy:course", pk=cert.enrolment.course_id)
        except ValidationError as exc:
            _form_error(form, exc)
    return render(
        request,
        "academy/form.html",
        {
            "form": form,
            "title": _("Revoke certificate %(code)s") % {"code": cert.code},
            "submit_label": _("Revoke the certificate"),
            "submit_class": "outline secondary",
            "confirm_message": _(
                "Revoke this certificate? Verification will show it as revoked; this cannot be undone."
            ),
            "cancel_url": reverse("academy:course", args=[cert.enrolment.course_id]),
        },
    )


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: anyone holding a code can confirm a certificate (name, course, academy, dates, validity)."""
    typed = code or request.GET.get("code", "")
    typed = typed[:40]
    normal = normalise_code(typed) if typed else None
    cert = selectors.certificate_by_code(normal) if normal else None
    return render(
        request,
        "academy/verify.html",
        {
            "typed": typed,
            "certificate": cert,
            "malformed": bool(typed) and normal is None,
            "not_found": bool(normal) and cert is None,
        },
        status=404 if typed and cert is None else 200,
    )
