"""Additive LMDI-I decomposition of the change in emissions into four drivers.

For sectors i:  E = Σ_i P x (G/P) x (N_i/G) x (E_i/N_i)  =  population x GDP per capita x energy intensity x carbon
intensity of energy. Between two years 0 and T (Ang 2005, "The LMDI approach to decomposition analysis: a practical
guide", Energy Policy 33, 867-871; Ang 2004, Energy Policy 32, 1131-1139)::

    ΔE_X = Σ_i L(E_i^T, E_i^0) x ln(X_i^T / X_i^0),      L(a, b) = (a - b) / (ln a - ln b),  L(a, a) = a

and the four effects add up exactly to E^T - E^0 (no residual): for each sector the logarithms of the factor ratios
sum to ln(E_i^T / E_i^0), and L x that log is E_i^T - E_i^0.

Zero values (Ang 2005 §4, after Ang & Choi 1997 and Ang & Liu 2007, "Handling zero values in the logarithmic mean
Divisia index decomposition approach", Energy Policy 35, 238-246): a zero is replaced by a small δ and δ -> 0. The
limits used here, per sector:

* E_i^0 = E_i^T = 0: every effect is 0.
* both positive: the formula above (the factors are then positive; energy must be positive where emissions are).
* E_i^0 = 0 < E_i^T (the sector appears): the whole change E_i^T goes to the factor that was zero: energy intensity
  if N_i^0 = 0 (no activity before), else carbon intensity (carbon-free energy before); the other effects -> 0.
* E_i^T = 0 < E_i^0 (the sector disappears): likewise -E_i^0 to energy intensity if N_i^T = 0, else to carbon
  intensity.

Energy can be any index proportional to energy use within a sector (the BAU's N_s): the effects depend on ratios
N_i^T / N_i^0 only, and E_i / N_i changes by the same ratio whatever the unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bau import Bau
from .errors import PathwayError

FACTORS: tuple[str, ...] = ("population", "gdp_per_capita", "energy_intensity", "carbon_intensity")
FACTOR_NAMES: dict[str, tuple[str, str]] = {
    "population": ("Population", "人口"),
    "gdp_per_capita": ("Economy (GDP per capita)", "经济（人均地区生产总值）"),
    "energy_intensity": ("Energy intensity", "能源强度"),
    "carbon_intensity": ("Carbon intensity of energy", "能源碳强度"),
}


def logmean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """L(a, b) for positive a, b; L(a, a) = a."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    same = a == b
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    return np.where(same, a, out)


@dataclass(frozen=True)
class Lmdi:
    years: np.ndarray  # (T,)
    effects: np.ndarray  # (T-1, S, 4): change from years[t] to years[t+1], per sector and factor
    change: np.ndarray  # (T-1,) E(t+1) - E(t), total

    @property
    def by_factor(self) -> np.ndarray:
        """(T-1, 4) summed over sectors."""
        return self.effects.sum(axis=1)

    @property
    def cumulative_by_factor(self) -> np.ndarray:
        """(T-1, 4): from the first year to each later year (chained yearly effects, still exact)."""
        return np.cumsum(self.by_factor, axis=0)


def decompose_pair(
    p0: float, p1: float, g0: float, g1: float, n0: np.ndarray, n1: np.ndarray, e0: np.ndarray, e1: np.ndarray
) -> np.ndarray:
    """(S, 4) effects of the change between two years (see the module docstring); arrays are per sector."""
    return _pairs(
        np.array([p0]),
        np.array([p1]),
        np.array([g0]),
        np.array([g1]),
        np.asarray(n0, dtype=float)[None],
        np.asarray(n1, dtype=float)[None],
        np.asarray(e0, dtype=float)[None],
        np.asarray(e1, dtype=float)[None],
    )[0]


