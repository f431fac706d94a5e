"""Certificate endpoints: issue, revoke and the public verification."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Router, Schema

from citybridge.core.api import Strict

from .. import selectors, services
from ..certificate import normalise_code
from ..models import Certificate
from ._common import _course

router = Router()


class VerifyOut(Schema):
    code: str
    valid: bool
    name: str
    course: str
    academy: str
    start_date: date
    end_date: date
    training_days: int


@router.get("/certificates/{code}", response=VerifyOut, auth=None)
def verify_certificate(request: HttpRequest, code: str) -> dict:
    """Public: confirm a certificate by its verification code."""
    from django.http import Http404

    normal = normalise_code(code[:40])
    cert = selectors.certificate_by_code(normal) if normal else None
    if cert is None:
        raise Http404
    e = cert.enrolment
    person = e.official.person
    return {
        "code": cert.code,
        "valid": cert.is_valid,
        "name": f"{person.full_name_zh()} {person.full_name_en()}".strip(),
        "course": e.course.display_name(),
        "academy": e.course.academy.display_name(),
        "start_date": e.course.start_date,
        "end_date": e.course.end_date,
        "training_days": cert.training_days,
    }


class IssuedOut(Schema):
    issued: int
    skipped: int


class RevokeIn(Strict):
    reason: str = Field(..., max_length=500)


class CertificateOut(Schema):
    id: int
    code: str
    training_days: int
    valid: bool

    @staticmethod
    def resolve_valid(obj) -> bool:
        return obj.is_valid


@router.post("/courses/{id:pk}/certificates", response=IssuedOut)
def issue_certificates(request: HttpRequest, pk: int) -> dict:
    """Issue certificates to every confirmed official with at least one training day (completed courses)."""
    course = _course(request, pk, "academy.manage_course")
    issued, skipped = services.certificate_issue_all(actor=request.auth, course=course)
    return {"issued": issued, "skipped": skipped}


@router.post("/certificates/{id:pk}/revoke", response=CertificateOut)
def revoke_certificate(request: HttpRequest, pk: int, payload: RevokeIn) -> Certificate:
    cert = selectors.certificate_get(user=request.auth, pk=pk)
    _course(request, cert.enrolment.course_id)
    return services.certificate_revoke(actor=request.auth, certificate=cert, reason=payload.reason)
