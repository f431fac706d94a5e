"""The eCRF importer on a real public workbook (CityCatalyst's CRF-format export for New York City, 2015; source and
licence in tests/fixtures/climate/README.md). Its "GPC ref. no." column is empty: each row's line comes from the
sector, sub-sector and scope columns, with a warning per row; the merged totals equal the workbook's own summary
sheet (eCRF_2)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from citybridge.climate import importers, uploads
from citybridge.climate.models import InventoryEntry

from .helpers import upload

WORKBOOK = Path(__file__).resolve().parent.parent / "fixtures" / "climate" / "citycatalyst_ecrf_new_york_city_2015.xlsx"


def _summary() -> dict[str, float]:
    """eCRF_2, the workbook's own table: sub-sector -> direct emissions (t CO2e)."""
    wb = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)
    try:
        return {
            row[0]: row[1]
            for row in wb["eCRF_2"].iter_rows(values_only=True)
            if isinstance(row[0], str) and isinstance(row[1], int | float)
        }
    finally:
        wb.close()


def test_refs_found_from_sector_subsector_and_scope():
    result = importers.parse_ecrf(WORKBOOK.read_bytes())
    codes = {i.code for i in result.issues}
    assert codes <= importers.WARNING_CODES, codes  # warnings only: nothing refused
    assert "ref_from_sector" in codes and "missing_ref" not in codes
    by_ref = {r.ref: r for r in result.rows}
    summary = _summary()
    # the workbook's summary sheet, line by line (the sum of its detail rows, to the float)
    assert by_ref["I.1.1"].total_co2e_t == pytest.approx(summary["Stationary energy > Residential buildings"])
    assert by_ref["I.1.1"].total_co2e_t == pytest.approx(9_525_342.6288944)
    assert by_ref["III.1.1"].total_co2e_t == pytest.approx(12_450_819.721725)
    # "Commercial" and "Institutional buildings & facilities" are both GPC I.2: merged, and said so
    assert any(i.code == "rows_merged" and i.ref == "I.2.1" for i in result.issues)
    # notation keys of the file kept
    assert by_ref["II.2.1"].notation_key == "NE"


def test_ecrf_ref_mapping():
    assert importers.ecrf_ref("Stationary Energy", "Residential Buildings", "Direct emissions") == "I.1.1"
    assert importers.ecrf_ref("Transportation", "On-road > Bus", "Indirect emissions") == "II.1.2"
    assert importers.ecrf_ref("Waste", "Wastewater", "Direct emissions") == "III.4.1"
    # off-road has no scope-3 line in the GPC; an unknown sub-sector names no line
    assert importers.ecrf_ref("Transportation", "Off-road", "Emissions occurring outside the city boundary") == ""
    assert importers.ecrf_ref("Stationary Energy", "Spaceports", "Direct emissions") == ""


@pytest.mark.django_db
def test_real_workbook_import_is_refused_row_by_row_where_it_lacks_data(coordinator, inventory):
    # What the real file holds and the product's rules refuse, line by line: grid electricity (I.1.2, II.1.2 …) as
    # activity with neither a factor nor emissions, and notation keys (NE) without the explanation the GPC asks
    # for. The import is atomic: nothing is written, and the report names each line and its reason.
    report = uploads.inventory_import(
        actor=coordinator, inventory=inventory, uploaded=upload(WORKBOOK.read_bytes(), "nyc_ecrf.xlsx")
    )
    assert not report.ok and report.imported == 0
    assert InventoryEntry.objects.filter(inventory=inventory).count() == 0
    errors = {r.gpc_ref: r.messages for r in report.rows if r.status == "error"}
    assert any(m.startswith("activity_value:") for m in errors["I.1.2"]), errors["I.1.2"]
    assert any("explanation" in m for m in errors["II.2.1"]), errors["II.2.1"]
    # the lines with reported emissions pass, with the warnings that say where their line number came from
    assert "I.1.1" not in errors and "III.1.1" not in errors
    i_1_1 = [m for r in report.rows if r.gpc_ref == "I.1.1" for m in r.messages]
    assert any("found from the sector, sub-sector and scope columns" in m for m in i_1_1), i_1_1
