"""Writes for action plans (issue #12): plans, their measures, variants, publishing, driver sets, the catalogue.

Every service: keyword arguments, ``require`` the permission, validate (all errors at once where it can), run the
pathways engine on the result *before* writing (an input the engine refuses writes nothing), write in a transaction
with history, and store the engine's summary (Shapley wedges) on the plan. Engine errors (``PathwayError``) become
translated ``ValidationError``\\ s on the field that caused them (``engine_error``).
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.core.concurrency import claim_version
from citybridge.core.services import require
from citybridge.core.validation import ErrorCollector

from . import gpc, pathways
from .measures_catalogue import load_catalogue
from .models import Inventory, Origin, Target, TargetKind
from .pathways import Costs, Measure, PathwayError, Uptake
from .pathways.measures import validate_measure
from .plan_models import ActionPlan, DriverSet, MeasureTemplate, PlanMeasure, PlanStatus

if TYPE_CHECKING:
    from collections.abc import Iterable

FIRST_YEAR, LAST_YEAR = 1990, 2100
SHAPES = ("linear", "s_curve")
DRIVER_NAMES = ("population", "gdp", "energy_intensity", "grid_factor")
#: the largest driver value taken (a population, a GDP in currency units, a grid factor): far above any real one
MAX_DRIVER_VALUE = 1e15

# --------------------------------------------------------------------------- engine errors, translated


def _messages() -> dict[str, tuple[str, str]]:
    """Every engine error code → (form field, sentence with the engine's parameters as placeholders)."""
    return {
        "no_base_emissions": (
            "base_inventory_id",
            _("The base inventory of %(base_year)s has no emissions yet: compute it before you plan."),
        ),
        "negative_base_emissions": (
            "base_inventory_id",
            _("The base inventory has negative emissions in sector %(sector)s (%(value)s t CO2e)."),
        ),
        "unknown_sector": ("sectors", _("Unknown GPC sector: %(sector)s.")),
        "unknown_mechanism": ("measure_id", _("Measure %(measure)s: unknown mechanism or option %(mechanism)s.")),
        "measure_share_above_one": (
            "share",
            _("Measure %(measure)s: a reduction cannot be above 100 %% (%(field)s = %(value)s)."),
        ),
        "measure_share_negative": (
            "share",
            _("Measure %(measure)s: a share cannot be negative (%(field)s = %(value)s)."),
        ),
        "measure_value_negative": (
            "mwh_per_year",
            _("Measure %(measure)s: %(field)s must be a number of zero or more (%(value)s)."),
        ),
        "measure_no_sectors": ("measure_id", _("Measure %(measure)s acts on no sector.")),
        "uptake_end_before_start": (
            "full_year",
            _("Measure %(measure)s: full uptake in %(full_year)s comes before its start in %(start_year)s."),
        ),
        "uptake_steepness_invalid": (
            "shape",
            _("Measure %(measure)s: the S-curve steepness must be above zero (%(steepness)s)."),
        ),
        "uptake_year_invalid": ("start_year", _("Measure %(measure)s: %(year)s is not a year between 1900 and 2200.")),
        "driver_series_gap": ("series", _("Driver %(driver)s has no value for %(year)s: fill every year.")),
        "driver_value_invalid": ("series", _("Driver %(driver)s in %(year)s: %(value)s is not a valid value.")),
        "negative_population": ("series", _("Population in %(year)s cannot be negative (%(value)s).")),
        "projection_years_invalid": (
            "end_year",
            _("The projection must end after its base year %(base_year)s (end year %(end_year)s)."),
        ),
        "target_year_outside_projection": (
            "target_id",
            _("The year %(target_year)s is outside the projection (%(first_year)s–%(last_year)s)."),
        ),
        "target_invalid": ("target_id", _("The target cannot be used: %(field)s is %(value)s.")),
        "currency_mismatch": (
            "currency",
            _("Measure %(measure)s costs are in %(currency)s; the plan compares costs in %(expected)s."),
        ),
        "series_too_short": ("series", _("At least %(minimum)s values are needed (%(n)s given).")),
        "series_value_invalid": ("actuals", _("The value for %(year)s is not valid (%(value)s).")),
        "shape_mismatch": ("__all__", _("Internal shape mismatch in %(name)s: %(expected)s expected, %(got)s.")),
        "grid_factor_zero_with_electricity": (
            "series",
            _("Sector %(sector)s uses electricity but the grid factor of the base year is zero."),
        ),
        "duplicate_measure": ("measure_id", _("Measure %(measure)s is already in the plan.")),
        "order_invalid": ("__all__", _("The order of measures is invalid (%(measure)s).")),
    }


def engine_error(exc: PathwayError, field: str | None = None) -> ValidationError:
    """A PathwayError as a ValidationError in the active language, on the field that caused it."""
    default_field, text = _messages().get(exc.code, ("__all__", _("The pathway could not be computed.")))
    params = {k: _fmt(v) for k, v in exc.params.items()}
    try:
        message = text % params
    except (KeyError, TypeError, ValueError):
        message = text
    return ValidationError({field or default_field: [message]})


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# --------------------------------------------------------------------------- engine inputs


def level_sectors(
    inventory: Inventory, level: str | None = None, entries: Iterable[tuple[str, Any]] | None = None
) -> tuple[dict[str, float], dict[str, float]]:
    """t CO2e by GPC sector of the lines the inventory's BASIC or BASIC+ total counts (`level`, its own by default),
    split into direct emissions and scope-2 grid energy. The by-sector totals stored with an inventory sum every
    line, including those no city total counts: I.4.4 (generation supplied to the grid, counted in its scope-2
    users' lines) and the scope-3 lines of a BASIC inventory, which made a plan start above its inventory's total.
    An inventory imported as reported (CDP) has no lines: its reported sector totals, all as direct emissions.
    `entries` are its lines' (GPC reference, t CO2e) when the caller has read them already (several inventories in
    one query); by default they are read here."""
    if inventory.origin != Origin.ENTERED:
        by_sector = (inventory.totals or {}).get("by_sector", {})
        return {k: float(v) for k, v in by_sector.items() if k in pathways.SECTORS and v is not None}, {}
    included = set(gpc.refs_for_level(level or inventory.level))
    direct: dict[str, float] = {}
    electricity: dict[str, float] = {}
    if entries is None:
        entries = inventory.entries.values_list("gpc_ref", "co2e")
    for ref, co2e in entries:
        sector = ref.split(".")[0]
        if ref not in included or not co2e or sector not in pathways.SECTORS:
            continue
        into = electricity if gpc.gpc_line(ref).scope == 2 else direct
        into[sector] = into.get(sector, 0.0) + float(co2e)
    return {s: direct.get(s, 0.0) for s in pathways.SECTORS if s in direct or s in electricity}, electricity


def base_of(inventory: Inventory) -> pathways.BaseInventory:
    """The inventory's BASIC or BASIC+ total (its level) by sector, split into direct and scope-2 grid energy (from
    its lines' GPC scope), t CO2e: the year a plan's business as usual starts from."""
    direct, electricity = level_sectors(inventory)
    return pathways.BaseInventory(inventory.year, direct=direct, electricity=electricity)


def default_series(city: Any, base_year: int, end_year: int) -> tuple[str, dict, dict]:
    """The default drivers for the city's country and province (engine's ``default_drivers``) as stored series."""
    country = city.country if city.country in ("CN", "US") else "US"
    region = getattr(city, "province_en", "") or city.province or None
    if region not in pathways.regions(country):
        region = None
    d = pathways.default_drivers(country, region, base_year, end_year)
    series = {name: {str(y): v for y, v in getattr(d, name).values.items()} for name in DRIVER_NAMES}
    sources = {name: {"label": s.label, "url": s.url, "status": s.status} for name in DRIVER_NAMES
               if (s := getattr(d, name).source) is not None}  # fmt: skip
    return d.version, series, sources


def drivers_of(driver_set: DriverSet | None, city: Any, base_year: int, end_year: int) -> tuple[pathways.Drivers, str]:
    """Engine drivers from the city's stored set, or the defaults when it has none; and the label recorded."""
    if driver_set is None:
        version, series, sources = default_series(city, base_year, end_year)
        label = f"{version}/default"
    else:
        series, sources, label = driver_set.series, driver_set.sources, driver_set.label

    def s(name: str, kind: str) -> pathways.Series:
        src = sources.get(name)
        source = pathways.Source(src["label"], src.get("url", ""), src.get("status", "")) if src else None
        return pathways.Series({int(y): float(v) for y, v in series.get(name, {}).items()}, kind, "", source)

    d = pathways.Drivers(
        population=s("population", "growth"),
        gdp=s("gdp", "growth"),
        energy_intensity=s("energy_intensity", "growth"),
        grid_factor=s("grid_factor", "level"),
        version=label,
    )
    return d, label


def plan_currency(plan: ActionPlan, measures: list[PlanMeasure]) -> str:
    """The one currency of a plan's costs: the first measure's that has costs, else the city's country's (CNY in
    China, USD elsewhere). The engine's cost curve takes a single currency (pathways.macc)."""
    return next((pm.currency for pm in measures if pm.currency), "CNY" if plan.city.country == "CN" else "USD")


def engine_measure(pm: PlanMeasure) -> Measure:
    t = pm.measure
    costs = Costs(pm.currency, pm.capital, pm.operating_per_year, pm.savings_per_year) if pm.currency else None
    return Measure(
        key=t.key,
        mechanism=t.mechanism,
        sectors=tuple(t.sectors),
        uptake=Uptake(int(pm.start_year), int(pm.full_year), pm.shape),
        share=float(pm.share),
        carrier=t.carrier,
        methane_fraction=t.methane_fraction,
        mwh_per_tco2=t.mwh_per_tco2,
        emission_ratio=t.emission_ratio,
        mwh_per_year=float(pm.mwh_per_year),
        costs=costs,
        name_en=t.name_en,
        name_zh=t.name_zh_hans,
    )


def engine_target(
    target: Target | None, bau: pathways.Bau, city: Any = None
) -> tuple[pathways.Target | None, pathways.Conversion | None, str]:
    """The plan's target for the engine, how it was converted, and why it is not drawn (empty when it is).

    Base-year and fixed-level targets map directly; net zero is a fixed level of 0. Per-capita and intensity targets
    are converted with the BAU's population and GDP drivers (``pathways.converted_target``): the population (GDP)
    entered with the target for its target year if any, else its base-year value projected with the driver index,
    else — per capita only — the city's registry population at the BAU's first year; a peak year becomes a cap at
    the BAU's emissions of that year from then on."""
    if target is None:
        return None, None, ""
    if target.kind == TargetKind.BASE_YEAR and target.reduction_pct is not None:
        base_emissions = target.base_emissions_t
        if base_emissions is None and target.base_year == int(bau.years[0]):
            base_emissions = float(bau.total[0])
        return (
            pathways.Target(target.target_year, target.base_year, base_emissions, float(target.reduction_pct) / 100.0),
            None,
            "",
        )
    if target.kind == TargetKind.FIXED_LEVEL and target.target_value is not None:
        return pathways.Target(target.target_year, fixed_level=float(target.target_value)), None, ""
    if target.kind == TargetKind.NET_ZERO:
        return pathways.Target(target.target_year, fixed_level=0.0), None, ""
    first, last = int(bau.years[0]), int(bau.years[-1])
    kw: dict[str, Any] = {}
    if target.kind == TargetKind.PER_CAPITA:
        kw = {"value": target.target_value, "target_driver": target.target_population}
        if target.base_population and target.base_year and first <= target.base_year <= last:
            kw.update(anchor_year=target.base_year, anchor_value=float(target.base_population))
        elif getattr(city, "population", None):
            kw.update(anchor_year=first, anchor_value=float(city.population))
    elif target.kind == TargetKind.INTENSITY:
        kw = {"value": target.target_value, "target_driver": target.target_gdp}
        if target.base_gdp and target.base_year and first <= target.base_year <= last:
            kw.update(anchor_year=target.base_year, anchor_value=float(target.base_gdp))
    elif target.kind != TargetKind.PEAK_YEAR:
        return None, None, _("This target has no value to draw.")
    try:
        t, conv = pathways.converted_target(bau, target.kind, target.target_year, **kw)
    except PathwayError as exc:
        return None, None, " ".join(engine_error(exc).messages)
    return t, conv, ""


def conversion_text(conv: dict, unit: str = "") -> str:
    """One sentence saying how a target was converted into a path, with which driver (stored in the summary)."""
    level = f"{conv['level']:,.0f}"
    value = f"{conv['driver_value']:,.0f}"
    if conv["kind"] == "peak_year":
        return _("Peak-year target drawn as a cap from that year at the business-as-usual emissions of the year: "
                 "%(level)s t CO2e.") % {"level": level}  # fmt: skip
    what = _("population") if conv["driver"] == "population" else _("GDP")
    if conv["origin"] == "entered":
        origin = _("as entered with the target")
    else:
        origin = _("projected from %(year)s with the drivers %(drivers)s") % {
            "year": conv["anchor_year"], "drivers": conv.get("drivers", "")
        }  # fmt: skip
    kind = _("Per-capita target") if conv["kind"] == "per_capita" else _("Intensity target")
    return _(
        "%(kind)s converted into emissions: the value × the %(what)s of the target year, %(value)s %(unit)s "
        "(%(origin)s) = %(level)s t CO2e; after that year the path follows the %(what)s."
    ) % {"kind": kind, "what": what, "value": value, "unit": unit, "origin": origin, "level": level}


@dataclass(frozen=True)
class Run:
    """One plan through the engine: everything the page, the API and the exports show."""

    bau: pathways.Bau
    pathway: pathways.Pathway
    wedges: pathways.Wedges
    target: pathways.Target | None
    summary: dict
    drivers_label: str
    target_note: str = ""


#: BAU projections by (inventory, its version and totals, drivers and their version, end year): a parameter change
#: of a measure does not move the BAU, so the plan page's update reuses it (a small per-process LRU; the key holds
#: everything the projection reads, so a stale entry is never used — it is only never hit again)
_BAU_CACHE: OrderedDict[tuple, tuple[pathways.Bau, str]] = OrderedDict()
_BAU_CACHE_SIZE = 64


def bau_of(plan: ActionPlan, driver_set: DriverSet | None) -> tuple[pathways.Bau, str]:
    """The plan's BAU and the label of the drivers (set, version) that produced it; raises PathwayError."""
    inv = plan.base_inventory
    city = plan.city
    drivers_key = (
        ("set", driver_set.pk, driver_set.version, driver_set.label)
        if driver_set is not None
        else ("default", city.country, getattr(city, "province_en", "") or city.province)
    )
    key = (inv.pk, inv.version, json.dumps(inv.totals, sort_keys=True, default=str), drivers_key, plan.end_year)
    hit = _BAU_CACHE.get(key)
    if hit is not None:
        _BAU_CACHE.move_to_end(key)
        return hit
    base = base_of(inv)
    drivers, label = drivers_of(driver_set, city, base.base_year, plan.end_year)
    out = (pathways.project_bau(base, drivers, plan.end_year), label)
    _BAU_CACHE[key] = out
    if len(_BAU_CACHE) > _BAU_CACHE_SIZE:
        _BAU_CACHE.popitem(last=False)
    return out


def run_plan(plan: ActionPlan, measures: list[PlanMeasure], *, method: str = "proportional",
             driver_set: DriverSet | None = None) -> Run:  # fmt: skip
    """Raises PathwayError for input the engine refuses."""
    bau, label = bau_of(plan, driver_set)
    pw = pathways.pathway(bau, [engine_measure(pm) for pm in measures])
    w = pathways.wedges(pw, method)
    target, conversion, note = engine_target(plan.target, bau, plan.city)
    summary = pathways.summary(pw, w, target)
    if conversion is not None and "target" in summary:
        summary["target"]["conversion"] = {
            "kind": conversion.kind, "driver": conversion.driver, "driver_value": conversion.driver_value,
            "origin": conversion.origin, "anchor_year": conversion.anchor_year, "level": conversion.level,
            "drivers": label, "gdp_unit": getattr(plan.target, "gdp_unit", "") or "",
        }  # fmt: skip
    return Run(bau, pw, w, target, summary, label, note)


def _run_or_raise(plan: ActionPlan, measures: list[PlanMeasure], field: str | None = None) -> Run:
    try:
        return run_plan(plan, measures, method="shapley", driver_set=DriverSet.objects.filter(city=plan.city).first())
    except PathwayError as exc:
        raise engine_error(exc, field) from exc


def _store(plan: ActionPlan, run: Run) -> None:
    """Store the summary on the plan; the run stays on the instance (``plan.last_run``) so the page that answers the
    save shows it without running the engine again."""
    ActionPlan.objects.filter(pk=plan.pk).update(summary=run.summary, drivers_label=run.drivers_label)
    plan.summary, plan.drivers_label = run.summary, run.drivers_label
    plan.last_run = run


# --------------------------------------------------------------------------- validation helpers


def _int(value: Any, field: str, errors: ErrorCollector, lo: int = FIRST_YEAR, hi: int = LAST_YEAR) -> int | None:
    if value is None or value == "":
        errors.add(field, _("This field is required."))
        return None
    try:
        n = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        errors.add(field, _("Enter a whole year."))
        return None
    if not lo <= n <= hi:
        errors.add(field, _("Enter a year between %(lo)s and %(hi)s.") % {"lo": lo, "hi": hi})
        return None
    return n


def _float(value: Any, field: str, errors: ErrorCollector, *, lo: float = 0.0, hi: float | None = None) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        errors.add(field, _("Enter a number."))
        return None
    if not math.isfinite(x) or x < lo or (hi is not None and x > hi) or abs(x) > 1e15:
        if hi is not None and x > hi:
            errors.add(field, _("A reduction cannot be above 100 %."))
        else:
            errors.add(field, _("Enter a number of %(lo)s or more.") % {"lo": lo})
        return None
    return x


def _name(value: Any, errors: ErrorCollector) -> str:
    text = str(value or "").strip()
    if not text:
        errors.add("name", _("This field is required."))
    elif len(text) > 200 or any(ord(c) < 32 for c in text):
        errors.add("name", _("Enter a name of at most 200 characters, without control characters."))
    return text


# --------------------------------------------------------------------------- plans


@transaction.atomic
def plan_create(*, actor: Any, city: Any, name: str, base_inventory: Inventory | None, target: Target | None = None,
                end_year: int = 2060) -> ActionPlan:  # fmt: skip
    """A draft plan for the city; refused when the city has no base inventory (or the one named is another city's)."""
    require(actor, "climate.change_plan", city)
    errors = ErrorCollector()
    name = _name(name, errors)
    end = _int(end_year, "end_year", errors)
    if base_inventory is None:
        errors.add("base_inventory_id", _("This city has no base inventory: create and compute one first."))
    elif base_inventory.city_id != city.pk:
        errors.add("base_inventory_id", _("The base inventory must be this city's."))
    if target is not None and target.city_id != city.pk:
        errors.add("target_id", _("The target must be this city's."))
    errors.raise_if_any()
    plan = ActionPlan(city=city, name=name, base_inventory=base_inventory, target=target, end_year=end,
                      created_by=actor)  # fmt: skip
    run = _run_or_raise(plan, [])
    if plan.target is not None:
        _check_target_year(run, plan.target.target_year)
    plan.save()
    _store(plan, run)
    return plan


def _check_target_year(run: Run, target_year: int) -> None:
    """Any kind of target (converted or not) must fall inside the projection."""
    first, last = int(run.bau.years[0]), int(run.bau.years[-1])
    if not first <= target_year <= last:
        raise engine_error(
            PathwayError("target_year_outside_projection", target_year=target_year, first_year=first, last_year=last)
        )


@transaction.atomic
def plan_update(*, actor: Any, plan: ActionPlan, expected_version: int | None, data: dict) -> ActionPlan:
    """Change name, target or end year of a draft (send the version you read)."""
    require(actor, "climate.change_plan", plan)
    claim_version(plan, expected_version)
    errors = ErrorCollector()
    if plan.status != PlanStatus.DRAFT:
        errors.add("__all__", _("A published plan is frozen: copy it into a variant to change it."))
    if "name" in data:
        plan.name = _name(data["name"], errors)
    if "end_year" in data:
        plan.end_year = _int(data["end_year"], "end_year", errors) or plan.end_year
    if "target" in data:
        target = data["target"]
        if target is not None and target.city_id != plan.city_id:
            errors.add("target_id", _("The target must be this city's."))
        plan.target = target
    errors.raise_if_any()
    run = _run_or_raise(plan, list(plan.measures.select_related("measure")))
    if plan.target is not None:
        _check_target_year(run, plan.target.target_year)
    plan.save()
    _store(plan, run)
    return plan


@transaction.atomic
def plan_copy(*, actor: Any, plan: ActionPlan, name: str) -> ActionPlan:
    """A draft variant of the plan with the same measures and parameters (``variant_of`` points to it)."""
    require(actor, "climate.change_plan", plan.city)
    errors = ErrorCollector()
    name = _name(name, errors)
    errors.raise_if_any()
    copy = ActionPlan.objects.create(
        city=plan.city, name=name, base_inventory=plan.base_inventory, target=plan.target, end_year=plan.end_year,
        variant_of=plan, created_by=actor, summary=plan.summary, drivers_label=plan.drivers_label,
    )  # fmt: skip
    for pm in plan.measures.all():
        pm.pk = None
        pm.id = None
        pm.plan = copy
        pm.version = 1
        pm.save()
    return copy


@transaction.atomic
def plan_publish(*, actor: Any, plan: ActionPlan, expected_version: int | None) -> ActionPlan:
    require(actor, "climate.change_plan", plan)
    claim_version(plan, expected_version)
    if plan.status == PlanStatus.PUBLISHED:
        raise ValidationError({"__all__": [_("This plan is already published.")]})
    run = _run_or_raise(plan, list(plan.measures.select_related("measure")))
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.save()
    _store(plan, run)
    return plan


# --------------------------------------------------------------------------- plan measures

MEASURE_FIELDS = ("share", "start_year", "full_year", "shape", "mwh_per_year", "currency", "capital",
                  "operating_per_year", "savings_per_year")  # fmt: skip


def _clean_measure(data: dict, template: MeasureTemplate, errors: ErrorCollector) -> dict:
    out: dict[str, Any] = {}
    share = data.get("share", template.share)
    out["share"] = _float(share, "share", errors, hi=1.0)
    out["start_year"] = _int(data.get("start_year", template.start_year), "start_year", errors)
    out["full_year"] = _int(data.get("full_year", template.full_year), "full_year", errors)
    if out["start_year"] and out["full_year"] and out["full_year"] < out["start_year"]:
        errors.add("full_year", _("The year of full uptake cannot come before the start year."))
    shape = data.get("shape", template.shape) or "linear"
    if shape not in SHAPES:
        errors.add("shape", _("Choose linear or S-curve."))
    out["shape"] = shape
    for name in ("mwh_per_year", "capital", "operating_per_year", "savings_per_year"):
        default = template.mwh_per_year if name == "mwh_per_year" else 0.0
        out[name] = _float(data.get(name, default) or 0.0, name, errors)
    currency = str(data.get("currency") or "").strip().upper()
    if currency and (len(currency) != 3 or not currency.isascii() or not currency.isalpha()):
        errors.add("currency", _("Enter a three-letter currency code (CNY, USD)."))
    out["currency"] = currency
    return out


def _editable(plan: ActionPlan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"__all__": [_("A published plan is frozen: copy it into a variant to change it.")]})


