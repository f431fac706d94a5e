"""Course endpoints: list, create, read, edit, status, checks."""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.core.api import Id, Pagination, Strict, Version

from .. import selectors, services
from ..models import Course, Module
from ._common import StatusLit, _course

router = Router()


class CourseOut(Schema):
    id: int
    academy_id: int
    title: str
    title_en: str
    title_zh_hans: str
    start_date: date
    end_date: date
    location: str
    status: str
    version: int
    #: its confirmed enrolments (kept by the database: academy/confirmed_count.py)
    confirmed: int

    @staticmethod
    def resolve_confirmed(obj: Course) -> int:
        return obj.confirmed_count

    @staticmethod
    def resolve_title(obj: Course) -> str:
        return obj.display_name()

    @staticmethod
    def resolve_title_en(obj: Course) -> str:
        return obj.title_en or ""

    @staticmethod
    def resolve_title_zh_hans(obj: Course) -> str:
        return obj.title_zh_hans or ""

    @staticmethod
    def resolve_location(obj: Course) -> str:
        return obj.location or ""


class CourseIn(Strict):
    academy_id: Id
    title_en: str = Field("", max_length=200)
    title_zh_hans: str = Field("", max_length=200)
    start_date: date
    end_date: date
    location_en: str = Field("", max_length=200)
    location_zh_hans: str = Field("", max_length=200)
    module_ids: list[Id] = Field([], max_length=50)


class CoursePatch(Strict):
    title_en: str | None = Field(None, max_length=200)
    title_zh_hans: str | None = Field(None, max_length=200)
    start_date: date | None = None
    end_date: date | None = None
    location_en: str | None = Field(None, max_length=200)
    location_zh_hans: str | None = Field(None, max_length=200)
    module_ids: list[Id] | None = Field(None, max_length=50)
    #: the version you read (or send `If-Match: "<version>"`)
    version: Version | None = None


class StatusIn(Strict):
    status: StatusLit


class ProblemOut(Schema):
    code: str
    severity: str
    message: str


@router.get("/courses", response=list[CourseOut])
@paginate(Pagination)
def list_courses(request: HttpRequest, status: StatusLit | None = None, academy: Id | None = None) -> QuerySet[Course]:
    return selectors.course_list(user=request.auth, status=status or "", academy=academy)


def _modules(ids: Iterable[int]) -> list[Module]:
    found = {m.pk: m for m in Module.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"module_ids": _("Unknown module: %(ids)s.") % {"ids": ", ".join(map(str, missing))}})
    return [found[i] for i in ids]


@router.post("/courses", response={201: CourseOut})
def create_course(request: HttpRequest, payload: CourseIn) -> Status[Course]:
    data = payload.model_dump()
    academy = body_ref(selectors.academy_get, "academy_id", data.pop("academy_id"), user=request.auth)
    modules = _modules(data.pop("module_ids"))
    return Status(201, services.course_create(actor=request.auth, academy=academy, modules=modules, **data))


@router.get("/courses/{id:pk}", response=CourseOut)
def get_course(request: HttpRequest, pk: int, response: HttpResponse) -> Course:
    course = _course(request, pk)
    etag(response, course)
    return course


@router.patch("/courses/{id:pk}", response=CourseOut)
def update_course(request: HttpRequest, pk: int, payload: CoursePatch, response: HttpResponse) -> Course:
    """Send the `version` you read (body or `If-Match`); a stale one is answered 409 with the current course."""
    course = _course(request, pk, "academy.manage_course")
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    modules = _modules(data.pop("module_ids")) if data.get("module_ids") is not None else None
    data.pop("module_ids", None)
    with stale_as(CourseOut, request):
        course = services.course_update(
            actor=request.auth,
            course=course,
            modules=modules,
            expected_version=expected_version(request, payload.version),
            **data,
        )
    etag(response, course)
    return course


@router.post("/courses/{id:pk}/status", response=CourseOut)
def set_course_status(request: HttpRequest, pk: int, payload: StatusIn) -> Course:
    course = _course(request, pk, "academy.manage_course")
    return services.course_set_status(actor=request.auth, course=course, status=payload.status)


@router.get("/courses/{id:pk}/checks", response=list[ProblemOut])
def course_checks(request: HttpRequest, pk: int) -> list[dict]:
    """The course rules' errors and warnings (length, rest days, class size), in the request's language."""
    from ..messages import problem_message

    course = _course(request, pk, "academy.manage_course")
    return [
        {"code": p.code, "severity": str(p.severity), "message": problem_message(p)}
        for p in services.course_problems(course)
    ]
