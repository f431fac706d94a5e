"""The plan page's figures: one context built from an engine run (tables) and its Vega-Lite specs (charts), every
label translated. Used by the page, the comparison page and the progress report exports."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from citybridge.core.listing import listed
from citybridge.core.models import is_chinese
from citybridge.core.templatetags.listing import currency_word

from . import pathways
from .charts import LEGEND, SCHEMA
from .labels import source_text
from .pathways import FACTOR_NAMES, FACTORS, SECTOR_NAMES, SECTORS, PathwayError
from .plan_models import ActionPlan, PlanMeasure
from .plan_services import Run, engine_error, plan_currency


def sector_name(code: str) -> str:
    if code == "total":
        return _("Total")
    en, zh = SECTOR_NAMES.get(code, (code, code))
    return zh if is_chinese() else en


def factor_name(code: str) -> str:
    en, zh = FACTOR_NAMES[code]
    return zh if is_chinese() else en


def method_label(method: str) -> str:
    if method.startswith("shapley"):
        return _("Shapley (each measure's average marginal reduction over every order)")
    if method == "sequential":
        return _("sequential (in the plan's order)")
    return _("proportional (each measure's effect alone, scaled to the combined reduction)")


def _line(values: list[dict], title: str, y_title: str, height: int = 260) -> dict:
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": title,
        "width": "container",
        "height": height,
        "data": {"values": values},
        "mark": {"type": "line", "point": False},
        "encoding": {
            "x": {"field": "year", "type": "quantitative", "title": _("Year"), "axis": {"format": "d"},
                  "scale": {"zero": False}},
            "y": {"field": "value", "type": "quantitative", "title": y_title},
            "color": {"field": "series", "type": "nominal", "title": _("Series"), "sort": None,
                      "legend": LEGEND},
            "strokeDash": {"field": "series", "type": "nominal", "legend": None, "sort": None},
            "tooltip": [
                {"field": "series", "type": "nominal", "title": _("Series")},
                {"field": "year", "type": "quantitative", "title": _("Year"), "format": "d"},
                {"field": "value", "type": "quantitative", "title": y_title, "format": ",.0f"},
            ],
        },
    }  # fmt: skip


def drivers_words(label: str) -> str:
    """The recorded drivers' label (``US/California/2025-11/hold/default``, ``CN/national/2025-11/trend/edited/v3``)
    in the reader's words: whose drivers, for where, which edition, and what the grid factor does after its data."""
    parts = (label or "").split("/")
    if len(parts) < 5:
        return label or "—"
    country, region, edition, rule, *rest = parts
    place = _("China") if country == "CN" else _("United States") if country == "US" else country
    if region and region != "national":
        from citybridge.core import provinces

        place = f"{provinces.province_name(provinces.province_code(region, country)) or region}{'，' if is_chinese() else ', '}{place}"
    grid = _("grid factor held after its last year") if rule == "hold" else _("grid factor's trend continued")
    if rest[:1] == ["default"]:
        whose = _("Default drivers")
    else:
        version = rest[-1].lstrip("v") if rest and rest[-1].startswith("v") else ""
        whose = _("The city's own drivers, version %(version)s") % {"version": version}
    sep = "；" if is_chinese() else "; "
    return sep.join([whose, place, _("edition %(edition)s") % {"edition": edition}, grid])


def _conversion(target: dict | None) -> str:
    """The sentence saying how a per-capita, intensity or peak-year target was drawn (empty for the others)."""
    from .plan_services import conversion_text

    conv = (target or {}).get("conversion")
    if not conv:
        return ""
    unit = pgettext("population unit", "people") if conv["driver"] == "population" else conv.get("gdp_unit", "")
    return conversion_text(conv, unit)


