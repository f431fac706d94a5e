"""API of the climate collaborative: /api/v1/climate/… (paths fixed by issue #10; other tools rely on them)."""

from collections.abc import Callable
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.cities.selectors import city_get
from citybridge.core.api import Id, Pagination, Strict, Version

from . import selectors, services, uploads
from .models import EmissionFactor, Inventory, InventoryEntry, Target

router = Router(tags=["climate"])

GasName = Literal["CO2", "CH4", "CH4_fossil", "N2O", "SF6", "HFC-134a", "CO2e"]


# --------------------------------------------------------------------------- factors


class FactorOut(Schema):
    id: int
    code: str
    name: str
    gas: str
    value: float
    unit: str
    activity_unit: str
    region: str
    year: int | None
    heating_basis: str
    method_note: str
    citation: str
    verification: str
    superseded_by_id: int | None
    city_id: int | None
    version: int

    @staticmethod
    def resolve_name(obj: EmissionFactor) -> str:
        return obj.display_name()

    @staticmethod
    def resolve_method_note(obj: EmissionFactor) -> str:
        return obj.display_method()


@router.get("/factors", response=list[FactorOut])
@paginate(Pagination)
def list_factors(
    request: HttpRequest, q: str = Query("", max_length=100), gas: GasName | None = None, all_versions: bool = False
) -> QuerySet[EmissionFactor]:
    """The factor library (current versions; `all_versions=true` includes superseded ones), with citations."""
    return selectors.factor_list(user=request.auth, q=q, gas=gas or "", current_only=not all_versions)


@router.get("/factors/{id:pk}", response=FactorOut)
def get_factor(request: HttpRequest, pk: int) -> EmissionFactor:
    return selectors.factor_get(user=request.auth, pk=pk)


# --------------------------------------------------------------------------- inventories


class InventoryIn(Strict):
    city_id: Id
    year: int = Field(..., ge=1990, le=2100)
    gwp_set: Literal["AR4", "AR5", "AR6"] = "AR5"
    level: Literal["BASIC", "BASIC+"] = "BASIC"
    boundary: str = Field("", max_length=5000)


class InventoryPatch(Strict):
    gwp_set: Literal["AR4", "AR5", "AR6"] | None = None
    level: Literal["BASIC", "BASIC+"] | None = None
    boundary: str | None = Field(None, max_length=5000)
    version: Version | None = None


class StepIn(Strict):
    version: Version | None = None


class TotalsOut(Schema):
    basic: float | None
    basic_plus: float | None
    territorial_scope1: float | None


class InventorySummaryOut(Schema):
    id: int
    city_id: int
    city_name: str
    year: int
    gwp_set: str
    level: str
    status: str
    origin: str
    revision: int
    previous_id: int | None
    totals: TotalsOut
    version: int

    @staticmethod
    def resolve_city_name(obj: Inventory) -> str:
        return obj.city.display_name()

    @staticmethod
    def resolve_totals(obj: Inventory) -> dict:
        return {
            "basic": obj.total_basic,
            "basic_plus": obj.total_basic_plus,
            "territorial_scope1": obj.total_territorial,
        }


class InventoryOut(InventorySummaryOut):
    """Totals in t CO2e; `by_gas` in tonnes of each gas and `by_gas_co2e` in t CO2e; `missing` lists the GPC lines
    the level requires that are still empty; `rules` names the GPC rule each total follows."""

    boundary: str
    reported_source: str
    by_sector: dict[str, float]
    by_subsector: dict[str, float]
    by_scope: dict[str, float]
    by_gas: dict[str, float]
    by_gas_co2e: dict[str, float]
    reported: dict[str, float | None]
    rules: dict[str, dict]

    @staticmethod
    def resolve_by_sector(obj: Inventory) -> dict:
        return obj.totals.get("by_sector", {})

    @staticmethod
    def resolve_by_subsector(obj: Inventory) -> dict:
        return obj.totals.get("by_subsector", {})

    @staticmethod
    def resolve_by_scope(obj: Inventory) -> dict:
        return obj.totals.get("by_scope", {})

    @staticmethod
    def resolve_by_gas(obj: Inventory) -> dict:
        return obj.totals.get("by_gas", {})

    @staticmethod
    def resolve_by_gas_co2e(obj: Inventory) -> dict:
        return obj.totals.get("by_gas_co2e", {})

    @staticmethod
    def resolve_reported(obj: Inventory) -> dict:
        return obj.totals.get("reported", {})

    @staticmethod
    def resolve_rules(obj: Inventory) -> dict:
        return obj.totals.get("rules", {})


