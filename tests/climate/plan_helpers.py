"""Helpers for the action-plan tests: a computed base inventory and flat drivers (all growth 0, grid 0.2 t/MWh)."""

from __future__ import annotations

FLAT = {
    "population": {str(y): 0.0 for y in range(2000, 2101)},
    "gdp": {str(y): 0.0 for y in range(2000, 2101)},
    "energy_intensity": {str(y): 0.0 for y in range(2000, 2101)},
    "grid_factor": {str(y): 0.2 for y in range(2000, 2101)},
}


#: a BASIC line of each GPC sector (IV and V are BASIC+ lines only)
SECTOR_LINE = {"I": "I.1.1", "II": "II.1.1", "III": "III.1.1", "IV": "IV.1", "V": "V.1"}


def computed_inventory(actor, city, year, by_sector, status="draft"):
    """An inventory with one scope-1 line per sector of these t CO2e, and stored totals (as
    climate.compute.store_totals writes them) with these sector sums."""
    from citybridge.climate import services
    from citybridge.climate.models import Inventory, InventoryEntry

    level = "BASIC+" if {"IV", "V"} & set(by_sector) else "BASIC"
    inv = services.inventory_create(actor=actor, city=city, year=year, gwp_set="AR5", level=level)
    InventoryEntry.objects.bulk_create(
        InventoryEntry(inventory=inv, gpc_ref=SECTOR_LINE[sector], co2e=t, by_gas={"CO2": t})
        for sector, t in by_sector.items()
    )
    totals = {"basic": sum(by_sector.values()), "by_sector": by_sector}
    Inventory.objects.filter(pk=inv.pk).update(totals=totals, total_basic=totals["basic"], status=status)
    inv.refresh_from_db()
    return inv


def template(key):
    from citybridge.climate.plan_models import MeasureTemplate

    return MeasureTemplate.objects.get(key=key)


def make_plan(coordinator, city, *, end_year=2040, target=None, name="Plan A"):
    """A plan on a computed 2022 inventory (I = 1000 t, II = 500 t) with flat drivers."""
    from citybridge.climate import plan_services

    base = computed_inventory(coordinator, city, 2022, {"I": 1000.0, "II": 500.0})
    plan_services.driver_set_save(actor=coordinator, city=city, series=FLAT, base_year=2022)
    return plan_services.plan_create(
        actor=coordinator, city=city, name=name, base_inventory=base, target=target, end_year=end_year
    )
