"""API of action plans (issue #12), mounted under /api/v1/climate/ by climate/api.py: plans (list, create, detail
with the stored pathway summary, update with version, copy, publish), plan measures, the measures catalogue,
drivers per city, progress."""

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictFloat

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.cities.selectors import city_get
from citybridge.core.api import Id, Pagination, Strict, Version

from . import plan_selectors, plan_services, selectors
from .pathways import PathwayError
from .plan_charts import plan_context
from .plan_exports import progress_rows
from .plan_models import ActionPlan, MeasureTemplate, PlanMeasure

router = Router(tags=["climate plans"])

Year = int


class PlanSummaryOut(Schema):
    id: int
    city_id: int
    name: str
    base_inventory_id: int
    target_id: int | None
    end_year: int
    status: str
    variant_of_id: int | None
    version: int


class PlanOut(PlanSummaryOut):
    drivers_label: str
    summary: dict


class PlanIn(Strict):
    name: str = Field(..., max_length=200)
    city_id: Id
    base_inventory_id: Id | None = None
    target_id: Id | None = None
    end_year: int = Field(2060, ge=1991, le=2100)


class PlanPatch(Strict):
    name: str | None = Field(None, max_length=200)
    target_id: Id | None = None
    end_year: int | None = Field(None, ge=1991, le=2100)
    version: Version | None = None


class CopyIn(Strict):
    name: str = Field("", max_length=200, description="the variant's name (default: the plan's, marked variant)")


class VersionIn(Strict):
    version: Version | None = None


class PlanMeasureOut(Schema):
    id: int
    measure_id: int
    key: str
    share: float
    start_year: int
    full_year: int
    shape: str
    mwh_per_year: float
    currency: str
    capital: float
    operating_per_year: float
    savings_per_year: float
    version: int

    @staticmethod
    def resolve_key(obj: PlanMeasure) -> str:
        return obj.measure.key


class PlanMeasureFields(Strict):
    share: float | None = Field(None, description="reduction at full uptake, 0-1")
    start_year: int | None = None
    full_year: int | None = None
    shape: Literal["linear", "s_curve"] | None = None
    mwh_per_year: float | None = None
    currency: str | None = Field(None, max_length=3)
    capital: float | None = None
    operating_per_year: float | None = None
    savings_per_year: float | None = None


class PlanMeasureIn(PlanMeasureFields):
    measure_id: Id


class PlanMeasurePut(PlanMeasureFields):
    version: Version | None = None


class CatalogueOut(Schema):
    id: int
    key: str
    topic: str
    name_en: str
    name_zh_hans: str
    effect_en: str
    effect_zh_hans: str
    mechanism: str
    sectors: list[str]
    carrier: str
    share: float
    start_year: int
    full_year: int
    shape: str
    co_benefits: list[str]
    sources: list[dict]


class DriversOut(Schema):
    city_id: int
    label: str
    source: str
    version: int | None
    series: dict
    sources: dict


class DriversIn(Strict):
    #: yearly values as JSON numbers (true or "0.5" is no number: pydantic's lax float read true as 1.0)
    series: dict[Literal["population", "gdp", "energy_intensity", "grid_factor"], dict[str, StrictFloat]] = {}
    version: Version | None = None


class ProgressRowOut(Schema):
    sector: str
    status: str
    reason: str
    text: str
    params: dict


# --------------------------------------------------------------------------- plans


@router.get("/plans", response=list[PlanSummaryOut])
@paginate(Pagination)
def list_plans(
    request: HttpRequest, city_id: Id | None = None, status: Literal["draft", "published"] | None = None
) -> QuerySet[ActionPlan]:
    """Your city's plans at any status; published plans of every participating city."""
    return plan_selectors.plan_list(user=request.auth, city_id=city_id, status=status or "")


