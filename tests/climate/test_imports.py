"""Imports: the template, shifted columns, text in numeric cells, duplicates, wrong user; CDP 2021 inventories and
targets equal the published figures."""

from __future__ import annotations

import csv

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from citybridge.climate import cdp, importers, uploads
from citybridge.climate.models import Inventory, InventoryEntry, Target

from .helpers import edit, template, upload

pytestmark = pytest.mark.django_db


def _row(row, ref, **kw):
    return importers.ImportedRow(row=row, ref=ref, **kw)


def test_template_import_computes_every_row(coordinator, inventory, factors):
    data = template(
        [
            _row(
                3,
                "I.1.2",
                activity_value=1000.0,
                activity_unit="MWh",
                factor_id=str(factors["east_china"].pk),
                source="utility",
            ),
            _row(4, "I.1.1", notation_key="NO", explanation="no fuel"),
            _row(5, "II.1.1", emissions_by_gas={"CO2": importers.Amount(250.0, "t")}),
        ]
    )
    report = uploads.inventory_import(actor=coordinator, inventory=inventory, uploaded=upload(data))
    assert report.ok, report.as_dict()
    assert report.imported == 3
    inventory.refresh_from_db()
    # 1,000 MWh × 0.55 kg/kWh = 550 t; + 250 t reported directly; the NO line adds nothing: BASIC 800 t
    assert inventory.total_basic == pytest.approx(800.0)
    assert set(InventoryEntry.objects.filter(inventory=inventory).values_list("gpc_ref", flat=True)) == {
        "I.1.1",
        "I.1.2",
        "II.1.1",
    }
    assert inventory.history.count() >= 1 and InventoryEntry.history.count() == 3


def test_shifted_columns_refused_naming_the_column_nothing_written(coordinator, inventory, factors, snapshot):
    data = template(
        [_row(3, "I.1.2", activity_value=1000.0, activity_unit="MWh", factor_id=str(factors["east_china"].pk))]
    )
    # the data row moved one column right of its headers (a cell inserted on the row, not the whole column)
    shifted = edit(data, lambda ws: ws.move_range(f"A3:{ws.cell(row=3, column=ws.max_column).coordinate}", cols=1))
    before = snapshot()
    report = uploads.inventory_import(actor=coordinator, inventory=inventory, uploaded=upload(shifted))
    assert not report.ok
    text = " ".join([e["message"] for e in report.errors] + [m for r in report.rows for m in r.messages])
    assert [r.row for r in report.rows if r.status == "error"] == [3], report.as_dict()
    assert text, report.as_dict()
    assert snapshot() == before


def test_text_in_numeric_cell_names_row_and_field(coordinator, inventory, factors, snapshot):
    data = template(
        [
            _row(3, "I.1.2", activity_value=1000.0, activity_unit="MWh", factor_id=str(factors["east_china"].pk)),
            _row(4, "I.2.2", activity_value=5.0, activity_unit="MWh", factor_id=str(factors["east_china"].pk)),
        ]
    )

    def text_in_value(ws):
        ws.cell(row=4, column=5).value = "about a thousand"

    before = snapshot()
    report = uploads.inventory_import(
        actor=coordinator, inventory=inventory, uploaded=upload(edit(data, text_in_value))
    )
    assert not report.ok
    bad = [r for r in report.rows if r.status == "error"]
    assert [r.row for r in bad] == [4]
    assert any("activity_value" in m and "about a thousand" in m for m in bad[0].messages), bad[0].messages
    assert snapshot() == before


