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
    """Every (measure, output column) pair of the measures with a non-zero value: rows (flat c*K + k), columns,
    coefficient, and whether the column sums log1p(-x) (a product) or x x coefficient (a linear sum). Columns:
    [0, S) fuel survival, [S, 2S) electricity survival, [2S, 3S) fuel-switch survival, [3S, 4S) grid survival,
    [4S, 5S) Σ x of fuel switches, [5S, 6S) Σ x mwh, [6S, 7S) Σ x ratio."""
    C, K = m.kind.shape
    c, k, s = np.nonzero((m.sectors > 0) & (m.value > 0)[:, :, None])
    row = c * K + k
    kind = m.kind[c, k]
    car = m.carrier[c, k]
    parts = []

    def add(mask: np.ndarray, offset: int, coef: np.ndarray | None, is_log: bool) -> None:
        n = int(mask.sum())
        if n:
            co = coef[mask] if coef is not None else np.ones(n)
            parts.append((row[mask], s[mask] + offset * S, co, np.full(n, is_log)))

    act = kind == ACTIVITY
    fs = kind == FUEL_SWITCH
    add((act & (car != 2)) | (kind == METHANE), 0, None, True)
    add(act & (car != 1), 1, None, True)
    add(fs, 2, None, True)
    add(kind == GRID, 3, None, True)
    add(fs, 4, None, False)
    add(fs, 5, m.mwh_per_tco2[c, k], False)
    add(fs, 6, m.emission_ratio[c, k], False)
    if not parts:
        e = np.zeros(0, dtype=np.int64)
        return e, e, np.zeros(0), np.zeros(0, dtype=bool)
    return tuple(np.concatenate(p) for p in zip(*parts, strict=True))