@router.get("/inventories", response=list[InventorySummaryOut])
@paginate(Pagination)
def list_inventories(
    request: HttpRequest,
    city_id: Id | None = None,
    year: int | None = Query(None, ge=1990, le=2100),
    status: Literal["draft", "submitted", "reviewed", "published"] | None = None,
) -> QuerySet[Inventory]:
    """Published inventories of every participating city, and your city's at any status."""
    return selectors.inventory_list(user=request.auth, city_id=city_id, year=year, status=status or "")


@router.post("/inventories", response={201: InventoryOut})
def create_inventory(request: HttpRequest, payload: InventoryIn, response: HttpResponse) -> Status[Inventory]:
    data = payload.model_dump()
    city = body_ref(city_get, "city_id", data.pop("city_id"), user=request.auth)
    inventory = services.inventory_create(actor=request.auth, city=city, **data)
    etag(response, inventory)
    return Status(201, inventory)


@router.get("/inventories/{id:pk}", response=InventoryOut)
def get_inventory(request: HttpRequest, pk: int, response: HttpResponse) -> Inventory:
    inventory = selectors.inventory_get(user=request.auth, pk=pk)
    etag(response, inventory)
    return inventory


@router.patch("/inventories/{id:pk}", response=InventoryOut)
def update_inventory(request: HttpRequest, pk: int, payload: InventoryPatch, response: HttpResponse) -> Inventory:
    """Change a draft's GWP set, level or boundary (entries are recomputed). Send the `version` you read."""
    inventory = selectors.inventory_get(user=request.auth, pk=pk)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    with stale_as(InventoryOut, request):
        inventory = services.inventory_update(
            actor=request.auth, inventory=inventory, expected_version=expected_version(request, version), data=data
        )
    etag(response, inventory)
    return inventory


def _step(
    request: HttpRequest, pk: int, payload: StepIn, service: Callable[..., Inventory], response: HttpResponse
) -> Inventory:
    inventory = selectors.inventory_get(user=request.auth, pk=pk)
    with stale_as(InventoryOut, request):
        inventory = service(
            actor=request.auth, inventory=inventory, expected_version=expected_version(request, payload.version)
        )
    etag(response, inventory)
    return inventory


@router.post("/inventories/{id:pk}/submit", response=InventoryOut)
def submit_inventory(request: HttpRequest, pk: int, payload: StepIn, response: HttpResponse) -> Inventory:
    return _step(request, pk, payload, services.inventory_submit, response)


@router.post("/inventories/{id:pk}/review", response=InventoryOut)
def review_inventory(request: HttpRequest, pk: int, payload: StepIn, response: HttpResponse) -> Inventory:
    return _step(request, pk, payload, services.inventory_review, response)


@router.post("/inventories/{id:pk}/publish", response=InventoryOut)
def publish_inventory(request: HttpRequest, pk: int, payload: StepIn, response: HttpResponse) -> Inventory:
    return _step(request, pk, payload, services.inventory_publish, response)


@router.post("/inventories/{id:pk}/revisions", response={201: InventoryOut})
def new_revision(request: HttpRequest, pk: int) -> Status[Inventory]:
    """Correct a published inventory: a new draft revision with its entries; the published one stays frozen."""
    inventory = selectors.inventory_get(user=request.auth, pk=pk)
    return Status(201, services.inventory_new_version(actor=request.auth, inventory=inventory))


# --------------------------------------------------------------------------- entries


class GasAmountIn(Strict):
    gas: GasName
    value: float
    unit: str = Field(..., max_length=40)


class AmountIn(Strict):
    value: float
    unit: str = Field(..., max_length=40)


class OwnFactorIn(GasAmountIn):
    citation: str = Field("", max_length=1000)


class EntryIn(Strict):
    gpc_ref: str = Field(..., max_length=10)
    notation_key: Literal["NO", "IE", "NE", "C", ""] | None = None
    explanation: str | None = Field(None, max_length=5000)
    included_in: str | None = Field(None, max_length=200)
    activity_value: float | None = None
    activity_unit: str | None = Field(None, max_length=30)
    factor_id: Id | None = None
    #: several library factors at once (one per gas), e.g. an eGRID CO2, CH4 and N2O trio
    factor_ids: list[Id] | None = Field(None, max_length=20)
    factors: list[OwnFactorIn] | None = Field(None, max_length=20)
    emissions: list[GasAmountIn] | None = Field(None, max_length=20)
    data_quality: Literal["high", "medium", "low", ""] | None = None
    source: str | None = Field(None, max_length=5000)
    #: fuel properties for litres or m³ against a per-energy factor, e.g. {"value": 0.74, "unit": "kg/L"} and
    #: {"value": 44.3, "unit": "TJ/Gg"} for motor gasoline (IPCC 2006)
    density: AmountIn | None = None
    ncv: AmountIn | None = None


