"""The yearly progress report of an action plan: rows (status and reason per sector, translated), its chart, and
the bilingual XLSX (core/files.py: formulas neutralised) and PDF (reportlab with the CJK font of
academy/certificate.py; charts rendered to PNG by vl-convert as in academy/impact_exports.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from citybridge.core.files import append, number_format, xlsx_bytes

from .pathways import Progress
from .plan_charts import _line, drivers_words, sector_name


def status_label(status: str) -> str:
    return {
        "on_track": _("On track"),
        "behind": _("Behind"),
        "ahead": _("Ahead"),
        "no_data": _("No data"),
    }.get(status, status)


def reason_text(p: Progress) -> str:
    """Why the sector has its status, with the figures."""
    q = {k: (f"{v:,.0f}" if isinstance(v, float) and k in ("actual", "planned", "previous_actual") else v)
         for k, v in p.params.items()}  # fmt: skip
    if "deviation" in p.params:
        q["deviation"] = f"{p.params['deviation'] * 100:+.1f} %"
    if "tolerance" in p.params:
        q["tolerance"] = f"{p.params['tolerance'] * 100:.0f} %"
    texts = {
        "within_tolerance": _("In %(year)s: %(actual)s t CO2e against %(planned)s t planned (%(deviation)s), within "
                              "%(tolerance)s."),
        "above_pathway": _("In %(year)s: %(actual)s t CO2e, %(deviation)s above the %(planned)s t planned."),
        "below_pathway": _("In %(year)s: %(actual)s t CO2e, %(deviation)s below the %(planned)s t planned."),
        "rising_while_plan_falls": _("In %(year)s: %(actual)s t CO2e, up from %(previous_actual)s t in "
                                     "%(previous_year)s while the plan falls (%(deviation)s against plan)."),
        "no_actual": _("No inventory after the base year yet."),
        "no_planned_emissions": _("In %(year)s: %(actual)s t CO2e where the plan expects none."),
    }  # fmt: skip
    text = texts.get(p.reason, p.reason)
    try:
        return text % q
    except (KeyError, TypeError, ValueError):
        return text


def progress_rows(progress: list[Progress]) -> list[dict[str, Any]]:
    return [
        {"sector": p.sector, "status": p.status, "progress": p, "name": sector_name(p.sector),
         "status_label": status_label(p.status), "reason": reason_text(p)}
        for p in progress
    ]  # fmt: skip


def progress_spec(ctx: dict, actuals: dict[str, dict[int, float]]) -> dict:
    """Plan and target path with the actual totals (years where every reported sector is summed)."""
    s = ctx["summary"]
    values = [{"year": y, "value": v, "series": _("Plan")} for y, v in zip(s["years"], s["plan"], strict=True)]
    if ctx.get("target"):
        values += [{"year": y, "value": v, "series": _("Target path")}
                   for y, v in zip(s["years"], ctx["target"]["path"], strict=True) if v is not None]  # fmt: skip
    totals: dict[int, float] = {}
    for series in actuals.values():
        for y, v in series.items():
            totals[y] = totals.get(y, 0.0) + v
    values += [{"year": y, "value": v, "series": _("Actual (inventories)")} for y, v in sorted(totals.items())]
    spec = _line(values, _("Actual emissions against the plan"), _("Tonnes CO2e"))
    spec["mark"] = {"type": "line", "point": True}
    return spec


def _both(fn: Callable[[], str]) -> str:
    """English and Chinese, "English / 中文" (the report is bilingual whatever the interface language)."""
    parts = []
    for code in ("en", "zh-hans"):
        with translation.override(code):
            parts.append(str(fn()))
    return parts[0] if parts[0] == parts[1] else f"{parts[0]} / {parts[1]}"


def progress_xlsx(ctx: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image

    plan = ctx["plan"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Progress 进展"
    append(ws, [_both(lambda: _("Progress report")), plan.name, plan.city.display_name()])
    append(ws, [_both(lambda: _("Drivers used")), _both(lambda: drivers_words(ctx["drivers_label"]))])
    append(ws, [])
    append(ws, [_both(lambda: _("Sector")), _both(lambda: _("Status")), _both(lambda: _("Year")),
                _both(lambda: _("Actual (t CO2e)")), _both(lambda: _("Planned (t CO2e)")),
                _both(lambda: _("Reason"))])  # fmt: skip
    for r in ctx["rows"]:
        p = r["progress"]
        append(ws, [_both(lambda p=p: sector_name(p.sector)), _both(lambda p=p: status_label(p.status)),
                    p.params.get("year"), p.params.get("actual"), p.params.get("planned"),
                    _both(lambda p=p: reason_text(p))])  # fmt: skip
    ps = wb.create_sheet("Pathway 路径")
    s = ctx["summary"]
    target = ctx.get("target") or {}
    append(ps, [_both(lambda: _("Year")), _both(lambda: _("Business as usual (t CO2e)")),
                _both(lambda: _("Plan (t CO2e)")), _both(lambda: _("Target path (t CO2e)")),
                _both(lambda: _("Gap to target (t CO2e)")), _both(lambda: _("Cumulative emissions avoided (t CO2e)"))])  # fmt: skip
    for i, y in enumerate(s["years"]):
        append(ps, [y, s["bau"][i], s["plan"][i], (target.get("path") or [None] * len(s["years"]))[i],
                    (target.get("gap") or [None] * len(s["years"]))[i], s["cumulative_avoided"][i]])  # fmt: skip
    number_format(ps, "#,##0", 2, 3, 4, 5, 6)
    ms = wb.create_sheet("Measures 措施")
    append(ms, [_both(lambda: _("Measure")), _both(lambda: _("Share of the reduction (%)")),
                _both(lambda: _("Cumulative t CO2e avoided"))])  # fmt: skip
    names = {pm.measure.key: f"{pm.measure.name_en} / {pm.measure.name_zh_hans}" for pm in ctx["measures"]}
    for r in ctx["ranking"]:
        append(ms, [names.get(r["key"], r["key"]), round(100 * r["share"], 1), r["cumulative"]])
    number_format(ms, "#,##0", 3)
    png = _png(ctx["progress_spec"])
    if png:
        img = Image(io.BytesIO(png))
        img.width, img.height = img.width // 2, img.height // 2
        wb.create_sheet("Chart 图表").add_image(img, "A1")
    return xlsx_bytes(wb)


def _png(spec: dict) -> bytes:
    from citybridge.academy.charts import render_png

    return render_png({**spec, "width": 560})


def progress_pdf(ctx: dict) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from citybridge.academy.certificate import register_cjk_font

    zh = register_cjk_font()
    plan = ctx["plan"]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    w, h = A4
    y = h - 50
    c.setFont(zh, 16)
    c.drawString(40, y, _both(lambda: _("Progress report")))
    y -= 22
    c.setFont(zh, 11)
    c.drawString(40, y, f"{plan.name} · {plan.city.name_en} / {plan.city.name_zh_hans}")
    y -= 16
    c.drawString(40, y, f"{_both(lambda: _('Drivers used'))}:")
    c.setFont(zh, 9)
    for code in ("en", "zh-hans"):  # one line per language: the two together are wider than the page
        y -= 13
        with translation.override(code):
            c.drawString(52, y, drivers_words(ctx["drivers_label"])[:130])
    c.setFont(zh, 11)
    y -= 22
    for r in ctx["rows"]:
        p = r["progress"]
        c.setFont(zh, 10)
        c.drawString(
            40, y, f"{_both(lambda p=p: sector_name(p.sector))}: {_both(lambda p=p: status_label(p.status))}"[:120]
        )
        y -= 13
        for code in ("en", "zh-hans"):
            with translation.override(code):
                c.setFont(zh, 8)
                c.drawString(52, y, reason_text(p)[:140])
            y -= 11
        y -= 4
        if y < 320:
            c.showPage()
            y = h - 50
    for spec in (ctx["progress_spec"], ctx["pathway_spec"]):
        png = _png(spec)
        img = ImageReader(io.BytesIO(png))
        iw, ih = img.getSize()
        dw = w - 80
        dh = dw * ih / iw
        if y - dh < 40:
            c.showPage()
            y = h - 50
        c.drawImage(img, 40, y - dh, width=dw, height=dh)
        y -= dh + 20
    c.showPage()
    c.save()
    return buf.getvalue()
