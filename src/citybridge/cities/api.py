"""API for the city registry and cohort selection: /api/v1/cities/…"""

from datetime import date
from typing import Any, ClassVar, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.cities.models import DataSource, ReportedTarget
from citybridge.core.api import Id, ListRows, Pagination, RowDict, RowSchema, Strict, Version
from citybridge.core.models import is_chinese

from . import selectors, services
from .models import City, CityPair, ExpressionOfInterest, IndicatorDefinition, IndicatorValue, SelectionRun

router = Router(tags=["cities"])


class CityOut(RowSchema):
    id: int
    geonames_id: int | None
    name: str
    name_en: str | None
    name_zh_hans: str | None
    country: str
    province_en: str | None
    province_zh_hans: str | None
    population: int | None
    #: what the population covers ("city_proper", "prefecture", "municipality"; "" = not stated) and its year
    population_area: str
    population_year: int | None
    #: Chinese cities: "municipality", "prefecture_city", "prefecture_unit", "county_level_city",
    #: "former_prefecture_city"
    admin_level: str
    latitude: float | None
    longitude: float | None
    timezone: str
    size_class: str
    climate_zone: str

    @staticmethod
    def resolve_name(obj: City) -> str:
        return obj.display_name()

    #: the columns of a list page's rows (ListRows): every field but `name`, which `row` works out
    row_fields: ClassVar[tuple[str, ...]] = (
        "id",
        "geonames_id",
        "name_en",
        "name_zh_hans",
        "country",
        "province_en",
        "province_zh_hans",
        "population",
        "population_area",
        "population_year",
        "admin_level",
        "latitude",
        "longitude",
        "timezone",
        "size_class",
        "climate_zone",
    )

    @classmethod
    def row(cls, values: dict[str, Any]) -> RowDict:
        language = get_language()
        name = (
            (values["name_zh_hans"] or values["name_en"])
            if is_chinese(language)
            else (values["name_en"] or values["name_zh_hans"])
        )
        return RowDict(values, name=name or "")  # as City.display_name


class ValueOut(Schema):
    indicator: str
    indicator_name: str
    year: int | None
    value: float
    unit: str
    source: str
    method: str
    #: populations and per-person values: the area the population covers ("" = not stated)
    area: str
    inputs: list

    @staticmethod
    def resolve_indicator(obj: IndicatorValue) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_indicator_name(obj: IndicatorValue) -> str:
        return obj.indicator.display_name()

    @staticmethod
    def resolve_source(obj: IndicatorValue) -> str:
        return obj.source.code

    @staticmethod
    def resolve_method(obj: IndicatorValue) -> str:
        return obj.display_method()


class CdpTargetOut(Schema):
    target_type: str
    target_type_label: str

    @staticmethod
    def resolve_target_type_label(obj: ReportedTarget) -> str:
        """CDP's category in the request's language (the reported text when it is not one of CDP's)."""
        return obj.display_target_type()

    sector: str
    base_year: int | None
    base_year_emissions_t: float | None
    reduction_pct: float | None
    target_year: int | None


class PeerOut(Schema):
    id: int
    name: str
    population: int | None

    @staticmethod
    def resolve_name(obj: City) -> str:
        return obj.display_name()


class SourceOut(Schema):
    code: str
    name: str
    citation: str
    licence: str

    @staticmethod
    def resolve_name(obj: DataSource) -> str:
        return obj.display_name()


class ProfileOut(Schema):
    city: CityOut
    key_figures: list[ValueOut]
    emissions_trend_mt: list[dict]
    targets: list[CdpTargetOut]
    peers: list[PeerOut]
    sources: list[SourceOut]


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    category: str
    higher_is_better: bool
    is_derived: bool
    default_weight: float
    description: str

    @staticmethod
    def resolve_name(obj: IndicatorDefinition) -> str:
        return obj.display_name()

    @staticmethod
    def resolve_description(obj: IndicatorDefinition) -> str:
        from citybridge.core.models import bilingual

        return bilingual(obj, "description")


