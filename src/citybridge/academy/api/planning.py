"""Planning inputs of the timetable (issue #11), as on the course's Timetable tab: a module's session needs, the
partners' events, the academy's own blackout dates (scoped like the tab: who may plan the course), and the
site-visit hosts' open days (program staff). List, create, update (with `version`, or `If-Match`), delete."""

from datetime import date
from functools import partial
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.core.api import Id, Strict, Version
from citybridge.core.concurrency import StaleEdit
from citybridge.core.history import actor_name
from citybridge.core.models import Organisation, Person, User
from citybridge.core.selectors import organisation_get

from .. import selectors
from .. import selectors_timetable as tsel
from ..models import (
    BlackoutDate,
    CourseModule,
    CoursePlanning,
    ModuleSessionNeed,
    PartnerEvent,
    SessionFormat,
    SiteHost,
    Topic,
)
from ..services import timetable as svc
from ._common import _course
from .timetable import Weights

router = Router()

FormatLit = Literal[tuple(SessionFormat.values)]  # type: ignore[valid-type]
PLAN = "academy.plan_course"


# --------------------------------------------------------------------------- module session needs


class NeedOut(Schema):
    id: int
    course_module_id: int
    module_id: int
    format: str
    count: int
    title_en: str | None
    title_zh_hans: str | None
    lecturer_id: int | None
    host_id: int | None
    topic_id: int | None
    evening: bool
    version: int

    @staticmethod
    def resolve_module_id(obj: ModuleSessionNeed) -> int:
        return obj.course_module.module_id


class NeedIn(Strict):
    course_module_id: Id
    format: FormatLit = "lecture"
    count: int = Field(1, ge=1, le=20)
    title_en: str = Field("", max_length=200)
    title_zh_hans: str = Field("", max_length=200)
    lecturer_id: Id | None = None
    host_id: Id | None = None
    topic_id: Id | None = None
    evening: bool = False
    #: updating: the version you read (or `If-Match`); ignored when adding
    version: Version | None = None


def _course_module(*, user: User, pk: int, course_id: int) -> CourseModule:
    from django.http import Http404

    cm = CourseModule.objects.filter(pk=pk, course_id=course_id).first()
    if cm is None:
        raise Http404
    return cm


