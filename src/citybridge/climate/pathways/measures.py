"""Measures: what a measure does (mechanism, sectors, size), when (uptake curve), what it costs, and their packing
into arrays for the vectorised engine.

Mechanisms (the value each takes at full uptake):

* ``activity``: reduces the sector's activity or energy use by ``share`` (efficiency, avoided trips, less
  material); ``carrier`` says whether it cuts fuels, electricity or both ("all").
* ``methane``: captures ``share`` of the methane, which is ``methane_fraction`` of the sector's direct emissions
  (landfill gas, digesters): a cut of ``share x methane_fraction`` of the direct emissions.
* ``fuel_switch``: moves ``share`` of the remaining fuel use to electricity (``mwh_per_tco2`` MWh of grid
  electricity per t CO2e of fuel no longer burnt) and/or to another fuel (``emission_ratio`` t CO2e of the new fuel
  per t CO2e of the old, e.g. coal to gas at equal useful energy 56.1 / 94.6 = 0.593, IPCC 2006 V2 Table 1.4).
* ``grid``: lowers the grid emission factor applied to the sectors' electricity by ``share`` (a green tariff, a
  power-purchase agreement, a cleaner utility mix).
* ``renewables``: adds ``mwh_per_year`` of local renewable generation that displaces grid electricity in the
  sectors acted on (split between them in proportion to their BAU electricity use of that year).

Uptake: the fraction of the full effect reached in a year, 0 at ``start_year`` and 1 from ``full_year``: linear, or
a logistic S-curve ``(σ(k(τ-½)) - σ(-k/2)) / (σ(k/2) - σ(-k/2))`` with τ = (year - start) / (full - start) clipped to
[0, 1] and steepness k (default 10), so it also starts at exactly 0 and ends at exactly 1. ``start_year ==
full_year`` is a step: 0 before, 1 from that year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .bau import SECTOR_INDEX, SECTORS, Source
from .errors import PathwayError

MECHANISMS: tuple[str, ...] = ("activity", "methane", "fuel_switch", "grid", "renewables")
CARRIERS: tuple[str, ...] = ("all", "fuel", "electricity")
SHAPES: tuple[str, ...] = ("linear", "s_curve")
KIND = {m: i for i, m in enumerate(MECHANISMS)}
ACTIVITY, METHANE, FUEL_SWITCH, GRID, RENEWABLES = range(5)
#: uptake years the engine accepts (whole years; the engine keys uptake curves on them)
YEAR_MIN, YEAR_MAX = 1900, 2200


@dataclass(frozen=True)
class Uptake:
    start_year: int
    full_year: int
    shape: str = "linear"
    steepness: float = 10.0


@dataclass(frozen=True)
class Costs:
    """Money in one stated currency and price year: ``capital`` is spent as uptake grows (in proportion to each
    year's increase of uptake); ``operating_per_year`` and ``savings_per_year`` are at full uptake and scale with it."""

    currency: str
    capital: float = 0.0
    operating_per_year: float = 0.0
    savings_per_year: float = 0.0
    price_year: int | None = None


@dataclass(frozen=True)
class Measure:
    key: str
    mechanism: str
    sectors: tuple[str, ...]
    uptake: Uptake
    share: float = 0.0
    carrier: str = "all"
    methane_fraction: float = 1.0
    mwh_per_tco2: float = 0.0
    emission_ratio: float = 0.0
    mwh_per_year: float = 0.0
    costs: Costs | None = None
    co_benefits: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    name_en: str = ""
    name_zh: str = ""
    meta: Mapping[str, str] = field(default_factory=dict)


def validate_measure(m: Measure) -> None:
    """Raise :class:`PathwayError` for anything the engine cannot honour."""
    if m.mechanism not in KIND:
        raise PathwayError("unknown_mechanism", measure=m.key, mechanism=m.mechanism)
    if not m.sectors:
        raise PathwayError("measure_no_sectors", measure=m.key)
    for s in m.sectors:
        if s not in SECTOR_INDEX:
            raise PathwayError("unknown_sector", sector=s)
    for name in ("share", "methane_fraction"):
        v = float(getattr(m, name))
        if not math.isfinite(v):
            raise PathwayError("measure_share_above_one", measure=m.key, field=name, value=str(v))
        if v > 1.0:
            raise PathwayError("measure_share_above_one", measure=m.key, field=name, value=v)
        if v < 0.0:
            raise PathwayError("measure_share_negative", measure=m.key, field=name, value=v)
    for name in ("mwh_per_tco2", "emission_ratio", "mwh_per_year"):
        v = float(getattr(m, name))
        if not math.isfinite(v) or v < 0:
            raise PathwayError("measure_value_negative", measure=m.key, field=name, value=str(v))
    if m.carrier not in CARRIERS:
        raise PathwayError("unknown_mechanism", measure=m.key, mechanism=f"carrier:{m.carrier}")
    u = m.uptake
    if u.shape not in SHAPES:
        raise PathwayError("unknown_mechanism", measure=m.key, mechanism=f"uptake:{u.shape}")
    for y in (u.start_year, u.full_year):
        if not (isinstance(y, int) and YEAR_MIN <= y <= YEAR_MAX):
            raise PathwayError("uptake_year_invalid", measure=m.key, year=str(y))
    if u.full_year < u.start_year:
        raise PathwayError("uptake_end_before_start", measure=m.key, start_year=u.start_year, full_year=u.full_year)
    if not (math.isfinite(u.steepness) and u.steepness > 0):
        raise PathwayError("uptake_steepness_invalid", measure=m.key, steepness=str(u.steepness))


@dataclass(frozen=True)
class MeasureArrays:
    """K measure slots per city (C, K), padded with empty slots (``value`` 0). ``value`` is the share at full
    uptake (for ``methane`` share x methane fraction) or, for ``renewables``, MWh per year."""

    kind: np.ndarray  # (C, K) int
    carrier: np.ndarray  # (C, K) int, index into CARRIERS
    sectors: np.ndarray  # (C, K, S) float 0/1
    value: np.ndarray  # (C, K)
    mwh_per_tco2: np.ndarray  # (C, K)
    emission_ratio: np.ndarray  # (C, K)
    start: np.ndarray  # (C, K) float years
    full: np.ndarray  # (C, K)
    s_curve: np.ndarray  # (C, K) bool
    steepness: np.ndarray  # (C, K)

    @property
    def shape(self) -> tuple[int, int]:
        return self.kind.shape

    def take(self, rows: np.ndarray, cols: np.ndarray | None = None) -> MeasureArrays:
        """Rows (cities) and optionally columns (measures) of these arrays."""
        sel = (lambda a: a[rows][:, cols]) if cols is not None else (lambda a: a[rows])
        return MeasureArrays(**{f: sel(getattr(self, f)) for f in self.__dataclass_fields__})

    def rows(self, start: int, stop: int) -> MeasureArrays:
        """Cities ``start:stop`` of these arrays, as views (no copy)."""
        return MeasureArrays(**{f: getattr(self, f)[start:stop] for f in self.__dataclass_fields__})

    def masked(self, keep: np.ndarray) -> MeasureArrays:
        """The same slots with ``value`` zeroed where ``keep`` (C, K) is false: those measures have no effect."""
        return MeasureArrays(
            **{f: getattr(self, f) for f in self.__dataclass_fields__ if f != "value"}, value=self.value * keep
        )


def pack_measures(plans: Sequence[Sequence[Measure]], k: int | None = None) -> MeasureArrays:
    """Validate and pack one list of measures per city into (C, K) arrays (K = the longest list unless given)."""
    C = len(plans)
    K = max([len(p) for p in plans] + [0]) if k is None else k
    S = len(SECTORS)
    kind = np.zeros((C, K), dtype=np.int64)
    carrier = np.zeros((C, K), dtype=np.int64)
    sectors = np.zeros((C, K, S))
    value = np.zeros((C, K))
    mwh = np.zeros((C, K))
    ratio = np.zeros((C, K))
    start = np.zeros((C, K))
    full = np.zeros((C, K))
    s_curve = np.zeros((C, K), dtype=bool)
    steep = np.full((C, K), 10.0)
    for c, plan in enumerate(plans):
        seen = set()
        for j, m in enumerate(plan):
            validate_measure(m)
            if m.key in seen:
                raise PathwayError("duplicate_measure", measure=m.key)
            seen.add(m.key)
            kind[c, j] = KIND[m.mechanism]
            carrier[c, j] = CARRIERS.index(m.carrier)
            for s in m.sectors:
                sectors[c, j, SECTOR_INDEX[s]] = 1.0
            if m.mechanism == "renewables":
                value[c, j] = m.mwh_per_year
            elif m.mechanism == "methane":
                value[c, j] = m.share * m.methane_fraction
            else:
                value[c, j] = m.share
            mwh[c, j] = m.mwh_per_tco2
            ratio[c, j] = m.emission_ratio
            start[c, j] = m.uptake.start_year
            full[c, j] = m.uptake.full_year
            s_curve[c, j] = m.uptake.shape == "s_curve"
            steep[c, j] = m.uptake.steepness
    return MeasureArrays(kind, carrier, sectors, value, mwh, ratio, start, full, s_curve, steep)


def ramp_value(tau: np.ndarray, s_curve: np.ndarray, steepness: np.ndarray) -> np.ndarray:
    """Uptake for τ in [0, 1] (already clipped): τ itself (linear) or the normalised logistic S-curve where
    ``s_curve``; ``s_curve`` and ``steepness`` have τ's shape (or broadcast to it). One formula for every caller, so
    every path gives the same bits."""
    s_curve = np.broadcast_to(s_curve, tau.shape)
    if not s_curve.any():
        return tau
    idx = np.flatnonzero(s_curve)
    k = np.broadcast_to(steepness, tau.shape).reshape(-1)[idx]
    t = tau.reshape(-1)[idx]
    lo = 1.0 / (1.0 + np.exp(k / 2))
    hi = 1.0 / (1.0 + np.exp(-k / 2))
    sig = 1.0 / (1.0 + np.exp(-k * (t - 0.5)))
    out = tau.copy()
    out.reshape(-1)[idx] = np.clip((sig - lo) / (hi - lo), 0.0, 1.0)
    return out


def uptake_fraction(
    years: np.ndarray, start: np.ndarray, full: np.ndarray, s_curve: np.ndarray, steepness: np.ndarray
) -> np.ndarray:
    """(C, T, K) fraction of the full effect reached in each year (see the module docstring)."""
    span = full - start
    step = span <= 0
    # a step (start == full) is 0 before the full year and 1 from it
    safe = np.where(step, 1.0, span)
    tau = (years[None, :, None] - start[:, None, :]) / safe[:, None, :]
    np.clip(tau, 0.0, 1.0, out=tau)
    tau = np.where(step[:, None, :], (years[None, :, None] >= full[:, None, :]).astype(float), tau)
    return ramp_value(tau, s_curve[:, None, :], steepness[:, None, :])


def uptake_of(m: Measure, years: Sequence[int]) -> np.ndarray:
    """(T,) uptake of one measure."""
    u = m.uptake
    return uptake_fraction(
        np.asarray(years, dtype=float),
        np.array([[float(u.start_year)]]),
        np.array([[float(u.full_year)]]),
        np.array([[u.shape == "s_curve"]]),
        np.array([[float(u.steepness)]]),
    )[0, :, 0]