@router.get("/cities", response=list[CityOut])
@paginate(Pagination)
def list_cities(
    request: HttpRequest, q: str = Query("", max_length=100), country: Literal["US", "CN"] | None = None
) -> ListRows:
    """California (`US`) cities above 15,000 people and Chinese (`CN`) municipalities and prefecture-level cities,
    largest first; `q` searches both languages."""
    return ListRows(selectors.city_list(user=request.auth, q=q, country=country or ""), CityOut)


@router.get("/cities/{id:pk}", response=ProfileOut)
def get_city(request: HttpRequest, pk: int) -> dict:
    """The city profile: key figures with source, year and method; the CEADs trend; CDP targets; peers."""
    city = selectors.city_get(user=request.auth, pk=pk)
    p = selectors.city_profile(user=request.auth, city=city)
    return {
        "city": city,
        "key_figures": [f.value for f in p.figures],
        "emissions_trend_mt": p.trend,
        "targets": p.targets,
        "peers": p.peers,
        "sources": p.sources,
    }


@router.get("/cities/{id:pk}/values", response=list[ValueOut])
@paginate(Pagination)
def list_city_values(request: HttpRequest, pk: int) -> QuerySet[IndicatorValue]:
    city = selectors.city_get(user=request.auth, pk=pk)
    return selectors.city_values(user=request.auth, city=city)


@router.get("/indicators", response=list[IndicatorOut])
def list_indicators(request: HttpRequest) -> list[IndicatorDefinition]:
    return list(selectors.indicator_list())


# --------------------------------------------------------------------------- expressions of interest

DataChoice = Literal["ghg_inventory", "energy", "transport", "buildings", "waste", "targets"]


class InterestIn(Strict):
    city_id: Id
    contact_name: str = Field(..., max_length=200)
    contact_email: str = Field(..., max_length=254)
    motivation: str = Field(..., max_length=5000)
    existing_plans: str = Field("", max_length=5000)
    data_available: list[DataChoice] = []


class InterestOut(Schema):
    id: int
    city_id: int
    contact_name: str
    contact_email: str
    motivation: str
    existing_plans: str
    data_available: list[str]
    status: str
    submitted_at: str

    @staticmethod
    def resolve_submitted_at(obj: ExpressionOfInterest) -> str:
        return obj.submitted_at.isoformat()


@router.get("/interests", response=list[InterestOut])
@paginate(Pagination)
def list_interests(request: HttpRequest) -> QuerySet[ExpressionOfInterest]:
    return selectors.interest_list(user=request.auth)


@router.post("/interests", response={201: InterestOut})
def create_interest(request: HttpRequest, payload: InterestIn) -> Status[ExpressionOfInterest]:
    data = payload.model_dump()
    city = selectors.city_get(user=request.auth, pk=data.pop("city_id"))
    return Status(201, services.expression_of_interest_submit(actor=request.auth, city=city, **data))


# --------------------------------------------------------------------------- selection runs


class CriterionIn(Strict):
    code: str = Field(..., max_length=60)
    weight: float
    higher_is_better: bool | None = None


class BoundIn(Strict):
    attribute: Literal["size_class", "climate_zone"]
    value: str = Field(..., max_length=40)
    group: Literal["CA", "CN"] | None = None
    min: int | None = Field(None, ge=0, le=500)
    max: int | None = Field(None, ge=0, le=500)


class CountsIn(Strict):
    CA: int = Field(10, ge=0, le=500)
    CN: int = Field(10, ge=0, le=500)


class SelectionRunIn(Strict):
    name: str = Field(..., max_length=200)
    notes: str = Field("", max_length=5000)
    pool: Literal["candidates", "all"] = "candidates"
    criteria: list[CriterionIn]
    normalisation: Literal["minmax", "rank"] = "minmax"
    missing: Literal["exclude", "penalise", "impute_peers"] = "exclude"
    counts: CountsIn = CountsIn()
    max_per_province_cn: int | None = Field(None, ge=1, le=500)
    bounds: list[BoundIn] = []
    must_include: list[Id] = Field([], max_length=500)
    must_exclude: list[Id] = Field([], max_length=500)
    perturbations: int = Field(200, ge=0, le=500)
    seed: int = Field(0, ge=0)


