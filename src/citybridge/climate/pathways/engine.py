"""The plan pathway: BAU minus the measures, vectorised over city x year x sector x measure.

Order of application, in every city, year and sector (each step works on what the previous one left):

1. **Activity and efficiency** (``activity``, ``methane``): the fuel part D and the electricity part M (MWh) are
   each multiplied by Π_k (1 - x_k) over the measures acting on that carrier (``x_k`` = value x uptake). Effects on
   the same sector compound: two 30 % cuts leave 0.7 x 0.7 = 49 %, a 51 % cut, never 60 %.
2. **Fuel switch** (``fuel_switch``): of the fuel left after step 1, Π_k (1 - x_k) stays; the part removed,
   R = D1 x (1 - Π_k (1 - x_k)), is shared between the switching measures in proportion to x_k and reappears as
   electricity (R_k x mwh_per_tco2_k MWh) and/or another fuel (R_k x emission_ratio_k t CO2e). So an efficiency
   gain of step 1 shrinks the fuel that is switched: no double counting.
3. **Grid factor** (``grid``): the sector's grid factor is multiplied by Π_k (1 - x_k); it applies to all the
   electricity left after steps 1-2, including electricity added by fuel switching, and to nothing else.
4. **Local renewables** (``renewables``): each measure's MWh of the year (MWh x uptake) is split between its sectors
   in proportion to their BAU electricity use in that year (fixed shares, so a measure on one sector never moves
   emissions of another) and displaces grid MWh left after steps 1-2, at most all of it (a surplus beyond the
   sector's remaining use displaces nothing: it is exported, not counted). Renewables avoid the grid factor left after
   step 3, so a cleaner grid lowers what they avoid: no double counting either.

Emissions = D2 + M4 x F3.

How it is vectorised: a product Π_k (1 - x_k) is exp(Σ_k log1p(-x_k)), and a measure's uptake is 0 before its start,
1 from its full year and only in between a curve. So the sums over measures are built from *events*: each
(measure, sector) adds its constant log1p(-value) from its full year on (one scatter, then a cumulative sum over
the years) and its curve values only in the years of its ramp (one scatter of those few values). No (city x year x
measure) array is ever built, and the cost grows with the number of measures and ramp years, not with their
product with the whole horizon. A 100 % cut is counted apart and gives exactly zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .measures import ACTIVITY, FUEL_SWITCH, GRID, METHANE, RENEWABLES, MeasureArrays, ramp_value, uptake_fraction


@dataclass(frozen=True)
class PlanArrays:
    """The plan of C cities: (C, T, S) fuel emissions ``direct``, ``electricity_mwh`` and the grid factor ``factor``
    that applies to them (after grid measures); ``emissions`` = direct + electricity_mwh x factor."""

    direct: np.ndarray
    electricity_mwh: np.ndarray
    factor: np.ndarray

    @property
    def emissions(self) -> np.ndarray:
        return self.direct + self.electricity_mwh * self.factor


def _segments(y0: float, T: int, start: np.ndarray, full: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First year index of the ramp (uptake strictly between 0 and 1) and first index at full uptake (T = never)."""
    t_full = np.clip(np.ceil(full - y0), 0, T).astype(np.int64)
    t_lo = np.clip(np.floor(start - y0) + 1, 0, T).astype(np.int64)
    t_lo = np.where(full - start <= 0, t_full, np.minimum(t_lo, t_full))
    return t_lo, t_full


def _columns(m: MeasureArrays, S: int) -> tuple[np.ndarray, ...]:
    """Every (measure, output column) pair: rows (flat c*K + k), columns, coefficient, and whether the column sums
    log1p(-x) (a product) or x x coefficient (a linear sum). Columns: [0, S) fuel survival, [S, 2S) electricity
    survival, [2S, 3S) fuel-switch survival, [3S, 4S) grid survival, [4S, 5S) Σ x of fuel switches, [5S, 6S) Σ x mwh,
    [6S, 7S) Σ x ratio."""
    C, K = m.kind.shape
    c, k, s = np.nonzero(m.sectors > 0)
    row = c * K + k
    kind = m.kind[c, k]
    car = m.carrier[c, k]
    parts = []

    def add(mask: np.ndarray, offset: int, coef: np.ndarray | float, is_log: bool) -> None:
        n = int(mask.sum())
        if n:
            co = np.broadcast_to(coef, mask.shape)[mask] if np.ndim(coef) else np.full(n, float(coef))
            parts.append((row[mask], s[mask] + offset * S, co, np.full(n, is_log)))

    act = kind == ACTIVITY
    add((act & (car != 2)) | (kind == METHANE), 0, 1.0, True)
    add(act & (car != 1), 1, 1.0, True)
    fs = kind == FUEL_SWITCH
    add(fs, 2, 1.0, True)
    add(kind == GRID, 3, 1.0, True)
    add(fs, 4, 1.0, False)
    add(fs, 5, m.mwh_per_tco2[c, k], False)
    add(fs, 6, m.emission_ratio[c, k], False)
    if not parts:
        e = np.zeros(0, dtype=np.int64)
        return e, e, np.zeros(0), np.zeros(0, dtype=bool)
    return tuple(np.concatenate(p) for p in zip(*parts, strict=True))


