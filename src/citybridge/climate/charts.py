"""Vega-Lite specs for the inventory page (rendered in the browser by core/charts.js); every label translated."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import gpc
from .labels import sector_label

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
#: a legend under the chart, one entry a row: a row of entries does not wrap, so on a phone (a 350 px chart) the
#: entries past the first few were drawn outside the chart
LEGEND = {"orient": "bottom", "columns": 1, "labelLimit": 320}


def breakdown_spec(entries: list) -> dict:
    """Stacked bars: t CO2e by GPC sector, coloured by scope, from the stored entry results."""
    sums: dict[tuple[str, int], float] = {}
    for entry in entries:
        if not entry.co2e:
            continue
        try:
            line = gpc.gpc_line(entry.gpc_ref)
        except KeyError:
            continue
        key = (line.ref.split(".")[0], line.scope)
        sums[key] = sums.get(key, 0.0) + entry.co2e
    values = [
        {"sector": sector_label(prefix), "scope": _("Scope %(n)s") % {"n": scope}, "value": value}
        for (prefix, scope), value in sorted(sums.items())
    ]
    return {
        "$schema": SCHEMA,
        "description": _("Emissions by sector and scope, tonnes CO2e"),
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "y": {"field": "sector", "type": "nominal", "title": _("Sector"), "sort": None},
            "x": {"field": "value", "type": "quantitative", "title": _("Tonnes CO2e")},
            "color": {"field": "scope", "type": "nominal", "title": _("Scope")},
            "tooltip": [
                {"field": "sector", "type": "nominal", "title": _("Sector")},
                {"field": "scope", "type": "nominal", "title": _("Scope")},
                {"field": "value", "type": "quantitative", "title": _("Tonnes CO2e"), "format": ",.0f"},
            ],
        },
    }


def series_spec(points: list[dict]) -> dict:
    """The city's inventories over the years with CEADs and CDP 2021 as labelled reference series."""
    names = {
        "inventory": _("GPC inventory, BASIC total (t CO2e)"),
        "ceads": _("CEADs territorial CO2 (energy and industry; not a GPC inventory)"),
        "cdp": _("CDP 2021 reported scope 1 (t CO2e, self-reported)"),
    }
    values = [{"year": p["year"], "value": p["value"], "series": str(names[p["series"]])} for p in points]
    return {
        "$schema": SCHEMA,
        "description": _("The city's emissions by year: its inventories, with CEADs and CDP 2021 for reference"),
        "width": "container",
        "height": 240,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "year",
                "type": "quantitative",
                "title": _("Year"),
                "axis": {"format": "d"},
                "scale": {"zero": False},
            },
            "y": {"field": "value", "type": "quantitative", "title": _("Tonnes")},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": _("Series"),
                "legend": LEGEND,
            },
            "strokeDash": {"field": "series", "type": "nominal", "legend": None},
            "tooltip": [
                {"field": "series", "type": "nominal", "title": _("Series")},
                {"field": "year", "type": "quantitative", "title": _("Year"), "format": "d"},
                {"field": "value", "type": "quantitative", "title": _("Tonnes"), "format": ",.0f"},
            ],
        },
    }
