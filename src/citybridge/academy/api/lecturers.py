"""Lecturer endpoints (issue #11): the list (program staff see every lecturer, a lecturer only themself), a
profile and its update (with `version`), availability windows, the lecturer's own sessions and their .ics feed."""

from datetime import date, time
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.core.api import Id, Pagination, Strict, Version
from citybridge.core.files import file_response
from citybridge.core.models import User

from .. import selectors
from .. import selectors_lecturers as sel
from ..models import LecturerAvailability, LecturerLanguage, LecturerProfile, Session, Topic
from ..services import lecturers as svc

router = Router()

LanguageLit = Literal[tuple(LecturerLanguage.values)]  # type: ignore[valid-type]


class LecturerOut(Schema):
    id: int
    person_id: int
    name: str
    organisation_id: int | None
    organisation_name: str | None
    bio: str
    bio_en: str
    bio_zh_hans: str
    topic_ids: list[int]
    languages: list[str]
    needs_interpretation: bool
    home_timezone: str
    visiting: bool
    preferred_weekdays: list[int]
    max_sessions_per_day: int
    group_sessions: bool
    donated_days: int
    version: int

    @staticmethod
    def resolve_name(obj: LecturerProfile) -> str:
        return obj.display_name()

    @staticmethod
    def resolve_organisation_name(obj: LecturerProfile) -> str | None:
        return obj.organisation.display_name() if obj.organisation_id else None

    @staticmethod
    def resolve_bio(obj: LecturerProfile) -> str:
        return obj.display_bio()

    @staticmethod
    def resolve_topic_ids(obj: LecturerProfile) -> list[int]:
        return [t.pk for t in obj.topics.all()]

    @staticmethod
    def resolve_donated_days(obj: LecturerProfile) -> int:
        n = getattr(obj, "donated_days", None)
        return n if n is not None else sel.donated_days(lecturer=obj)


class LecturerPatch(Strict):
    organisation_id: Id | None = None
    bio_en: str | None = Field(None, max_length=4000)
    bio_zh_hans: str | None = Field(None, max_length=4000)
    topic_ids: list[Id] | None = Field(None, max_length=100)
    languages: list[LanguageLit] | None = Field(None, max_length=10)
    needs_interpretation: bool | None = None
    home_timezone: str | None = Field(None, max_length=50)
    visiting: bool | None = None
    preferred_weekdays: list[int] | None = Field(None, max_length=7)
    max_sessions_per_day: int | None = Field(None, ge=1, le=4)
    group_sessions: bool | None = None
    #: the version you read (or send `If-Match: "<version>"`)
    version: Version | None = None


class LecturerIn(LecturerPatch):
    person_id: Id


class AvailabilityWindowOut(Schema):
    id: int
    lecturer_id: int
    start_date: date
    end_date: date
    weekdays: list[int]
    note: str
    version: int


class WindowIn(Strict):
    start_date: date
    end_date: date
    weekdays: list[int] = Field([], max_length=7)
    note: str = Field("", max_length=200)
    #: replacing a window: the version you read (or `If-Match`); ignored when adding one
    version: Version | None = None


class BookedSessionOut(Schema):
    id: int
    course_id: int
    course: str
    academy: str
    date: date
    start_time: time
    end_time: time
    format: str
    title: str

    @staticmethod
    def resolve_course(obj: Session) -> str:
        return obj.course.display_name()

    @staticmethod
    def resolve_academy(obj: Session) -> str:
        return obj.course.academy.display_name()

    @staticmethod
    def resolve_title(obj: Session) -> str:
        return obj.display_title()


def _lecturer(request: HttpRequest, pk: int, perm: str = "academy.view_lecturer") -> LecturerProfile:
    lecturer = sel.lecturer_get(user=request.auth, pk=pk)
    if not request.auth.has_perm(perm, lecturer):
        raise PermissionDenied
    return lecturer


def _topic_get(*, user: User, pk: int) -> Topic:
    return selectors.topic_get(user=user, pk=pk)


def _fields(payload: LecturerPatch, user: User) -> dict:
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    data.pop("person_id", None)
    if "organisation_id" in data:
        from citybridge.core.selectors import organisation_get

        oid = data.pop("organisation_id")
        data["organisation"] = body_ref(organisation_get, "organisation_id", oid, user=user) if oid else None
    if "topic_ids" in data:
        ids = data.pop("topic_ids") or []
        data["topics"] = [body_ref(_topic_get, "topic_ids", i, user=user) for i in ids]
    return data


