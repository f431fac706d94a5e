"""Benchmark: cohort selection on the full registry size (2,558 candidates x 12 criteria).

    .venv/bin/python bench/cities_selection.py

Candidates are the real GeoNames registry (452 California + 2,106 Chinese cities, province
and size class from the data); indicator values are real where the bundled sources have
them (population, CEADs CO2 2019, CEADs trend) and seeded random numbers for the other
criteria so that all 12 criteria discriminate. Prints median and p95 of repeated solves beside the floor measured
in the same run: one NumPy pass of min-max scoring over the candidate x criterion matrix. Not a unit test.
BENCH_QUICK=1 (CI): 5 perturbations instead of 200.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parents[1])]

import numpy as np  # noqa: E402

from bench.harness import QUICK, SOLVE_REPEAT, Table, timed  # noqa: E402
from citybridge.cities import selection, sources  # noqa: E402


def build_pool():
    geo = sources.read_geonames()
    aliases = sources.read_aliases()
    ceads = sources.read_ceads()
    by_city: dict[int, dict[int, float]] = {}
    for v in ceads:
        gid = aliases[(sources.SOURCE_CEADS, v.city)].geonames_id
        by_city.setdefault(gid, {})[v.year] = float(v.emission_t)
    rng = random.Random(2021)
    cands = []
    for g in geo:
        series = by_city.get(g.geonames_id, {})
        vals = {
            "population": float(g.population),
            "co2_2019": series.get(2019),
            "co2_trend": (series[2019] - series[2014]) / series[2014] if 2019 in series and 2014 in series else None,
        }
        for k in range(9):
            vals[f"synthetic_{k}"] = rng.random() * 100 if rng.random() > 0.05 else None
        cands.append(
            selection.Candidate(
                id=str(g.geonames_id),
                group=g.group,
                values=vals,
                province=g.province_en,
                size_class=selection.size_class(g.population),
                climate_zone=g.climate_zone,
            )
        )
    crit = [
        selection.Criterion("population", 1.0),
        selection.Criterion("co2_2019", 1.0, higher_is_better=False),
        selection.Criterion("co2_trend", 2.0, higher_is_better=False),
    ] + [selection.Criterion(f"synthetic_{k}", 0.5 + k / 10, k % 2 == 0) for k in range(9)]
    return cands, crit


def matrix(cands, crit) -> np.ndarray:
    return np.array(
        [[c.values.get(k.code) if c.values.get(k.code) is not None else np.nan for k in crit] for c in cands],
        dtype=float,
    )


def numpy_floor(m: np.ndarray, crit) -> np.ndarray:
    """The cheapest possible scoring: one vectorised min-max pass and a weighted sum (missing values as the worst)."""
    lo, hi = np.nanmin(m, axis=0), np.nanmax(m, axis=0)
    norm = np.nan_to_num((m - lo) / np.where(hi > lo, hi - lo, 1.0), nan=0.0)
    return norm @ np.array([k.weight for k in crit])


def main() -> None:
    cands, crit = build_pool()
    table = Table(f"Cohort selection: {len(cands)} candidates x {len(crit)} criteria")
    m = matrix(cands, crit)
    floor = timed(lambda: numpy_floor(m, crit))
    table.row("floor: one NumPy min-max scoring pass", floor)
    cons = selection.Constraints(
        counts={"CA": 10, "CN": 10},
        max_per_province={"CN": 2},
        bounds=(selection.AttributeBound("size_class", "large", min=2, group="CN"),),
    )
    for missing in ("penalise", "impute_peers"):
        req = selection.SelectionRequest(cands, crit, cons, missing=missing, perturbations=0, runners_up_per_group=0)
        result = {}
        t = timed(
            lambda req=req, result=result: result.__setitem__("r", selection.select_cohort(req)),
            repeat=SOLVE_REPEAT,
            warmup=1,
        )
        table.row(f"[{missing}] exact solve incl. scoring", t, "NumPy pass", floor)
        print(f"    objective {result['r'].objective:.6f}, CP-SAT alone {result['r'].solve_seconds * 1000:.1f} ms")
    n = 5 if QUICK else 200
    req = selection.SelectionRequest(cands, crit, cons, missing="penalise", perturbations=n, seed=1)
    result = {}
    t = timed(lambda: result.__setitem__("r", selection.select_cohort(req)), repeat=SOLVE_REPEAT, warmup=0)
    r = result["r"]
    stable = sum(1 for cid in r.selected if r.robustness[cid] == 1.0)
    table.row(f"full run: {n} perturbations (+/-20%) + 10 runners-up", t, "NumPy pass", floor)
    print(f"    {stable}/20 selected cities kept in every perturbation")


if __name__ == "__main__":
    main()