class EntryOut(Schema):
    id: int
    inventory_id: int
    gpc_ref: str
    notation_key: str
    explanation: str
    included_in: str
    activity_value: float | None
    activity_unit: str
    factor_ids: list[int]
    factors: list[dict]
    emissions: list[dict]
    data_quality: str
    source: str
    fuel_properties: dict
    #: tonnes of each gas
    emissions_by_gas: dict[str, float]
    #: tonnes CO2e with the inventory's GWP set
    co2e_t: float
    factor_versions: list[dict]
    conversion: list[str]
    version: int

    @staticmethod
    def resolve_factor_ids(obj: InventoryEntry) -> list[int]:
        return [f.pk for f in obj.factors.all()]

    @staticmethod
    def resolve_factors(obj: InventoryEntry) -> list[dict]:
        return obj.own_factors

    @staticmethod
    def resolve_emissions(obj: InventoryEntry) -> list[dict]:
        return obj.reported

    @staticmethod
    def resolve_emissions_by_gas(obj: InventoryEntry) -> dict:
        return obj.by_gas

    @staticmethod
    def resolve_co2e_t(obj: InventoryEntry) -> float:
        return obj.co2e


def entry_data(payload: Strict) -> dict:
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    factor_id = data.pop("factor_id", None)
    if factor_id is not None:
        data["factor_ids"] = [factor_id, *(data.get("factor_ids") or [])]
    return {k: v for k, v in data.items() if v is not None}


@router.get("/inventories/{id:pk}/entries", response=list[EntryOut])
@paginate(Pagination)
def list_entries(request: HttpRequest, pk: int) -> QuerySet[InventoryEntry]:
    inventory = selectors.inventory_get(user=request.auth, pk=pk)
    return inventory.entries.prefetch_related("factors").order_by("gpc_ref", "id")


@router.post("/inventories/{id:pk}/entries", response={201: EntryOut})
def create_entry(request: HttpRequest, pk: int, payload: EntryIn) -> Status[InventoryEntry]:
    """One GPC line: a notation key with its explanation, emissions by gas, or activity data × a library factor
    (`factor_id`) or your own factors with their citation (`factors`). Answers the emissions by gas and t CO2e."""
    inventory = selectors.inventory_get(user=request.auth, pk=pk)
    return Status(201, services.entry_save(actor=request.auth, inventory=inventory, data=entry_data(payload)))


class EntryPut(EntryIn):
    version: Version | None = None


@router.put("/inventories/{id:pk}/entries/{id:entry_id}", response=EntryOut)
def update_entry(
    request: HttpRequest, pk: int, entry_id: int, payload: EntryPut, response: HttpResponse
) -> InventoryEntry:
    inventory = selectors.inventory_get(user=request.auth, pk=pk)
    entry = selectors.entry_get(user=request.auth, inventory=inventory, pk=entry_id)
    with stale_as(EntryOut, request):
        entry = services.entry_save(
            actor=request.auth,
            inventory=inventory,
            entry=entry,
            expected_version=expected_version(request, payload.version),
            data=entry_data(payload),
        )
    etag(response, entry)
    return entry


@router.delete("/inventories/{id:pk}/entries/{id:entry_id}", response={204: None})
def delete_entry(request: HttpRequest, pk: int, entry_id: int) -> Status[None]:
    inventory = selectors.inventory_get(user=request.auth, pk=pk)
    entry = selectors.entry_get(user=request.auth, inventory=inventory, pk=entry_id)
    services.entry_delete(actor=request.auth, entry=entry)
    return Status(204, None)


class ReviewRequestIn(Strict):
    expert_id: Id


class ReviewRequestOut(Schema):
    id: int
    inventory_id: int
    expert_id: int


@router.post("/inventories/{id:pk}/review-requests", response={201: ReviewRequestOut})
def request_review(request: HttpRequest, pk: int, payload: ReviewRequestIn) -> Status:
    """Program staff ask an expert (a user with the expert role) to review a submitted inventory; the expert then
    reads it and may mark it reviewed."""
    from citybridge.core.models import User

    inventory = selectors.inventory_get(user=request.auth, pk=pk)
    expert = User.objects.filter(pk=payload.expert_id, is_active=True).first()
    return Status(201, services.review_request_add(actor=request.auth, inventory=inventory, expert=expert))


class RowReportOut(Schema):
    row: int
    gpc_ref: str
    status: str
    messages: list[str]


class InventoryImportOut(Schema):
    detail: str
    format: str
    imported: int
    ok: bool
    rows: list[RowReportOut]
    errors: list[dict]