@transaction.atomic
def plan_measure_save(*, actor: Any, plan: ActionPlan, template: MeasureTemplate, data: dict,
                      plan_measure: PlanMeasure | None = None, expected_version: int | None = None) -> PlanMeasure:  # fmt: skip
    """Add a catalogue measure to a draft plan, or change its parameters (then send the version you read). The
    pathway is recomputed; nothing is written when the engine refuses the parameters."""
    require(actor, "climate.change_plan", plan)
    _editable(plan)
    if plan_measure is not None:
        claim_version(plan_measure, expected_version)
    elif plan.measures.filter(measure=template).exists():
        raise ValidationError({"measure_id": [_("This measure is already in the plan.")]})
    elif template.retired:
        raise ValidationError({"measure_id": [_("This measure has been retired from the catalogue.")]})
    errors = ErrorCollector()
    clean = _clean_measure(data, template, errors)
    errors.raise_if_any()
    pm = plan_measure or PlanMeasure(plan=plan, measure=template, position=plan.measures.count())
    for k, v in clean.items():
        setattr(pm, k, v)
    measures = [m for m in plan.measures.select_related("measure") if m.pk != pm.pk] + [pm]
    run = _run_or_raise(plan, measures)
    pm.save()
    _store(plan, run)
    return pm


@transaction.atomic
def plan_measure_delete(*, actor: Any, plan_measure: PlanMeasure) -> None:
    plan = plan_measure.plan
    require(actor, "climate.change_plan", plan)
    _editable(plan)
    plan_measure.delete()
    _store(plan, _run_or_raise(plan, list(plan.measures.select_related("measure"))))