def _pairs(
    p0: np.ndarray,
    p1: np.ndarray,
    g0: np.ndarray,
    g1: np.ndarray,
    n0: np.ndarray,
    n1: np.ndarray,
    e0: np.ndarray,
    e1: np.ndarray,
) -> np.ndarray:
    both = (e0 > 0) & (e1 > 0)
    lw = np.where(both, logmean(np.where(both, e1, 1.0), np.where(both, e0, 1.0)), 0.0)  # (P, S)
    safe = lambda x: np.where(both, x, 1.0)  # noqa: E731
    # differences of logarithms, never logarithms of ratios (a ratio of a tiny and a large value overflows)
    lp = np.log(p1) - np.log(p0)
    lg = np.log(g1) - np.log(g0)
    ln_ = np.log(safe(n1)) - np.log(safe(n0))
    le = np.log(safe(e1)) - np.log(safe(e0))
    pop = lw * lp[:, None]
    gpc = lw * (lg - lp)[:, None]
    ei = lw * (ln_ - lg[:, None])
    ci = lw * (le - ln_)
    out = np.stack([pop, gpc, ei, ci], axis=-1)
    out[~both] = 0.0
    appear = (e0 == 0) & (e1 > 0)
    vanish = (e0 > 0) & (e1 == 0)
    out[..., 2] += np.where(appear & (n0 == 0), e1, 0.0) - np.where(vanish & (n1 == 0), e0, 0.0)
    out[..., 3] += np.where(appear & (n0 > 0), e1, 0.0) - np.where(vanish & (n1 > 0), e0, 0.0)
    return out


def lmdi(years: np.ndarray, population: np.ndarray, gdp: np.ndarray, energy: np.ndarray, emissions: np.ndarray) -> Lmdi:
    """Year-on-year additive LMDI-I: population and GDP (T,), energy and emissions (T, S), all non-negative;
    population and GDP positive; energy positive wherever emissions are positive."""
    years = np.asarray(years)
    population = np.asarray(population, dtype=float)
    gdp = np.asarray(gdp, dtype=float)
    energy = np.asarray(energy, dtype=float)
    emissions = np.asarray(emissions, dtype=float)
    T = len(years)
    if emissions.ndim == 1:
        emissions = emissions[:, None]
        energy = energy[:, None]
    for name, arr, shape in (
        ("population", population, (T,)),
        ("gdp", gdp, (T,)),
        ("energy", energy, emissions.shape),
    ):
        if arr.shape != shape or emissions.shape[0] != T:
            raise PathwayError("shape_mismatch", name=name, expected=str(shape), got=str(arr.shape))
    if T < 2:
        raise PathwayError("series_too_short", n=T, minimum=2)
    for name, arr in (("population", population), ("gdp", gdp)):
        bad = np.flatnonzero(~(arr > 0))
        if bad.size:
            code = "negative_population" if name == "population" else "series_value_invalid"
            raise PathwayError(code, year=int(years[bad[0]]), value=float(arr[bad[0]]))
    for arr in (energy, emissions):
        bad = np.argwhere(~(arr >= 0) | ~np.isfinite(arr))
        if bad.size:
            raise PathwayError("series_value_invalid", year=int(years[bad[0][0]]), value=float(arr[tuple(bad[0])]))
    bad = np.argwhere((emissions > 0) & (energy == 0))
    if bad.size:
        raise PathwayError("series_value_invalid", year=int(years[bad[0][0]]), value=0.0)
    eff = _pairs(
        population[:-1], population[1:], gdp[:-1], gdp[1:], energy[:-1], energy[1:], emissions[:-1], emissions[1:]
    )
    tot = emissions.sum(axis=1)
    return Lmdi(years=years, effects=eff, change=tot[1:] - tot[:-1])


def bau_lmdi(bau: Bau) -> Lmdi:
    """Why the BAU moves: the decomposition of its yearly changes (energy = the BAU's energy index per sector,
    scaled by the sector's base emissions so each sector's index is in its own units)."""
    a = bau.arrays
    e = a.emissions[0]
    base = e[0]
    energy = a.energy_index[0] * np.where(base > 0, base, 1.0)
    return lmdi(a.years, a.population_index[0], a.gdp_index[0], energy, e)
