"""Official endpoints: register, create, read with the training record."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from citybridge.api.versioning import etag
from citybridge.core.api import Id, Pagination, Strict

from .. import selectors, services
from ..models import OfficialProfile
from ._common import PositionLit, _course

router = Router()


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


class ComplianceWindowOut(Schema):
    start: date
    end: date
    days: int
    required: int
    status: str
    behind_pace: int


class OfficialDetailOut(OfficialOut):
    years: list[YearOut]
    windows: list[ComplianceWindowOut]


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
