"""Government Training API: /api/v1/academy/… — the same services and selectors as the pages."""

from datetime import date, datetime, time
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.core.api import Id, Pagination, Strict, Version

from . import selectors, services
from .certificate import normalise_code
from .forms import check_roster_upload
from .models import (
    Academy,
    AttendanceStatus,
    Certificate,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    ExternalTraining,
    Module,
    Motivation,
    OfficialProfile,
    Position,
    PossibleDuplicate,
    Session,
    SessionFormat,
    Topic,
    TrainingSummary,
)

router = Router(tags=["academy"])

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


# --------------------------------------------------------------------------- curriculum


class AcademyOut(Schema):
    id: int
    organisation_id: int
    name: str
    official: bool
    managed_by_program: bool
    version: int

    @staticmethod
    def resolve_name(obj: Academy) -> str:
        return obj.display_name()


class TopicOut(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    name_zh_hans: str
    motivations: list[str]
    version: int

    @staticmethod
    def resolve_name(obj: Topic) -> str:
        return obj.display_name()

    @staticmethod
    def resolve_name_zh_hans(obj: Topic) -> str:
        return obj.name_zh_hans or ""

    @staticmethod
    def resolve_name_en(obj: Topic) -> str:
        return obj.name_en or ""


class TopicIn(Strict):
    slug: str = Field(..., max_length=60)
    name_en: str = Field("", max_length=200)
    name_zh_hans: str = Field("", max_length=200)
    description_en: str = Field("", max_length=2000)
    description_zh_hans: str = Field("", max_length=2000)
    motivations: list[MotivationLit] = []
    order: int = Field(0, ge=0, le=1000)


class ModuleOut(Schema):
    id: int
    title: str
    title_en: str
    title_zh_hans: str
    days: int
    formats: list[str]
    topic_ids: list[int]
    version: int

    @staticmethod
    def resolve_title(obj: Module) -> str:
        return obj.display_name()

    @staticmethod
    def resolve_title_en(obj: Module) -> str:
        return obj.title_en or ""

    @staticmethod
    def resolve_title_zh_hans(obj: Module) -> str:
        return obj.title_zh_hans or ""

    @staticmethod
    def resolve_topic_ids(obj: Module) -> list[int]:
        return [t.pk for t in obj.topics.all()]


class ModuleIn(Strict):
    title_en: str = Field("", max_length=200)
    title_zh_hans: str = Field("", max_length=200)
    objectives_en: str = Field("", max_length=4000)
    objectives_zh_hans: str = Field("", max_length=4000)
    days: int = Field(..., ge=0, le=365)
    formats: list[FormatLit] = []
    topic_ids: list[Id] = Field([], max_length=50)


@router.get("/academies", response=list[AcademyOut])
def list_academies(request: HttpRequest) -> QuerySet[Academy]:
    return selectors.academy_list(user=request.auth)


@router.get("/topics", response=list[TopicOut])
def list_topics(request: HttpRequest) -> QuerySet[Topic]:
    return selectors.topic_list(user=request.auth)


@router.post("/topics", response={201: TopicOut})
def create_topic(request: HttpRequest, payload: TopicIn) -> Status[Topic]:
    return Status(201, services.topic_save(actor=request.auth, **payload.model_dump()))


@router.get("/modules", response=list[ModuleOut])
def list_modules(request: HttpRequest) -> QuerySet[Module]:
    return selectors.module_list(user=request.auth)


@router.post("/modules", response={201: ModuleOut})
def create_module(request: HttpRequest, payload: ModuleIn) -> Status[Module]:
    data = payload.model_dump()
    topics = list(Topic.objects.filter(pk__in=data.pop("topic_ids")))
    return Status(201, services.module_save(actor=request.auth, topics=topics, **data))


# --------------------------------------------------------------------------- courses and sessions


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
    confirmed: int | None = None

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
    module_ids: list[int] | None = None
    #: the version you read (or send `If-Match: "<version>"`)
    version: Version | None = None


class StatusIn(Strict):
    status: StatusLit


class ProblemOut(Schema):
    code: str
    severity: str
    message: str


class SessionOut(Schema):
    id: int
    date: date
    start_time: time
    end_time: time
    format: str
    module_id: int | None
    title: str
    lecturer_id: int | None
    lecturer_name: str | None
    site: str
    partner_id: int | None
    version: int

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.display_title()

    @staticmethod
    def resolve_lecturer_name(obj) -> str | None:
        return obj.lecturer.display_name() if obj.lecturer_id else None


class SessionIn(Strict):
    date: date
    start_time: time
    end_time: time
    format: FormatLit = "lecture"
    module_id: Id | None = None
    title_en: str = Field("", max_length=200)
    title_zh_hans: str = Field("", max_length=200)
    lecturer_id: Id | None = None
    site: str = Field("", max_length=200)
    partner_id: Id | None = None
    #: replacing a session: the version you read (or send `If-Match: "<version>"`); ignored when adding one
    version: Version | None = None


@router.get("/courses", response=list[CourseOut])
@paginate(Pagination)
def list_courses(request: HttpRequest, status: StatusLit | None = None, academy: Id | None = None) -> QuerySet[Course]:
    return selectors.course_list(user=request.auth, status=status or "", academy=academy)


def _modules(ids) -> list[Module]:
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
    from .messages import problem_message

    course = _course(request, pk, "academy.manage_course")
    return [
        {"code": p.code, "severity": str(p.severity), "message": problem_message(p)}
        for p in services.course_problems(course)
    ]


@router.get("/courses/{id:pk}/sessions", response=list[SessionOut])
def list_sessions(request: HttpRequest, pk: int) -> QuerySet[Session]:
    return selectors.course_sessions(course=_course(request, pk))


@router.post("/courses/{id:pk}/sessions", response={201: SessionOut})
def create_session(request: HttpRequest, pk: int, payload: SessionIn) -> Status[Session]:
    course = _course(request, pk, "academy.manage_course")
    return Status(
        201, services.session_save(actor=request.auth, course=course, **_session_fields(payload, request.auth))
    )


def _session_fields(payload: SessionIn, user) -> dict:
    from citybridge.core.models import Organisation, Person

    data = payload.model_dump()
    data.pop("version", None)
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


def _or_invalid(obj, field: str, message: str):
    if obj is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({field: message})
    return obj


# --------------------------------------------------------------------------- enrolment and attendance


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


class RosterReportOut(Schema):
    ok: bool
    created: int
    matched: int
    enrolled: int
    waitlisted: int
    skipped: int = 0
    dry_run: bool = False
    errors: list[dict]
    rows: list[dict] = []


class MarkIn(Strict):
    official_id: Id
    session_id: Id
    status: MarkLit


class AttendanceIn(Strict):
    marks: list[MarkIn] = Field(..., max_length=20000)


class AttendanceOut(Schema):
    changed: int


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


@router.post("/courses/{id:pk}/roster", response={200: RosterReportOut, 422: RosterReportOut})
def import_roster(
    request: HttpRequest,
    pk: int,
    file: UploadedFile = File(...),  # noqa: B008
    overflow_to_waitlist: bool = False,
    dry_run: bool = False,
    apply_changes: str = "",
) -> Status[dict]:
    """Upload an XLSX or CSV roster: all rows or none; errors per line in the request's language.

    Rows already enrolled are reported and skipped. `dry_run=true`: the preview -- per row new / known /
    already_enrolled / error, with the changed details (`key`, field, old → new) -- and nothing is written.
    Changed details are applied only when named: `apply_changes=all`, or their keys separated by commas."""
    course = _course(request, pk, "academy.manage_course")
    check_roster_upload(file)
    changes = (
        services.ALL_CHANGES
        if apply_changes.strip() == services.ALL_CHANGES
        else {k.strip() for k in apply_changes.split(",") if k.strip()}
    )
    report = services.roster_import(
        actor=request.auth,
        data=file.read(),
        filename=file.name or "",
        course=course,
        overflow_to_waitlist=overflow_to_waitlist,
        dry_run=dry_run,
        apply_changes=changes,
    )
    return Status(200 if report.ok else 422, dict(report.__dict__, dry_run=dry_run))


@router.put("/courses/{id:pk}/attendance", response=AttendanceOut)
def record_attendance(request: HttpRequest, pk: int, payload: AttendanceIn) -> dict:
    course = _course(request, pk, "academy.manage_course")
    marks = [services.Mark(m.official_id, m.session_id, m.status) for m in payload.marks]
    return {"changed": services.attendance_record(actor=request.auth, course=course, marks=marks)}


# --------------------------------------------------------------------------- officials and compliance


class OfficialOut(Schema):
    id: int
    name: str
    position: str
    organisation_id: int | None
    jurisdiction: str | None
    province: str
    version: int
    #: contact details and service dates: staff and the official's academy coordinators only; null otherwise
    email: str | None = None
    phone: str | None = None
    service_start: date | None = None

    @staticmethod
    def resolve_name(obj: OfficialProfile) -> str:
        return obj.person.display_name()

    @staticmethod
    def resolve_organisation_id(obj: OfficialProfile) -> int | None:
        return obj.person.organisation_id

    @staticmethod
    def resolve_jurisdiction(obj: OfficialProfile) -> str | None:
        return obj.jurisdiction.display_name() if obj.jurisdiction_id else None

    @staticmethod
    def resolve_email(obj: OfficialProfile) -> str | None:
        return obj.person.email if selectors.contact_visible(obj) else None

    @staticmethod
    def resolve_phone(obj: OfficialProfile) -> str | None:
        return obj.person.phone if selectors.contact_visible(obj) else None

    @staticmethod
    def resolve_service_start(obj: OfficialProfile) -> date | None:
        return obj.service_start if selectors.contact_visible(obj) else None


class YearOut(Schema):
    year: int
    academy_days: int
    external_days: int
    total: int
    required: int
    shortfall: int


class WindowOut(Schema):
    start: date
    end: date
    days: int
    required: int
    status: str
    behind_pace: int


class OfficialDetailOut(OfficialOut):
    years: list[YearOut]
    windows: list[WindowOut]


class OfficialIn(Strict):
    family_name_en: str = Field("", max_length=100)
    given_name_en: str = Field("", max_length=100)
    family_name_zh_hans: str = Field("", max_length=100)
    given_name_zh_hans: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    position: PositionLit
    jurisdiction: str = Field("", max_length=200)
    province: str = Field("", max_length=100)
    population: int | None = Field(None, ge=0, le=2_000_000_000)
    population_date: date | None = None
    company_employees: int | None = Field(None, ge=0, le=100_000_000)
    service_start: date | None = None
    #: the course to enrol the new official in (required for academy coordinators)
    course_id: Id | None = None


class BehindOut(Schema):
    official_id: int
    name: str
    position: str
    province: str
    year: int
    total_days: int
    required_days: int
    shortfall: int
    window_start: date | None
    window_end: date | None  # exclusive
    window_days: int
    window_required: int
    window_gap: int
    behind_days: int

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.official.person.display_name()

    @staticmethod
    def resolve_position(obj) -> str:
        return obj.official.position

    @staticmethod
    def resolve_province(obj) -> str:
        return obj.official.province


@router.get("/officials", response=list[OfficialOut])
@paginate(Pagination)
def list_officials(request: HttpRequest, q: str = Query("", max_length=100)) -> QuerySet[OfficialProfile]:
    if not request.auth.has_perm("academy.view_compliance"):
        raise PermissionDenied
    return selectors.official_list(user=request.auth, q=q)


@router.post("/officials", response={201: OfficialOut})
def create_official(request: HttpRequest, payload: OfficialIn) -> Status[OfficialProfile]:
    data = payload.model_dump()
    course_id = data.pop("course_id")
    course = _course(request, course_id, "academy.manage_course") if course_id else None
    o = services.official_create_with_person(actor=request.auth, course=course, **data)
    return Status(201, selectors.official_get(user=request.auth, pk=o.pk))


@router.get("/officials/{id:pk}", response=OfficialDetailOut)
def get_official(request: HttpRequest, pk: int, response: HttpResponse) -> OfficialProfile:
    o = selectors.official_get(user=request.auth, pk=pk)
    if not request.auth.has_perm("academy.view_official", o):
        raise PermissionDenied
    etag(response, o)
    h = selectors.official_history(official=o).compliance
    o.years = [
        {
            "year": y.year,
            "academy_days": y.academy_days,
            "external_days": y.external_days,
            "total": y.total,
            "required": y.required,
            "shortfall": y.shortfall,
        }
        for y in h.history
    ]
    o.windows = [
        {
            "start": w.window.start,
            "end": w.window.end,
            "days": w.days,
            "required": w.required,
            "status": str(w.status),
            "behind_pace": w.behind_pace,
        }
        for w in h.windows
    ]
    return o


@router.get("/behind", response=list[BehindOut])
@paginate(Pagination)
def who_is_behind(
    request: HttpRequest,
    year: int | None = Query(None, ge=1990, le=2100),
    academy: Id | None = None,
    organisation: Id | None = None,
    province: str = Query("", max_length=100),
    position: PositionLit | None = None,
    rule: Literal["any", "annual", "window", "both"] = "any",
) -> QuerySet[TrainingSummary]:
    """Officials behind on the annual rule, at risk in the 5-year window, or both, most days missing first, in
    `year` (default: this year). A year not prepared yet answers 409 (staff: POST /behind/prepare)."""
    if not request.auth.has_perm("academy.view_compliance"):
        raise PermissionDenied
    year = year or timezone.localdate().year
    if not selectors.training_year_prepared(year):
        from django.utils.translation import gettext as _
        from ninja.errors import HttpError

        raise HttpError(409, _("The training year %(year)s has not been prepared yet.") % {"year": year})
    qs = selectors.behind_list(
        user=request.auth,
        year=year,
        academy=academy,
        organisation=organisation,
        province=province,
        position=position or "",
        rule=rule,
    )
    return qs


class PrepareIn(Strict):
    year: int = Field(..., ge=1990, le=2100)


@router.post("/behind/prepare", response={202: dict})
def prepare_behind_year(request: HttpRequest, payload: PrepareIn) -> Status[dict]:
    """Program staff: queue the preparation of a training year (done by the background worker)."""
    services.training_year_request(actor=request.auth, year=payload.year)
    return Status(202, {"year": payload.year, "queued": True})


@router.get("/impact")
def impact(
    request: HttpRequest,
    year: int | None = Query(None, ge=1990, le=2100),
    academy: Id | None = None,
    topic: Id | None = None,
    province: str = Query("", max_length=100),
) -> dict:
    """The impact figures computed from records (total, by year, cumulative, by academy, by topic). Unfiltered:
    as last computed by the background worker; `stale` is true while a change is being taken into account.
    Filtered by `year`, `academy`, `topic`, `province`: computed from records (cached a few minutes). A
    coordinator's figures are always their own academies' (another academy asked for is ignored); `filter` says
    what was counted."""
    if not request.auth.has_perm("academy.view_impact"):
        raise PermissionDenied
    flt = selectors.impact_filter_for(user=request.auth, year=year, academy=academy, topic=topic, province=province)
    ctx = selectors.impact_dashboard(flt)
    snap = ctx["snapshot"]
    return {
        "computed_at": snap.computed_at if snap else None,
        "stale": ctx["updating"],
        **ctx["data"],
        "filter": {
            "year": flt.year,
            "academies": list(flt.academies) if flt.academies is not None else None,
            "topic": flt.topic,
            "province": flt.province,
        },
        "academy_names": ctx["academy_names"],
        "topic_names": ctx["topic_names"],
    }


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


# --------------------------------------------------------------------------- more writes


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


class ExternalIn(Strict):
    provider: str = Field(..., max_length=200)
    title: str = Field(..., max_length=200)
    start_date: date
    end_date: date
    days: int = Field(..., ge=1, le=366)
    evidence_reference: str = Field("", max_length=200)


class ExternalOut(Schema):
    id: int
    provider: str
    title: str
    start_date: date
    end_date: date
    days: int
    has_evidence: bool


@router.put("/sessions/{id:pk}", response=SessionOut)
def update_session(request: HttpRequest, pk: int, payload: SessionIn, response: HttpResponse) -> Session:
    """Replace a session's date, times, format, module, title, lecturer, site and partner. Send the `version` you
    read (body or `If-Match`); a stale one is answered 409 with the current session."""
    session = selectors.session_get(user=request.auth, pk=pk)
    course = _course(request, session.course_id, "academy.manage_course")
    with stale_as(SessionOut, request):
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


@router.post("/officials/{id:pk}/external-training", response={201: ExternalOut})
def add_external_training(request: HttpRequest, pk: int, payload: ExternalIn) -> Status[ExternalTraining]:
    """Training taken elsewhere; give `evidence_reference` (e.g. the other academy's certificate number)."""
    official = selectors.official_get(user=request.auth, pk=pk)
    return Status(201, services.external_training_create(actor=request.auth, official=official, **payload.model_dump()))


# --------------------------------------------------------------------------- possible duplicates (program staff)


class DuplicateOfficialOut(Schema):
    id: int
    name: str
    email: str
    organisation_id: int | None


class DuplicateOut(Schema):
    id: int
    reason: str
    course_id: int | None
    created_at: datetime
    new_official: DuplicateOfficialOut | None
    existing_official: DuplicateOfficialOut

    @staticmethod
    def resolve_new_official(obj) -> dict | None:
        return _dup_official(obj.new_official) if obj.new_official_id else None

    @staticmethod
    def resolve_existing_official(obj) -> dict:
        return _dup_official(obj.existing_official)


class DuplicateResolvedOut(Schema):
    id: int
    resolution: str
    resolved_at: datetime | None


def _dup_official(o: OfficialProfile) -> dict:
    return {
        "id": o.pk,
        "name": o.person.display_name(),
        "email": o.person.email,
        "organisation_id": o.person.organisation_id,
    }


def _duplicate(request, pk: int):
    dup = selectors.duplicate_get(user=request.auth, pk=pk)
    if not request.auth.has_perm("academy.manage_duplicates"):
        raise PermissionDenied
    return dup


@router.get("/duplicates", response=list[DuplicateOut])
@paginate(Pagination)
def list_duplicates(request: HttpRequest) -> QuerySet[PossibleDuplicate]:
    """Open possible duplicates found by coordinators' imports (program staff only)."""
    if not request.auth.has_perm("academy.manage_duplicates"):
        raise PermissionDenied
    return selectors.duplicate_list(user=request.auth)


@router.post("/duplicates/{id:pk}/dismiss", response=DuplicateResolvedOut)
def dismiss_duplicate(request: HttpRequest, pk: int) -> PossibleDuplicate:
    return services.duplicate_dismiss(actor=request.auth, duplicate=_duplicate(request, pk))


@router.post("/duplicates/{id:pk}/merge", response=DuplicateResolvedOut)
def merge_duplicate(request: HttpRequest, pk: int) -> PossibleDuplicate:
    """Move the new official's enrolments, attendance and external training onto the existing official."""
    dup = _duplicate(request, pk)
    services.duplicate_merge(actor=request.auth, duplicate=dup)
    dup.refresh_from_db()
    return dup


@router.delete("/external-training/{id:pk}", response={204: None})
def delete_external_training(request: HttpRequest, pk: int) -> Status[None]:
    record = selectors.external_training_get(user=request.auth, pk=pk)
    services.external_training_delete(actor=request.auth, record=record)
    return Status(204, None)
