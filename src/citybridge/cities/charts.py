"""Vega-Lite specs built in Python (rendered in the browser by core/charts.js)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def trend_spec(points: list[dict]) -> dict:
    """points: [{"year": int, "value": Mt CO2}]"""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": _("CO2 emissions by year (CEADs), million tonnes"),
        "width": "container",
        "height": 220,
        "data": {"values": points},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "year",
                "type": "quantitative",
                "title": _("Year"),
                "axis": {"format": "d"},
                "scale": {"zero": False},
            },
            "y": {"field": "value", "type": "quantitative", "title": _("Million tonnes CO2")},
            "tooltip": [
                {"field": "year", "type": "quantitative", "title": _("Year"), "format": "d"},
                {"field": "value", "type": "quantitative", "title": _("Million tonnes CO2"), "format": ".2f"},
            ],
        },
    }
