"""Types and helpers every academy API module shares."""

from typing import Literal

from django.core.exceptions import PermissionDenied

from .. import selectors
from ..models import AttendanceStatus, Course, CourseStatus, Motivation, Position, SessionFormat

StatusLit = Literal[tuple(CourseStatus.values)]  # type: ignore[valid-type]


PositionLit = Literal[tuple(Position.values)]  # type: ignore[valid-type]


FormatLit = Literal[tuple(SessionFormat.values)]  # type: ignore[valid-type]


MotivationLit = Literal[tuple(Motivation.values)]  # type: ignore[valid-type]


MarkLit = Literal[tuple([""] + list(AttendanceStatus.values))]  # type: ignore[valid-type]


def _course(request, pk: int, perm: str = "academy.view_course") -> Course:
    course = selectors.course_get(user=request.auth, pk=pk)
    if not request.auth.has_perm(perm, course):
        raise PermissionDenied
    return course