def _sums(years: np.ndarray, m: MeasureArrays, S: int) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Sums over measures (see ``_columns``) for the columns some measure uses, (G', C, T); counts of 100 % cuts in
    those columns (or None when there is none); and where each of the 7S columns is in them (-1: unused, so the sum
    is 0)."""
    C, K = m.kind.shape
    T = len(years)
    CT = C * T
    y0 = float(years[0])
    row, col_full, coef, is_log = _columns(m, S)
    used, col = np.unique(col_full, return_inverse=True)
    where = np.full(7 * S, -1)
    where[used] = np.arange(len(used))
    G = len(used)
    city = row // K
    # per measure (not per column): its ramp and its constant
    value = m.value.reshape(-1)
    start = m.start.reshape(-1)
    full = m.full.reshape(-1)
    t_lo, t_full = _segments(y0, T, start, full)
    n = np.where(np.bincount(row, minlength=C * K) > 0, t_full - t_lo, 0)
    full_hit = value >= 1.0
    with np.errstate(divide="ignore"):
        lconst = np.log1p(-np.where(full_hit, 0.0, value))
    # constant part, from the full year on: one scatter, then a cumulative sum over the years
    tf = t_full[row]
    on = tf < T
    const = np.where(is_log, lconst[row], value[row] * coef)
    base = col * CT + city * T  # flat index of (column, city, year 0)
    out = np.bincount(base[on] + tf[on], weights=const[on], minlength=G * CT).astype(float, copy=False)
    out = out.reshape(G, C, T)
    np.cumsum(out, axis=2, out=out)
    zeros = None
    hit = on & is_log & full_hit[row]
    if hit.any():
        zeros = np.cumsum(np.bincount(base[hit] + tf[hit], minlength=G * CT).reshape(G, C, T), axis=2)
    # ramp part, only the years strictly between start and full: uptake once per measure and year ...
    total = int(n.sum())
    if total:
        first = np.cumsum(n) - n
        j = np.repeat(np.arange(C * K), n)
        t = t_lo[j] + (np.arange(total) - first[j])
        tau = (years[t] - start[j]) / (full - start)[j]
        np.clip(tau, 0.0, 1.0, out=tau)
        u = ramp_value(tau, m.s_curve.reshape(-1)[j], m.steepness.reshape(-1)[j])
        x = value[j] * u
        lx = np.log1p(-x)
        # ... then spread to each of the measure's columns
        nc = n[row]
        jc = np.repeat(np.arange(len(row)), nc)
        e = np.repeat(first[row] - (np.cumsum(nc) - nc), nc) + np.arange(int(nc.sum()))
        w = np.where(is_log[jc], lx[e], x[e] * coef[jc])
        out += np.bincount(base[jc] + t[e], weights=w, minlength=G * CT).reshape(G, C, T)
    return out, zeros, where


def _renewables(years: np.ndarray, m: MeasureArrays, mwh_t: np.ndarray) -> np.ndarray | None:
    """(S, C, T) share of each sector's BAU electricity (``mwh_t``, (S, C or 1, T)) displaced before the cap: each
    renewables measure's MWh x uptake, split between its sectors in proportion to their BAU use of the year."""
    C, K = m.kind.shape
    S = mwh_t.shape[0]
    T = len(years)
    cs, ks = np.nonzero((m.kind == RENEWABLES) & (m.value > 0))
    if cs.size == 0:
        return None
    u = uptake_fraction(
        years.astype(float),
        m.start[cs, ks][:, None],
        m.full[cs, ks][:, None],
        m.s_curve[cs, ks][:, None],
        m.steepness[cs, ks][:, None],
    )[:, :, 0]  # (R, T)
    xr = u * m.value[cs, ks][:, None]
    r, s = np.nonzero(m.sectors[cs, ks] > 0)  # sorted by r
    keep = np.bincount(r, minlength=len(cs)) > 0
    bc = cs[r] if mwh_t.shape[1] > 1 else np.zeros_like(r)
    use = mwh_t[s, bc]  # (nnz, T): BAU MWh of each (measure, sector)
    starts = np.flatnonzero(np.diff(np.concatenate([[-1], r])))
    denom = np.zeros((len(cs), T))
    denom[keep] = np.add.reduceat(use, starts, axis=0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # capped so that a sector with no BAU electricity gets 0 x cap = 0, never 0 x inf
        q = np.where(denom > 0, np.minimum(xr / denom, 1e300), 0.0)
    idx = (s * (C * T) + cs[r] * T)[:, None] + np.arange(T)[None, :]
    return np.bincount(idx.reshape(-1), weights=q[r].reshape(-1), minlength=S * C * T).reshape(S, C, T)


def run_arrays(
    years: np.ndarray,
    direct: np.ndarray,
    electricity_mwh: np.ndarray,
    grid: np.ndarray,
    measures: MeasureArrays,
) -> PlanArrays:
    """The pathway for (C, T, S) BAU parts and (C, T) grid under (C, K) measures. The BAU arrays may have one row
    for many measure rows (every row then starts from the same BAU: how wedges evaluate subsets of a plan).
    The work is done sector-major, (S, C, T), so every slice is contiguous; the result is returned as (C, T, S)
    views."""
    S = direct.shape[2]
    C = max(direct.shape[0], measures.kind.shape[0])
    T = len(years)
    years = np.asarray(years)
    sums, zeros, where = _sums(years, measures, S)

    def group(g: int, log: bool) -> np.ndarray | float:
        """(S, C, T) product (log columns) or sum of group ``g``; a scalar when no measure uses the group."""
        idx = where[g * S : (g + 1) * S]
        if (idx < 0).all():
            return 1.0 if log else 0.0
        out = np.full((S, C, T), 1.0 if log else 0.0)
        for j in np.flatnonzero(idx >= 0):
            if log:
                out[j] = np.exp(sums[idx[j]])
                if zeros is not None:
                    out[j][zeros[idx[j]] > 0] = 0.0
            else:
                out[j] = sums[idx[j]]
        return out

    s_fuel, s_elec, s_switch, s_grid = (group(g, True) for g in range(4))
    den, num_mwh, num_ratio = (group(g, False) for g in range(4, 7))
    d0 = np.moveaxis(direct, 2, 0)
    m0 = np.moveaxis(electricity_mwh, 2, 0)

    # 1. activity / efficiency / methane capture
    d1 = d0 * s_fuel
    m1 = m0 * s_elec
    # 2. fuel switch: what leaves the fuel part, shared in proportion to x_k, comes back as electricity / other fuel
    d_keep = d1 * s_switch
    fs = np.asarray(den) > 0
    if fs.any():
        removed = d1 - d_keep
        with np.errstate(divide="ignore", invalid="ignore"):
            per = np.where(fs, removed / den, 0.0)
        d2 = d_keep + per * num_ratio
        m2 = m1 + per * num_mwh
    else:
        d2, m2 = d_keep, m1
    # 3. grid factor
    factor = np.broadcast_to(grid[None, :, :] * s_grid, (S, C, T))
    # 4. local renewables
    share = _renewables(years, measures, np.ascontiguousarray(m0))
    if share is not None:
        m4 = m2 - np.minimum(m2, m0 * share)
    else:
        m4 = m2
    d2 = np.broadcast_to(d2, (S, C, T))
    m4 = np.broadcast_to(m4, (S, C, T))
    return PlanArrays(
        direct=np.moveaxis(d2, 0, 2), electricity_mwh=np.moveaxis(m4, 0, 2), factor=np.moveaxis(factor, 0, 2)
    )


def run_plan(bau, measures: MeasureArrays) -> PlanArrays:  # noqa: ANN001 (BauArrays: avoids an import cycle)
    """The pathway of every city of a BAU batch under its measures (rows aligned)."""
    return run_arrays(bau.years, bau.direct, bau.electricity_mwh, bau.grid, measures)