# --------------------------------------------------------------------------- drivers


@transaction.atomic
def driver_set_save(*, actor: Any, city: Any, series: dict, expected_version: int | None = None,
                    base_year: int = 2020, end_year: int = 2060, cell_fields: bool = False) -> DriverSet:  # fmt: skip
    """Store the city's edited drivers (``{"population": {"2021": -0.005, …}, …}``; a missing driver keeps the
    default). Checked by the engine over base_year..end_year: a gap, a NaN, negative population, or a negative grid
    factor is refused and nothing is written. With ``cell_fields`` (the drivers page) an error the engine ties to
    a driver and a year is reported on the field ``<driver>-<year>`` (the page's input), else on ``series``."""
    require(actor, "climate.change_plan", city)
    current = DriverSet.objects.filter(city=city).first()
    if current is not None:
        claim_version(current, expected_version)
    version, defaults, sources = default_series(city, base_year, end_year)
    merged = {k: dict(v) for k, v in (current.series if current else defaults).items()}
    errors = ErrorCollector()
    if not isinstance(series, dict):
        raise ValidationError({"series": [_("Send the drivers as an object of yearly values.")]})
    for name, values in series.items():
        if name not in DRIVER_NAMES:
            errors.add("series", _("Unknown driver: %(name)s.") % {"name": str(name)[:40]})
            continue
        if not isinstance(values, dict) or len(values) > 300:
            errors.add("series", _("Driver %(driver)s: send at most 300 yearly values.") % {"driver": name})
            continue
        clean = {}
        for y, v in values.items():
            try:
                year, value = int(y), float(v)
            except (TypeError, ValueError):
                errors.add("series", _("Driver %(driver)s: %(year)s is not a year with a number.") %
                           {"driver": name, "year": str(y)[:10]})  # fmt: skip
                continue
            if not FIRST_YEAR <= year <= LAST_YEAR:
                errors.add("series", _("Enter a year between %(lo)s and %(hi)s.") % {"lo": FIRST_YEAR, "hi": LAST_YEAR})
                continue
            if isinstance(v, bool) or not math.isfinite(value) or abs(value) > MAX_DRIVER_VALUE:
                # true is no number, and 1e308 would reach the drivers page as "inf", which it cannot save back
                errors.add("series", _("Driver %(driver)s in %(year)s: %(value)s is not a valid value.") %
                           {"driver": name, "year": year, "value": str(v)[:20]})  # fmt: skip
                continue
            clean[str(year)] = value
        merged[name] = clean
    errors.raise_if_any()
    ds = current or DriverSet(city=city, base_version=version, sources=sources)
    ds.series = merged
    ds.source = "edited"
    try:
        drivers, _label = drivers_of(ds, city, base_year, end_year)
        pathways.project_bau(pathways.BaseInventory(base_year, direct={"I": 1.0}), drivers, end_year)
    except PathwayError as exc:
        field = "series"
        if cell_fields and "year" in exc.params:
            driver = "population" if exc.code == "negative_population" else exc.params.get("driver", "")
            if driver in DRIVER_NAMES:
                field = f"{driver}-{exc.params['year']}"
        raise engine_error(exc, field) from exc
    ds.save()
    return ds


