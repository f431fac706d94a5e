"""The plan pathway: BAU minus the measures, vectorised over city x year x sector x measure.

Order of application, in every city, year and sector (each step works on what the previous one left):

1. **Activity and efficiency** (``activity``, ``methane``): the fuel part D and the electricity part M (MWh) are
   each multiplied by Π_k (1 - x_k) over the measures acting on that carrier (``x_k`` = value x uptake). Effects on
   the same sector compound: two 30 % cuts leave 0.7 x 0.7 = 49 %, a 51 % cut, never 60 %.
2. **Fuel switch** (``fuel_switch``): of the fuel left after step 1, Π_k (1 - x_k) stays; the part removed,
   R = D1 x (1 - Π_k (1 - x_k)), is shared between the switching measures in proportion to x_k and reappears as
   electricity (R_k x mwh_per_tco2_k MWh) and/or another fuel (R_k x emission_ratio_k t CO2e). So an efficiency
   gain of step 1 shrinks the fuel that is switched: no double counting. Switches on one sector compete for the
   same fuel: adding a second, less effective switch takes part of the fuel from the first (e.g. two 100 % switches
   share the fuel half and half), so "a new measure never raises emissions" is promised for activity, methane, grid
   and renewables measures and for a switch that is the sector's only one, not for a weaker competing switch.
3. **Grid factor** (``grid``): the sector's grid factor is multiplied by Π_k (1 - x_k); it applies to all the
   electricity left after steps 1-2, including electricity added by fuel switching, and to nothing else.
4. **Local renewables** (``renewables``): each measure's MWh of the year (MWh x uptake) is split between its sectors
   in proportion to their BAU electricity use in that year (fixed shares, so a measure on one sector never moves
   emissions of another) and displaces grid MWh left after steps 1-2, at most all of it (a surplus beyond the
   sector's remaining use displaces nothing: it is exported, not counted). Renewables avoid the grid factor left after
   step 3, so a cleaner grid lowers what they avoid: no double counting either.

Emissions = D2 + M4 x F3.

How it is vectorised: a product Π_k (1 - x_k) is exp(Σ_k log1p(-x_k)), and the sum over the measures acting on a
sector is a matrix product of the (city, measure, year) array of log1p(-x) with the (city, column, measure) 0/1
weights of the measures' sectors and mechanisms: one batched ``matmul`` for the products, one for the linear sums
of fuel switching; no (city x year x sector x measure) array is built. Uptake curves are computed once per distinct
(start, full, shape, steepness) and gathered. Renewables work on their (measure, sector) pairs only. A 100 % cut is
counted apart (its logarithm would be -inf) and gives exactly zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bau import BauArrays
from .measures import ACTIVITY, FUEL_SWITCH, GRID, METHANE, RENEWABLES, MeasureArrays, uptake_fraction


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


def _curves(years: np.ndarray, m: MeasureArrays) -> tuple[np.ndarray, np.ndarray]:
    """Uptake curves computed once per distinct (start, full, shape, steepness): a (U, T) table and, for every
    measure slot (flat c*K + k), its row in it. Plans share few distinct curves, so this is cheap. The key is
    exact for whole years in 1900-2200, which ``validate_measure`` enforces."""
    start = m.start.reshape(-1)
    full = m.full.reshape(-1)
    sc = m.s_curve.reshape(-1)
    key = (start * 8192.0 + full) * 2.0 + sc + 1j * np.where(sc, m.steepness.reshape(-1), 0.0)
    uniq, first, inv = np.unique(key, return_index=True, return_inverse=True)
    table = uptake_fraction(
        years.astype(float), start[first][None, :], full[first][None, :], sc[first][None, :],
        m.steepness.reshape(-1)[first][None, :],
    )[0].T  # fmt: skip
    return np.ascontiguousarray(table), inv.reshape(-1)


def _weights(m: MeasureArrays, S: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(C, 4S, K) 0/1 weights of the product columns — [0, S) fuel survival, [S, 2S) electricity survival,
    [2S, 3S) fuel-switch survival, [3S, 4S) grid survival — and, when some measure switches fuel, (C, 3S, K) weights
    of the linear columns Σ x, Σ x mwh_per_tco2, Σ x emission_ratio over the fuel switches."""
    kind, car = m.kind, m.carrier
    act = kind == ACTIVITY
    fs = kind == FUEL_SWITCH
    sect = np.swapaxes(m.sectors, 1, 2)  # (C, S, K)
    C, S_, K = sect.shape
    groups = np.stack([(act & (car != 2)) | (kind == METHANE), act & (car != 1), fs, kind == GRID], axis=1)
    w_log = (groups[:, :, None, :] * sect[:, None, :, :]).reshape(C, 4 * S_, K)
    if not fs.any():
        return w_log, None
    coef = np.stack([fs.astype(float), fs * m.mwh_per_tco2, fs * m.emission_ratio], axis=1)  # (C, 3, K)
    w_lin = (coef[:, :, None, :] * sect[:, None, :, :]).reshape(C, 3 * S_, K)
    return w_log, w_lin