def _avoids_nothing(run: Run) -> dict[str, str]:
    """Per measure whose every sector is empty in the base inventory (no waste reported, say): why it avoids 0 t,
    said beside it, so the zero does not read as a fault of the measure or of the engine."""
    base = run.bau.base
    empty = {code for code in SECTORS if not (base.direct.get(code) or base.electricity.get(code))}
    return {
        m.key: _("Avoids nothing: the base inventory has no emissions in %(sectors)s.")
        % {"sectors": listed(sector_name(code) for code in m.sectors)}
        for m in run.pathway.measures
        if m.sectors and set(m.sectors) <= empty
    }


def plan_context(plan: ActionPlan, measures: list[PlanMeasure], run: Run) -> dict[str, Any]:
    """Tables and chart specs of one run (t CO2e)."""
    s = run.summary
    years = s["years"]
    names = {pm.measure.key: pm.measure.display_name() for pm in measures}
    t_co2e = _("Tonnes CO2e")
    series = [{"year": y, "value": v, "series": _("Business as usual")} for y, v in zip(years, s["bau"], strict=True)]
    series += [{"year": y, "value": v, "series": _("Plan")} for y, v in zip(years, s["plan"], strict=True)]
    target = s.get("target")
    gap_rows = []
    if target:
        series += [{"year": y, "value": v, "series": _("Target path")} for y, v in zip(years, target["path"],
                   strict=True) if v is not None]  # fmt: skip
        gap_rows = [{"year": y, "gap": g, "plan": p, "path": t, "gap_text": f"{g:,.0f}", "plan_text": f"{p:,.0f}",
                     "path_text": f"{t:,.0f}"}
                    for y, g, p, t in zip(years, target["gap"], s["plan"], target["path"], strict=True)
                    if g is not None]  # fmt: skip
    wedge_values = [
        {"year": y, "value": v, "series": names.get(k, k)}
        for k, vals in s["wedges"].items()
        for y, v in zip(years, vals, strict=True)
    ]
    wedges_spec = {
        "$schema": SCHEMA,
        "description": _("Reduction below business as usual by measure, tonnes CO2e"),
        "title": _("Wedges: reduction by measure"),
        "width": "container",
        "height": 260,
        "data": {"values": wedge_values},
        "mark": "area",
        "encoding": {
            "x": {"field": "year", "type": "quantitative", "title": _("Year"), "axis": {"format": "d"}},
            "y": {"field": "value", "type": "quantitative", "title": t_co2e, "stack": "zero"},
            "color": {"field": "series", "type": "nominal", "title": _("Measure"),
                      "legend": LEGEND},
            "tooltip": [
                {"field": "series", "type": "nominal", "title": _("Measure")},
                {"field": "year", "type": "quantitative", "title": _("Year"), "format": "d"},
                {"field": "value", "type": "quantitative", "title": t_co2e, "format": ",.0f"},
            ],
        },
    }  # fmt: skip
    cum = [{"year": y, "value": v, "series": _("Cumulative emissions avoided")}
           for y, v in zip(years, s["cumulative_avoided"], strict=True)]  # fmt: skip
    currency = plan_currency(plan, measures)  # the cost curve's one currency
    macc_rows, macc_error = [], ""
    try:
        bars = pathways.macc(run.pathway, run.wedges, currency=currency)
        macc_rows = [{"key": b.key, "name": names.get(b.key, b.key), "cost_per_t": b.cost_per_t,
                      "abatement": b.abatement_t, "net_cost": b.net_cost, "x": b.x_start,
                      "x2": b.x_start + max(b.abatement_t, 0.0)} for b in bars]  # fmt: skip
    except PathwayError as exc:
        macc_error = engine_error(exc).messages[0]
    cost_title = _("Net cost per t CO2e (%(currency)s)") % {"currency": currency_word(currency)}
    macc_spec = {
        "$schema": SCHEMA,
        "description": _("Marginal abatement cost curve: width is the tonnes avoided, height the net cost per tonne"),
        "title": _("Marginal abatement cost curve"),
        "width": "container",
        "height": 240,
        "data": {"values": [r for r in macc_rows if r["cost_per_t"] is not None]},
        "mark": "rect",
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "title": _("Cumulative t CO2e avoided")},
            "x2": {"field": "x2"},
            # the bar from the cost down (or up) to 0; Vega-Lite 6 fails on a datum `y` with a field `y2`
            "y": {"field": "cost_per_t", "type": "quantitative", "axis": {"format": ",.0f"}},
            "y2": {"datum": 0},
            "color": {"field": "name", "type": "nominal", "title": _("Measure"), "legend": LEGEND},
            "tooltip": [
                {"field": "name", "type": "nominal", "title": _("Measure")},
                {"field": "cost_per_t", "type": "quantitative", "title": cost_title, "format": ",.1f"},
                {"field": "abatement", "type": "quantitative", "title": t_co2e, "format": ",.0f"},
            ],
        },
    }  # fmt: skip
    macc_spec["encoding"]["y"]["title"] = cost_title
    # LMDI of the BAU, from the first year to the last, per factor
    lm = pathways.bau_lmdi(run.bau)
    total_by_factor = lm.by_factor.sum(axis=0) if len(lm.change) else np.zeros(len(FACTORS))
    lmdi_rows = [{"factor": factor_name(f), "value": float(v)} for f, v in zip(FACTORS, total_by_factor, strict=True)]
    lmdi_spec = {
        "$schema": SCHEMA,
        "description": _("Why business-as-usual emissions change: LMDI decomposition by driver, tonnes CO2e"),
        "title": _("Why BAU emissions change (%(first)s–%(last)s)") % {"first": years[0], "last": years[-1]},
        "width": "container",
        "height": 180,
        "data": {"values": lmdi_rows},
        "mark": "bar",
        "encoding": {
            "y": {"field": "factor", "type": "nominal", "title": _("Driver"), "sort": None},
            "x": {"field": "value", "type": "quantitative", "title": t_co2e},
            "tooltip": [
                {"field": "factor", "type": "nominal", "title": _("Driver")},
                {"field": "value", "type": "quantitative", "title": t_co2e, "format": ",.0f"},
            ],
        },
    }  # fmt: skip
    notes = _avoids_nothing(run)
    ranking = [
        {"name": names.get(r["key"], r["key"]), "note": notes.get(r["key"], "") if not r["cumulative"] else "", **r}
        for r in s["ranking"]
    ]
    return {
        "years": years,
        "summary": s,
        "method_label": method_label(s["wedge_method"]),
        "bau_start_text": f"{s['bau'][0]:,.0f}" if s["bau"] else "0",  # the base inventory's BASIC or BASIC+ total
        "pathway_spec": _line(series, _("Business as usual, plan and target"), t_co2e),
        "wedges_spec": wedges_spec,
        "cumulative_spec": _line(cum, _("Cumulative emissions avoided"), t_co2e, 200),
        "macc_spec": macc_spec,
        "macc_rows": macc_rows,
        # every bar 0 high (no measure has costs yet): the page says so instead of drawing an empty chart
        "macc_has_costs": any(r["cost_per_t"] for r in macc_rows),
        "macc_error": macc_error,
        "currency": currency,
        "lmdi_spec": lmdi_spec,
        "lmdi_rows": lmdi_rows,
        "lmdi_change": float(lm.change.sum()) if len(lm.change) else 0.0,
        "ranking": ranking,
        "gap_rows": gap_rows,
        "target": target,
        "target_unsupported": plan.target_id is not None and run.target is None,
        "target_note": run.target_note,
        "target_conversion": _conversion(target),
        "sector_rows": [
            {"name": sector_name(code), "bau": s["bau_by_sector"][i][-1], "plan": s["plan_by_sector"][i][-1]}
            for i, code in enumerate(SECTORS)
            if s["bau_by_sector"][i][-1] or s["plan_by_sector"][i][-1]
        ],
        "last_year": years[-1],
        "drivers_label": run.drivers_label,
        "drivers_words": drivers_words(run.drivers_label),
        # each driver's source in the reader's language (the defaults' texts have a Chinese version: sources_zh)
        "sources": {
            name: {"label": source_text(src.label), "url": source_text(src.url)}
            for name, src in run.bau.sources.items()
        },
    }