def _lecturer_person(*, user: User, pk: int) -> Person:
    """A lecturer to ask for: any person with a lecturer profile (as the tab's choices; planners pick from all)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Person.objects.filter(lecturer_profile__isnull=False), pk=pk)


def _host_org(*, user: User, pk: int) -> Organisation:
    """A site-visit host to ask for: any organisation that is not an academy (as the tab's choices)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Organisation.objects.exclude(type="academy"), pk=pk)


def _topic(*, user: User, pk: int) -> Topic:
    return selectors.topic_get(user=user, pk=pk)


def _need_fields(payload: NeedIn, user: User, course_id: int) -> tuple[CourseModule, dict]:
    cm = body_ref(partial(_course_module, course_id=course_id), "course_module_id", payload.course_module_id, user=user)
    data = payload.model_dump(exclude={"course_module_id", "version", "lecturer_id", "host_id", "topic_id"})
    data["lecturer"] = (
        body_ref(_lecturer_person, "lecturer_id", payload.lecturer_id, user=user) if payload.lecturer_id else None
    )
    data["host"] = body_ref(_host_org, "host_id", payload.host_id, user=user) if payload.host_id else None
    data["topic"] = body_ref(_topic, "topic_id", payload.topic_id, user=user) if payload.topic_id else None
    return cm, data


@router.get("/courses/{id:pk}/needs", response=list[NeedOut])
def list_needs(request: HttpRequest, pk: int) -> QuerySet[ModuleSessionNeed]:
    """What each module of the course needs (who may plan the course)."""
    course = _course(request, pk, PLAN)
    return tsel.course_needs(course=course).select_related("course_module")


@router.post("/courses/{id:pk}/needs", response={201: NeedOut})
def add_need(request: HttpRequest, pk: int, payload: NeedIn) -> Status[ModuleSessionNeed]:
    course = _course(request, pk, PLAN)
    cm, data = _need_fields(payload, request.auth, course.pk)
    return Status(201, svc.need_save(actor=request.auth, course_module=cm, **data))


def _need(request: HttpRequest, pk: int) -> ModuleSessionNeed:
    need = tsel.need_get(user=request.auth, pk=pk)
    _course(request, need.course_module.course_id, PLAN)
    return need


@router.put("/needs/{id:pk}", response=NeedOut)
def update_need(request: HttpRequest, pk: int, payload: NeedIn, response: HttpResponse) -> ModuleSessionNeed:
    need = _need(request, pk)
    cm, data = _need_fields(payload, request.auth, need.course_module.course_id)
    with stale_as(NeedOut, request):
        need = svc.need_save(
            actor=request.auth,
            course_module=cm,
            need=need,
            expected_version=expected_version(request, payload.version),
            **data,
        )
    etag(response, need)
    return need


@router.delete("/needs/{id:pk}", response={204: None})
def delete_need(request: HttpRequest, pk: int) -> Status[None]:
    svc.need_delete(actor=request.auth, need=_need(request, pk))
    return Status(204, None)


# --------------------------------------------------------------------------- partner events


class PartnerEventOut(Schema):
    id: int
    course_id: int
    partner_id: int
    format: str
    title_en: str | None
    title_zh_hans: str | None
    requested_date: date | None
    evening: bool
    version: int


class PartnerEventIn(Strict):
    partner_id: Id
    format: Literal["dinner", "lunch", "exhibition", "workshop"] = "dinner"
    title_en: str = Field("", max_length=200)
    title_zh_hans: str = Field("", max_length=200)
    requested_date: date | None = None
    evening: bool = True
    version: Version | None = None


def _event_fields(payload: PartnerEventIn, user: User) -> dict:
    data = payload.model_dump(exclude={"partner_id", "version"})
    data["partner"] = body_ref(_host_org, "partner_id", payload.partner_id, user=user)
    return data


@router.get("/courses/{id:pk}/partner-events", response=list[PartnerEventOut])
def list_events(request: HttpRequest, pk: int) -> QuerySet[PartnerEvent]:
    return tsel.course_partner_events(course=_course(request, pk, PLAN))


@router.post("/courses/{id:pk}/partner-events", response={201: PartnerEventOut})
def add_event(request: HttpRequest, pk: int, payload: PartnerEventIn) -> Status[PartnerEvent]:
    course = _course(request, pk, PLAN)
    return Status(
        201, svc.partner_event_save(actor=request.auth, course=course, **_event_fields(payload, request.auth))
    )


def _event(request: HttpRequest, pk: int) -> PartnerEvent:
    event = tsel.partner_event_get(user=request.auth, pk=pk)
    _course(request, event.course_id, PLAN)
    return event


@router.put("/partner-events/{id:pk}", response=PartnerEventOut)
def update_event(request: HttpRequest, pk: int, payload: PartnerEventIn, response: HttpResponse) -> PartnerEvent:
    event = _event(request, pk)
    with stale_as(PartnerEventOut, request):
        event = svc.partner_event_save(
            actor=request.auth,
            course=event.course,
            event=event,
            expected_version=expected_version(request, payload.version),
            **_event_fields(payload, request.auth),
        )
    etag(response, event)
    return event


@router.delete("/partner-events/{id:pk}", response={204: None})
def delete_event(request: HttpRequest, pk: int) -> Status[None]:
    svc.partner_event_delete(actor=request.auth, event=_event(request, pk))
    return Status(204, None)


# --------------------------------------------------------------------------- the academy's blackout dates


class BlackoutOut(Schema):
    id: int
    academy_id: int
    date: date
    reason_en: str | None
    reason_zh_hans: str | None
    version: int


class BlackoutIn(Strict):
    date: date
    reason_en: str = Field("", max_length=200)
    reason_zh_hans: str = Field("", max_length=200)
    version: Version | None = None


@router.get("/courses/{id:pk}/blackout-dates", response=list[BlackoutOut])
def list_blackouts(request: HttpRequest, pk: int) -> QuerySet[BlackoutDate]:
    """The course's academy's own closure days (China's public holidays come from chinesecalendar)."""
    return tsel.academy_blackouts(course=_course(request, pk, PLAN))


@router.post("/courses/{id:pk}/blackout-dates", response={201: BlackoutOut})
def add_blackout(request: HttpRequest, pk: int, payload: BlackoutIn) -> Status[BlackoutDate]:
    course = _course(request, pk, PLAN)
    return Status(
        201,
        svc.blackout_save(
            actor=request.auth,
            academy=course.academy,
            day=payload.date,
            reason_en=payload.reason_en,
            reason_zh_hans=payload.reason_zh_hans,
        ),
    )


def _blackout(request: HttpRequest, pk: int) -> BlackoutDate:
    blackout = tsel.blackout_get(user=request.auth, pk=pk)
    if not request.auth.has_perm(PLAN, blackout.academy):
        raise PermissionDenied
    return blackout


@router.put("/blackout-dates/{id:pk}", response=BlackoutOut)
def update_blackout(request: HttpRequest, pk: int, payload: BlackoutIn, response: HttpResponse) -> BlackoutDate:
    blackout = _blackout(request, pk)
    with stale_as(BlackoutOut, request):
        blackout = svc.blackout_save(
            actor=request.auth,
            academy=blackout.academy,
            blackout=blackout,
            expected_version=expected_version(request, payload.version),
            day=payload.date,
            reason_en=payload.reason_en,
            reason_zh_hans=payload.reason_zh_hans,
        )
    etag(response, blackout)
    return blackout


@router.delete("/blackout-dates/{id:pk}", response={204: None})
def delete_blackout(request: HttpRequest, pk: int) -> Status[None]:
    svc.blackout_delete(actor=request.auth, blackout=_blackout(request, pk))
    return Status(204, None)


# --------------------------------------------------------------------------- timetable settings and locks


class SettingsOut(Schema):
    course_id: int
    #: 0 = Monday … 6 = Sunday; null: no preference
    rest_weekday: int | None
    #: the soft goals' weights (0 – 1000) that differ from the engine's defaults
    weights: dict[str, int]
    version: int


class SettingsIn(Strict):
    rest_weekday: int | None = Field(None, ge=0, le=6)
    weights: Weights | None = None
    #: the version you read (or `If-Match`): 0 for settings never saved, as the GET answers; not needed the first time
    version: int | None = Field(None, ge=0, le=2**31 - 1)


def _settings_out(planning: CoursePlanning | None, course_id: int) -> dict:
    if planning is None:
        return {"course_id": course_id, "rest_weekday": None, "weights": {}, "version": 0}
    return {
        "course_id": course_id,
        "rest_weekday": planning.rest_weekday,
        "weights": dict(planning.weights or {}),
        "version": planning.version,
    }


@router.get("/courses/{id:pk}/timetable-settings", response=SettingsOut)
def get_timetable_settings(request: HttpRequest, pk: int, response: HttpResponse) -> dict:
    """The course's preferred rest weekday and soft-goal weights, as on the Timetable tab (version 0: never saved)."""
    course = _course(request, pk, PLAN)
    out = _settings_out(tsel.planning_settings(course=course), course.pk)
    response["ETag"] = f'"{out["version"]}"'
    return out


@router.put("/courses/{id:pk}/timetable-settings", response=SettingsOut)
def save_timetable_settings(request: HttpRequest, pk: int, payload: SettingsIn, response: HttpResponse) -> dict:
    """Replace the settings. Send the `version` you read; a stale one is answered 409 with the current values."""
    course = _course(request, pk, PLAN)
    weights = {k: v for k, v in (payload.weights.model_dump() if payload.weights else {}).items() if v is not None}
    try:
        planning = svc.planning_save(
            actor=request.auth,
            course=course,
            rest_weekday=payload.rest_weekday,
            weights=weights,
            expected_version=expected_version(request, payload.version),
        )
    except StaleEdit as exc:
        exc.representation = _settings_out(exc.instance, course.pk)
        raise
    out = _settings_out(planning, course.pk)
    response["ETag"] = f'"{out["version"]}"'
    return out


class LockIn(Strict):
    locked: bool


class LockOut(Schema):
    session_id: int
    locked: bool
    locked_by: str | None


@router.put("/sessions/{id:pk}/lock", response=LockOut)
def lock_session(request: HttpRequest, pk: int, payload: LockIn) -> dict:
    """Lock a session where it is (generating or re-planning keeps it) or unlock it, as on the Timetable tab."""
    session = selectors.session_get(user=request.auth, pk=pk)
    _course(request, session.course_id, PLAN)
    plan = svc.session_lock(actor=request.auth, session=session, locked=payload.locked)
    return {
        "session_id": session.pk,
        "locked": plan.locked,
        "locked_by": actor_name(plan.locked_by) if plan.locked_by else None,
    }


# --------------------------------------------------------------------------- site-visit hosts' open days


class HostOut(Schema):
    id: int
    organisation_id: int
    weekdays: list[int]
    open_from: date | None
    open_until: date | None
    closed_dates: list[date]
    version: int


class HostIn(Strict):
    weekdays: list[int] = Field([], max_length=7)
    open_from: date | None = None
    open_until: date | None = None
    closed_dates: list[date] = Field([], max_length=366)
    version: Version | None = None


class HostNew(HostIn):
    organisation_id: Id


def _hosts_allowed(request: HttpRequest) -> None:
    if not request.auth.has_perm("academy.manage_site_hosts"):
        raise PermissionDenied


def _host_fields(payload: HostIn) -> dict:
    return payload.model_dump(include={"weekdays", "open_from", "open_until", "closed_dates"})


@router.get("/site-hosts", response=list[HostOut])
def list_hosts(request: HttpRequest) -> QuerySet[SiteHost]:
    """The organisations that receive site visits, and their days (program staff; others get an empty list)."""
    return tsel.site_host_list(user=request.auth)


@router.post("/site-hosts", response={201: HostOut})
def add_host(request: HttpRequest, payload: HostNew) -> Status[SiteHost]:
    _hosts_allowed(request)
    org = body_ref(organisation_get, "organisation_id", payload.organisation_id, user=request.auth)
    if SiteHost.objects.filter(organisation=org).exists():
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"organisation_id": _("This organisation is already a site-visit host.")})
    return Status(201, svc.site_host_save(actor=request.auth, organisation=org, **_host_fields(payload)))


@router.put("/site-hosts/{id:pk}", response=HostOut)
def update_host(request: HttpRequest, pk: int, payload: HostIn, response: HttpResponse) -> SiteHost:
    host = tsel.site_host_get(user=request.auth, pk=pk)  # program staff only: others get 404
    _hosts_allowed(request)
    with stale_as(HostOut, request):
        host = svc.site_host_save(
            actor=request.auth,
            organisation=host.organisation,
            expected_version=expected_version(request, payload.version),
            **_host_fields(payload),
        )
    etag(response, host)
    return host


@router.delete("/site-hosts/{id:pk}", response={204: None})
def delete_host(request: HttpRequest, pk: int) -> Status[None]:
    host = tsel.site_host_get(user=request.auth, pk=pk)
    _hosts_allowed(request)
    svc.site_host_delete(actor=request.auth, host=host)
    return Status(204, None)