def _sums(
    years: np.ndarray, m: MeasureArrays, S: int, curves: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(C, 4S, T) Σ_k log1p(-x_k) of the product columns, (C, 4S, T) counts of 100 % cuts there (or None), and
    (C, 3S, T) linear sums over fuel switches (or None); see ``_weights``."""
    C, K = m.kind.shape
    value = np.where(m.kind == RENEWABLES, 0.0, m.value)
    table, combo = curves
    u = table[combo.reshape(C, K)]  # (C, K, T) uptake, from the table of distinct curves
    with np.errstate(divide="ignore"):
        lx = np.log1p(u * -value[:, :, None])
    full_hit = value >= 1.0
    w_log, w_lin = _weights(m, S)
    hit = None
    if full_hit.any():
        hit = (u >= 1.0) & full_hit[:, :, None]  # a 100 % cut reached: counted apart, its log set to 0
        lx[hit] = 0.0
    x = u * value[:, :, None] if w_lin is not None else None
    logs = np.matmul(w_log, lx)
    zeros = np.matmul(w_log, hit.astype(float)) if hit is not None else None
    lin = np.matmul(w_lin, x) if x is not None else None
    return logs, zeros, lin


def _renewables(
    years: np.ndarray, m: MeasureArrays, mwh_t: np.ndarray, curves: tuple[np.ndarray, np.ndarray]
) -> np.ndarray | None:
    """(C, S, T) share of each sector's BAU electricity (``mwh_t``, (C or 1, S, T)) displaced before the cap: each
    renewables measure's MWh x uptake, split between its sectors in proportion to their BAU use of the year."""
    C, K = m.kind.shape
    S = mwh_t.shape[1]
    T = len(years)
    cs, ks = np.nonzero((m.kind == RENEWABLES) & (m.value > 0))
    if cs.size == 0:
        return None
    table, combo = curves
    u = table[combo[cs * K + ks]]  # (R, T)
    xr = u * m.value[cs, ks][:, None]
    r, s = np.nonzero(m.sectors[cs, ks] > 0)  # sorted by r
    keep = np.bincount(r, minlength=len(cs)) > 0
    bc = cs[r] if mwh_t.shape[0] > 1 else np.zeros_like(r)
    use = mwh_t[bc, s]  # (nnz, T): BAU MWh of each (measure, sector)
    starts = np.flatnonzero(np.diff(np.concatenate([[-1], r])))
    denom = np.zeros((len(cs), T))
    denom[keep] = np.add.reduceat(use, starts, axis=0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # capped so that a sector with no BAU electricity gets 0 x cap = 0, never 0 x inf
        q = np.where(denom > 0, np.minimum(xr / denom, 1e300), 0.0)
    idx = ((cs[r] * S + s) * T)[:, None] + np.arange(T)[None, :]
    return np.bincount(idx.reshape(-1), weights=q[r].reshape(-1), minlength=C * S * T).reshape(C, S, T)


def run_arrays(
    years: np.ndarray,
    direct: np.ndarray,
    electricity_mwh: np.ndarray,
    grid: np.ndarray,
    measures: MeasureArrays,
) -> PlanArrays:
    """The pathway for (C, T, S) BAU parts and (C, T) grid under (C, K) measures. The BAU arrays may have one row
    for many measure rows (every row then starts from the same BAU: how wedges evaluate subsets of a plan).
    The work is done in (C, S, T) layout, so every slice is contiguous along the years; the result is returned as
    (C, T, S) views."""
    S = direct.shape[2]
    C = max(direct.shape[0], measures.kind.shape[0])
    T = len(years)
    years = np.asarray(years)
    curves = _curves(years, measures)
    logs, zeros, lin = _sums(years, measures, S, curves)
    surv = np.exp(logs)
    if zeros is not None:
        surv[zeros > 0] = 0.0
    s_fuel, s_elec, s_switch, s_grid = (surv[:, g * S : (g + 1) * S] for g in range(4))  # (C, S, T) each
    if lin is not None:
        den, num_mwh, num_ratio = (lin[:, g * S : (g + 1) * S] for g in range(3))
    else:
        den = num_mwh = num_ratio = 0.0
    d0 = np.ascontiguousarray(np.swapaxes(direct, 1, 2))  # (C, S, T)
    m0 = np.ascontiguousarray(np.swapaxes(electricity_mwh, 1, 2))

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
    factor = np.broadcast_to(grid[:, None, :] * s_grid, (C, S, T))
    # 4. local renewables
    share = _renewables(years, measures, m0, curves)
    m4 = m2 - np.minimum(m2, m0 * share) if share is not None else m2
    d2 = np.broadcast_to(d2, (C, S, T))
    m4 = np.broadcast_to(m4, (C, S, T))
    return PlanArrays(
        direct=np.swapaxes(d2, 1, 2), electricity_mwh=np.swapaxes(m4, 1, 2), factor=np.swapaxes(factor, 1, 2)
    )


def run_plan(bau: BauArrays, measures: MeasureArrays) -> PlanArrays:
    """The pathway of every city of a BAU batch under its measures (rows aligned)."""
    return run_arrays(bau.years, bau.direct, bau.electricity_mwh, bau.grid, measures)
