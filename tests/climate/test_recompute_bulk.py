"""The worker's bulk recompute after a factor change (services._factor_change_batch): plain rows, the engine in bulk,
prepared UPDATEs, links moved in one UPDATE. Its results equal the entry-by-entry engine's; a factor whose units
changed takes the explaining path (new conversion text)."""

from __future__ import annotations

import pytest

from citybridge.climate import accounting, compute, services
from citybridge.climate.models import EmissionFactor, InventoryEntry

from .conftest import _factor


@pytest.fixture
def gasoline(db):
    # IPCC 2006 motor gasoline, 69,300 kg CO2/TJ (EMISSION_FACTORS.md 2a)
    return _factor("ipcc2006-co2-motor-gasoline", "CO2", 69300.0, "kg", "TJ", heating_basis="NCV")


def _run(staff, new, django_capture_on_commit_callbacks):  # noqa: ANN001, ANN202
    with django_capture_on_commit_callbacks(execute=True):
        run = services.recompute_run_create(actor=staff, factor=new)
    run.refresh_from_db()
    return run


def test_bulk_path_equals_the_engine_with_fuel_properties_and_two_factors(
    coordinator, staff, hayward, gasoline, factors, django_capture_on_commit_callbacks
):
    # IPCC 2006 V2 Table 3.2.2, gasoline with an oxidation catalyst: 25 kg CH4/TJ (EMISSION_FACTORS.md 2c)
    gasoline_ch4 = _factor("ipcc2006-road-gasoline-ch4", "CH4", 25.0, "kg", "TJ", heating_basis="NCV")
    inventory = services.inventory_create(actor=coordinator, city=hayward, year=2022)
    entry = services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={
            "gpc_ref": "II.1.1",
            "activity_value": 1000,
            "activity_unit": "L",
            "density": {"value": 0.74, "unit": "kg/L"},
            "ncv": {"value": 44.3, "unit": "TJ/Gg"},
            "factor_ids": [gasoline.pk, gasoline_ch4.pk],
        },
    )
    other = services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={
            "gpc_ref": "I.1.2",
            "activity_value": 100,
            "activity_unit": "MWh",
            "factor_ids": [factors["east_china"].pk],
        },
    )
    other_before = InventoryEntry.objects.filter(pk=other.pk).values().get()
    new = services.factor_supersede(
        actor=staff, factor=gasoline, expected_version=gasoline.version, data={"value": 70000.0}
    )
    run = _run(staff, new, django_capture_on_commit_callbacks)
    assert (run.status, run.done, run.changed) == ("done", 1, 1)

    entry = InventoryEntry.objects.get(pk=entry.pk)
    # 1000 L × 0.74 kg/L = 740 kg = 0.00074 Gg; × 44.3 TJ/Gg = 0.032782 TJ
    # CO2: 0.032782 TJ × 70,000 kg/TJ = 2,294.74 kg = 2.29474 t
    # CH4 (unchanged factor): 0.032782 TJ × 25 kg/TJ = 0.81955 kg = 0.00081955 t; × 28 (AR5) = 0.0229474 t CO2e
    assert entry.by_gas["CO2"] == pytest.approx(2.29474)
    assert entry.by_gas["CH4"] == pytest.approx(0.00081955)
    assert entry.co2e == pytest.approx(2.29474 + 0.0229474)
    assert list(entry.factors.order_by("pk")) == [gasoline_ch4, new]
    assert entry.factor_versions == [
        {"id": new.pk, "code": new.code, "version": new.version},
        {"id": gasoline_ch4.pk, "code": gasoline_ch4.code, "version": gasoline_ch4.version},
    ]
    # exactly the engine's own result for the same entry (same arithmetic, not just close)
    engine = accounting.compute_entry(
        accounting.Entry(
            ref="II.1.1",
            activity_value=1000.0,
            activity_unit="L",
            factors=(
                compute.engine_factor(new),
                compute.engine_factor(gasoline_ch4),
            ),
            density=accounting.Amount(0.74, "kg/L"),
            ncv=accounting.Amount(44.3, "TJ/Gg"),
        ),
        "AR5",
        explain=False,
    )
    assert (entry.by_gas, entry.co2e) == (dict(engine.by_gas_t), engine.co2e_t)
    # the line on another factor is untouched; totals = a from-scratch sum
    assert InventoryEntry.objects.filter(pk=other.pk).values().get() == other_before
    inventory.refresh_from_db()
    assert inventory.totals == compute.totals_of(list(inventory.entries.all()), inventory.gwp_set)
    # 100 MWh × 0.55 kg/kWh = 55 t; + 2.3176874 t
    assert inventory.total_basic == pytest.approx(55 + 2.3176874)


def test_units_changed_takes_the_explaining_path(
    coordinator, staff, hayward, factors, django_capture_on_commit_callbacks
):
    grid = factors["east_china"]
    inventory = services.inventory_create(actor=coordinator, city=hayward, year=2022)
    entry = services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={"gpc_ref": "I.1.2", "activity_value": 100, "activity_unit": "MWh", "factor_ids": [grid.pk]},
    )
    # the new version is stated per MWh: 580 kg/MWh
    new = services.factor_supersede(
        actor=staff,
        factor=grid,
        expected_version=grid.version,
        data={"value": 580.0, "unit": "kg", "activity_unit": "MWh"},
    )
    assert _run(staff, new, django_capture_on_commit_callbacks).status == "done"
    entry = InventoryEntry.objects.get(pk=entry.pk)
    # 100 MWh × 580 kg/MWh = 58,000 kg = 58 t; the conversion text says so, in the new unit
    assert entry.co2e == pytest.approx(58.0)
    assert any("kg/MWh" in line for line in entry.conversion), entry.conversion
    assert list(entry.factors.all()) == [EmissionFactor.objects.get(pk=new.pk)]
