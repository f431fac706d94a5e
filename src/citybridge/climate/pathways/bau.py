"""Business-as-usual (BAU) projection from a base inventory and yearly drivers.

Model (per city, GPC sector *s*, year *t*, base year *b*; every index is 1.0 in the base year)::

    p(t)   = population(t) / population(b)
    y(t)   = GDP(t) / GDP(b)                        (real GDP)
    g(t)   = y(t) / p(t)                            (GDP per capita)
    A_s(t) = p(t) ** a_s  *  g(t) ** e_s            (activity: elasticities a_s, e_s per sector)
    N_s(t) = A_s(t) * i(t)   if the sector follows the energy-intensity trend i(t) (energy per GDP), else A_s(t)
    D_s(t) = D_s(b) * N_s(t) * c(t)   (direct / scope-1 emissions; c(t) = carbon intensity of fuels, index)
    M_s(t) = M_s(b) * N_s(t)          (grid electricity bought, MWh; M_s(b) = scope-2 emissions(b) / grid(b))
    E_s(t) = D_s(t) + M_s(t) * grid(t)

so the grid emission-factor path acts only on the electricity (scope-2) part of each sector, and a sector that does
not follow the energy-intensity trend (waste, AFOLU) is not touched by it nor by c(t). ``N_s`` is the energy index
that the LMDI decomposition reads (energy = activity x intensity).

Drivers are yearly series. A growth series gives the change *into* each year (``{2021: 0.01}`` means 2021 is 1 %
above 2020); a level series gives the value of each year. Every year after the base year up to the end year must be
present (no interpolation in the engine: a gap is an error, ``driver_series_gap``); the default driver sets in
``defaults.py`` expand their published anchor points into full series with a stated rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import PathwayError

#: GPC sectors (GPC v1.1): I stationary energy, II transportation, III waste, IV IPPU, V AFOLU
SECTORS: tuple[str, ...] = ("I", "II", "III", "IV", "V")
SECTOR_INDEX: dict[str, int] = {s: i for i, s in enumerate(SECTORS)}
SECTOR_NAMES: dict[str, tuple[str, str]] = {
    "I": ("Stationary energy", "固定能源活动"),
    "II": ("Transportation", "交通"),
    "III": ("Waste", "废弃物"),
    "IV": ("Industrial processes and product use (IPPU)", "工业过程和产品使用"),
    "V": ("Agriculture, forestry and other land use (AFOLU)", "农业、林业和其他土地利用"),
}
UNIT = "t CO2e"


@dataclass(frozen=True)
class Source:
    """Where a figure comes from: shown beside it in the UI. ``status`` follows EMISSION_FACTORS.md
    ("two sources", "single source", "derived") or says "assumption" for a modelling choice."""

    label: str
    url: str = ""
    status: str = "single source"


@dataclass(frozen=True)
class SectorResponse:
    """How a sector's activity follows the drivers (elasticities) and whether energy-intensity and fuel
    carbon-intensity trends apply to it."""

    population_elasticity: float = 1.0
    gdp_per_capita_elasticity: float = 1.0
    follows_energy_intensity: bool = True


#: default responses (a modelling choice, stated in the UI): energy sectors grow with GDP (population x GDP per
#: capita) and follow the energy-intensity trend; waste grows with population (waste per person constant); AFOLU
#: stays at its base level. Editable per city.
DEFAULT_RESPONSES: dict[str, SectorResponse] = {
    "I": SectorResponse(1.0, 1.0, True),
    "II": SectorResponse(1.0, 1.0, True),
    "III": SectorResponse(1.0, 0.0, False),
    "IV": SectorResponse(1.0, 1.0, True),
    "V": SectorResponse(0.0, 0.0, False),
}


@dataclass(frozen=True)
class BaseInventory:
    """Base-year emissions per GPC sector, t CO2e: ``direct`` (scope 1 and any non-electricity scope 3) and
    ``electricity`` (scope 2, grid-supplied energy). Sectors left out count as zero."""

    base_year: int
    direct: Mapping[str, float]
    electricity: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Series:
    """One driver: ``kind`` "growth" (change into each year, 0.01 = +1 %) or "level" (value of each year)."""

    values: Mapping[int, float]
    kind: str = "growth"
    unit: str = ""
    source: Source | None = None


@dataclass(frozen=True)
class Drivers:
    """The drivers of one city's BAU, each with its source; ``version`` names the set (recorded with the BAU)."""

    population: Series
    gdp: Series
    energy_intensity: Series  # growth of energy per unit of GDP (negative = improving)
    grid_factor: Series  # level, t CO2e per MWh, for every year from the base year
    fuel_carbon_intensity: Series | None = None  # growth of direct emissions per unit of energy; None = constant
    responses: Mapping[str, SectorResponse] = field(default_factory=lambda: dict(DEFAULT_RESPONSES))
    version: str = "custom"


