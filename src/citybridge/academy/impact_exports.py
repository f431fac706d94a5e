"""Impact exports: the figures and their training records as XLSX, the charts as PNG or PDF (rendered on the
server by vl-convert, no browser). Headers, sheet names and chart labels are in the active language; every XLSX
cell goes through core.files.text_cell. Reads only (the data comes from selectors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from citybridge.core import provinces
from citybridge.core.files import append, xlsx_bytes
from citybridge.core.rows import date_text

from . import charts, selectors
from . import impact as impact_engine

if TYPE_CHECKING:
    from collections.abc import Iterable


def filter_description(ctx: dict, flt: selectors.ImpactFilter) -> str:
    """The filter in words, e.g. "Year 2024 · Academy: … · Topic: … · Province: …" (or "All records")."""
    parts = []
    if flt.year is not None:
        parts.append(_("Year: %(year)s") % {"year": flt.year})
    if flt.academies is not None:
        names = ", ".join(ctx["academy_names"].get(str(a), str(a)) for a in flt.academies)
        parts.append(_("Academy: %(names)s") % {"names": names or "—"})
    if flt.topic is not None:
        parts.append(_("Topic: %(name)s") % {"name": ctx["topic_names"].get(str(flt.topic), str(flt.topic))})
    if flt.province:
        parts.append(_("Province: %(name)s") % {"name": provinces.province_name(flt.province)})
    return " · ".join(parts) or _("All records")


def _computed(ctx: dict) -> str:
    snap = ctx["snapshot"]
    return timezone.localtime(snap.computed_at).strftime("%Y-%m-%d %H:%M") if snap and snap.computed_at else ""


def _figure_rows(items: Iterable[tuple[str, dict]], names: dict | None = None) -> list[list]:
    return [
        [
            (names or {}).get(k, k) if names is not None else int(k),
            f["officials"],
            f["population"],
            f["jurisdictions"],
            f["jurisdictions_without_population"],
            f["companies"],
            f["company_employees"],
        ]
        for k, f in items
    ]


def impact_xlsx(ctx: dict, flt: selectors.ImpactFilter) -> bytes:
    """Sheets: figures (total and filter), by year, cumulative, by academy, by topic, training records, method."""
    data = ctx["data"]
    wb = Workbook(write_only=True)
    heads = [
        _("Officials trained"),
        _("Population led"),
        _("Jurisdictions"),
        _("Jurisdictions without a population figure"),
        _("Companies"),
        _("Employees of those companies"),
    ]

    ws = wb.create_sheet(_("Figures"))
    append(ws, [_("Impact"), filter_description(ctx, flt)])
    append(
        ws,
        [
            _("Computed from the records on"),
            _computed(ctx) if flt.is_everything else timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        ],
    )
    append(ws, [])
    append(ws, [_("Figure"), _("Value")])
    t = data["total"]
    for label, value in zip(
        heads,
        (
            t["officials"],
            t["population"],
            t["jurisdictions"],
            t["jurisdictions_without_population"],
            t["companies"],
            t["company_employees"],
        ),
        strict=True,
    ):
        append(ws, [label, value])

    for title, first, items, names in (
        (_("By year"), _("Year"), sorted(data["by_year"].items()), None),
        (_("Cumulative by year"), _("Year"), sorted(data["cumulative_by_year"].items()), None),
        (_("By academy"), _("Academy"), data["by_academy"].items(), ctx["academy_names"]),
        (_("By topic"), _("Topic"), data["by_topic"].items(), ctx["topic_names"]),
    ):
        ws = wb.create_sheet(title[:31])
        append(ws, [first, *heads])
        for row in _figure_rows(items, names):
            append(ws, row)

    ws = wb.create_sheet(_("Training records"))
    append(
        ws,
        [
            _("Official (English)"),
            _("Official (Chinese)"),
            _("Course"),
            _("Academy"),
            _("Last day"),
            _("Position at enrolment"),
            _("Jurisdiction"),
            _("Population in force"),
            _("Company"),
            _("Employees"),
        ],
    )
    table = impact_engine.PopulationTable(selectors.impact_population_figures())
    count = 0
    for e in selectors.impact_training_rows(flt):
        count += 1
        c, person = e.course, e.official.person
        led = e.position in impact_engine.POPULATION_POSITIONS and e.jurisdiction_id
        append(
            ws,
            [
                person.full_name_en(),
                person.full_name_zh(),
                c.display_name(),
                c.academy.display_name(),
                c.end_date,
                e.get_position_display(),
                e.jurisdiction.display_name() if e.jurisdiction_id else "",
                table.in_force(e.jurisdiction_id, c.end_date) if led else None,
                e.company.display_name() if e.company_id else "",
                e.company_employees,
            ],
        )

    ws = wb.create_sheet(_("Method"))
    append(ws, [_("Sources and method")])
    for line in (
        _(
            "Source: CityBridge training records (enrolments confirmed in courses whose status is completed), "
            "never typed-in figures."
        ),
        _("Officials trained counts distinct people: once in a total, once in each year, academy or topic."),
        _(
            "Population led counts mayors and vice mayors only, each jurisdiction once, with the population "
            "figure in force on the course's last day (its latest training in the slice)."
        ),
        _(
            "Companies run are the distinct companies of trained SOE executives, with the employee count "
            "recorded at the latest enrolment."
        ),
        _("What an official led is recorded on the enrolment: later promotions do not change the figures."),
        _(
            "Slices (years, academies, topics) do not add up to the total when the same person or jurisdiction "
            "is in two slices."
        ),
        _(
            "Province filter: the official's province as recorded on their profile. Topic filter: courses "
            "with a module on that topic."
        ),
        _("Filter: %(filter)s") % {"filter": filter_description(ctx, flt)},
    ):
        append(ws, [line])
    if count >= selectors.IMPACT_EXPORT_ROWS:
        append(
            ws,
            [
                _("Training records: the first %(n)s rows only; narrow the filter to see the others.")
                % {"n": selectors.IMPACT_EXPORT_ROWS}
            ],
        )
    return xlsx_bytes(wb)


def impact_chart_spec(ctx: dict, flt: selectors.ImpactFilter) -> dict:
    t = ctx["data"]["total"]
    subtitle = " · ".join(
        [
            filter_description(ctx, flt),
            _("Officials trained: %(n)s") % {"n": f"{t['officials']:,}"},
            _("Population led: %(n)s") % {"n": f"{t['population']:,}"},
        ]
    )
    snap = ctx["snapshot"]
    computed = snap.computed_at if flt.is_everything and snap and snap.computed_at else timezone.now()
    method = _(
        "Computed from the records on %(when)s: officials confirmed in completed courses; each jurisdiction counted "
        "once, with the population in force when its official was trained."
    ) % {"when": date_text(computed)}
    # the chart travels without its page: it carries how its figures were computed, as the page and the XLSX do
    return charts.impact_chart_sheet(ctx, title=_("Impact"), subtitle=[subtitle, method])


def impact_png(ctx: dict, flt: selectors.ImpactFilter) -> bytes:
    return charts.render_png(impact_chart_spec(ctx, flt))


def impact_pdf(ctx: dict, flt: selectors.ImpactFilter) -> bytes:
    return charts.render_pdf(impact_chart_spec(ctx, flt))
