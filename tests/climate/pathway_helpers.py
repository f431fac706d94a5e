"""Small builders shared by the pathway tests (plain Python, no database)."""

from __future__ import annotations

from citybridge.climate.pathways import BaseInventory, Drivers, Measure, Series, Uptake, project_bau


def flat_drivers(base_year: int = 2020, end_year: int = 2030, grid: float = 0.5, **growth: float) -> Drivers:
    """Drivers with constant yearly rates (0 unless given) and a constant grid factor."""
    years = range(base_year, end_year + 1)
    return Drivers(
        population=Series({y: growth.get("population", 0.0) for y in years}),
        gdp=Series({y: growth.get("gdp", 0.0) for y in years}),
        energy_intensity=Series({y: growth.get("energy_intensity", 0.0) for y in years}),
        grid_factor=Series({y: grid for y in years}, "level"),
    )


def simple_bau(direct: dict | None = None, electricity: dict | None = None, end_year: int = 2030, grid: float = 0.5):
    base = BaseInventory(2020, direct=direct or {"I": 100.0}, electricity=electricity or {})
    return project_bau(base, flat_drivers(2020, end_year, grid), end_year)


def now(key: str, mechanism: str, sectors: tuple[str, ...], year: int = 2020, **kw) -> Measure:
    """A measure at full uptake from ``year`` (a step)."""
    return Measure(key, mechanism, sectors, Uptake(year, year), **kw)