@dataclass(frozen=True)
class BauArrays:
    """The BAU of C cities over T years (years[0] is the common base year) and S sectors, as arrays.

    ``direct`` and ``electricity_mwh`` are (C, T, S); ``grid`` is (C, T); ``energy_index`` (C, T, S) is N_s(t);
    ``population_index`` and ``gdp_index`` are (C, T). ``emissions`` = direct + electricity_mwh x grid."""

    years: np.ndarray
    direct: np.ndarray
    electricity_mwh: np.ndarray
    grid: np.ndarray
    energy_index: np.ndarray
    population_index: np.ndarray
    gdp_index: np.ndarray

    @property
    def emissions(self) -> np.ndarray:
        return self.direct + self.electricity_mwh * self.grid[:, :, None]


@dataclass(frozen=True)
class Bau:
    """One city's BAU: the arrays (C = 1) and what produced it."""

    arrays: BauArrays
    base: BaseInventory
    drivers_version: str
    sources: dict[str, Source]

    @property
    def years(self) -> np.ndarray:
        return self.arrays.years

    @property
    def by_sector(self) -> np.ndarray:
        """(T, S) t CO2e."""
        return self.arrays.emissions[0]

    @property
    def total(self) -> np.ndarray:
        """(T,) t CO2e."""
        return self.by_sector.sum(axis=1)


def _finite(name: str, year: int, value: float) -> float:
    v = float(value)
    if not math.isfinite(v):
        raise PathwayError("driver_value_invalid", driver=name, year=year, value=str(value))
    return v


def series_index(name: str, series: Series, years: Sequence[int]) -> np.ndarray:
    """The series as an index over ``years`` (1.0 in years[0]); a missing year is ``driver_series_gap``."""
    base = years[0]
    out = np.empty(len(years))
    if series.kind == "level":
        for i, y in enumerate(years):
            if y not in series.values:
                raise PathwayError("driver_series_gap", driver=name, year=y)
            out[i] = _finite(name, y, series.values[y])
        if name == "population":
            bad = np.flatnonzero(out <= 0)
            if bad.size:
                raise PathwayError("negative_population", year=int(years[bad[0]]), value=float(out[bad[0]]))
        if out[0] == 0:
            raise PathwayError("driver_value_invalid", driver=name, year=base, value="0")
        return out / out[0]
    if series.kind != "growth":
        raise PathwayError("driver_value_invalid", driver=name, year=base, value=series.kind)
    out[0] = 1.0
    for i, y in enumerate(years[1:], start=1):
        if y not in series.values:
            raise PathwayError("driver_series_gap", driver=name, year=y)
        r = _finite(name, y, series.values[y])
        if r <= -1.0:
            if name == "population":
                raise PathwayError("negative_population", year=y, value=r)
            raise PathwayError("driver_value_invalid", driver=name, year=y, value=r)
        out[i] = out[i - 1] * (1.0 + r)
    return out


def grid_path(series: Series, years: Sequence[int]) -> np.ndarray:
    """Grid factor (t CO2e/MWh) for each year; a level series with every year present, none negative."""
    if series.kind != "level":
        raise PathwayError("driver_value_invalid", driver="grid_factor", year=years[0], value=series.kind)
    out = np.empty(len(years))
    for i, y in enumerate(years):
        if y not in series.values:
            raise PathwayError("driver_series_gap", driver="grid_factor", year=y)
        v = _finite("grid_factor", y, series.values[y])
        if v < 0:
            raise PathwayError("driver_value_invalid", driver="grid_factor", year=y, value=v)
        out[i] = v
    return out


def validate_base(base: BaseInventory) -> tuple[np.ndarray, np.ndarray]:
    """(direct, electricity) as (S,) arrays; raises on unknown sectors, negatives or an empty inventory."""
    direct = np.zeros(len(SECTORS))
    elec = np.zeros(len(SECTORS))
    for target, values in ((direct, base.direct), (elec, base.electricity)):
        for s, v in values.items():
            if s not in SECTOR_INDEX:
                raise PathwayError("unknown_sector", sector=s)
            v = float(v)
            if not math.isfinite(v) or v < 0:
                raise PathwayError("negative_base_emissions", sector=s, value=str(v))
            target[SECTOR_INDEX[s]] = v
    if not (direct.sum() + elec.sum()) > 0:
        raise PathwayError("no_base_emissions", base_year=base.base_year)
    return direct, elec