class RunSummaryOut(Schema):
    id: int
    name: str
    created_at: str
    status: Literal["queued", "running", "done", "failed"]
    feasible: bool | None

    @staticmethod
    def resolve_created_at(obj: SelectionRun) -> str:
        return obj.created_at.isoformat()


class SelectionRunOut(RunSummaryOut):
    """``result`` is empty until ``status`` is "done"; ``errors`` (in the request's language) say why a
    "failed" run could not be computed; ``stuck`` is true for a "running" run whose worker's lease expired
    (the worker died): the worker's reaper marks it "failed", and it can be re-run."""

    started_at: str | None
    finished_at: str | None
    parameters: dict
    result: dict
    errors: list[str]
    notes: str
    lease_expires_at: str | None
    stuck: bool

    @staticmethod
    def resolve_lease_expires_at(obj: SelectionRun) -> str | None:
        """Until when the worker computing a "running" run holds it (renewed while it computes)."""
        expiry = obj.lease_expiry if obj.status == "running" else None
        return expiry.isoformat() if expiry else None

    @staticmethod
    def resolve_stuck(obj: SelectionRun) -> bool:
        """True for a "running" run whose lease expired (its worker died): it will be marked "failed"."""
        return obj.is_stuck

    @staticmethod
    def resolve_started_at(obj: SelectionRun) -> str | None:
        return obj.started_at.isoformat() if obj.started_at else None

    @staticmethod
    def resolve_finished_at(obj: SelectionRun) -> str | None:
        return obj.finished_at.isoformat() if obj.finished_at else None

    @staticmethod
    def resolve_errors(obj: SelectionRun) -> list[str]:
        return obj.error_messages()


def _staff(request: HttpRequest) -> None:
    if not request.auth.has_perm("cities.view_selection"):
        raise PermissionDenied


@router.get("/selection-runs", response=list[RunSummaryOut])
@paginate(Pagination)
def list_runs(request: HttpRequest) -> QuerySet[SelectionRun]:
    _staff(request)
    return selectors.run_list(user=request.auth)


@router.post("/selection-runs", response={202: SelectionRunOut})
def create_run(request: HttpRequest, payload: SelectionRunIn) -> Status[SelectionRun]:
    """Validate and queue a selection run; it is computed in the background (poll `GET selection-runs/{id}`
    until `status` is "done" or "failed"). Bad input and constraints that provably conflict are refused at
    once: 422 with a translated message, nothing saved."""
    data = payload.model_dump()
    name, notes = data.pop("name"), data.pop("notes")
    for c in data["criteria"]:
        if c["higher_is_better"] is None:
            c.pop("higher_is_better")
    run = services.selection_run_create(actor=request.auth, name=name, notes=notes, parameters=data)
    return Status(202, run)


@router.get("/selection-runs/compare", response=dict)
def compare_runs(request: HttpRequest, a: Id, b: Id) -> dict:
    """Runs outside the caller's scope are 404, like missing ones."""
    run_a, run_b = selectors.run_get(user=request.auth, pk=a), selectors.run_get(user=request.auth, pk=b)
    if not (run_a.is_done and run_b.is_done):
        raise ValidationError({"__all__": _("Only finished runs can be compared.")})
    return selectors.compare_runs(run_a, run_b)


@router.get("/selection-runs/{id:pk}", response=SelectionRunOut)
def get_run(request: HttpRequest, pk: int) -> SelectionRun:
    """A run with its state ("queued", "running", "done", "failed") and, once done, its result."""
    return selectors.run_get(user=request.auth, pk=pk)


# --------------------------------------------------------------------------- paired cities


