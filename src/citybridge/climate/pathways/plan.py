"""One city's plan: its pathway, and wedges that add up exactly to BAU minus plan in every year.

Attribution methods (``wedges(method=...)``); each is computed per sector and year, and each sums exactly (to
floating-point rounding) to that sector's BAU minus plan:

* ``proportional`` (as Kausal Paths does): every measure alone gives a raw impact (BAU minus the pathway with that
  measure only); the raw impacts are scaled by one factor so they sum to the combined reduction. Where the raw
  impacts sum to zero but the combined reduction does not (only interactions), that sector-year falls back to the
  sequential split and ``fallback_cells`` counts it.
* ``sequential``: measures are added one by one in a given order (default: the plan's order); each gets what it
  adds. The first measures get the larger share of interactions.
* ``shapley``: each measure gets its average marginal reduction over all orders (symmetric, the default shown on the
  plan page). A sector's emissions depend only on the measures acting on it (renewables are split between their
  sectors by fixed BAU shares), so the city's Shapley value is the sum of per-sector games whose players are the
  measures on that sector. A sector game is **exact** (all 2^n coalitions) when it has at most ``max_exact`` players
  (default 10), and **sampled** beyond (``permutations`` random orders and their reverses, seeded, so the same
  inputs give the same wedges); ``Wedges.method_by_sector`` says which.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .bau import SECTORS, Bau
from .engine import PlanArrays, run_arrays
from .errors import PathwayError
from .measures import Measure, MeasureArrays, pack_measures, uptake_fraction

WEDGE_METHODS = ("proportional", "sequential", "shapley")


@dataclass(frozen=True)
class Pathway:
    bau: Bau
    measures: tuple[Measure, ...]
    packed: MeasureArrays
    uptake: np.ndarray  # (1, T, K)
    plan: PlanArrays

    @property
    def years(self) -> np.ndarray:
        return self.bau.years

    @property
    def by_sector(self) -> np.ndarray:
        """(T, S) plan emissions, t CO2e."""
        return self.plan.emissions[0]

    @property
    def total(self) -> np.ndarray:
        return self.by_sector.sum(axis=1)

    @property
    def bau_by_sector(self) -> np.ndarray:
        return self.bau.by_sector

    @property
    def bau_total(self) -> np.ndarray:
        return self.bau.total

    @property
    def reduction(self) -> np.ndarray:
        """(T,) BAU minus plan."""
        return self.bau_total - self.total

    def evaluate(self, keep: np.ndarray, players: list[int] | None = None, sector: int | None = None) -> np.ndarray:
        """(B, T, S) emissions with only the measures where ``keep`` (B, K) is true; with ``players``, ``keep`` is
        (B, len(players)) over those measures only; with ``sector``, only that sector's emissions are meaningful
        (the other measures' effects elsewhere are skipped, which is what makes per-sector games cheap)."""
        a = self.bau.arrays
        cols = np.arange(len(self.measures)) if players is None else np.asarray(players)
        ma = self.packed.take(np.zeros(keep.shape[0], dtype=int), cols).masked(keep.astype(float))
        if sector is not None:
            only = np.zeros(ma.sectors.shape[2])
            only[sector] = 1.0
            ren = (ma.kind == 4)[:, :, None]
            ma = replace(ma, sectors=np.where(ren, ma.sectors, ma.sectors * only))
        return run_arrays(a.years, a.direct, a.electricity_mwh, a.grid, ma).emissions


def pathway(bau: Bau, measures: Sequence[Measure]) -> Pathway:
    """The pathway of one city's BAU under its measures (validated; see ``engine`` for the order of application)."""
    ms = tuple(measures)
    packed = pack_measures([ms])
    a = bau.arrays
    up = uptake_fraction(a.years.astype(float), packed.start, packed.full, packed.s_curve, packed.steepness)
    plan = run_arrays(a.years, a.direct, a.electricity_mwh, a.grid, packed)
    return Pathway(bau=bau, measures=ms, packed=packed, uptake=up, plan=plan)


@dataclass(frozen=True)
class Wedges:
    method: str
    keys: tuple[str, ...]
    values: np.ndarray  # (T, S, K) t CO2e avoided, attributed to each measure
    method_by_sector: dict[str, str]
    fallback_cells: int = 0
    permutations: int = 0
    seed: int = 0

    @property
    def by_measure(self) -> np.ndarray:
        """(T, K)."""
        return self.values.sum(axis=1)


def _sequential(pw: Pathway, order: Sequence[int]) -> np.ndarray:
    K = len(pw.measures)
    keep = np.zeros((K + 1, K), dtype=bool)
    for j, k in enumerate(order):
        keep[j + 1 :, k] = True
    e = pw.evaluate(keep)  # (K+1, T, S)
    out = np.zeros(e.shape[1:] + (K,))
    for j, k in enumerate(order):
        out[:, :, k] = e[j] - e[j + 1]
    return out


def _shapley_exact(pw: Pathway, players: list[int], s: int) -> np.ndarray:
    """(T, n) exact Shapley values of sector ``s`` for ``players``."""
    n = len(players)
    masks = np.arange(1 << n)
    bits = ((masks[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)  # (2^n, n)
    e = pw.evaluate(bits, players, s)[:, :, s]  # (2^n, T)
    size = bits.sum(axis=1)
    weight = np.array([math.factorial(z) * math.factorial(n - z - 1) / math.factorial(n) for z in range(n)])
    out = np.zeros((e.shape[1], n))
    for i in range(n):
        without = masks[(masks >> i) & 1 == 0]
        marg = e[without] - e[without | (1 << i)]  # (2^(n-1), T): the reduction player i adds
        out[:, i] = weight[size[without]] @ marg
    return out


def _shapley_sampled(pw: Pathway, players: list[int], s: int, permutations: int, seed: int) -> np.ndarray:
    n = len(players)
    rng = np.random.default_rng(seed)
    half = max(1, permutations // 2)
    perms = [rng.permutation(n) for _ in range(half)]
    perms += [p[::-1] for p in perms]  # antithetic pairs
    keep = np.zeros((len(perms) * (n + 1), n), dtype=bool)
    prefix = np.arange(n)[None, :] < np.arange(n + 1)[:, None]  # (n+1, n): row j holds the first j of the order
    for r, p in enumerate(perms):
        keep[r * (n + 1) : (r + 1) * (n + 1), p] = prefix
    e = pw.evaluate(keep, players, s)[:, :, s].reshape(len(perms), n + 1, -1)  # (P, n+1, T)
    out = np.zeros((e.shape[2], n))
    for r, p in enumerate(perms):
        marg = e[r, :-1] - e[r, 1:]  # (n, T)
        out[:, p] += marg.T
    return out / len(perms)


def wedges(
    pw: Pathway,
    method: str = "shapley",
    *,
    order: Sequence[str] | None = None,
    max_exact: int = 10,
    permutations: int = 40,
    seed: int = 0,
) -> Wedges:
    """Attribute BAU minus plan to the measures, per year and sector (see the module docstring)."""
    K = len(pw.measures)
    T, S = pw.by_sector.shape
    keys = tuple(m.key for m in pw.measures)
    if method not in WEDGE_METHODS:
        raise PathwayError("unknown_mechanism", measure="", mechanism=f"wedges:{method}")
    if K == 0:
        return Wedges(method, keys, np.zeros((T, S, 0)), {s: method for s in SECTORS})
    if order is None:
        idx = list(range(K))
    else:
        pos = {k: i for i, k in enumerate(keys)}
        if sorted(order) != sorted(keys) or len(set(order)) != K:
            missing = next(iter(set(keys) ^ set(order)), "")
            raise PathwayError("order_invalid", measure=missing)
        idx = [pos[k] for k in order]
    bau = pw.bau_by_sector
    total = bau - pw.by_sector  # (T, S)
    if method == "sequential":
        return Wedges(method, keys, _sequential(pw, idx), {s: "sequential" for s in SECTORS})
    if method == "proportional":
        keep = np.vstack([np.zeros((1, K), dtype=bool), np.eye(K, dtype=bool)])
        e = pw.evaluate(keep)
        raw = np.moveaxis(e[0][None] - e[1:], 0, -1)  # (T, S, K)
        sraw = raw.sum(axis=2)
        ok = sraw != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(ok, total / sraw, 0.0)
        out = raw * scale[:, :, None]
        bad = ~ok & (total != 0)
        if bad.any():
            seq = _sequential(pw, idx)
            out[bad] = seq[bad]
        return Wedges(method, keys, out, {s: "proportional" for s in SECTORS}, fallback_cells=int(bad.sum()))
    out = np.zeros((T, S, K))
    methods = {}
    value = pw.packed.value[0]
    for s in range(S):
        players = [k for k in range(K) if pw.packed.sectors[0, k, s] > 0 and value[k] > 0]
        if not players:
            methods[SECTORS[s]] = "shapley_exact"
            continue
        if len(players) <= max_exact:
            phi = _shapley_exact(pw, players, s)
            methods[SECTORS[s]] = "shapley_exact"
        else:
            phi = _shapley_sampled(pw, players, s, permutations, seed)
            methods[SECTORS[s]] = "shapley_sampled"
        out[:, s, players] = phi
    label = "shapley_sampled" if "shapley_sampled" in methods.values() else "shapley_exact"
    return Wedges(
        label,
        keys,
        out,
        methods,
        permutations=permutations if label == "shapley_sampled" else 0,
        seed=seed,
    )
