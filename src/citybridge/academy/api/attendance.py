"""Attendance endpoint."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from citybridge.core.api import Id, Strict

from .. import services
from ._common import MarkLit, _course

router = Router()


class MarkIn(Strict):
    official_id: Id
    session_id: Id
    status: MarkLit


class AttendanceIn(Strict):
    marks: list[MarkIn] = Field(..., max_length=20000)


class AttendanceOut(Schema):
    changed: int


@router.put("/courses/{id:pk}/attendance", response=AttendanceOut)
def record_attendance(request: HttpRequest, pk: int, payload: AttendanceIn) -> dict:
    course = _course(request, pk, "academy.manage_course")
    marks = [services.Mark(m.official_id, m.session_id, m.status) for m in payload.marks]
    return {"changed": services.attendance_record(actor=request.auth, course=course, marks=marks)}