@router.post("/plans", response={201: PlanOut})
def create_plan(request: HttpRequest, payload: PlanIn, response: HttpResponse) -> Status[ActionPlan]:
    """A draft plan on a base inventory of the city (refused, 422 on `base_inventory_id`, without one)."""
    city = body_ref(city_get, "city_id", payload.city_id, user=request.auth)
    inventory = body_ref(selectors.inventory_get, "base_inventory_id", payload.base_inventory_id, user=request.auth)
    target = body_ref(selectors.target_get, "target_id", payload.target_id, user=request.auth)
    plan = plan_services.plan_create(actor=request.auth, city=city, name=payload.name, base_inventory=inventory,
                                     target=target, end_year=payload.end_year)  # fmt: skip
    etag(response, plan)
    return Status(201, plan)


@router.get("/plans/{id:pk}", response=PlanOut)
def get_plan(request: HttpRequest, pk: int, response: HttpResponse) -> ActionPlan:
    """The plan with its pathway summary (BAU, plan, Shapley wedges, cumulative avoided, ranking, target and gap)
    as stored at its last save."""
    plan = plan_selectors.plan_get(user=request.auth, pk=pk)
    etag(response, plan)
    return plan


@router.patch("/plans/{id:pk}", response=PlanOut)
def update_plan(request: HttpRequest, pk: int, payload: PlanPatch, response: HttpResponse) -> ActionPlan:
    plan = plan_selectors.plan_get(user=request.auth, pk=pk)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    if "target_id" in data:
        data["target"] = body_ref(selectors.target_get, "target_id", data.pop("target_id"), user=request.auth)
    with stale_as(PlanOut, request):
        plan = plan_services.plan_update(actor=request.auth, plan=plan,
                                         expected_version=expected_version(request, version), data=data)  # fmt: skip
    etag(response, plan)
    return plan


@router.post("/plans/{id:pk}/copy", response={201: PlanOut})
def copy_plan(request: HttpRequest, pk: int, payload: CopyIn) -> Status[ActionPlan]:
    plan = plan_selectors.plan_get(user=request.auth, pk=pk)
    name = payload.name or _("%(name)s (variant)") % {"name": plan.name}
    return Status(201, plan_services.plan_copy(actor=request.auth, plan=plan, name=name))


@router.post("/plans/{id:pk}/publish", response=PlanOut)
def publish_plan(request: HttpRequest, pk: int, payload: VersionIn, response: HttpResponse) -> ActionPlan:
    plan = plan_selectors.plan_get(user=request.auth, pk=pk)
    with stale_as(PlanOut, request):
        plan = plan_services.plan_publish(actor=request.auth, plan=plan,
                                          expected_version=expected_version(request, payload.version))  # fmt: skip
    etag(response, plan)
    return plan