def test_a_refused_cell_is_reported_once(coordinator, inventory, factors, snapshot):
    """The parser's refusal is the row's one message for that field: a negative value is not also "required", an
    unknown reference not named twice; the warning in a refused file does not claim the row was kept."""
    data = template(
        [
            _row(3, "I.1.2", activity_value=1000.0, activity_unit="MWh", factor_id=str(factors["east_china"].pk)),
            _row(4, "I.2.2", activity_value=5.0, activity_unit="MWh", factor_id=str(factors["east_china"].pk)),
            _row(5, "I.1.1", notation_key="NO", explanation="none"),
            _row(6, "I.3.2", activity_value=1e30, activity_unit="MWh", factor_id=str(factors["east_china"].pk)),
        ]
    )

    def spoil(ws):
        ws.cell(row=3, column=5).value = -5
        ws.cell(row=4, column=1).value = "ZZ.9.9"
        ws.cell(row=5, column=2).value = "ZZ"

    before = snapshot()
    report = uploads.inventory_import(actor=coordinator, inventory=inventory, uploaded=upload(edit(data, spoil)))
    by_row = {r.row: r.messages for r in report.rows}
    assert not report.ok and report.imported == 0
    assert len(by_row[3]) == 1 and "-5" in by_row[3][0] and "activity_value" in by_row[3][0], by_row[3]
    assert len(by_row[4]) == 1 and "ZZ.9.9" in by_row[4][0], by_row[4]
    assert any("the import keeps it as given" in m for m in by_row[5]), by_row[5]
    assert by_row[6] == ["activity_value: The number is too large: at most 1,000,000,000,000,000 either way."]
    assert snapshot() == before


def test_row_errors_from_validation_name_the_row(coordinator, inventory, factors, snapshot):
    data = template(
        [
            _row(3, "I.1.2", activity_value=1000.0, activity_unit="MWh", factor_id=str(factors["east_china"].pk)),
            _row(4, "I.2.2", activity_value=5.0, activity_unit="kWh", factor_id=str(factors["diesel_l"].pk)),
            _row(5, "I.1.1", notation_key="NE"),
            _row(6, "I.1.2", notation_key="NO", explanation="dup"),
        ]
    )
    before = snapshot()
    report = uploads.inventory_import(actor=coordinator, inventory=inventory, uploaded=upload(data))
    by_row = {r.row: r for r in report.rows}
    assert by_row[3].status == "ok"
    assert by_row[4].status == "error" and any("activity_unit" in m for m in by_row[4].messages)
    assert by_row[5].status == "error" and any("explanation" in m for m in by_row[5].messages)
    assert by_row[6].status == "error"
    assert snapshot() == before


def test_import_wrong_user_and_not_a_spreadsheet(other_coordinator, coordinator, inventory, snapshot):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        uploads.inventory_import(actor=other_coordinator, inventory=inventory, uploaded=upload(template([])))
    with pytest.raises(ValidationError) as exc:
        uploads.inventory_import(actor=coordinator, inventory=inventory, uploaded=upload(b"\x7fELF binary", "x.xlsx"))
    assert "file" in exc.value.message_dict
    assert snapshot() == before


def test_citycatalyst_csv_gas_sum_mismatch_is_a_warning(coordinator, inventory):
    header = "GPC Reference Number,Notation Key,Total Emissions,Total Emission Units,Activity Type,Activity Value,Activity Units,Emission Factor - CO2,Emission Factor - CH4,Emission Factor - N2O,Emission Factor - Unit,CO2 Emissions,CH4 Emissions,N2O Emissions,Data Source Name"
    # per-gas columns are kg CO2e: 100,000 + 1,000 = 101,000 kg = 101 t, but the total says 120 t
    line = "II.1.1,,120,tCO2e,fuel,,,,,,,100000,1000,0,state fuel sales"
    report = uploads.inventory_import(
        actor=coordinator, inventory=inventory, uploaded=upload(f"{header}\n{line}\n".encode(), "inventory.csv")
    )
    assert report.ok, report.as_dict()
    assert [r.status for r in report.rows] == ["warning"]
    assert InventoryEntry.objects.filter(inventory=inventory).count() == 1


