"""Between the tables and the engines: build the engines' dataclasses from rows, call them, store their results,
and turn their error codes into translated messages naming the field (and the row, for imports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from . import accounting, ambition, units
from .messages import issue_message

if TYPE_CHECKING:
    from .models import EmissionFactor, Inventory, InventoryEntry, Target
    from .services import CleanEntry


#: engine field names → the names the API and forms use
FIELD_NAMES = {
    "ref": "gpc_ref",
    "factors": "factor_id",
    "emissions_by_gas": "emissions",
    "activity_value": "activity_value",
    "activity_unit": "activity_unit",
    "population": "target_population",
    "gdp": "target_gdp",
    "target_level": "target_value",
    "base_emissions": "base_emissions_t",
}


def field_name(engine_field: str) -> str:
    engine_field = (engine_field or "").replace("[", ".").replace("]", "")
    head, _sep, rest = engine_field.partition(".")
    name = FIELD_NAMES.get(head, head) or "__all__"
    return f"{name}.{rest}" if rest else name


def as_validation_error(exc: Exception) -> ValidationError:
    """An engine error (one code, or a list of issues) as a ValidationError field → translated message."""
    issues = getattr(exc, "issues", None)
    errors: dict[str, list[str]] = {}
    if issues:
        for issue in issues:
            errors.setdefault(field_name(issue.field), []).append(issue_message(issue.code, dict(issue.params)))
    else:
        code = getattr(exc, "code", "climate_error")
        errors.setdefault(field_name(getattr(exc, "field", "")), []).append(
            issue_message(code, dict(getattr(exc, "params", {}) or {}))
        )
    return ValidationError(errors)


def unit_problem(unit: str, *, mass: bool) -> str:
    """A translated reason why ``unit`` is not usable (unknown, or not a mass where a mass is needed); "" if fine."""
    try:
        if mass and not units.is_mass(unit):
            return issue_message("not_mass_unit", {"unit": unit})
        units.resolve_unit(unit)
    except units.ClimateError as exc:
        return issue_message(exc.code, dict(exc.params))
    return ""


def engine_factor(factor: EmissionFactor) -> accounting.Factor:
    return accounting.Factor(
        id=str(factor.pk),
        gas=factor.gas,
        value=factor.value,
        unit=f"{factor.unit}/{factor.activity_unit}",
        activity_unit=factor.activity_unit,
        basis=factor.heating_basis or None,
        source=factor.citation,
        status=factor.verification,
    )


def engine_entry(clean: CleanEntry) -> accounting.Entry:
    factors: list[accounting.Factor] = [engine_factor(f) for f in clean.library]
    for i, f in enumerate(clean.own_factors):
        factors.append(
            accounting.Factor(
                id=f"own-{i}", gas=f["gas"], value=f["value"], unit=f["unit"], source=f.get("citation", "")
            )
        )
    reported = None
    if clean.reported:
        reported = {r["gas"]: accounting.Amount(r["value"], r["unit"]) for r in clean.reported}
    return accounting.Entry(
        ref=clean.gpc_ref,
        notation_key=clean.notation_key or None,
        explanation=clean.explanation,
        included_in=clean.included_in,
        activity_value=clean.activity_value,
        activity_unit=clean.activity_unit,
        factors=tuple(factors),
        emissions_by_gas=reported,
        data_quality=clean.data_quality,
        source=clean.source,
        density=_amount(clean.fuel_properties.get("density")),
        ncv=_amount(clean.fuel_properties.get("ncv")),
    )


def _amount(value: dict | None) -> accounting.Amount | None:
    return accounting.Amount(value["value"], value["unit"]) if value else None


@dataclass
class StoredResult:
    by_gas: dict[str, float]
    co2e: float
    factor_versions: list[dict]
    conversion: list[str]


def entry_result(inventory: Inventory, clean: CleanEntry) -> StoredResult:
    """Compute one entry with the inventory's GWP set; engine errors become a ValidationError on the field."""
    try:
        result = accounting.compute_entry(engine_entry(clean), inventory.gwp_set)
    except units.ClimateError as exc:
        raise as_validation_error(exc) from None
    return StoredResult(
        by_gas=dict(result.by_gas_t),
        co2e=result.co2e_t,
        factor_versions=[{"id": f.pk, "code": f.code, "version": f.version} for f in clean.library],
        conversion=[str(c) for c in result.conversions],
    )


