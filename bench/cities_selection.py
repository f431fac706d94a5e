"""Benchmark: cohort selection on the full registry size (2,558 candidates x 12 criteria).

    .venv/bin/python bench/cities_selection.py

Candidates are the real GeoNames registry (452 California + 2,106 Chinese cities, province
and size class from the data); indicator values are real where the bundled sources have
them (population, CEADs CO2 2019, CEADs trend) and seeded random numbers for the other
criteria so that all 12 criteria discriminate. Prints wall-clock figures; not a unit test.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

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


def main() -> None:
    cands, crit = build_pool()
    print(f"candidates: {len(cands)}, criteria: {len(crit)}")
    cons = selection.Constraints(
        counts={"CA": 10, "CN": 10},
        max_per_province={"CN": 2},
        bounds=(selection.AttributeBound("size_class", "large", min=2, group="CN"),),
    )
    for missing in ("penalise", "impute_peers"):
        req = selection.SelectionRequest(cands, crit, cons, missing=missing, perturbations=0, runners_up_per_group=0)
        t = time.perf_counter()
        r = selection.select_cohort(req)
        total = time.perf_counter() - t
        print(f"[{missing}] exact solve: {r.solve_seconds:.3f} s (CP-SAT), {total:.3f} s incl. scoring; "
              f"objective {r.objective:.6f}")
    req = selection.SelectionRequest(cands, crit, cons, missing="penalise", perturbations=200, seed=1)
    t = time.perf_counter()
    r = selection.select_cohort(req)
    total = time.perf_counter() - t
    stable = sum(1 for cid in r.selected if r.robustness[cid] == 1.0)
    print(f"200 perturbations (+/-20%): {r.robustness_seconds:.2f} s; full run incl. 10 runners-up: {total:.2f} s; "
          f"{stable}/20 selected cities kept in every perturbation")


if __name__ == "__main__":
    main()
