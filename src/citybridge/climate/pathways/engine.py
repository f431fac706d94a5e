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

How it is computed (speed: issue 12 asks for every registry city x 41 years x 40 measures in < 200 ms): each
product Π_k (1 - x_k) is taken directly over the (measure, sector) pairs that act on a column — no (city x year x
sector x measure) array and no logarithms. The pairs come from ``np.nonzero`` and a stable radix sort by column, so
each column's measures are multiplied in the plan's order; the columns are ordered by their number of measures,
longest first, so that "multiply in every column's j-th factor" is one contiguous in-place multiply of a prefix
(``_segment_order`` / ``_segment_reduce``; ``np.multiply.reduceat`` is several times slower for such short runs).
Uptake curves are computed once per distinct (start, full, shape, steepness) and gathered. The cities are taken by
blocks of ``BLOCK`` so that the temporaries stay in cache and small enough not to be mapped and page-faulted afresh
by the allocator on every call. A 100 % cut at full uptake gives 1 - 1 = exactly 0.

Floating point: until Nov 2026 the products were exp(Σ log1p(-x)) (one matmul); the direct product differs from
it by at most ~1e-15 relative (measured on the benchmark's fleet) and is monotone: inserting a factor <= 1 in a
product of non-negative numbers never raises it, even after rounding (``test_pathways_engine``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bau import BauArrays
from .measures import (
    ACTIVITY,
    FUEL_SWITCH,
    GRID,
    METHANE,
    RENEWABLES,
    YEAR_MAX,
    YEAR_MIN,
    MeasureArrays,
    uptake_fraction,
)


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
    measure slot (flat c*K + k), its row in it. Plans share few distinct curves, so this is cheap. Whole years in
    1900-2200 (``validate_measure`` enforces it) make an integer key, deduplicated with a lookup table (no sort)
    when every S-curve has the same steepness (the catalogue's case); otherwise the key includes the steepness and
    ``np.unique`` sorts it. Either way each distinct curve is computed once by ``uptake_fraction``, so the table's
    values are the same bits whichever path built it."""
    start = m.start.reshape(-1)
    full = m.full.reshape(-1)
    sc = m.s_curve.reshape(-1)
    steep = m.steepness.reshape(-1)
    yf = years.astype(float)
    span = YEAR_MAX - YEAR_MIN + 1
    whole = start.size > 0 and bool(
        (start.min() >= YEAR_MIN) & (start.max() <= YEAR_MAX) & (full.min() >= YEAR_MIN) & (full.max() <= YEAR_MAX)
        and np.array_equal(start, np.floor(start))
        and np.array_equal(full, np.floor(full))
    )
    steep_sc = steep[sc]
    # the lookup table costs ~2 MB to clear: only worth it for many slots (a fleet), not for one plan
    if start.size > 4096 and whole and (steep_sc.size == 0 or bool((steep_sc == steep_sc[0]).all())):
        key = ((start.astype(np.int64) - YEAR_MIN) * span + (full.astype(np.int64) - YEAR_MIN)) * 2 + sc
        seen = np.zeros(span * span * 2, dtype=bool)
        seen[key] = True
        uniq = np.flatnonzero(seen)
        pos = np.zeros(seen.size, dtype=np.int64)
        pos[uniq] = np.arange(uniq.size)
        inv = pos[key]
        u_sc = (uniq & 1).astype(bool)
        u_full = (uniq >> 1) % span + YEAR_MIN
        u_start = (uniq >> 1) // span + YEAR_MIN
        k0 = steep_sc[0] if steep_sc.size else 10.0
        table = uptake_fraction(
            yf, u_start[None, :].astype(float), u_full[None, :].astype(float), u_sc[None, :],
            np.full((1, uniq.size), k0),
        )[0].T  # fmt: skip
        return np.ascontiguousarray(table), inv
    key = (start * 8192.0 + full) * 2.0 + sc + 1j * np.where(sc, steep, 0.0)
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    table = uptake_fraction(
        yf, start[first][None, :], full[first][None, :], sc[first][None, :], steep[first][None, :]
    )[0].T  # fmt: skip
    return np.ascontiguousarray(table), inv.reshape(-1)


def _pairs(m: MeasureArrays, S: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (column, city, sector, measure) where a measure with an effect multiplies a survival column — group 0
    fuel, 1 electricity, 2 fuel switch, 3 grid — sorted by column (g*C + c)*S + s; within a column the measures
    keep the plan's order. Returns the flat slot c*K + k of each pair, its column, and where each group starts in
    the list (5 bounds). A measure with value 0 multiplies by exactly 1, so leaving it out changes no bit."""
    kind, car = m.kind, m.carrier
    C, K = kind.shape
    # the group of each slot (-1: none); "all"-carrier activity measures act on both fuel (0) and electricity (1)
    g1 = np.full(kind.shape, -1, dtype=np.int64)
    g1[kind == ACTIVITY] = 0
    g1[(kind == ACTIVITY) & (car == 2)] = 1
    g1[kind == METHANE] = 0
    g1[kind == FUEL_SWITCH] = 2
    g1[kind == GRID] = 3
    g1[~(m.value > 0)] = -1
    c, s, k = np.nonzero((np.swapaxes(m.sectors, 1, 2) > 0) & (g1 >= 0)[:, None, :])  # (city, sector, measure)
    slot = c * K + k
    g = g1.reshape(-1)[slot]
    both = g == 0
    both &= car.reshape(-1)[slot] == 0
    both &= kind.reshape(-1)[slot] == ACTIVITY
    slot = np.concatenate([slot, slot[both]])
    col = np.concatenate([(g * C + c) * S + s, (C + c[both]) * S + s[both]])
    # a stable sort keeps each column's measures in the plan's order; 16-bit keys (a block: 4 x C x S < 2^15)
    # sort by radix, in linear time
    key = col.astype(np.int16) if 4 * C * S < 2**15 else col
    order = np.argsort(key, kind="stable")
    col = col[order]
    bounds = np.searchsorted(col, np.arange(5) * C * S)
    return slot[order], col, bounds


def _segment_order(col: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """How to multiply the rows of each run of equal values of the sorted ``col`` without ``np.multiply.reduceat``
    (slow for many short runs): the runs are ordered by length, longest first, and the rows are laid out rank by
    rank — the first row of every run, then the second row of every run that has one, ... — so the runs that have a
    j-th row are a prefix and each step of the product is one contiguous in-place multiply. Returns ``perm`` (the
    row of the input at each place of that layout), the distinct values in run order, and per rank j the number of
    runs ``n[j]`` and the place ``offset[j]`` where that rank starts."""
    P = col.size
    starts = np.flatnonzero(np.concatenate(([True], col[1:] != col[:-1])))
    G = starts.size
    size = np.diff(np.append(starts, P))
    by_size = np.argsort(-size, kind="stable")  # runs, longest first (ties in column order)
    place = np.empty(G, dtype=np.int64)
    place[by_size] = np.arange(G)
    run = np.repeat(np.arange(G), size)
    rank = np.arange(P) - starts[run]
    n = np.bincount(rank)  # how many runs have a j-th row (non-increasing in j)
    offset = np.concatenate(([0], np.cumsum(n)[:-1]))
    perm = np.empty(P, dtype=np.int64)
    perm[offset[rank] + place[run]] = np.arange(P)
    return perm, col[starts[by_size]], n, offset


def _segment_reduce(f: np.ndarray, n: np.ndarray, offset: np.ndarray, op: np.ufunc) -> np.ndarray:
    """Reduce with ``op`` (multiply or add), in place, the rows of ``f`` laid out by ``_segment_order``: returns the
    (runs, T) result, a view of the first rows of ``f``, in the order of ``_segment_order``'s distinct values. Each
    run is reduced in its rows' order (row 0, then 1, ...), as a sequential loop would."""
    acc = f[: n[0]]
    for j in range(1, n.size):
        op(acc[: n[j]], f[offset[j] : offset[j] + n[j]], out=acc[: n[j]])
    return acc


def _renewables(
    m: MeasureArrays, m0: np.ndarray, curves: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray] | None:
    """The (city, sector) cells some local renewables act on (flat c*S + s) and the (cells, T) share of each cell's
    BAU electricity (``m0``, (C or 1, S, T)) they displace before the cap: each renewables measure's MWh x uptake,
    split between its sectors in proportion to their BAU use of the year."""
    K = m.kind.shape[1]
    S, T = m0.shape[1], m0.shape[2]
    slot, s = np.nonzero(((m.kind == RENEWABLES) & (m.value > 0)).reshape(-1, 1) & (m.sectors.reshape(-1, S) > 0))
    if slot.size == 0:
        return None
    cell = slot // K * S + s
    bau_cell = cell if m0.shape[0] > 1 else s
    # each measure's BAU denominator: Σ over its sectors of their BAU MWh of the year
    perm, uslot, n, offset = _segment_order(slot)
    denom = _segment_reduce(m0.reshape(-1, T)[bau_cell[perm]], n, offset, np.add)  # (R, T), runs in uslot order
    table, combo = curves
    xr = table[combo[uslot]]
    xr *= m.value.reshape(-1)[uslot][:, None]
    q = np.zeros_like(xr)
    with np.errstate(over="ignore"):
        np.divide(xr, denom, out=q, where=denom > 0)
    np.minimum(q, 1e300, out=q)  # capped so that a sector with no BAU electricity gets 0 x cap = 0, never 0 x inf
    # each pair's q, summed per cell over the measures acting there (in the plan's order)
    new_run = np.concatenate(([True], slot[1:] != slot[:-1]))
    row_of_run = np.empty(uslot.size, dtype=np.int64)  # run (in slot order) -> its row of q
    row_of_run[np.searchsorted(slot[new_run], uslot)] = np.arange(uslot.size)
    qi = row_of_run[np.cumsum(new_run) - 1]
    by_cell = np.argsort(cell, kind="stable")
    perm2, ucell, n2, offset2 = _segment_order(cell[by_cell])
    share = _segment_reduce(q[qi[by_cell][perm2]], n2, offset2, np.add)
    return ucell, share


#: cities computed together: the engine's temporaries of one block stay in the processor's cache (about 4 MB
#: at 40 measures and 41 years) instead of streaming the whole fleet's through memory at every step
BLOCK = 128


def run_arrays(
    years: np.ndarray,
    direct: np.ndarray,
    electricity_mwh: np.ndarray,
    grid: np.ndarray,
    measures: MeasureArrays,
) -> PlanArrays:
    """The pathway for (C, T, S) BAU parts and (C, T) grid under (C, K) measures. The BAU arrays may have one row
    for many measure rows (every row then starts from the same BAU: how wedges evaluate subsets of a plan).
    The work is done in (C, S, T) layout, so every slice is contiguous along the years, by blocks of ``BLOCK``
    cities (each city's result depends only on its own rows, so blocks give the same bits as one pass); the result
    is returned as (C, T, S) views."""
    years = np.asarray(years)
    S = direct.shape[2]
    C = max(direct.shape[0], measures.kind.shape[0])
    if measures.kind.shape[0] != C:
        measures = measures.take(np.zeros(C, dtype=np.int64))
    T = len(years)
    d0 = np.ascontiguousarray(np.swapaxes(direct, 1, 2))  # (C or 1, S, T)
    m0 = np.ascontiguousarray(np.swapaxes(electricity_mwh, 1, 2))
    grid = np.asarray(grid, dtype=float)
    d = np.empty((C, S, T))
    m = np.empty((C, S, T))
    factor = np.empty((C, S, T))
    one = d0.shape[0] == 1
    table, combo = _curves(years, measures)
    K = measures.kind.shape[1]
    for a in range(0, C, BLOCK):
        b = min(C, a + BLOCK)
        bau = slice(0, 1) if one else slice(a, b)
        _run_block(
            (table, combo[a * K : b * K]), d0[bau], m0[bau], grid[0:1] if grid.shape[0] == 1 else grid[a:b],
            measures.rows(a, b), d[a:b], m[a:b], factor[a:b],
        )  # fmt: skip
    # 4. local renewables, for all the blocks at once (few measures: per block, the calls would cost more than the
    # arithmetic)
    ren = _renewables(measures, m0, (table, combo))
    if ren is not None:
        cell, share = ren
        m_flat = m.reshape(C * S, T)
        m2 = m_flat[cell]
        m2 -= np.minimum(m2, m0.reshape(-1, T)[cell if m0.shape[0] > 1 else cell % S] * share)
        m_flat[cell] = m2
    return PlanArrays(
        direct=np.swapaxes(d, 1, 2), electricity_mwh=np.swapaxes(m, 1, 2), factor=np.swapaxes(factor, 1, 2)
    )


def _run_block(
    curves: tuple[np.ndarray, np.ndarray],
    d0: np.ndarray,
    m0: np.ndarray,
    grid: np.ndarray,
    measures: MeasureArrays,
    d: np.ndarray,
    m: np.ndarray,
    factor: np.ndarray,
) -> None:
    """Steps 1-3 for one block of cities: the block's uptake ``curves`` (see ``_curves``), BAU parts ``d0``, ``m0``
    (C or 1, S, T), ``grid`` (C or 1, T); writes the (C, S, T) ``d``, ``m`` (before renewables) and ``factor``."""
    C, K = measures.kind.shape
    S, T = d.shape[1], d.shape[2]
    table, combo = curves
    value = measures.value.reshape(-1)

    # the four survival products Π_k (1 - x_k), one per (group, city, sector), over the pairs that act there
    rows, cols, bounds = _pairs(measures, S)
    surv = np.ones((4 * C * S, T))
    if rows.size:
        perm, ucol, n, offset = _segment_order(cols)
        curve = combo[rows[perm]]
        minus = -value[rows[perm]][:, None]
        # rank by rank, so no (pairs x years) array is built: acc holds the first factor of every column, and the
        # j-th factors, computed into one reused buffer, multiply the prefix of the columns that have one
        acc = np.take(table, curve[: n[0]], axis=0)  # uptake of each pair's measure, from the small table
        acc *= minus[: n[0]]
        acc += 1.0  # 1 - x, exactly 0 for a 100 % cut at full uptake
        buf = np.empty((n[1] if n.size > 1 else 0, T))
        for j in range(1, n.size):  # in the plan's order of the measures of each column
            part = slice(offset[j], offset[j] + n[j])
            f = np.take(table, curve[part], axis=0, out=buf[: n[j]])
            f *= minus[part]
            f += 1.0
            np.multiply(acc[: n[j]], f, out=acc[: n[j]])
        surv[ucol] = acc
    surv = surv.reshape(4, C, S, T)

    # 1. activity / efficiency / methane capture
    np.multiply(d0, surv[0], out=d)
    np.multiply(m0, surv[1], out=m)
    # 2. fuel switch, only in the (city, sector) cells some switch acts on (elsewhere its survival is exactly 1):
    # what leaves the fuel part, shared in proportion to x_k, comes back as electricity / other fuel
    if bounds[3] > bounds[2]:
        fs = slice(bounds[2], bounds[3])
        perm, ucol, n, offset = _segment_order(cols[fs])
        r = rows[fs][perm]
        x = table[combo[r]]
        x *= value[r][:, None]  # (pairs, T) x_k of each switch, laid out for the sums
        num_mwh = _segment_reduce(x * measures.mwh_per_tco2.reshape(-1)[r][:, None], n, offset, np.add)
        num_ratio = _segment_reduce(x * measures.emission_ratio.reshape(-1)[r][:, None], n, offset, np.add)
        den = _segment_reduce(x, n, offset, np.add)
        cell = ucol - 2 * C * S  # flat (city, sector) of each run
        d_flat = d.reshape(C * S, T)
        m_flat = m.reshape(C * S, T)
        d1 = d_flat[cell]
        d_keep = d1 * surv[2].reshape(C * S, T)[cell]
        removed = d1 - d_keep
        per = np.zeros_like(den)
        np.divide(removed, den, out=per, where=den > 0)
        d_flat[cell] = d_keep + per * num_ratio
        m_flat[cell] = m_flat[cell] + per * num_mwh
    # 3. grid factor
    np.multiply(grid[:, None, :], surv[3], out=factor)


def run_plan(bau: BauArrays, measures: MeasureArrays) -> PlanArrays:
    """The pathway of every city of a BAU batch under its measures (rows aligned)."""
    return run_arrays(bau.years, bau.direct, bau.electricity_mwh, bau.grid, measures)
