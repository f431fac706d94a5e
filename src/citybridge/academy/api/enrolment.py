"""Enrolment endpoints: a course's enrolments, enrol, withdraw."""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from citybridge.api.errors import body_ref
from citybridge.core.api import Id, Strict

from .. import selectors, services
from ..models import Enrolment, EnrolmentStatus
from ._common import _course

router = Router()


class EnrolmentOut(Schema):
    id: int
    official_id: int
    name: str
    status: str | None = None
    position: str | None = None
    email: str | None = None


class EnrolIn(Strict):
    official_id: Id
    waitlist: bool = False


def _enrolment_out(e: Enrolment, full: bool, staff: bool = False) -> dict:
    out = {"id": e.pk, "official_id": e.official_id, "name": e.official.person.display_name()}
    if full:  # a withdrawn official's contact is no longer the coordinator's to see
        out.update(
            status=e.status,
            position=e.position,
            email=e.official.person.email if staff or e.status != EnrolmentStatus.WITHDRAWN else None,
        )
    return out


@router.get("/courses/{id:pk}/enrolments", response=list[EnrolmentOut])
def list_enrolments(request: HttpRequest, pk: int) -> list[dict]:
    """Coordinators and staff: everything. Lecturers: names of the confirmed class, nothing else."""
    course = _course(request, pk)
    full = request.auth.has_perm("academy.manage_course", course)
    rows = selectors.course_enrolments(course=course)
    if not full:
        rows = rows.filter(status=EnrolmentStatus.CONFIRMED)
    return [_enrolment_out(e, full, request.auth.is_program_staff) for e in rows]


@router.post("/courses/{id:pk}/enrolments", response={201: EnrolmentOut})
def enrol(request: HttpRequest, pk: int, payload: EnrolIn) -> Status[dict]:
    course = _course(request, pk, "academy.manage_course")
    official = body_ref(selectors.official_get, "official_id", payload.official_id, user=request.auth)
    e = services.enrolment_create(actor=request.auth, course=course, official=official, waitlist=payload.waitlist)
    return Status(201, _enrolment_out(e, True))


@router.post("/enrolments/{id:pk}/withdraw", response=EnrolmentOut)
def withdraw(request: HttpRequest, pk: int) -> dict:
    e = selectors.enrolment_get(user=request.auth, pk=pk)
    _course(request, e.course_id, "academy.manage_course")
    services.enrolment_withdraw(actor=request.auth, enrolment=e)
    return _enrolment_out(e, True)