def response_arrays(responses: Mapping[str, SectorResponse]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(population elasticity, GDP-per-capita elasticity, follows energy intensity) per sector, (S,) each."""
    a = np.empty(len(SECTORS))
    e = np.empty(len(SECTORS))
    f = np.empty(len(SECTORS))
    for s, i in SECTOR_INDEX.items():
        r = responses.get(s, DEFAULT_RESPONSES[s])
        a[i], e[i], f[i] = r.population_elasticity, r.gdp_per_capita_elasticity, float(r.follows_energy_intensity)
    return a, e, f


def project_bau_arrays(
    *,
    years: np.ndarray,
    base_direct: np.ndarray,
    base_electricity: np.ndarray,
    population_index: np.ndarray,
    gdp_index: np.ndarray,
    energy_intensity_index: np.ndarray,
    fuel_carbon_index: np.ndarray,
    grid: np.ndarray,
    population_elasticity: np.ndarray,
    gdp_per_capita_elasticity: np.ndarray,
    follows_energy_intensity: np.ndarray,
) -> BauArrays:
    """Vectorised BAU over C cities: bases (C, S), driver indices and grid (C, T), responses (S,) or (C, S)."""
    C, S = base_direct.shape
    T = len(years)
    for name, arr, shape in (
        ("base_electricity", base_electricity, (C, S)),
        ("population_index", population_index, (C, T)),
        ("gdp_index", gdp_index, (C, T)),
        ("energy_intensity_index", energy_intensity_index, (C, T)),
        ("fuel_carbon_index", fuel_carbon_index, (C, T)),
        ("grid", grid, (C, T)),
    ):
        if arr.shape != shape:
            raise PathwayError("shape_mismatch", name=name, expected=str(shape), got=str(arr.shape))
    a = np.broadcast_to(population_elasticity, (C, S))[:, None, :]
    e = np.broadcast_to(gdp_per_capita_elasticity, (C, S))[:, None, :]
    f = np.broadcast_to(follows_energy_intensity, (C, S))[:, None, :]
    p = population_index[:, :, None]
    g = (gdp_index / population_index)[:, :, None]
    activity = p**a * g**e
    ei = energy_intensity_index[:, :, None]
    energy = activity * np.where(f > 0, ei, 1.0)
    ci = np.where(f > 0, fuel_carbon_index[:, :, None], 1.0)
    grid0 = grid[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        mwh0 = np.where(base_electricity > 0, base_electricity / grid0[:, None], 0.0)
    bad = (base_electricity > 0) & ~(grid0[:, None] > 0)
    if bad.any():
        raise PathwayError("grid_factor_zero_with_electricity", sector=SECTORS[int(np.argwhere(bad)[0][1])])
    direct = base_direct[:, None, :] * energy * ci
    electricity_mwh = mwh0[:, None, :] * energy
    return BauArrays(
        years=np.asarray(years),
        direct=direct,
        electricity_mwh=electricity_mwh,
        grid=grid,
        energy_index=energy,
        population_index=population_index,
        gdp_index=gdp_index,
    )


def projection_years(base_year: int, end_year: int) -> list[int]:
    if not (isinstance(base_year, int) and isinstance(end_year, int)) or end_year <= base_year:
        raise PathwayError("projection_years_invalid", base_year=base_year, end_year=end_year)
    if end_year - base_year > 200:
        raise PathwayError("projection_years_invalid", base_year=base_year, end_year=end_year)
    return list(range(base_year, end_year + 1))


def project_bau(base: BaseInventory, drivers: Drivers, end_year: int) -> Bau:
    """One city's BAU from its base inventory to ``end_year`` (inclusive)."""
    years = projection_years(base.base_year, end_year)
    direct, elec = validate_base(base)
    pop = series_index("population", drivers.population, years)
    gdp = series_index("gdp", drivers.gdp, years)
    ei = series_index("energy_intensity", drivers.energy_intensity, years)
    fci = (
        series_index("fuel_carbon_intensity", drivers.fuel_carbon_intensity, years)
        if drivers.fuel_carbon_intensity is not None
        else np.ones(len(years))
    )
    grid = grid_path(drivers.grid_factor, years)
    for s in drivers.responses:
        if s not in SECTOR_INDEX:
            raise PathwayError("unknown_sector", sector=s)
    a, e, f = response_arrays(drivers.responses)
    arrays = project_bau_arrays(
        years=np.asarray(years),
        base_direct=direct[None, :],
        base_electricity=elec[None, :],
        population_index=pop[None, :],
        gdp_index=gdp[None, :],
        energy_intensity_index=ei[None, :],
        fuel_carbon_index=fci[None, :],
        grid=grid[None, :],
        population_elasticity=a,
        gdp_per_capita_elasticity=e,
        follows_energy_intensity=f,
    )
    sources = {}
    for name in ("population", "gdp", "energy_intensity", "grid_factor", "fuel_carbon_intensity"):
        s = getattr(drivers, name)
        if s is not None and s.source is not None:
            sources[name] = s.source
    return Bau(arrays=arrays, base=base, drivers_version=drivers.version, sources=sources)
