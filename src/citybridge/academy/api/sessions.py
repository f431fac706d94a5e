"""Session endpoints: a course's sessions, edit and delete one."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.core.api import Id, Strict, TimeOfDay, Version, language_texts
from citybridge.core.models import User

from .. import selectors, services
from ..models import Session
from ._common import FormatLit, _course

router = Router()

LECTURER_ID = (
    "The lecturer's person id: `person_id` in GET /academy/lecturers (not that list's `id`, which is the lecturer's "
    "profile)."
)
#: the service's names for what the body gives as ids
_BODY_FIELDS = {"lecturer": "lecturer_id", "partner": "partner_id", "module": "module_id"}


class SessionOut(Schema):
    id: int
    date: date
    start_time: time
    end_time: time
    format: str
    module_id: int | None
    title: str
    lecturer_id: int | None = Field(description=LECTURER_ID)
    lecturer_name: str | None
    site: str  # in the request's language (else the other)
    site_en: str
    site_zh_hans: str
    partner_id: int | None
    version: int

    @staticmethod
    def resolve_title(obj: Session) -> str:
        return obj.display_title()

    @staticmethod
    def resolve_site_en(obj: Session) -> str:
        return obj.site_en or ""

    @staticmethod
    def resolve_site_zh_hans(obj: Session) -> str:
        return obj.site_zh_hans or ""

    @staticmethod
    def resolve_lecturer_name(obj: Session) -> str | None:
        return obj.lecturer.display_name() if obj.lecturer_id else None


class SessionIn(Strict):
    date: date
    start_time: TimeOfDay
    end_time: TimeOfDay
    format: FormatLit = "lecture"
    module_id: Id | None = None
    title_en: str = Field("", max_length=200)
    title_zh_hans: str = Field("", max_length=200)
    lecturer_id: Id | None = Field(None, description=LECTURER_ID)
    site_en: str | None = Field(None, max_length=200)
    site_zh_hans: str | None = Field(None, max_length=200)
    #: the site in the request's language only (the other language's is kept), when neither of the two is sent
    site: str | None = Field(None, max_length=200)
    partner_id: Id | None = None
    #: replacing a session: the version you read (or send `If-Match: "<version>"`); ignored when adding one
    version: Version | None = None


@router.get("/courses/{id:pk}/sessions", response=list[SessionOut])
def list_sessions(request: HttpRequest, pk: int) -> QuerySet[Session]:
    return selectors.course_sessions(course=_course(request, pk))


@router.post("/courses/{id:pk}/sessions", response={201: SessionOut})
def create_session(request: HttpRequest, pk: int, payload: SessionIn, response: HttpResponse) -> Status[Session]:
    course = _course(request, pk, "academy.manage_course")
    with _as_body_fields():
        session = services.session_save(actor=request.auth, course=course, **_session_fields(payload, request.auth))
    etag(response, session)
    return Status(201, session)


def _session_fields(payload: SessionIn, user: User) -> dict:
    from citybridge.core.models import Organisation, Person

    data = payload.model_dump()
    data.pop("version", None)
    language_texts(data, "site")
    module_id, lecturer_id, partner_id = (data.pop(k) for k in ("module_id", "lecturer_id", "partner_id"))
    data["module"] = body_ref(selectors.module_get, "module_id", module_id, user=user) if module_id else None
    # an unknown id gets the same answer as a person who is not a lecturer: the service checks both
    data["lecturer"] = (
        _or_invalid(
            Person.objects.filter(pk=lecturer_id).first(),
            "lecturer_id",
            _("Select a lecturer: a person with a lecturer's account."),
        )
        if lecturer_id
        else None
    )
    data["partner"] = (
        _or_invalid(
            Organisation.objects.filter(pk=partner_id).first(),
            "partner_id",
            _("Select a partner organisation (not a training academy)."),
        )
        if partner_id
        else None
    )
    return data


@contextmanager
def _as_body_fields() -> Iterator[None]:
    """The service's errors under the body's field names (`lecturer_id`, not `lecturer`)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({_BODY_FIELDS.get(k, k): v for k, v in exc.error_dict.items()}) from None


def _or_invalid(obj: Any, field: str, message: str) -> Any:
    if obj is None:
        raise ValidationError({field: message})
    return obj


@router.put("/sessions/{id:pk}", response=SessionOut)
def update_session(request: HttpRequest, pk: int, payload: SessionIn, response: HttpResponse) -> Session:
    """Replace a session's date, times, format, module, title, lecturer, site and partner. Send the `version` you
    read (body or `If-Match`); a stale one is answered 409 with the current session."""
    session = selectors.session_get(user=request.auth, pk=pk)
    course = _course(request, session.course_id, "academy.manage_course")
    with stale_as(SessionOut, request), _as_body_fields():
        session = services.session_save(
            actor=request.auth,
            course=course,
            session=session,
            expected_version=expected_version(request, payload.version),
            **_session_fields(payload, request.auth),
        )
    etag(response, session)
    return session


@router.delete("/sessions/{id:pk}", response={204: None})
def delete_session(request: HttpRequest, pk: int) -> Status[None]:
    session = selectors.session_get(user=request.auth, pk=pk)
    _course(request, session.course_id, "academy.manage_course")
    services.session_delete(actor=request.auth, session=session)
    return Status(204, None)