# --------------------------------------------------------------------------- catalogue


def catalogue_seed() -> int:
    """Create the bundled catalogue's measures that are missing (idempotent); returns how many were created."""
    made = 0
    for e in load_catalogue():
        m = e.measure
        _obj, created = MeasureTemplate.objects.get_or_create(
            key=e.key,
            defaults={
                "topic": e.topic, "name_en": e.name_en, "name_zh_hans": e.name_zh, "effect_en": e.effect_en,
                "effect_zh_hans": e.effect_zh, "mechanism": m.mechanism, "sectors": list(m.sectors),
                "carrier": m.carrier, "share": m.share, "methane_fraction": m.methane_fraction,
                "mwh_per_tco2": m.mwh_per_tco2, "emission_ratio": m.emission_ratio, "mwh_per_year": m.mwh_per_year,
                "start_year": m.uptake.start_year, "full_year": m.uptake.full_year, "shape": m.uptake.shape,
                "co_benefits": list(m.co_benefits),
                "sources": [{"label": s.label, "url": s.url, "status": s.status} for s in m.sources],
                "cost_notes": e.cost_notes, "bundled": True,
            },
        )  # fmt: skip
        made += created
    return made


# --------------------------------------------------------------------------- catalogue edited by staff

CO_BENEFITS = ("air_quality", "health", "jobs", "energy_bills", "energy_security", "safety", "resilience", "noise",
               "congestion", "soil", "circular_economy")  # fmt: skip