def test_cdp_inventories_equal_the_published_figures(staff, cities):
    report = cdp.cdp_inventories_import(actor=staff)
    assert report.created >= 1
    with (cdp.sources.DATA_DIR / cdp.sources.CDP_EMISSIONS_FILE).open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["Organization"] == "City of Hayward, CA")
    inv = Inventory.objects.get(city=cities["hayward"], origin="cdp2021")
    # the published Hayward 2019 figure, scope 1 excluding generation: 797,588.59 t CO2e
    assert row[cdp.COLUMNS["scope1_excl_generation"]] == "797588.59"
    assert inv.year == 2019 and inv.status == "published" and inv.is_frozen
    assert inv.totals["reported"]["scope1_excl_generation"] == 797588.59
    assert inv.totals["by_scope"]["1"] == 797588.59
    for key, column in cdp.COLUMNS.items():
        published = row[column].strip()
        stored = inv.totals["reported"][key]
        assert (stored is None) if published in ("", "NA") else stored == float(published), key
    # again: refreshed, not doubled
    again = cdp.cdp_inventories_import(actor=staff)
    assert again.created == 0 and Inventory.objects.filter(origin="cdp2021").count() == report.created


def test_cdp_import_refused_to_coordinator(coordinator):
    with pytest.raises(PermissionDenied):
        cdp.cdp_inventories_import(actor=coordinator)


def test_cdp_targets_become_targets(staff, cities):
    report = cdp.cdp_targets_import(actor=staff)
    assert Target.objects.filter(source="cdp2021").count() == report.created
    assert report.skipped  # intensity / BAU targets and unmatched cities are reported, not guessed


def _published_row(organisation: str) -> dict[str, str]:
    with (cdp.sources.DATA_DIR / cdp.sources.CDP_EMISSIONS_FILE).open(encoding="utf-8") as fh:
        return next(r for r in csv.DictReader(fh) if r["Organization"] == organisation)


@pytest.mark.parametrize(
    ("organisation", "excluding", "generation", "scope1"),
    [
        # CDP 2021 rows whose TOTAL Scope 1 is blank but whose two parts are published, hand-added (t CO2e)
        ("City of Los Angeles, CA", 18_683_071, 1_329_146, 20_012_217),
        ("City of Long Beach, CA", 2_216_935, 1_931_098, 4_148_033),
        ("City of San José, CA", 4_527_608, 1_097_853, 5_625_461),
        ("City of San Diego, CA", 5_500_228, 43_698, 5_543_926),
    ],
)
def test_cdp_scope1_holds_the_generation_of_grid_energy(organisation, excluding, generation, scope1):
    """GPC's scope 1 is every direct emission in the boundary; generation supplied to the grid (I.4.4) is left out
    of BASIC only. A row without CDP's TOTAL column is the sum of its parts, not the part without generation."""
    row = _published_row(organisation)
    assert row[cdp.COLUMNS["total_scope1"]].strip() in ("", "NA")
    totals = cdp.reported_totals(row)
    assert totals["reported"]["scope1_excl_generation"] == excluding
    assert totals["reported"]["scope1_generation"] == generation
    assert totals["by_scope"]["1"] == totals["territorial_scope1"] == scope1 == excluding + generation


def test_cdp_scope1_without_the_generation_reported():
    """Hayward reports only the part without generation: that is its scope 1, and its territorial total is unknown."""
    totals = cdp.reported_totals(_published_row("City of Hayward, CA"))
    assert totals["by_scope"]["1"] == 797588.59
    assert totals["territorial_scope1"] is None


def test_migration_rewrites_stored_cdp_scope_totals(staff, cities):
    """climate 0007: an inventory imported under the old rule (scope 1 = the part without generation) takes the
    sum from the published figures it keeps; backwards restores the old figures."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("citybridge.climate.migrations.0007_cdp_scope_totals")
    cdp.cdp_inventories_import(actor=staff)
    inv = Inventory.objects.get(city=cities["hayward"], origin="cdp2021")
    reported = {**inv.totals["reported"], "scope1_generation": 1000.5, "total_scope1": None}
    Inventory.objects.filter(pk=inv.pk).update(
        totals={**inv.totals, "reported": reported, "by_scope": {"1": 797588.59}}, total_territorial=None
    )
    migration._rewrite(apps, True)
    inv.refresh_from_db()
    assert inv.totals["by_scope"]["1"] == inv.totals["territorial_scope1"] == inv.total_territorial == 798589.09
    migration._rewrite(apps, False)
    inv.refresh_from_db()
    assert inv.totals["by_scope"]["1"] == 797588.59 and inv.total_territorial is None
