"""Certificates: issue, revoke, render."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.core.models import User

from .. import certificate as cert_engine
from .. import compliance as comp
from ..models import (
    Certificate,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
)
from ._common import compliance_rules, require
from .summaries import compliance_inputs


def course_training_days(enrolment: Enrolment) -> int:
    inp = compliance_inputs([enrolment.official_id], course_id=enrolment.course_id)[enrolment.official_id]
    return len(comp.credited_days(inp.marks, compliance_rules().day_rule))


@transaction.atomic
def certificate_issue(*, actor: User, enrolment: Enrolment) -> Certificate:
    course = enrolment.course
    require(actor, "academy.manage_course", course)
    if course.status != CourseStatus.COMPLETED:
        raise ValidationError(_("Certificates are issued once the course is completed."))
    if enrolment.status != EnrolmentStatus.CONFIRMED:
        raise ValidationError(_("Only officials confirmed in the class receive a certificate."))
    # the enrolment row locked first: two issues at once wait for each other instead of meeting the
    # one-valid-certificate constraint
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).exists()
    existing = Certificate.objects.filter(enrolment=enrolment, revoked_at__isnull=True).first()
    if existing:
        return existing
    days = course_training_days(enrolment)
    if days == 0:
        raise ValidationError(
            _("%(name)s has no training day in this course, so no certificate can be issued.")
            % {"name": enrolment.official.person.display_name()}
        )
    # a revoked certificate stays (its code verifies as revoked); the new one gets a new code
    code = cert_engine.new_verification_code()
    while Certificate.objects.filter(code=code).exists():  # pragma: no cover - 2**75 codes
        code = cert_engine.new_verification_code()
    return Certificate.objects.create(enrolment=enrolment, code=code, training_days=days, issued_by=actor)


def certificate_issue_all(*, actor: User, course: Course) -> tuple[int, int]:
    """Issue to every confirmed official with at least one training day; returns (issued, skipped).

    Refused, before anything is counted, unless the course is completed (the page and the API both call this)."""
    require(actor, "academy.manage_course", course)
    if course.status != CourseStatus.COMPLETED:
        raise ValidationError(_("Certificates are issued once the course is completed."))
    issued = skipped = 0
    for enrolment in Enrolment.objects.filter(course_id=course.pk, status=EnrolmentStatus.CONFIRMED).select_related(
        "course", "official__person"
    ):
        try:
            certificate_issue(actor=actor, enrolment=enrolment)
            issued += 1
        except ValidationError:
            skipped += 1
    return issued, skipped


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    require(actor, "academy.revoke_certificate", certificate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    if certificate.revoked_at:
        raise ValidationError(_("This certificate is already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason[:500]
    certificate.save()
    return certificate


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    enrolment = certificate.enrolment
    course, person = enrolment.course, enrolment.official.person
    org = course.academy.organisation
    data = cert_engine.CertificateData(
        name_en=person.full_name_en(),
        name_zh=person.full_name_zh(),
        course_en=course.title_en or "",
        course_zh=course.title_zh_hans or "",
        academy_en=org.name_en or "",
        academy_zh=org.name_zh_hans or "",
        start=course.start_date,
        end=course.end_date,
        training_days=certificate.training_days,
        issued_on=timezone.localtime(certificate.issued_at).date(),
        code=certificate.code,
        verify_url=verify_url,
        revoked=not certificate.is_valid,
    )
    return cert_engine.certificate_pdf(data)
