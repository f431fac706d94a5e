"""Vega-Lite specs of the impact charts: the page draws them in the browser (core/static/core/charts.js), the
exports render the same specs on the server with vl-convert (no browser) in the CJK font the PDFs use.

Labels are translated in the active language; the data comes from selectors.impact_dashboard()."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from types import ModuleType

#: the font the project's PDFs use for Chinese (Debian/Ubuntu package fonts-wqy-zenhei)
CJK_FONT_DIR = "/usr/share/fonts/truetype/wqy"
CJK_FONT = "WenQuanYi Zen Hei"
_fonts_registered = False
_lock = threading.Lock()


def impact_specs(ctx: dict, *, width: int | str = "container", height: int = 240) -> dict:
    """The four charts: officials by year, population led cumulative, officials by academy, by topic."""
    data = ctx["data"]
    years = [
        {"year": y, "officials": f["officials"], "population": f["population"]} for y, f in data["by_year"].items()
    ]
    cumulative = [
        {"year": y, "officials": f["officials"], "population": f["population"] / 1e6}
        for y, f in data["cumulative_by_year"].items()
    ]
    academies = [
        {"academy": ctx["academy_names"].get(k, k), "officials": f["officials"]} for k, f in data["by_academy"].items()
    ]
    topics = [{"topic": ctx["topic_names"].get(k, k), "officials": f["officials"]} for k, f in data["by_topic"].items()]
    base = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": width, "height": height}
    specs = {
        "by_year": {
            **base,
            "data": {"values": years},
            "mark": "bar",
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": _("Year")},
                "y": {"field": "officials", "type": "quantitative", "title": _("Officials trained")},
            },
        },
        "cumulative": {
            **base,
            "data": {"values": cumulative},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": _("Year")},
                "y": {
                    "field": "population",
                    "type": "quantitative",
                    "title": _("Population led (millions, cumulative)"),
                },
            },
        },
        "by_academy": {
            **base,
            "data": {"values": academies},
            "mark": "bar",
            "encoding": {
                "y": {"field": "academy", "type": "nominal", "title": _("Academy"), "sort": "-x"},
                "x": {"field": "officials", "type": "quantitative", "title": _("Officials trained")},
            },
        },
        "by_topic": {
            **base,
            "data": {"values": topics},
            "mark": "bar",
            "encoding": {
                "y": {"field": "topic", "type": "nominal", "title": _("Topic"), "sort": "-x"},
                "x": {"field": "officials", "type": "quantitative", "title": _("Officials trained")},
            },
        },
    }
    # each chart's accessible name (charts.js puts it on the container as its aria-label; the exports' captions)
    for key, caption in _captions().items():
        specs[key]["description"] = caption
    return specs


def _captions() -> dict[str, str]:
    return {
        "by_year": _("Officials trained by year"),
        "cumulative": _("Population led, cumulative"),
        "by_academy": _("Officials trained by academy"),
        "by_topic": _("Officials trained by topic"),
    }


def impact_chart_sheet(ctx: dict, *, title: str, subtitle: str | list[str]) -> dict:
    """All four charts on one sheet (titled with the filter), fixed sizes, the CJK font: for PNG and PDF."""
    specs = impact_specs(ctx, width=460, height=200)
    captions = _captions()
    charts = []
    for key, spec in specs.items():
        spec = {k: v for k, v in spec.items() if k != "$schema"}
        charts.append({**spec, "title": captions[key]})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": title, "subtitle": subtitle, "anchor": "start", "fontSize": 16},
        "vconcat": [{"hconcat": charts[:2]}, {"hconcat": charts[2:]}],
        "background": "white",
        "padding": 16,
        "autosize": {"type": "pad"},
        "config": {
            "font": CJK_FONT,
            "title": {"font": CJK_FONT},
            "axis": {"labelFont": CJK_FONT, "titleFont": CJK_FONT, "labelLimit": 220},
            "axisX": {"labelAngle": 0},
        },
    }


def _vl_convert() -> ModuleType:
    """vl-convert with the CJK font registered once per process (it renders Vega-Lite with its own embedded
    engine: no browser, no network)."""
    global _fonts_registered
    import vl_convert

    with _lock:
        if not _fonts_registered:
            vl_convert.register_font_directory(CJK_FONT_DIR)
            _fonts_registered = True
    return vl_convert


def render_png(spec: dict, *, scale: float = 2) -> bytes:
    return _vl_convert().vegalite_to_png(spec, scale=scale)


def render_pdf(spec: dict) -> bytes:
    return _vl_convert().vegalite_to_pdf(spec)