def _result_of(entry: InventoryEntry) -> accounting.EntryResult:
    return accounting.EntryResult(
        ref=entry.gpc_ref,
        by_gas_t=dict(entry.by_gas),
        co2e_t=entry.co2e,
        conversions=[],
        warnings=[],
        notation_key=entry.notation_key or None,
    )


def totals_of(entries: Sequence[InventoryEntry], gwp: str | None = None) -> dict[str, Any]:
    return _totals_dict(accounting.compute_totals([_result_of(e) for e in entries], gwp))


def totals_of_rows(rows: Sequence[Sequence[Any]], gwp: str | None = None) -> dict[str, Any]:
    """``totals_of`` for stored results as plain rows (gpc_ref, by_gas, co2e, notation_key): the recompute's path,
    which reads entries as values, not model instances."""
    return _totals_dict(accounting.totals_of_rows(((ref, g, c, k, None) for ref, g, c, k in rows), gwp))


def _totals_dict(totals: accounting.Totals) -> dict[str, Any]:
    return {
        "basic": totals.basic,
        "basic_plus": totals.basic_plus,
        "territorial_scope1": totals.territorial_scope1,
        "by_sector": dict(totals.by_sector),
        "by_subsector": dict(totals.by_subsector),
        "by_scope": {str(k): v for k, v in totals.by_scope.items()},
        "by_gas": dict(totals.by_gas),
        "by_gas_co2e": dict(totals.by_gas_co2e),
        "rules": {k: {"code": r.code, "citation": r.citation} for k, r in totals.rule_notes.items()},
    }


def store_totals(inventory: Inventory, entries: Sequence[InventoryEntry]) -> None:
    """Compute the totals from the stored entry results and store them on the inventory (a plain UPDATE: totals are
    derived, not an edit, so they neither bump the version nor fill the history)."""
    from .models import Inventory as InventoryModel

    data = totals_of(entries, inventory.gwp_set)
    inventory.totals = data
    inventory.total_basic = data["basic"]
    inventory.total_basic_plus = data["basic_plus"]
    inventory.total_territorial = data["territorial_scope1"]
    inventory.computed_at = timezone.now()
    InventoryModel.objects.filter(pk=inventory.pk).update(
        totals=data,
        total_basic=inventory.total_basic,
        total_basic_plus=inventory.total_basic_plus,
        total_territorial=inventory.total_territorial,
        computed_at=inventory.computed_at,
    )


def missing_lines(inventory: Inventory, entries: Sequence[InventoryEntry]) -> list[str]:
    """GPC lines the inventory's level requires that have neither data nor a notation key, in GPC order."""
    stub = [accounting.Entry(ref=e.gpc_ref, notation_key=e.notation_key or None) for e in entries]
    return list(accounting.completeness(stub, inventory.level))


def target_ambition(target: Target) -> dict[str, Any]:
    """The engine's ambition figures for a target, as stored JSON (engine codes kept; the page translates)."""
    engine_target = ambition.Target(
        kind=target.kind,
        target_year=target.target_year,
        base_year=target.base_year,
        reduction_pct=target.reduction_pct,
        target_level=target.target_value,
        coverage=tuple(target.coverage or ()),
        milestones=tuple(
            ambition.Milestone(year=m["year"], reduction_pct=m["reduction_pct"]) for m in target.milestones
        ),
    )
    try:
        result = ambition.ambition(
            engine_target,
            target.base_emissions_t,
            target.target_population,
            target.target_gdp,
            base_population=target.base_population,
            base_gdp=target.base_gdp,
        )
    except units.ClimateError as exc:
        raise as_validation_error(exc) from None
    bench = result.benchmark_comparison
    return {
        "target_emissions_t": result.target_emissions_t,
        "annual_rate": result.implied_annual_reduction_rate,
        "linear_rate": result.implied_linear_rate,
        "per_capita": result.per_capita_in_target_year,
        "benchmark": {
            "emissions_t": bench.benchmark_emissions_t,
            "annual_rate": bench.benchmark_annual_rate,
            "gap_t": bench.gap_t,
            "aligned": bench.aligned,
            "definition": bench.definition,
        },
        "notes": [{"code": n.code, "params": dict(n.params)} for n in result.notes],
    }