@router.get("/lecturers", response=list[LecturerOut])
@paginate(Pagination)
def list_lecturers(request: HttpRequest, q: str = Query("", max_length=100)) -> QuerySet[LecturerProfile]:
    """Program staff: every lecturer; a lecturer: their own profile; anyone else: none."""
    return sel.lecturer_list(user=request.auth, q=q)


@router.post("/lecturers", response={201: LecturerOut})
def create_lecturer(request: HttpRequest, payload: LecturerIn) -> Status[LecturerProfile]:
    if not request.auth.has_perm("academy.manage_lecturers"):
        raise PermissionDenied
    from citybridge.core.selectors import person_get

    person = body_ref(person_get, "person_id", payload.person_id, user=request.auth)
    profile = svc.lecturer_create(actor=request.auth, person=person, **_fields(payload, request.auth))
    return Status(201, sel.lecturer_get(user=request.auth, pk=profile.pk))


@router.get("/lecturers/me", response=LecturerOut)
def my_profile(request: HttpRequest, response: HttpResponse) -> LecturerProfile:
    own = sel.lecturer_own(user=request.auth)
    if own is None:
        raise Http404
    etag(response, own)
    return own


@router.get("/lecturers/{id:pk}", response=LecturerOut)
def get_lecturer(request: HttpRequest, pk: int, response: HttpResponse) -> LecturerProfile:
    lecturer = _lecturer(request, pk)
    etag(response, lecturer)
    return lecturer


@router.patch("/lecturers/{id:pk}", response=LecturerOut)
def update_lecturer(request: HttpRequest, pk: int, payload: LecturerPatch, response: HttpResponse) -> LecturerProfile:
    """Staff or the lecturer themself. Send the `version` you read (body or `If-Match`); a stale one is answered
    409 with the current profile."""
    lecturer = _lecturer(request, pk, "academy.change_lecturer")
    with stale_as(LecturerOut, request):
        svc.lecturer_update(
            actor=request.auth,
            lecturer=lecturer,
            expected_version=expected_version(request, payload.version),
            **_fields(payload, request.auth),
        )
    lecturer = sel.lecturer_get(user=request.auth, pk=pk)
    etag(response, lecturer)
    return lecturer


@router.get("/lecturers/{id:pk}/availability", response=list[AvailabilityWindowOut])
def list_windows(request: HttpRequest, pk: int) -> QuerySet[LecturerAvailability]:
    return sel.lecturer_availability(lecturer=_lecturer(request, pk))


@router.post("/lecturers/{id:pk}/availability", response={201: AvailabilityWindowOut})
def add_window(request: HttpRequest, pk: int, payload: WindowIn) -> Status[LecturerAvailability]:
    lecturer = _lecturer(request, pk, "academy.change_lecturer")
    data = payload.model_dump()
    data.pop("version", None)
    return Status(201, svc.availability_save(actor=request.auth, lecturer=lecturer, **data))


def _window(request: HttpRequest, pk: int) -> LecturerAvailability:
    window = sel.availability_get(user=request.auth, pk=pk)
    if not request.auth.has_perm("academy.change_lecturer", window.lecturer):
        raise PermissionDenied
    return window


@router.put("/availability/{id:pk}", response=AvailabilityWindowOut)
def update_window(request: HttpRequest, pk: int, payload: WindowIn, response: HttpResponse) -> LecturerAvailability:
    window = _window(request, pk)
    data = payload.model_dump()
    data.pop("version", None)
    with stale_as(AvailabilityWindowOut, request):
        window = svc.availability_save(
            actor=request.auth,
            lecturer=window.lecturer,
            window=window,
            expected_version=expected_version(request, payload.version),
            **data,
        )
    etag(response, window)
    return window


@router.delete("/availability/{id:pk}", response={204: None})
def delete_window(request: HttpRequest, pk: int) -> Status[None]:
    svc.availability_delete(actor=request.auth, window=_window(request, pk))
    return Status(204, None)


@router.get("/lecturers/{id:pk}/sessions", response=list[BookedSessionOut])
@paginate(Pagination)
def lecturer_sessions(request: HttpRequest, pk: int) -> QuerySet[Session]:
    return sel.lecturer_sessions(lecturer=_lecturer(request, pk))


@router.get("/lecturers/{id:pk}/sessions.ics")
def lecturer_ics(request: HttpRequest, pk: int) -> HttpResponse:
    lecturer = _lecturer(request, pk)
    host = request.get_host().split(":")[0] or "citybridge"
    data = sel.lecturer_calendar(lecturer=lecturer, host=host)
    return file_response(data, f"lecturer-{lecturer.pk}.ics", "text/calendar; charset=utf-8")
