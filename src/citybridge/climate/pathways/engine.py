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

Emissions = D2 + M4 x F3. Every product is computed as exp(Σ log1p(-x)) with one batched matrix product per
step (a measure's sector mask is a 0/1 matrix), and a 100 % cut gives exactly zero.
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


def _survival(lx: np.ndarray, full: np.ndarray | None, w: np.ndarray) -> np.ndarray:
    """Π_k (1 - x_k) ** w_ks for (C, T, K) log1p(-x) and (C, K, S') 0/1 weights -> (C, T, S')."""
    out = np.exp(np.matmul(lx, w))
    if full is not None:
        hit = np.matmul(full, w)
        out[hit > 0] = 0.0
    return out


def run_arrays(
    years: np.ndarray,
    direct: np.ndarray,
    electricity_mwh: np.ndarray,
    grid: np.ndarray,
    measures: MeasureArrays,
    uptake: np.ndarray | None = None,
) -> PlanArrays:
    """The pathway for (C, T, S) BAU parts and (C, T) grid under (C, K) measures; ``uptake`` (C, T, K) may be passed
    when it is already known (it depends only on the measures' years)."""
    C, T, S = direct.shape
    m = measures
    if uptake is None:
        uptake = uptake_fraction(years.astype(float), m.start, m.full, m.s_curve, m.steepness)
    is_ren = m.kind == RENEWABLES
    share_value = np.where(is_ren, 0.0, m.value)
    xs = uptake * share_value[:, None, :]  # (C, T, K) shares reached this year

    sect = m.sectors  # (C, K, S)
    carrier = m.carrier
    on_fuel = ((m.kind == ACTIVITY) & (carrier != 2)) | (m.kind == METHANE)
    on_elec = (m.kind == ACTIVITY) & (carrier != 1)
    w_log = np.concatenate(
        [
            sect * on_fuel[:, :, None],
            sect * on_elec[:, :, None],
            sect * (m.kind == FUEL_SWITCH)[:, :, None],
            sect * (m.kind == GRID)[:, :, None],
        ],
        axis=2,
    )  # (C, K, 4S)
    full_mask = xs >= 1.0
    if full_mask.any():
        lx = np.log1p(-np.where(full_mask, 0.0, xs))
        surv = _survival(lx, full_mask.astype(float), w_log)
    else:
        lx = np.log1p(-xs)
        surv = _survival(lx, None, w_log)
    s_fuel, s_elec, s_switch, s_grid = (surv[:, :, i * S : (i + 1) * S] for i in range(4))

    # 1. activity / efficiency / methane capture
    d1 = direct * s_fuel
    m1 = electricity_mwh * s_elec
    # 2. fuel switch
    is_fs = m.kind == FUEL_SWITCH
    if is_fs.any():
        w_fs = sect * is_fs[:, :, None]
        w_lin = np.concatenate(
            [w_fs, w_fs * m.mwh_per_tco2[:, :, None], w_fs * m.emission_ratio[:, :, None]], axis=2
        )  # (C, K, 3S)
        lin = np.matmul(xs, w_lin)
        den, num_mwh, num_ratio = lin[:, :, :S], lin[:, :, S : 2 * S], lin[:, :, 2 * S :]
        d_keep = d1 * s_switch
        removed = d1 - d_keep
        with np.errstate(divide="ignore", invalid="ignore"):
            per = np.where(den > 0, removed / den, 0.0)
        d2 = d_keep + per * num_ratio
        m2 = m1 + per * num_mwh
    else:
        d2, m2 = d1, m1
    # 3. grid factor
    factor = grid[:, :, None] * s_grid
    # 4. local renewables
    if is_ren.any():
        xr = uptake * np.where(is_ren, m.value, 0.0)[:, None, :]  # (C, T, K) MWh this year
        w_ren = sect * is_ren[:, :, None]  # (C, K, S)
        denom = np.matmul(electricity_mwh, np.swapaxes(w_ren, 1, 2))  # (C, T, K) BAU MWh of each measure's sectors
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.where(denom > 0, xr / denom, 0.0)
        alloc = electricity_mwh * np.matmul(q, w_ren)  # (C, T, S) MWh displaced, before the cap
        m4 = m2 - np.minimum(m2, alloc)
    else:
        m4 = m2
    return PlanArrays(direct=d2, electricity_mwh=m4, factor=factor)


def run_plan(bau: BauArrays, measures: MeasureArrays) -> PlanArrays:
    """The pathway of every city of a BAU batch under its measures (rows aligned)."""
    return run_arrays(bau.years, bau.direct, bau.electricity_mwh, bau.grid, measures)