@router.get("/plans/{id:pk}/progress", response=list[ProgressRowOut])
def plan_progress(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """Per sector and in total: on track / behind / ahead against the pathway, with the reason."""
    plan = plan_selectors.plan_get(user=request.auth, pk=pk)
    try:
        run = plan_selectors.plan_run(plan)
        rows = progress_rows(plan_selectors.plan_progress(plan, run))
    except PathwayError as exc:
        raise plan_services.engine_error(exc) from exc
    return [{"sector": r["sector"], "status": r["status"], "reason": r["progress"].reason, "text": r["reason"],
             "params": r["progress"].params} for r in rows]  # fmt: skip


@router.get("/plans/{id:pk}/pathway")
def plan_pathway(
    request: HttpRequest, pk: int, method: Literal["proportional", "sequential", "shapley"] = "shapley"
) -> dict:
    """The pathway recomputed now with the attribution asked for, plus MACC and LMDI rows."""
    plan = plan_selectors.plan_get(user=request.auth, pk=pk)
    measures = plan_selectors.plan_measures(plan)
    try:
        ctx = plan_context(plan, measures, plan_selectors.plan_run(plan, measures, method=method))
    except PathwayError as exc:
        raise plan_services.engine_error(exc) from exc
    return {**ctx["summary"], "macc": ctx["macc_rows"], "lmdi": ctx["lmdi_rows"], "drivers_label": ctx["drivers_label"]}


# --------------------------------------------------------------------------- plan measures


@router.get("/plans/{id:pk}/measures", response=list[PlanMeasureOut])
@paginate(Pagination)
def list_plan_measures(request: HttpRequest, pk: int) -> QuerySet[PlanMeasure]:
    plan = plan_selectors.plan_get(user=request.auth, pk=pk)
    return plan.measures.select_related("measure").order_by("position", "id")


def _catalogue_get(*, user: Any, pk: int) -> MeasureTemplate:
    return plan_selectors.catalogue_get(pk=pk)


@router.post("/plans/{id:pk}/measures", response={201: PlanMeasureOut})
def add_plan_measure(request: HttpRequest, pk: int, payload: PlanMeasureIn) -> Status[PlanMeasure]:
    plan = plan_selectors.plan_get(user=request.auth, pk=pk)
    data = payload.model_dump(exclude_none=True)
    template = body_ref(_catalogue_get, "measure_id", data.pop("measure_id"), user=request.auth)
    pm = plan_services.plan_measure_save(actor=request.auth, plan=plan, template=template, data=data)
    return Status(201, pm)


@router.put("/plans/{id:pk}/measures/{id:measure_id}", response=PlanMeasureOut)
def update_plan_measure(
    request: HttpRequest, pk: int, measure_id: int, payload: PlanMeasurePut, response: HttpResponse
) -> PlanMeasure:
    plan = plan_selectors.plan_get(user=request.auth, pk=pk)
    pm = plan_selectors.plan_measure_get(user=request.auth, plan=plan, pk=measure_id)
    data = payload.model_dump(exclude_none=True)
    version = data.pop("version", None)
    with stale_as(PlanMeasureOut, request):
        pm = plan_services.plan_measure_save(
            actor=request.auth, plan=plan, template=pm.measure, data=data, plan_measure=pm,
            expected_version=expected_version(request, version),
        )  # fmt: skip
    etag(response, pm)
    return pm


@router.delete("/plans/{id:pk}/measures/{id:measure_id}", response={204: None})
def delete_plan_measure(request: HttpRequest, pk: int, measure_id: int) -> Status[None]:
    plan = plan_selectors.plan_get(user=request.auth, pk=pk)
    pm = plan_selectors.plan_measure_get(user=request.auth, plan=plan, pk=measure_id)
    plan_services.plan_measure_delete(actor=request.auth, plan_measure=pm)
    return Status(204, None)


# --------------------------------------------------------------------------- catalogue and drivers


@router.get("/measures", response=list[CatalogueOut])
@paginate(Pagination)
def list_catalogue(request: HttpRequest) -> QuerySet[MeasureTemplate]:
    """The measures catalogue, both languages, with each measure's cited typical effect."""
    return plan_selectors.catalogue_list()


def _drivers_out(city: Any) -> dict:
    ds = plan_selectors.driver_set_for(city)
    if ds is None:
        version, series, sources = plan_services.default_series(city, 2020, 2060)
        return {"city_id": city.pk, "label": f"{version}/default", "source": "default", "version": None,
                "series": series, "sources": sources}  # fmt: skip
    return {"city_id": city.pk, "label": ds.label, "source": ds.source, "version": ds.version, "series": ds.series,
            "sources": ds.sources}  # fmt: skip


@router.get("/drivers/{id:city_id}", response=DriversOut)
def get_drivers(request: HttpRequest, city_id: int) -> dict:
    """The city's BAU drivers (its edited set, or the defaults for its country and province), with sources."""
    return _drivers_out(city_get(user=request.auth, pk=city_id))


@router.put("/drivers/{id:city_id}", response=DriversOut)
def put_drivers(request: HttpRequest, city_id: int, payload: DriversIn) -> dict:
    """Replace some driver series (`{"population": {"2030": -0.005, …}}`, growth per year; grid_factor in t CO2e
    per MWh). Send the `version` you read once the city has its own set."""
    city = city_get(user=request.auth, pk=city_id)
    plan_services.driver_set_save(actor=request.auth, city=city, series=payload.series,
                                  expected_version=expected_version(request, payload.version))  # fmt: skip
    return _drivers_out(city)
