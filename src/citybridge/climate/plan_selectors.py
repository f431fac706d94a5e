"""Reads for action plans (issue #12), scoped by ``visible_to(user)``; the engine run for the page (proportional
wedges, live) and the progress of actual inventories against the pathway."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from . import pathways
from .models import Inventory, InventoryEntry, Status
from .plan_models import ActionPlan, DriverSet, MeasureTemplate, PlanMeasure
from .plan_services import Run, base_of, level_sectors, run_plan


def plan_list(*, user: Any, city_id: int | None = None, status: str = "") -> QuerySet[ActionPlan]:
    qs = ActionPlan.objects.visible_to(user).select_related("city", "base_inventory", "target")
    qs = qs.annotate(measure_count=Count("measures"))
    if city_id:
        qs = qs.filter(city_id=city_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("city_id", "-created_at", "id")


def plan_get(*, user: Any, pk: int) -> ActionPlan:
    plan = (
        ActionPlan.objects.visible_to(user).select_related("city", "base_inventory", "target", "variant_of")
        .filter(pk=pk).first()
    )  # fmt: skip
    if plan is None:
        raise Http404
    return plan


def plan_measures(plan: ActionPlan) -> list[PlanMeasure]:
    """The plan's measures with their catalogue rows (without the columns the page never shows)."""
    return list(plan.measures.select_related("measure").defer("measure__sources", "measure__cost_notes"))


def plan_measure_get(*, user: Any, plan: ActionPlan, pk: int) -> PlanMeasure:
    pm = PlanMeasure.objects.select_related("measure", "plan").filter(plan=plan, pk=pk).first()
    if pm is None:
        raise Http404
    return pm


def catalogue_list() -> QuerySet[MeasureTemplate]:
    return MeasureTemplate.objects.order_by("topic", "key")


def catalogue_choices() -> list[tuple[int, str, str]]:
    """(pk, English name, Chinese name) of every catalogue measure still offered (not retired), for the "add a
    measure" menu."""
    return list(
        MeasureTemplate.objects.filter(retired=False)
        .order_by("topic", "key")
        .values_list("pk", "name_en", "name_zh_hans")
    )


def catalogue_get(*, pk: int) -> MeasureTemplate:
    m = MeasureTemplate.objects.filter(pk=pk).first()
    if m is None:
        raise Http404
    return m


def driver_set_for(city: Any) -> DriverSet | None:
    return DriverSet.objects.filter(city=city).first()


def plan_run(plan: ActionPlan, measures: list[PlanMeasure] | None = None, *, method: str = "proportional") -> Run:
    """The plan through the engine now (raises PathwayError when its stored inputs no longer run)."""
    return run_plan(plan, plan_measures(plan) if measures is None else measures, method=method,
                    driver_set=driver_set_for(plan.city))  # fmt: skip


def base_inventory_choices(*, user: Any, city: Any) -> QuerySet[Inventory]:
    qs = Inventory.objects.visible_to(user)
    if city is not None:
        qs = qs.filter(city=city)
    return qs.order_by("-year", "-revision")


def actuals_of(plan: ActionPlan) -> dict[str, dict[int, float]]:
    """Per GPC sector, t CO2e, of the city's inventories after the base year inside the projection (the latest
    revision of each year; published ones first)."""
    out: dict[str, dict[int, float]] = {}
    rows = (
        Inventory.objects.filter(city_id=plan.city_id, year__gt=plan.base_inventory.year, year__lte=plan.end_year)
        .exclude(totals={})
        .order_by("year", "revision")
    )
    best: dict[int, Inventory] = {}
    for inv in rows:
        if inv.year not in best or inv.status == Status.PUBLISHED or best[inv.year].status != Status.PUBLISHED:
            best[inv.year] = inv
    level = plan.base_inventory.level  # later years counted as the plan's base year is (plan_services.base_of)
    lines: dict[int, list[tuple[str, Any]]] = {inv.pk: [] for inv in best.values()}
    for inventory_id, ref, co2e in InventoryEntry.objects.filter(inventory_id__in=lines).values_list(
        "inventory_id", "gpc_ref", "co2e"
    ):  # every year's lines in one query
        lines[inventory_id].append((ref, co2e))
    for year, inv in best.items():
        direct, electricity = level_sectors(inv, level, lines[inv.pk])
        for s, v in direct.items():
            out.setdefault(s, {})[year] = v + electricity.get(s, 0.0)
    return out


def plan_progress(plan: ActionPlan, run: Run) -> list[pathways.Progress]:
    return pathways.progress(run.pathway, actuals_of(plan))


__all__ = ["base_of"]


def drivers_view(city: Any, base_year: int = 2020, end_year: int = 2060) -> dict:
    """The city's drivers as the page shows them: its stored set or the defaults, the label the BAU records, the
    sources, and the last changes (history rows, newest first)."""
    from .plan_services import default_series

    ds = driver_set_for(city)
    if ds is None:
        version, series, sources = default_series(city, base_year, end_year)
        label, history = f"{version}/default", []
    else:
        series, sources, label = ds.series, ds.sources, ds.label
        history = list(ds.history.select_related("history_user__person").order_by("-history_date", "-history_id")[:20])
    return {"driver_set": ds, "series": series, "sources": sources, "label": label, "history": history}
