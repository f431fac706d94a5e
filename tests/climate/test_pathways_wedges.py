"""Wedges add up exactly to BAU minus plan, every year and sector, for every attribution method."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citybridge.climate.pathways import BaseInventory, Measure, PathwayError, Uptake, pathway, project_bau, wedges

from .pathway_helpers import flat_drivers, now, simple_bau

SECTORS = ("I", "II", "III", "IV", "V")


def test_two_cuts_hand_worked_for_each_method():
    # I: 100 t. A cuts 30 %, B cuts 50 %: plan = 100 x 0.7 x 0.5 = 35, reduction 65.
    # sequential A then B: A 30, B 70 x 0.5 = 35.
    # proportional: alone A 30, B 50 (sum 80) scaled by 65/80: A 24.375, B 40.625.
    # Shapley: A = (30 + (50 - 35)) / 2 = 22.5; B = (50 + (70 - 35)) / 2 = 42.5.
    pw = pathway(simple_bau(), [now("A", "activity", ("I",), share=0.3), now("B", "activity", ("I",), share=0.5)])
    seq = wedges(pw, "sequential").by_measure[3]
    pro = wedges(pw, "proportional").by_measure[3]
    sha = wedges(pw, "shapley").by_measure[3]
    assert seq == pytest.approx([30.0, 35.0], rel=1e-12)
    assert pro == pytest.approx([24.375, 40.625], rel=1e-12)
    assert sha == pytest.approx([22.5, 42.5], rel=1e-12)
    rev = wedges(pw, "sequential", order=["B", "A"]).by_measure[3]
    assert rev == pytest.approx([15.0, 50.0], rel=1e-12)  # B first: 50; then A: 50 x 0.3 = 15


def test_order_must_name_every_measure_once():
    pw = pathway(simple_bau(), [now("A", "activity", ("I",), share=0.3), now("B", "activity", ("I",), share=0.5)])
    with pytest.raises(PathwayError) as e:
        wedges(pw, "sequential", order=["A"])
    assert e.value.code == "order_invalid"


def _measure(draw, i):
    mech = draw(st.sampled_from(["activity", "methane", "fuel_switch", "grid", "renewables"]))
    sectors = tuple(draw(st.lists(st.sampled_from(SECTORS), min_size=1, max_size=3, unique=True)))
    start = draw(st.integers(2018, 2045))
    full = start + draw(st.integers(0, 15))
    shape = draw(st.sampled_from(["linear", "s_curve"]))
    share = draw(st.sampled_from([0.0, 1.0]) | st.floats(0.0, 1.0))
    return Measure(
        f"m{i}", mech, sectors, Uptake(start, full, shape), share=share,
        carrier=draw(st.sampled_from(["all", "fuel", "electricity"])),
        methane_fraction=draw(st.floats(0.0, 1.0)),
        mwh_per_tco2=draw(st.floats(0.0, 3.0)), emission_ratio=draw(st.floats(0.0, 1.0)),
        mwh_per_year=draw(st.floats(0.0, 5e5)),
    )  # fmt: skip


@st.composite
def plans(draw, max_measures=7):
    direct = {s: draw(st.floats(0.0, 1e6)) for s in SECTORS}
    elec = {s: draw(st.floats(0.0, 1e6)) for s in ("I", "II", "IV")}
    direct["I"] += 1.0  # never an empty inventory
    n = draw(st.integers(0, max_measures))
    ms = [_measure(draw, i) for i in range(n)]
    rates = {k: draw(st.floats(-0.03, 0.06)) for k in ("population", "gdp", "energy_intensity")}
    bau = project_bau(
        BaseInventory(2020, direct, elec), flat_drivers(2020, 2050, draw(st.floats(0.05, 1.0)), **rates), 2050
    )
    return bau, ms


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_property_wedges_sum_to_bau_minus_plan(case):
    bau, ms = case
    pw = pathway(bau, ms)
    gap = pw.bau_by_sector - pw.by_sector
    scale = max(1.0, float(np.abs(pw.bau_by_sector).max()))
    for method in ("proportional", "sequential", "shapley"):
        w = wedges(pw, method)
        assert w.values.shape == gap.shape + (len(ms),)
        assert np.abs(w.values.sum(axis=2) - gap).max() <= 1e-9 * scale, method


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_property_plan_contracts(case):
    bau, ms = case
    pw = pathway(bau, ms)
    assert np.isfinite(pw.by_sector).all()
    assert (pw.by_sector >= 0).all()
    # a sector no measure acts on is exactly its BAU
    touched = {s for m in ms for s in m.sectors}
    for j, s in enumerate(SECTORS):
        if s not in touched:
            assert np.array_equal(pw.by_sector[:, j], bau.by_sector[:, j])
    # the first year before any start is BAU; the same inputs give the same bits
    assert pathway(bau, ms).by_sector.tobytes() == pw.by_sector.tobytes()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.floats(0.01, 1.0), st.sampled_from(["activity", "methane", "grid", "renewables"]), st.data())
def test_property_a_reducing_measure_never_raises_emissions(case, share, mech, data):
    bau, ms = case
    sectors = tuple(data.draw(st.lists(st.sampled_from(SECTORS), min_size=1, max_size=3, unique=True)))
    up = Uptake(data.draw(st.integers(2018, 2040)), 2045)
    off = Measure("new", mech, sectors, up, share=0.0, mwh_per_year=0.0)
    on = Measure("new", mech, sectors, up, share=share, mwh_per_year=share * 1e6)
    before = pathway(bau, ms + [off]).by_sector
    after = pathway(bau, ms + [on]).by_sector
    assert (after <= before).all()


def test_shapley_is_exact_up_to_ten_measures_per_sector_and_sampled_beyond():
    bau = simple_bau({"I": 1000.0, "II": 500.0}, end_year=2035)
    many = [now(f"a{i}", "activity", ("I",), year=2021 + i % 5, share=0.02 * (i + 1)) for i in range(12)]
    few = [now(f"b{i}", "activity", ("II",), share=0.05 * (i + 1)) for i in range(3)]
    pw = pathway(bau, many + few)
    w = wedges(pw, "shapley", permutations=40, seed=3)
    assert w.method == "shapley_sampled" and w.permutations == 40
    assert w.method_by_sector["I"] == "shapley_sampled" and w.method_by_sector["II"] == "shapley_exact"
    gap = pw.bau_by_sector - pw.by_sector
    assert np.abs(w.values.sum(axis=2) - gap).max() <= 1e-9 * 1000
    again = wedges(pw, "shapley", permutations=40, seed=3)
    assert again.values.tobytes() == w.values.tobytes()  # seeded: the same wedges every time
    # sector II is exact: its three measures never touch I, and I's never touch II
    assert np.abs(w.values[:, 1, :12]).max() == 0.0 and np.abs(w.values[:, 0, 12:]).max() == 0.0


def test_shapley_symmetric_measures_get_equal_wedges():
    bau = simple_bau({"I": 100.0})
    pw = pathway(bau, [now("x", "activity", ("I",), share=0.4), now("y", "activity", ("I",), share=0.4)])
    w = wedges(pw, "shapley").by_measure
    assert w[5, 0] == pytest.approx(w[5, 1], rel=1e-15)
    # 100 x (1 - 0.36) = 64 split in two
    assert w[5, 0] == pytest.approx(32.0, rel=1e-12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.floats(0.01, 1.0), st.floats(0.0, 0.999), st.floats(0.0, 0.999), st.sampled_from(SECTORS))
def test_property_a_cleaner_only_fuel_switch_never_raises_emissions(case, share, ratio, elec, sector):
    # the sector's only switch, to a cleaner mix: each t CO2e of fuel becomes ratio t of fuel and electricity worth
    # less than 1 - ratio t at the highest grid factor of the projection
    bau, ms = case
    ms = [m for m in ms if m.mechanism != "fuel_switch"]
    top = float(bau.arrays.grid.max())
    mwh = elec * (1 - ratio) / top if top > 0 else 0.0
    up = Uptake(2022, 2035)
    off = Measure("fs", "fuel_switch", (sector,), up, share=0.0, mwh_per_tco2=mwh, emission_ratio=ratio)
    on = Measure("fs", "fuel_switch", (sector,), up, share=share, mwh_per_tco2=mwh, emission_ratio=ratio)
    before = pathway(bau, ms + [off]).by_sector
    after = pathway(bau, ms + [on]).by_sector
    assert (after <= before * (1 + 1e-12) + 1e-9).all()
