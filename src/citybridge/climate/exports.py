"""Exports: the GPC reporting table (XLSX) and a CDP-style summary; every cell made safe by core.files (text_cell)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from citybridge.core.files import append, number_format, xlsx_bytes
from citybridge.core.templatetags.listing import lparen, rparen

from . import gpc
from .labels import sector_label, source_text, subsector_label
from .models import Inventory, InventoryEntry, NotationKey, Origin, Status


def _bold(ws: Worksheet) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)


def gpc_table_xlsx(inventory: Inventory, entries: list[InventoryEntry]) -> bytes:
    """One row per GPC line (all 53, in GPC order): scope, whether BASIC / BASIC+ count it, notation key, emissions
    by gas and t CO2e, data quality, source; then the totals with the rule each follows."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("GPC reporting table")[:31]
    by_ref = {e.gpc_ref: e for e in entries}
    gases = sorted({g for e in entries for g in e.by_gas})
    append(
        ws,
        [
            _("GPC reference number"),
            _("Sector"),
            _("Sub-sector"),
            _("Scope"),
            "BASIC",
            "BASIC+",
            _("Notation key"),
            _("Explanation"),
            _("Activity value"),
            _("Activity unit"),
            _("Emission factors (version, source)"),
            _("Calculation"),
        ]
        + [_("t %(gas)s") % {"gas": g} for g in gases]
        + [_("t CO2e"), _("Data quality"), _("Data source")],
    )
    _bold(ws)
    for line in gpc.gpc_lines():
        e = by_ref.get(line.ref)
        append(
            ws,
            [
                line.ref,
                sector_label(line.ref.split(".")[0]),
                subsector_label(line),
                line.scope,
                _("yes") if line.basic else "",
                _("yes") if line.basic_plus else "",
                e.notation_key if e else "",
                e.explanation if e else "",
                *_activity(e),
            ]
            + [(e.by_gas.get(g) if e else None) for g in gases]
            + [
                e.co2e if e and not e.notation_key else None,
                e.get_data_quality_display() if e else "",
                e.source if e else "",
            ],
        )
    first_gas = 13  # the columns: reference … calculation (12), then one per gas, t CO2e, quality, source
    number_format(ws, "#,##0.####", 9)
    number_format(ws, "#,##0.0000", *range(first_gas, first_gas + len(gases)))
    number_format(ws, "#,##0.00", first_gas + len(gases))
    ws2 = wb.create_sheet(_("Totals")[:31])
    append(ws2, [_("Total"), _("t CO2e")])
    _bold(ws2)
    for label, value in (
        ("BASIC", inventory.total_basic),
        ("BASIC+", inventory.total_basic_plus),
        (_("Territorial scope 1"), inventory.total_territorial),
    ):
        append(ws2, [label, value])
    number_format(ws2, "#,##0.00", 2, min_row=2)
    append(ws2, [])
    append(ws2, [_("City"), inventory.city.display_name()])
    append(ws2, [_("Year"), inventory.year])
    append(ws2, [_("GWP set"), inventory.gwp_set])
    append(ws2, [_("Revision"), inventory.revision])
    append(ws2, [_("Status"), str(dict(Status.choices).get(inventory.status, inventory.status))])
    _provenance(ws2, inventory)
    append(ws2, [_("Source of the GPC table"), source_text(gpc.GPC_CITATION)])
    return xlsx_bytes(wb)


def _activity(entry: InventoryEntry | None) -> list[object]:
    """A line's activity data, its factors (name, version and citation, as the inventory page cites them) and the
    conversions of its calculation; empty for a notation key or emissions reported by gas."""
    if entry is None or entry.notation_key or entry.activity_value is None:
        return [None, "", "", ""]
    factors = [
        f"{f.display_name()}{lparen()}v{f.version}{rparen()} — {f.display_citation()}" for f in entry.factors.all()
    ]
    factors += [
        f"{f.get('gas', '')} {f.get('value', '')} {f.get('unit', '')} — {f.get('citation', '')}"
        for f in entry.own_factors or ()
    ]
    return [entry.activity_value, entry.activity_unit, "\n".join(factors), "\n".join(entry.conversion or ())]


def _provenance(ws: Worksheet, inventory: Inventory) -> None:
    """Where a reported inventory's figures come from (CDP's citation, "self-reported, unverified", the protocol)
    and its boundary, as the inventory page shows them."""
    if inventory.reported_source:
        append(ws, [_("Data source"), inventory.reported_source])
    if inventory.boundary:
        append(ws, [_("Boundary"), inventory.display_boundary()])


def cdp_summary_xlsx(inventory: Inventory) -> bytes:
    """The figures CDP's city questionnaire asks for: scope 1, 2, 3 and the BASIC / BASIC+ totals, in t CO2e."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("CDP-style summary")[:31]
    totals = inventory.totals or {}
    scope = totals.get("by_scope") or {}
    append(ws, [_("Figure"), _("t CO2e")])
    _bold(ws)
    for label, value in (
        (_("TOTAL Scope 1 Emissions"), scope.get("1")),
        (_("TOTAL Scope 2 Emissions"), scope.get("2")),
        (_("TOTAL Scope 3 Emissions"), scope.get("3")),
        (_("TOTAL BASIC Emissions (GPC)"), inventory.total_basic),
        (_("TOTAL BASIC+ Emissions (GPC)"), inventory.total_basic_plus),
    ):
        append(ws, [label, value])
    number_format(ws, "#,##0.00", 2)
    append(ws, [])
    append(ws, [_("City"), inventory.city.display_name()])
    append(ws, [_("Accounting year"), inventory.year])
    if inventory.origin == Origin.ENTERED:  # computed here, by the GPC; a reported one names its own protocol
        append(ws, [_("Primary protocol"), "GPC"])
    append(ws, [_("GWP set"), inventory.gwp_set])
    _provenance(ws, inventory)
    append(
        ws,
        [
            _("Notation keys used"),
            ", ".join(sorted({e.notation_key for e in inventory.entries.all() if e.notation_key})),
        ],
    )
    return xlsx_bytes(wb)


__all__ = ["NotationKey", "cdp_summary_xlsx", "gpc_table_xlsx"]
