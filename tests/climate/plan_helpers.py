"""Helpers for the action-plan tests: a computed base inventory and flat drivers (all growth 0, grid 0.2 t/MWh)."""

from __future__ import annotations

FLAT = {
    "population": {str(y): 0.0 for y in range(2000, 2101)},
    "gdp": {str(y): 0.0 for y in range(2000, 2101)},
    "energy_intensity": {str(y): 0.0 for y in range(2000, 2101)},
    "grid_factor": {str(y): 0.2 for y in range(2000, 2101)},
}


def computed_inventory(actor, city, year, by_sector, status="draft"):
    """An inventory whose stored totals (as climate.compute.store_totals writes them) have these sector sums."""
    from citybridge.climate import services
    from citybridge.climate.models import Inventory

    inv = services.inventory_create(actor=actor, city=city, year=year, gwp_set="AR5", level="BASIC")
    totals = {"basic": sum(by_sector.values()), "by_sector": by_sector}
    Inventory.objects.filter(pk=inv.pk).update(totals=totals, total_basic=totals["basic"], status=status)
    inv.refresh_from_db()
    return inv


def template(key):
    from citybridge.climate.plan_models import MeasureTemplate

    return MeasureTemplate.objects.get(key=key)