class PairOut(Schema):
    """A California city paired with a Chinese city; `ended_on` is null while the pair is active. Names in both
    languages; `note` in the request's language (either language's when only one was written)."""

    id: int
    us_city_id: int
    us_city_name_en: str
    us_city_name_zh_hans: str
    cn_city_id: int
    cn_city_name_en: str
    cn_city_name_zh_hans: str
    started_on: date
    ended_on: date | None
    note: str
    note_en: str
    note_zh_hans: str
    version: int

    @staticmethod
    def resolve_us_city_name_en(obj: CityPair) -> str:
        return obj.us_city.name_en or ""

    @staticmethod
    def resolve_us_city_name_zh_hans(obj: CityPair) -> str:
        return obj.us_city.name_zh_hans or ""

    @staticmethod
    def resolve_cn_city_name_en(obj: CityPair) -> str:
        return obj.cn_city.name_en or ""

    @staticmethod
    def resolve_cn_city_name_zh_hans(obj: CityPair) -> str:
        return obj.cn_city.name_zh_hans or ""

    @staticmethod
    def resolve_note(obj: CityPair) -> str:
        return obj.display_note()

    @staticmethod
    def resolve_note_en(obj: CityPair) -> str:
        return obj.note_en or ""

    @staticmethod
    def resolve_note_zh_hans(obj: CityPair) -> str:
        return obj.note_zh_hans or ""


class PairIn(Strict):
    us_city_id: Id
    cn_city_id: Id
    started_on: date
    note_en: str = Field("", max_length=500)
    note_zh_hans: str = Field("", max_length=500)


class PairEndIn(Strict):
    ended_on: date | None = None
    #: the version of the pair the caller read (or `If-Match`)
    version: Version | None = None


@router.get("/pairs", response=list[PairOut])
@paginate(Pagination)
def list_pairs(request: HttpRequest) -> QuerySet[CityPair]:
    """Every pair, active first (newest first), then ended ones."""
    if not request.auth.has_perm("cities.view_pairs"):
        raise PermissionDenied
    return selectors.pair_list(user=request.auth)


@router.post("/pairs", response={201: PairOut})
def create_pair(request: HttpRequest, response: HttpResponse, payload: PairIn) -> Status[CityPair]:
    """Pair a California (`US`) city with a Chinese (`CN`) one (program staff). A city on the wrong side, a city
    already in an active pair, or a start more than a year ahead: 422 naming the field."""
    if not request.auth.has_perm("cities.manage_pairs"):
        raise PermissionDenied
    data = payload.model_dump()
    us_city = body_ref(selectors.city_get, "us_city_id", data.pop("us_city_id"), user=request.auth)
    cn_city = body_ref(selectors.city_get, "cn_city_id", data.pop("cn_city_id"), user=request.auth)
    try:
        pair = services.city_pair_create(actor=request.auth, us_city=us_city, cn_city=cn_city, **data)
    except ValidationError as exc:
        raise _as_sent(exc) from None
    etag(response, pair)
    return Status(201, pair)


def _as_sent(exc: ValidationError) -> ValidationError:
    """The service's field names as the API's body names them (`us_city` is sent as `us_city_id`)."""
    if not hasattr(exc, "error_dict"):
        return exc
    names = {"us_city": "us_city_id", "cn_city": "cn_city_id"}
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


@router.post("/pairs/{id:pk}/end", response=PairOut)
def end_pair(request: HttpRequest, response: HttpResponse, pk: int, payload: PairEndIn) -> CityPair:
    """End an active pair (program staff): `ended_on` defaults to today; send the `version` you read (or
    `If-Match`): a stale one is answered 409 with the current pair. The pair stays listed as history."""
    from django.utils import timezone

    pair = selectors.pair_get(user=request.auth, pk=pk)
    if not request.auth.has_perm("cities.manage_pairs", pair):
        raise PermissionDenied
    with stale_as(PairOut, request):
        pair = services.city_pair_end(
            actor=request.auth,
            pair=pair,
            ended_on=payload.ended_on or timezone.localdate(),
            expected_version=expected_version(request, payload.version),
        )
    etag(response, pair)
    return pair