SOURCE_STATUSES = ("two sources", "single source", "derived", "assumption")


def _text(data: dict, field: str, errors: ErrorCollector, *, limit: int, required: bool = False) -> str:
    text = str(data.get(field) or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > limit or any(ord(c) < 32 and c not in "\n\r\t" for c in text) or "\x00" in text:
        errors.add(field, _("Enter at most %(n)s characters, without control characters.") % {"n": limit})
        return ""
    return text


def _sources(raw: Any, errors: ErrorCollector) -> list[dict]:
    """One source a line: ``label | url | status`` (url and status optional; status one of SOURCE_STATUSES)."""
    lines = [ln.strip() for ln in str(raw or "").splitlines() if ln.strip()]
    if not lines:
        errors.add("sources", _("Cite at least one source for the typical effect."))
        return []
    if len(lines) > 10 or len(str(raw)) > 5000:
        errors.add("sources", _("Enter at most 10 sources."))
        return []
    out = []
    for ln in lines:
        parts = [p.strip() for p in ln.split("|")]
        label, url, status = (parts + ["", ""])[:3]
        if not label or (url and not url.startswith(("http://", "https://"))) or any(ord(c) < 32 for c in ln):
            errors.add("sources", _("Each line: a description, then | and an http(s) address (optional)."))
            return []
        out.append({"label": label, "url": url, "status": status if status in SOURCE_STATUSES else "single source"})
    return out


@transaction.atomic
def catalogue_measure_save(*, actor: Any, data: dict, template: MeasureTemplate | None = None,
                           expected_version: int | None = None) -> MeasureTemplate:  # fmt: skip
    """Add a measure to the catalogue or edit one (staff; send the version you read). Shares are fractions of 1
    (the page enters per cent). Refused, nothing written: a reduction above 100 %, full uptake before the start, no
    sector, no source, a name missing in either language, a key already used."""
    from .measures_catalogue import TOPICS

    require(actor, "climate.change_catalogue")
    if template is not None:
        claim_version(template, expected_version)
    errors = ErrorCollector()
    out: dict[str, Any] = {}
    if template is None:
        key = str(data.get("key") or "").strip().lower()
        if not key or len(key) > 60 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
            errors.add("key", _("Enter a key of letters, digits, - and _ (at most 60)."))
        elif MeasureTemplate.objects.filter(key=key).exists():
            errors.add("key", _("This key is already in the catalogue."))
        out["key"] = key
    topic = str(data.get("topic") or "")
    if topic not in TOPICS:
        errors.add("topic", _("Select a valid choice."))
    out["topic"] = topic
    out["name_en"] = _text(data, "name_en", errors, limit=200, required=True)
    out["name_zh_hans"] = _text(data, "name_zh_hans", errors, limit=200, required=True)
    out["effect_en"] = _text(data, "effect_en", errors, limit=4000)
    out["effect_zh_hans"] = _text(data, "effect_zh_hans", errors, limit=4000)
    out["cost_notes"] = _text(data, "cost_notes", errors, limit=4000)
    mechanism = str(data.get("mechanism") or "")
    if mechanism not in pathways.MECHANISMS:
        errors.add("mechanism", _("Select a valid choice."))
    out["mechanism"] = mechanism
    carrier = str(data.get("carrier") or "all")
    if carrier not in pathways.CARRIERS:
        errors.add("carrier", _("Select a valid choice."))
    out["carrier"] = carrier
    sectors = data.get("sectors") or []
    sectors = [sectors] if isinstance(sectors, str) else list(sectors)
    if not sectors or not set(sectors) <= set(pathways.SECTORS):
        errors.add("sectors", _("Choose at least one GPC sector."))
    out["sectors"] = [s for s in pathways.SECTORS if s in sectors]
    benefits = data.get("co_benefits") or []
    benefits = [benefits] if isinstance(benefits, str) else list(benefits)
    if not set(benefits) <= set(CO_BENEFITS):
        errors.add("co_benefits", _("Select a valid choice."))
    out["co_benefits"] = [b for b in CO_BENEFITS if b in benefits]
    out["share"] = _float(data.get("share", 0) or 0, "share", errors, hi=1.0)
    out["methane_fraction"] = _float(data.get("methane_fraction", 1) or 0, "methane_fraction", errors, hi=1.0)
    for name in ("mwh_per_tco2", "emission_ratio", "mwh_per_year"):
        out[name] = _float(data.get(name, 0) or 0, name, errors)
    out["start_year"] = _int(data.get("start_year"), "start_year", errors)
    out["full_year"] = _int(data.get("full_year"), "full_year", errors)
    if out["start_year"] and out["full_year"] and out["full_year"] < out["start_year"]:
        errors.add("full_year", _("The year of full uptake cannot come before the start year."))
    shape = str(data.get("shape") or "linear")
    if shape not in SHAPES:
        errors.add("shape", _("Choose linear or S-curve."))
    out["shape"] = shape
    out["sources"] = _sources(data.get("sources"), errors)
    errors.raise_if_any()
    m = template or MeasureTemplate(bundled=False)
    for k, v in out.items():
        setattr(m, k, v)
    try:  # the engine's own check of what it will be asked to run
        validate_measure(
            Measure(m.key, m.mechanism, tuple(m.sectors), Uptake(m.start_year, m.full_year, m.shape), share=m.share,
                    carrier=m.carrier, methane_fraction=m.methane_fraction, mwh_per_tco2=m.mwh_per_tco2,
                    emission_ratio=m.emission_ratio, mwh_per_year=m.mwh_per_year)
        )  # fmt: skip
    except PathwayError as exc:
        raise engine_error(exc) from exc
    m.save()
    return m


@transaction.atomic
def catalogue_measure_retire(*, actor: Any, template: MeasureTemplate, expected_version: int | None,
                             retired: bool = True) -> MeasureTemplate:  # fmt: skip
    """Retire a measure (no longer offered to plans; the plans that use it keep it) or bring it back."""
    require(actor, "climate.change_catalogue")
    claim_version(template, expected_version)
    template.retired = retired
    template.save(update_fields=["retired", "version"])
    return template