def _sums(years: np.ndarray, m: MeasureArrays, S: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(C, T, 7S) sums over measures (see ``_columns``) and (C, T, 4S) counts of 100 % cuts in the product columns."""
    C, K = m.kind.shape
    T = len(years)
    G = 7 * S
    y0 = float(years[0])
    row, col, coef, is_log = _columns(m, S)
    city = row // K
    # per measure (not per column): its ramp and its constant
    rows, inv = np.unique(row, return_inverse=True)
    value = m.value.reshape(-1)[rows]
    start = m.start.reshape(-1)[rows]
    full = m.full.reshape(-1)[rows]
    t_lo, t_full = _segments(y0, T, start, full)
    full_hit = value >= 1.0
    with np.errstate(divide="ignore"):
        lconst = np.log1p(-np.where(full_hit, 0.0, value))
    # constant part, from the full year on: one scatter, then a cumulative sum over the years
    on = t_full[inv] < T
    const = np.where(is_log, lconst[inv], value[inv] * coef)
    idx = (city[on] * T + t_full[inv][on]) * G + col[on]
    out = np.bincount(idx, weights=const[on], minlength=C * T * G).reshape(C, T, G)
    np.cumsum(out, axis=1, out=out)
    zeros = None
    hit = on & is_log & full_hit[inv]
    if hit.any():
        zidx = (city[hit] * T + t_full[inv][hit]) * G + col[hit]
        zeros = np.cumsum(np.bincount(zidx, minlength=C * T * G).reshape(C, T, G)[:, :, : 4 * S], axis=1)
    # ramp part, only the years strictly between start and full: uptake once per measure and year ...
    n = t_full - t_lo
    total = int(n.sum())
    if total:
        first = np.cumsum(n) - n
        j = np.repeat(np.arange(len(rows)), n)
        t = t_lo[j] + (np.arange(total) - first[j])
        tau = (years[t] - start[j]) / (full - start)[j]
        np.clip(tau, 0.0, 1.0, out=tau)
        u = ramp_value(tau, m.s_curve.reshape(-1)[rows][j], m.steepness.reshape(-1)[rows][j])
        x = value[j] * u
        lx = np.log1p(-x)
        # ... then spread to each of the measure's columns
        nc = n[inv]
        jc = np.repeat(np.arange(len(row)), nc)
        e = first[inv][jc] + (np.arange(int(nc.sum())) - np.repeat(np.cumsum(nc) - nc, nc))
        w = np.where(is_log[jc], lx[e], x[e] * coef[jc])
        out += np.bincount((city[jc] * T + t[e]) * G + col[jc], weights=w, minlength=C * T * G).reshape(C, T, G)
    return out, zeros


def _renewables(years: np.ndarray, m: MeasureArrays, electricity_mwh: np.ndarray, S: int) -> np.ndarray | None:
    """(C, T, S) share of each sector's BAU electricity displaced, before the cap: each renewables measure's MWh x
    uptake, split between its sectors in proportion to their BAU electricity use of the year."""
    C, K = m.kind.shape
    cs, ks = np.nonzero(m.kind == RENEWABLES)
    if cs.size == 0:
        return None
    T = len(years)
    u = uptake_fraction(
        years.astype(float),
        m.start[cs, ks][:, None],
        m.full[cs, ks][:, None],
        m.s_curve[cs, ks][:, None],
        m.steepness[cs, ks][:, None],
    )[:, :, 0]  # (R, T)
    xr = u * m.value[cs, ks][:, None]
    w = m.sectors[cs, ks]  # (R, S)
    bau_c = cs if electricity_mwh.shape[0] > 1 else np.zeros_like(cs)
    denom = np.einsum("rts,rs->rt", electricity_mwh[bau_c], w)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(denom > 0, xr / denom, 0.0)
    r, s = np.nonzero(w)
    idx = ((cs[r] * T)[:, None] + np.arange(T)[None, :]) * S + s[:, None]
    return np.bincount(idx.reshape(-1), weights=q[r].reshape(-1), minlength=C * T * S).reshape(C, T, S)


def run_arrays(
    years: np.ndarray,
    direct: np.ndarray,
    electricity_mwh: np.ndarray,
    grid: np.ndarray,
    measures: MeasureArrays,
) -> PlanArrays:
    """The pathway for (C, T, S) BAU parts and (C, T) grid under (C, K) measures. The BAU arrays may have one row
    for many measure rows (every row then starts from the same BAU: how wedges evaluate subsets of a plan)."""
    S = direct.shape[2]
    years = np.asarray(years)
    sums, zeros = _sums(years, measures, S)
    surv = np.exp(sums[:, :, : 4 * S])
    if zeros is not None:
        surv[zeros > 0] = 0.0
    s_fuel, s_elec, s_switch, s_grid = (surv[:, :, i * S : (i + 1) * S] for i in range(4))
    den, num_mwh, num_ratio = (sums[:, :, (4 + i) * S : (5 + i) * S] for i in range(3))

    # 1. activity / efficiency / methane capture
    d1 = direct * s_fuel
    m1 = electricity_mwh * s_elec
    # 2. fuel switch: what leaves the fuel part, shared in proportion to x_k, comes back as electricity / other fuel
    d_keep = d1 * s_switch
    removed = d1 - d_keep
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(den > 0, removed / den, 0.0)
    d2 = d_keep + per * num_ratio
    m2 = m1 + per * num_mwh
    # 3. grid factor
    factor = grid[:, :, None] * s_grid
    # 4. local renewables
    share = _renewables(years, measures, electricity_mwh, S)
    if share is not None:
        alloc = electricity_mwh * share
        m4 = m2 - np.minimum(m2, alloc)
    else:
        m4 = m2
    return PlanArrays(direct=d2, electricity_mwh=m4, factor=factor)


def run_plan(bau, measures: MeasureArrays) -> PlanArrays:  # noqa: ANN001 (BauArrays: avoids an import cycle)
    """The pathway of every city of a BAU batch under its measures (rows aligned)."""
    return run_arrays(bau.years, bau.direct, bau.electricity_mwh, bau.grid, measures)
