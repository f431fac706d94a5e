"""Climate engine benchmarks (plain Python, no database): recomputing every inventory after a factor change, and
parsing a 500-row XLSX template.

    .venv/bin/python bench/climate_engine.py                 # 2,500 cities × 5 years × 60 entries = 750,000 entries
    BENCH_CITIES=250 .venv/bin/python bench/climate_engine.py   # a tenth of it
    BENCH_QUICK=1 .venv/bin/python bench/climate_engine.py      # 20 cities (CI: fails on an error, never on a time)

Targets (issue 10): the recompute (2,500 × 5 × 60) < 30 s in the worker — this measures the engine part only
(validation, unit conversion, GWP, totals in every cut, completeness), without the database; a 500-row XLSX import
< 3 s — this measures the parse (openpyxl read-only + per-row checks). Floors printed beside: a bare Python loop of
one multiply-add per entry, and openpyxl's read-only iteration over the same workbook.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from bench.harness import QUICK, Table, timed  # noqa: E402
from citybridge.climate import gpc  # noqa: E402
from citybridge.climate.accounting import Amount, Entry, Factor, compute_inventory  # noqa: E402
from citybridge.climate.factors_seed import seed_factors, seed_fuel_properties  # noqa: E402
from citybridge.climate.importers import TEMPLATE_COLUMNS, ImportedRow, parse_template, template_workbook  # noqa: E402

CITIES = int(os.environ.get("BENCH_CITIES", 20 if QUICK else 2_500))
YEARS = 5
ENTRIES = 60  # the issue's figure; an inventory holds at most 53 (one entry per GPC line): the per-entry time is
# printed and scaled to 2,500 × 5 × 60 = 750,000 entries
TEMPLATE_ROWS = 500
TARGETS = {"recompute": 30_000.0, "xlsx": 3_000.0}  # ms, printed for reference only


def _factor(key: str) -> Factor:
    f = next(f for f in seed_factors() if f.key == key)
    return Factor(f.key, f.gas, f.value, f.unit, f.activity_unit, f.basis, f.source, f.status)


def _kinds() -> list:
    """Entry makers of the shapes cities enter: grid electricity (kWh / MWh, lb/MWh), fuels in TJ with three gases,
    litres through density and NCV, therms on HHV factors, reported emissions, notation keys."""
    gas3 = (
        _factor("ipcc2006-co2-natural-gas"),
        _factor("ipcc2006-commercial-institutional-natural-gas-ch4"),
        _factor("ipcc2006-commercial-institutional-natural-gas-n2o"),
    )
    petrol = (
        _factor("ipcc2006-road-road-co2-motor-gasoline-co2"),
        _factor("ipcc2006-road-gasoline-low-mileage-light-duty-vehicles-1995-or-later-ch4"),
        _factor("ipcc2006-road-gasoline-low-mileage-light-duty-vehicles-1995-or-later-n2o"),
    )
    egrid = (_factor("egrid2023-camx-co2"), _factor("egrid2023-camx-ch4"), _factor("egrid2023-camx-n2o"))
    hub = (
        _factor("epa-hub-natural-gas-stationary-co2"),
        _factor("epa-hub-natural-gas-stationary-ch4"),
        _factor("epa-hub-natural-gas-stationary-n2o"),
    )
    grid = (_factor("mee-nbs-2023-china-guangdong"),)
    props = {p.key: Amount(p.value, p.unit) for p in seed_fuel_properties()}
    density, ncv = props["density-motor-gasoline"], props["ncv-motor-gasoline"]
    return [
        lambda ref, v: Entry(ref, activity_value=v * 1e6, activity_unit="kWh", factors=grid, source="bill"),
        lambda ref, v: Entry(ref, activity_value=v * 1e3, activity_unit="MWh", factors=egrid),
        lambda ref, v: Entry(ref, activity_value=v, activity_unit="TJ", activity_basis="NCV", factors=gas3),
        lambda ref, v: Entry(ref, activity_value=v * 1e6, activity_unit="L", density=density, ncv=ncv, factors=petrol),
        lambda ref, v: Entry(ref, activity_value=v * 1e4, activity_unit="therm", activity_basis="HHV", factors=hub),
        lambda ref, v: Entry(ref, emissions_by_gas={"CO2": Amount(v, "kt"), "CH4": Amount(v, "t")}),
        lambda ref, v: Entry(ref, notation_key="NO", explanation="does not occur"),
    ]


def build() -> list[tuple[list[Entry], str]]:
    """One entry per GPC line (53; a duplicate line is refused by the engine), values random per city and year."""
    rng = random.Random(10)
    refs = [line.ref for line in gpc.gpc_lines()]
    kinds = _kinds()
    inventories = []
    for _city in range(CITIES):
        for year in range(YEARS):
            order = rng.sample(refs, len(refs))
            entries = [kinds[i % len(kinds)](ref, rng.uniform(0.1, 500.0)) for i, ref in enumerate(order)]
            inventories.append((entries, ("AR4", "AR5", "AR6")[year % 3]))
    return inventories


def main() -> None:
    inventories = build()
    n_entries = sum(len(e) for e, _ in inventories)
    table = Table(
        f"climate engine: {CITIES} cities × {YEARS} years = {len(inventories):,} inventories, {n_entries:,} entries "
        f"(one per GPC line: {n_entries // len(inventories)} a year; the GPC has 53 lines)"
    )

    def recompute(explain: bool) -> None:
        for entries, gwp in inventories:
            compute_inventory(entries, gwp, "BASIC+", explain=explain)

    values = [e.activity_value or 0.0 for entries, _ in inventories for e in entries]

    def floor_loop() -> None:
        s = 0.0
        for v in values:
            s += v * 0.5
        return None

    floor = timed(floor_loop, repeat=3, warmup=1)
    cpu0 = time.process_time()
    t = timed(lambda: recompute(False), repeat=1, warmup=0)
    cpu_ms = (time.process_time() - cpu0) * 1000
    table.row(f"recompute all (totals only) target {TARGETS['recompute'] / 1000:.0f} s", t, "python loop", floor)
    sample = inventories[: max(1, len(inventories) // 10)]

    def recompute_sample_explained() -> None:
        for entries, gwp in sample:
            compute_inventory(entries, gwp, "BASIC+", explain=True)

    t2 = timed(recompute_sample_explained, repeat=1, warmup=0)
    table.row(f"recompute {len(sample):,} inventories with conversion texts", t2)
    per_entry_us = t.median_ms * 1000 / n_entries
    cpu_us = cpu_ms * 1000 / n_entries
    print(
        f"per entry: {per_entry_us:.1f} µs wall, {cpu_us:.1f} µs CPU (the machine is shared); scaled to 2,500 × 5 × 60 "
        f"= 750,000 entries: {per_entry_us * 750_000 / 1e6:.1f} s wall, {cpu_us * 750_000 / 1e6:.1f} s CPU",
        flush=True,
    )

    # 500-row template
    refs = [line.ref for line in gpc.gpc_lines()]
    rows = [
        ImportedRow(
            i + 3,
            refs[i % len(refs)],
            activity_value=1000.0 + i,
            activity_unit="kWh",
            factors=(Factor("own-co2", "CO2", 0.5306, "kg/kWh", source="MEE/NBS 2023 national average"),),
            data_quality="medium",
            source=f"utility bill {i}",
        )
        for i in range(TEMPLATE_ROWS)
    ]
    data = template_workbook(rows)

    def floor_iterate() -> None:
        import io

        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True, max_col=len(TEMPLATE_COLUMNS)):
            pass
        wb.close()

    def parse() -> None:
        res = parse_template(data)
        assert len(res.rows) == TEMPLATE_ROWS and res.ok, res.issues[:3]

    fl = timed(floor_iterate, repeat=5)
    tp = timed(parse, repeat=5)
    table.row(
        f"parse {TEMPLATE_ROWS}-row XLSX template target {TARGETS['xlsx'] / 1000:.0f} s", tp, "openpyxl iterate", fl
    )


if __name__ == "__main__":
    main()