@router.post("/inventories/{id:pk}/import", response={200: InventoryImportOut, 422: InventoryImportOut})
def import_entries(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Status[dict]:
    """The XLSX template, an eCRF workbook or a CityCatalyst CSV: all rows or none, with a per-row report (422 and
    nothing written when any row is wrong; warnings do not stop an import)."""
    inventory = selectors.inventory_get(user=request.auth, pk=pk)
    report = uploads.inventory_import(actor=request.auth, inventory=inventory, uploaded=file)
    return Status(200 if report.ok else 422, report.as_dict())


# --------------------------------------------------------------------------- targets


class MilestoneIn(Strict):
    year: int = Field(..., ge=1990, le=2100)
    reduction_pct: float


class TargetIn(Strict):
    city_id: Id
    kind: Literal["base_year", "fixed_level", "per_capita", "intensity", "peak_year", "net_zero"]
    target_year: int = Field(..., ge=1990, le=2100)
    coverage: list[Literal["I", "II", "III", "IV", "V"]] = []
    base_year: int | None = Field(None, ge=1990, le=2100)
    base_emissions_t: float | None = None
    reduction_pct: float | None = None
    target_value: float | None = None
    base_population: int | None = Field(None, ge=1, le=10**10)
    target_population: int | None = Field(None, ge=1, le=10**10)
    base_gdp: float | None = None
    target_gdp: float | None = None
    gdp_unit: str = Field("", max_length=40)
    milestones: list[MilestoneIn] = Field([], max_length=20)
    description: str = Field("", max_length=5000)


class TargetOut(Schema):
    id: int
    city_id: int
    city_name: str
    kind: str
    coverage: list[str]
    base_year: int | None
    base_emissions_t: float | None
    target_year: int
    reduction_pct: float | None
    target_value: float | None
    base_population: int | None
    target_population: int | None
    base_gdp: float | None
    target_gdp: float | None
    gdp_unit: str
    milestones: list[dict]
    description: str
    source: str
    ambition: dict
    version: int

    @staticmethod
    def resolve_city_name(obj: Target) -> str:
        return obj.city.display_name()


@router.get("/targets", response=list[TargetOut])
@paginate(Pagination)
def list_targets(request: HttpRequest, city_id: Id | None = None) -> QuerySet[Target]:
    return selectors.target_list(user=request.auth, city_id=city_id)


@router.post("/targets", response={201: TargetOut})
def create_target(request: HttpRequest, payload: TargetIn, response: HttpResponse) -> Status[Target]:
    """A target with its ambition figures (implied annual reduction, per capita in the target year, comparison with
    the 1.5 °C benchmark, whose definition and source are in `ambition.benchmark.definition`)."""
    data = payload.model_dump()
    city = body_ref(city_get, "city_id", data.pop("city_id"), user=request.auth)
    target = services.target_save(actor=request.auth, city=city, data=data)
    etag(response, target)  # the version the next edit starts from, as every answer carrying a version
    return Status(201, target)


@router.get("/targets/{id:pk}", response=TargetOut)
def get_target(request: HttpRequest, pk: int, response: HttpResponse) -> Target:
    target = selectors.target_get(user=request.auth, pk=pk)
    etag(response, target)
    return target


# --------------------------------------------------------------------------- ambition compared among peers

TargetKindName = Literal["base_year", "fixed_level", "per_capita", "intensity", "peak_year", "net_zero"]


class AmbitionOut(Schema):
    rank: int = Field(..., description="competition rank: cities with the same rate share it (1, 2, 2, 4)")
    city_id: int
    city_name_en: str
    city_name_zh_hans: str
    country: str
    target_id: int = Field(..., description="the city's most ambitious target that gives a rate")
    kind: str
    base_year: int | None
    target_year: int
    reduction_pct: float | None = Field(..., description="reduction from the base year, %: stated or implied")
    annual_rate_pct: float = Field(..., description="implied annual reduction, % a year, compound")
    aligned: bool | None = Field(..., description="aligned with the 1.5 °C benchmark")


@router.get("/ambition", response=list[AmbitionOut])
@paginate(Pagination)
def ambition_ranking(
    request: HttpRequest, country: Literal["US", "CN"] | None = None, kind: TargetKindName | None = None
) -> list[dict]:
    """Cities ranked by their most ambitious comparable target (the highest implied compound annual reduction)."""
    board = selectors.ambition_board(user=request.auth, country=country or "", kind=kind or "")
    return [
        {
            "rank": row.rank,
            "city_id": row.city.pk,
            "city_name_en": row.city.name_en or "",
            "city_name_zh_hans": row.city.name_zh_hans or "",
            "country": row.city.country,
            "target_id": row.target.pk,
            "kind": row.target.kind,
            "base_year": row.target.base_year,
            "target_year": row.target.target_year,
            "reduction_pct": row.reduction_pct,
            "annual_rate_pct": round(row.annual_rate * 100, 4),
            "aligned": row.aligned,
        }
        for row in board.rows
    ]


from .plan_api import router as plan_router  # noqa: E402  (issue #12: action plans, /api/v1/climate/plans …)

router.add_router("", plan_router)
