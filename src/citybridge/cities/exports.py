"""A selection run as a report for the page, an XLSX workbook (openpyxl) and a bilingual PDF memo (reportlab)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from citybridge.core.models import is_chinese
from citybridge.core.rows import date_text
from citybridge.core.templatetags.listing import listed

from .models import IndicatorDefinition, SelectionRun

if TYPE_CHECKING:
    from collections.abc import Callable

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


@dataclass
class Row:
    id: str
    name: str
    province: str
    score: float
    rank: int
    robustness: float | None
    contributions: list[dict]
    top_reason: str
    #: why better-ranked cities of the group just above this one were not selected (the rank jumps there)
    left_out: list[str] = field(default_factory=list)


@dataclass
class Report:
    groups: list[tuple[str, list[Row]]]
    criteria: list[dict]
    runners_up: list[dict]
    notes: list[str]
    objective: float
    pool_size: int
    excluded: int
    imputed: int
    warnings: list[str] = field(default_factory=list)
    sources: list = field(default_factory=list)


def _names(codes: list[str], language: str | None = None) -> dict[str, str]:
    return {d.code: d.display_name(language) for d in IndicatorDefinition.objects.filter(code__in=codes)}


def run_report(run: SelectionRun, language: str | None = None) -> Report:
    res, params = run.result, run.parameters
    zh = is_chinese(language)
    labels = res.get("labels", {})
    codes = [c["code"] for c in params["criteria"]]
    names = _names(codes, language)

    def label(cid: str) -> str:
        entry = labels.get(cid, {})
        return (entry.get("zh") if zh else entry.get("en")) or entry.get("en") or cid

    def province(cid: str) -> str:
        entry = labels.get(cid, {})
        return (entry.get("province_zh") if zh else entry.get("province_en")) or entry.get("province_en", "")

    rob = res.get("robustness", {})
    groups = []
    for group in ("CA", "CN"):
        rows = []
        for cid in res["selected"]:
            s = res["scores"][cid]
            if s["group"] != group:
                continue
            contribs = [
                {
                    "code": c["criterion"],
                    "name": names.get(c["criterion"], c["criterion"]),
                    "raw": c["raw"],
                    "normalised": c["normalised"],
                    "weighted": c["weighted"],
                    "imputed": c["imputed"],
                    "missing": c["missing"],
                }
                for c in s["contributions"]
            ]
            top = max(contribs, key=lambda c: c["weighted"]) if contribs else None
            rows.append(
                Row(
                    cid,
                    label(cid),
                    province(cid),
                    s["score"],
                    s["rank_in_group"],
                    rob.get(cid),
                    contribs,
                    top["name"] if top else "",
                )
            )
        ranked = {s["rank_in_group"]: cid for cid, s in res["scores"].items() if s["group"] == group}
        _explain_skipped_ranks(
            rows, ranked, res.get("runners_up", []), params.get("max_per_province_cn"), label, province
        )
        if rows or params["counts"].get(group):
            groups.append((group, rows))
    criteria = [
        {
            "code": c["code"],
            "name": names.get(c["code"], c["code"]),
            "input_weight": c["weight"],
            "weight": res["weights"].get(c["code"], 0.0),
            "higher_is_better": c["higher_is_better"],
        }
        for c in params["criteria"]
    ]
    runners = []
    for r in res.get("runners_up", []):
        runners.append(
            {
                **r,
                "name": label(r["id"]),
                "province": province(r["id"]),
                "group_name": _group_name(r.get("group", "")),
                "displaced": [label(x) for x in r["would_displace"]],
                "robustness": rob.get(r["id"]),
                "blocking_label": _constraint(r["blocking_constraint"]) if r["blocking_constraint"] else "",
            }
        )
    notes = []
    if res.get("weights_normalised"):
        notes.append(
            _("The weights you gave add up to %(sum)s; they were divided by that sum so that they add up to 1.")
            % {"sum": f"{res['weight_sum_input']:g}"}
        )
    notes.append(
        {
            "minmax": _("Normalisation: min–max within each group (1 = best value in the group)."),
            "rank": _("Normalisation: rank within each group (1 = best, 0 = worst)."),
        }[params["normalisation"]]
    )
    notes.append(
        {
            "exclude": _("Missing values: cities lacking any criterion with a weight above 0 were excluded."),
            "penalise": _("Missing values: a missing value scored as the worst (0)."),
            "impute_peers": _(
                "Missing values: imputed as the median of peers of the same size class in the same group."
            ),
        }[params["missing"]]
    )
    notes.append(
        _(
            "Exact optimum by integer programming (OR-Tools CP-SAT); robustness from %(n)s perturbations "
            "of the weights by up to ±20%% (seed %(seed)s)."
        )
        % {"n": res["perturbations"], "seed": res["seed"]}
    )
    if params.get("min_reporting"):
        notes.append(
            _("A criterion reported by fewer than %(n)s cities of a group was left out for that group.")
            % {"n": params["min_reporting"]}
        )
    from .labels import group_label

    warnings = []
    for w in res.get("warnings", []):
        crit, group = names.get(w.get("criterion"), w.get("criterion")), group_label(w.get("group", ""))
        if w.get("code") == "criterion_no_data_in_group":
            warnings.append(
                _("“%(criterion)s” has no data in %(group)s, so it does not distinguish cities there.")
                % {"criterion": crit, "group": group}
            )
        elif w.get("code") == "criterion_left_out_in_group":
            warnings.append(
                _(
                    "“%(criterion)s” was left out for %(group)s: only %(reporting)s cities there report "
                    "it (fewer than %(min)s)."
                )
                % {"criterion": crit, "group": group, "reporting": w["reporting"], "min": w["min_reporting"]}
            )
    from .catalogue import sources_for
    from .models import DataSource

    source_codes = {"geonames"} | {code for c in codes for code in sources_for(c)}
    sources = list(DataSource.objects.filter(code__in=source_codes).order_by("code"))
    return Report(
        groups,
        criteria,
        runners,
        notes,
        res["objective"],
        res.get("pool_size", 0),
        len(res.get("excluded_for_missing", {})),
        len(res.get("imputed", {})),
        warnings,
        sources,
    )


def _explain_skipped_ranks(
    rows: list[Row],
    ranked: dict[int, str],
    runners_up: list[dict],
    cap: int | None,
    label: Callable[[str], str],
    province: Callable[[str], str],
) -> None:
    """Fill each row's ``left_out``: where the selected list jumps from rank 6 to rank 8, rank 7 scored higher but a
    rule (most often the per-province cap) kept it out. Saying so on the row itself spares the reader wondering
    whether a city is missing from the list; the runners-up table further down has the detail."""
    blocking = {r["id"]: r["blocking_constraint"] for r in runners_up}
    previous = 0
    for row in rows:
        for rank in range(previous + 1, row.rank):
            cid = ranked.get(rank)
            if cid is None:  # not kept with the stored result (more than the runners-up listed were skipped)
                row.left_out.append(_("Rank %(rank)s in group was left out by the selection's rules.") % {"rank": rank})
                continue
            rule = blocking.get(cid)
            if rule == "max_per_province" and cap:
                note = ngettext(
                    "Rank %(rank)s in group, %(city)s (%(province)s), was left out: at most %(cap)s city per province.",
                    "Rank %(rank)s in group, %(city)s (%(province)s), was left out: at most %(cap)s cities per "
                    "province.",
                    cap,
                ) % {"rank": rank, "city": label(cid), "province": province(cid), "cap": cap}
            elif rule:
                note = _("Rank %(rank)s in group, %(city)s, was left out by this rule: %(rule)s.") % {
                    "rank": rank,
                    "city": label(cid),
                    "rule": _constraint(rule),
                }
            else:
                note = _("Rank %(rank)s in group, %(city)s, was left out by the selection's rules.") % {
                    "rank": rank,
                    "city": label(cid),
                }
            row.left_out.append(note)
        previous = row.rank


def _group_name(group: str) -> str:
    from .labels import group_label

    return group_label(group)


def _constraint(key: str) -> str:
    from .messages import constraint_label

    return constraint_label(key)


# --------------------------------------------------------------------------- XLSX


def run_xlsx(run: SelectionRun) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from citybridge.core.files import append, number_format, xlsx_bytes

    report = run_report(run)
    wb = Workbook()
    ws = wb.active
    ws.title = pgettext("sheet name", "Selection")
    bold = Font(bold=True)
    append(ws, [run.name])
    ws["A1"].font = bold
    append(ws, [_("Created"), date_text(run.created_at)])  # the site's time, as the pages show it (it said UTC)
    append(ws, [_("Objective (sum of scores)"), round(report.objective, 6)])
    append(ws, [_("Cities in the pool"), report.pool_size])
    for n in report.notes:
        append(ws, [n])
    append(ws, [])
    header = [_("Group"), _("City"), _("Province or state"), _("Score"), _("Rank in group"), _("Robustness")]
    header += [c["name"] for c in report.criteria]
    append(ws, header)
    for cell in ws[ws.max_row]:
        cell.font = bold
    for group, rows in report.groups:
        for r in rows:
            by = {c["code"]: c["weighted"] for c in r.contributions}
            append(
                ws,
                [
                    _group_name(group),
                    r.name,
                    r.province,
                    round(r.score, 6),
                    r.rank,
                    r.robustness if r.robustness is not None else "",
                    *[round(by.get(c["code"], 0.0), 6) for c in report.criteria],
                ],
            )
    number_format(ws, "0%", 6, min_row=ws.max_row - sum(len(rows) for _group, rows in report.groups) + 1)
    ws2 = wb.create_sheet(pgettext("sheet name", "Criteria"))
    append(ws2, [_("Indicator"), _("Weight given"), _("Weight used"), _("Direction")])
    for c in report.criteria:
        append(
            ws2,
            [
                c["name"],
                c["input_weight"],
                round(c["weight"], 6),
                _("Higher is better") if c["higher_is_better"] else _("Lower is better"),
            ],
        )
    ws3 = wb.create_sheet(pgettext("sheet name", "Runners-up"))
    append(
        ws3,
        [
            _("Group"),
            _("City"),
            _("Score"),
            _("Score gain needed to enter"),
            _("Would displace"),
            _("Binding constraint"),
            _("Robustness"),
        ],
    )
    for r in report.runners_up:
        append(
            ws3,
            [
                r["group_name"],
                r["name"],
                round(r["score"], 6),
                round(r["gain_needed"], 6) if r["gain_needed"] is not None else "",
                listed(r["displaced"]),
                r["blocking_label"],
                r["robustness"] if r["robustness"] is not None else "",
            ],
        )
    number_format(ws3, "0%", 7)
    ws5 = wb.create_sheet(pgettext("sheet name", "Sources"))
    append(ws5, [_("Source"), _("Citation"), _("Licence and terms")])
    for src in report.sources:
        append(ws5, [src.display_name(), src.display_citation(), src.display_licence()])
    ws4 = wb.create_sheet(pgettext("sheet name", "Parameters"))
    from .labels import parameter_rows

    for row in parameter_rows(run.parameters):
        append(ws4, [row["name"], row["value"]])
    return xlsx_bytes(wb)


# --------------------------------------------------------------------------- PDF memo (bilingual)


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", CJK_FONT, subfontIndex=0))
    return "WQY"


def run_pdf(run: SelectionRun) -> bytes:
    """A two-language memo: every heading and sentence in English, then in Chinese."""
    from xml.sax.saxutils import escape

    from django.utils import translation
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    h1 = ParagraphStyle("h1", parent=body, fontSize=15, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontSize=11, leading=16, spaceBefore=8, spaceAfter=4)
    reports = {}
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            reports[lang] = (
                run_report(run, lang),
                {
                    "title": _("Cohort selection memo"),
                    "selected": _("Selected cities"),
                    "runners": _("Runners-up and what would bring them in"),
                    "method": _("Method"),
                    "criteria": _("Criteria and weights"),
                    "city": _("City"),
                    "score": _("Score"),
                    "robust": _("Robustness"),
                    "reason": _("Largest contribution"),
                    "gain": _("Score gain needed to enter"),
                    "displace": _("Would displace"),
                    "constraint": _("Binding constraint"),
                    "sources": _("Sources"),
                },
            )
    en, zh = reports["en"], reports["zh-hans"]
    groups = {}
    for group, _rows in en[0].groups:
        names = []
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                names.append(_group_name(group))
        groups[group] = " / ".join(dict.fromkeys(names))
    day = timezone.localtime(run.created_at).date()  # the bilingual report writes it both ways
    story = [
        Paragraph(escape(f"{en[1]['title']} · {zh[1]['title']}"), h1),
        Paragraph(escape(f"{run.name} — {date_text(day, 'en')} · {date_text(day, 'zh-hans')}"), body),
        Spacer(1, 4 * mm),
    ]

    def both(key: str) -> None:
        story.append(Paragraph(escape(f"{en[1][key]} / {zh[1][key]}"), h2))

    both("selected")
    for (group, rows), (_g, rows_zh) in zip(en[0].groups, zh[0].groups, strict=True):
        data = [[Paragraph(escape(f"{en[1][k]} / {zh[1][k]}"), body) for k in ("city", "score", "robust", "reason")]]
        for r, rz in zip(rows, rows_zh, strict=True):
            data.append(
                [
                    Paragraph(escape(f"{r.name} {rz.name if rz.name != r.name else ''} ({groups[group]})"), body),
                    f"{r.score:.3f}",
                    f"{r.robustness:.0%}" if r.robustness is not None else "—",
                    Paragraph(escape(f"{r.top_reason} / {rz.top_reason}"), body),
                ]
            )
        t = Table(data, colWidths=[55 * mm, 20 * mm, 25 * mm, 75 * mm], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), font, 8),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [t, Spacer(1, 3 * mm)]
    both("runners")
    data = [
        [
            f"{en[1]['city']} / {zh[1]['city']}",
            f"{en[1]['gain']} / {zh[1]['gain']}",
            f"{en[1]['displace']} / {zh[1]['displace']}",
            f"{en[1]['constraint']} / {zh[1]['constraint']}",
        ]
    ]
    for r, rz in zip(en[0].runners_up, zh[0].runners_up, strict=True):
        data.append(
            [
                Paragraph(escape(f"{r['name']} {rz['name'] if rz['name'] != r['name'] else ''}"), body),
                f"{r['gain_needed']:.4f}" if r["gain_needed"] is not None else "—",
                Paragraph(escape(", ".join(r["displaced"])), body),
                Paragraph(escape(" / ".join(x for x in (r["blocking_label"], rz["blocking_label"]) if x)), body),
            ]
        )
    t = Table(
        [[Paragraph(escape(str(c)), body) if isinstance(c, str) else c for c in row] for row in data],
        colWidths=[45 * mm, 35 * mm, 45 * mm, 50 * mm],
        repeatRows=1,
    )
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(t)
    both("criteria")
    for c, cz in zip(en[0].criteria, zh[0].criteria, strict=True):
        story.append(Paragraph(escape(f"{c['name']} / {cz['name']}: {c['weight']:.3f}"), body))
    both("method")
    for n, nz in zip(en[0].notes, zh[0].notes, strict=True):
        story.append(Paragraph(escape(n), body))
        story.append(Paragraph(escape(nz), body))
    both("sources")
    for src in en[0].sources:
        story.append(
            Paragraph(escape(f"{src.display_name('en')} / {src.display_name('zh-hans')}: {src.citation}"), body)
        )
        if src.display_citation("zh-hans") != src.citation:  # its explanatory words in Chinese too
            story.append(Paragraph(escape(src.display_citation("zh-hans")), body))
    buf = io.BytesIO()
    SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=run.name,
    ).build(story)
    return buf.getvalue()
