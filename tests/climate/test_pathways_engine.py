"""Pathway engine: hand-worked cases (arithmetic in the comments) and one contract per test."""

import numpy as np
import pytest

from citybridge.climate.pathways import (
    BaseInventory,
    Measure,
    PathwayError,
    Uptake,
    default_drivers,
    pack_measures,
    pathway,
    project_bau,
    run_arrays,
)
from citybridge.climate.pathways.measures import uptake_of

from .pathway_helpers import flat_drivers, now, simple_bau


def test_bau_hand_worked():
    # base 2020: I fuel 100 t, I electricity 50 t at 0.5 t/MWh = 100 MWh; III waste 10 t; V 5 t.
    # 2021: population +1 %, GDP +3 %, energy intensity -2 %, grid 0.5 -> 0.4.
    # I follows GDP and energy intensity: energy index 1.03 x 0.98 = 1.0094
    #   fuel 100 x 1.0094 = 100.94; electricity 100 MWh x 1.0094 = 100.94 MWh x 0.4 = 40.376; I = 141.316
    # III follows population only: 10 x 1.01 = 10.1; V stays 5.
    d = flat_drivers(2020, 2021, population=0.01, gdp=0.03, energy_intensity=-0.02)
    d = type(d)(
        population=d.population, gdp=d.gdp, energy_intensity=d.energy_intensity,
        grid_factor=type(d.grid_factor)({2020: 0.5, 2021: 0.4}, "level"),
    )  # fmt: skip
    bau = project_bau(BaseInventory(2020, {"I": 100, "III": 10, "V": 5}, {"I": 50}), d, 2021)
    assert bau.by_sector[0].tolist() == [150.0, 0.0, 10.0, 0.0, 5.0]
    assert bau.by_sector[1] == pytest.approx([141.316, 0.0, 10.1, 0.0, 5.0], rel=1e-12)
    assert bau.total[1] == pytest.approx(156.416, rel=1e-12)


def test_effects_on_one_sector_compound():
    # two 30 % cuts on I: 100 x 0.7 x 0.7 = 49 (a 51 % cut), not 100 x (1 - 0.6) = 40
    pw = pathway(simple_bau(), [now("a", "activity", ("I",), share=0.3), now("b", "activity", ("I",), share=0.3)])
    assert pw.by_sector[5, 0] == pytest.approx(49.0, rel=1e-12)


def test_efficiency_before_fuel_switch_and_grid_hand_worked():
    # I: fuel 100 t, no electricity; grid 0.5 t/MWh.
    # 1. efficiency 20 % on fuel: 100 -> 80
    # 2. fuel switch 50 % to electricity at 2 MWh per t: 40 t stay, 40 t removed -> 80 MWh -> 80 x 0.5 = 40 t
    #    plan = 40 + 40 = 80 (switching on the 100 t before efficiency would have moved 50 t: double counting)
    # 3. with a grid measure of 50 % as well: the 80 MWh carry 0.25 t/MWh -> 20 t; plan = 40 + 20 = 60
    bau = simple_bau({"I": 100.0})
    eff = now("eff", "activity", ("I",), share=0.2, carrier="fuel")
    fs = now("fs", "fuel_switch", ("I",), share=0.5, mwh_per_tco2=2.0)
    grid = now("grid", "grid", ("I",), share=0.5)
    assert pathway(bau, [eff, fs]).by_sector[3, 0] == pytest.approx(80.0, rel=1e-12)
    assert pathway(bau, [fs, eff]).by_sector[3, 0] == pytest.approx(80.0, rel=1e-12)  # the order is the engine's
    assert pathway(bau, [eff, fs, grid]).by_sector[3, 0] == pytest.approx(60.0, rel=1e-12)


def test_fuel_to_fuel_switch_hand_worked():
    # coal to gas on 50 % of 100 t at ratio 0.593: 50 + 50 x 0.593 = 79.65
    pw = pathway(simple_bau({"I": 100.0}), [now("c2g", "fuel_switch", ("I",), share=0.5, emission_ratio=0.593)])
    assert pw.by_sector[1, 0] == pytest.approx(79.65, rel=1e-12)


def test_renewables_split_by_bau_electricity_and_capped():
    # BAU electricity: I 50 t = 100 MWh, II 150 t = 300 MWh (grid 0.5). 200 MWh of solar on I and II:
    #   I gets 200 x 100/400 = 50 MWh, II 150 MWh.
    # An efficiency of 60 % on II's electricity leaves 120 MWh there: the 150 MWh displace all 120 (cap), and
    #   the 30 MWh surplus is not moved to I. I: 100 - 50 = 50 MWh = 25 t; II: 0 t.
    bau = simple_bau({"I": 0.0}, {"I": 50.0, "II": 150.0})
    ren = now("pv", "renewables", ("I", "II"), mwh_per_year=200.0)
    eff = now("eff", "activity", ("II",), share=0.6, carrier="electricity")
    pw = pathway(bau, [ren, eff])
    assert pw.by_sector[2, 0] == pytest.approx(25.0, rel=1e-12)
    assert pw.by_sector[2, 1] == 0.0
    assert pathway(bau, [ren]).by_sector[2].tolist()[:2] == pytest.approx([25.0, 75.0], rel=1e-12)


def test_methane_capture_hand_worked():
    # III: 100 t; capture 75 % of the methane, which is 70 % of the sector: 100 x (1 - 0.525) = 47.5
    pw = pathway(simple_bau({"III": 100.0}), [now("lfg", "methane", ("III",), share=0.75, methane_fraction=0.7)])
    assert pw.by_sector[1, 2] == pytest.approx(47.5, rel=1e-12)


def test_full_cut_is_exactly_zero():
    pw = pathway(simple_bau({"III": 100.0}), [now("all", "activity", ("III",), year=2025, share=1.0)])
    assert pw.by_sector[5:, 2].tolist() == [0.0] * 6
    assert pw.by_sector[4, 2] == 100.0


def test_uptake_curves():
    # linear 2020 -> 2030: 2025 is half way; the S-curve is 0 at the start, 1/2 in the middle, 1 at the end
    years = list(range(2018, 2033))
    lin = uptake_of(Measure("m", "activity", ("I",), Uptake(2020, 2030)), years)
    s = uptake_of(Measure("m", "activity", ("I",), Uptake(2020, 2030, "s_curve")), years)
    assert lin[years.index(2025)] == 0.5 and lin[years.index(2020)] == 0.0 and lin[years.index(2030)] == 1.0
    assert s[years.index(2020)] == 0.0 and s[years.index(2030)] == 1.0 and s[-1] == 1.0 and s[0] == 0.0
    assert s[years.index(2025)] == pytest.approx(0.5, abs=1e-12)
    assert s[years.index(2022)] < lin[years.index(2022)]  # slow start
    step = uptake_of(Measure("m", "activity", ("I",), Uptake(2025, 2025)), years)
    assert step[years.index(2024)] == 0.0 and step[years.index(2025)] == 1.0


def test_partial_uptake_in_the_engine_matches_the_curve():
    # 40 % cut reaching full uptake linearly 2020 -> 2030: in 2024 uptake 0.4, cut 0.16: 100 x 0.84 = 84
    pw = pathway(simple_bau(), [Measure("m", "activity", ("I",), Uptake(2020, 2030), share=0.4)])
    assert pw.by_sector[4, 0] == pytest.approx(84.0, rel=1e-12)


# ------------------------------------------------------------------------------------------- contracts


def _city():
    base = BaseInventory(2020, {"I": 6e6, "II": 4e6, "III": 1e6, "IV": 2e6, "V": 3e5}, {"I": 5e6, "II": 3e5})
    return project_bau(base, default_drivers("CN", "Jiangsu", 2020, 2060), 2060)


def _plan():
    return [
        Measure("eff", "activity", ("I",), Uptake(2022, 2030), share=0.3),
        Measure("ev", "fuel_switch", ("II",), Uptake(2022, 2040, "s_curve"), share=0.6, mwh_per_tco2=0.99),
        Measure("pv", "renewables", ("I", "II"), Uptake(2023, 2030), mwh_per_year=1e6),
        Measure("green", "grid", ("I", "II"), Uptake(2025, 2035), share=0.5),
        Measure("lfg", "methane", ("III",), Uptake(2022, 2025), share=0.75, methane_fraction=0.7),
    ]


def test_contract_no_measures_is_bau():
    bau = _city()
    assert np.array_equal(pathway(bau, []).by_sector, bau.by_sector)


def test_contract_zero_uptake_has_no_effect():
    bau = _city()
    late = [Measure(m.key, m.mechanism, m.sectors, Uptake(2061, 2070), share=m.share, mwh_per_year=m.mwh_per_year,
                    mwh_per_tco2=m.mwh_per_tco2, methane_fraction=m.methane_fraction) for m in _plan()]  # fmt: skip
    zero = [Measure(m.key, m.mechanism, m.sectors, m.uptake) for m in _plan()]  # share 0, 0 MWh
    assert np.array_equal(pathway(bau, late).by_sector, bau.by_sector)
    assert np.array_equal(pathway(bau, zero).by_sector, bau.by_sector)


def test_contract_measures_on_one_sector_never_change_another():
    bau = _city()
    base_plan = pathway(bau, _plan()).by_sector
    extra = pathway(bau, _plan() + [Measure("x", "activity", ("IV",), Uptake(2021, 2025), share=0.4)]).by_sector
    assert np.array_equal(np.delete(extra, 3, axis=1), np.delete(base_plan, 3, axis=1))
    assert (extra[6:, 3] < base_plan[6:, 3]).all()


def test_contract_totals_equal_the_sum_of_sectors():
    pw = pathway(_city(), _plan())
    assert np.array_equal(pw.total, pw.by_sector.sum(axis=1))
    assert np.allclose(pw.total, [sum(row) for row in pw.by_sector.tolist()], rtol=1e-15)


def test_contract_same_inputs_same_output_bit_for_bit():
    a = pathway(_city(), _plan()).by_sector
    b = pathway(_city(), _plan()).by_sector
    assert a.tobytes() == b.tobytes()


def test_contract_batch_equals_one_city_at_a_time():
    bau = _city()
    plans = [_plan(), _plan()[:2], []]
    packed = pack_measures(plans)
    a = bau.arrays
    rep = np.zeros(3, dtype=int)
    batch = run_arrays(a.years, a.direct[rep], a.electricity_mwh[rep], a.grid[rep], packed).emissions
    for i, p in enumerate(plans):
        assert np.allclose(batch[i], pathway(bau, p).by_sector, rtol=1e-14, atol=0)


def test_contract_units_are_tonnes_and_mwh():
    # emissions = fuel t + MWh x t/MWh: the BAU electricity in MWh times the grid factor gives back the scope-2 t
    bau = simple_bau({"I": 0.0}, {"I": 50.0}, grid=0.25)
    assert bau.arrays.electricity_mwh[0, 0, 0] == 200.0  # 50 t / 0.25 t/MWh
    assert bau.by_sector[0, 0] == 50.0


def test_contract_adding_a_reducing_measure_never_raises_emissions():
    bau = _city()
    before = pathway(bau, _plan()).total
    for extra in (
        Measure("a", "activity", ("I", "II"), Uptake(2021, 2050, "s_curve"), share=0.2),
        Measure("g", "grid", ("I",), Uptake(2021, 2030), share=0.3),
        Measure("r", "renewables", ("I",), Uptake(2021, 2030), mwh_per_year=5e5),
        Measure("m", "methane", ("III",), Uptake(2021, 2030), share=0.5),
    ):
        after = pathway(bau, _plan() + [extra]).total
        assert (after <= before).all()
        assert (after < before)[-10:].all()


def test_errors_are_codes_with_params():
    bau = _city()
    with pytest.raises(PathwayError) as e:
        pathway(bau, [Measure("m", "activity", ("I",), Uptake(2020, 2030), share=1.2)])
    assert e.value.code == "measure_share_above_one" and e.value.params["measure"] == "m"
    with pytest.raises(PathwayError) as e:
        pathway(bau, [Measure("m", "activity", ("I",), Uptake(2030, 2025), share=0.2)])
    assert e.value.code == "uptake_end_before_start" and e.value.params["full_year"] == 2025
    with pytest.raises(PathwayError) as e:
        pathway(bau, [Measure("m", "activity", ("VI",), Uptake(2020, 2025), share=0.2)])
    assert e.value.code == "unknown_sector"
    with pytest.raises(PathwayError) as e:
        pathway(bau, [Measure("m", "teleport", ("I",), Uptake(2020, 2025), share=0.2)])
    assert e.value.code == "unknown_mechanism"
    with pytest.raises(PathwayError) as e:
        pathway(bau, [Measure("m", "activity", ("I",), Uptake(2020, 2025), share=-0.1)])
    assert e.value.code == "measure_share_negative"
    with pytest.raises(PathwayError) as e:
        pathway(bau, [Measure("m", "activity", ("I",), Uptake(-5, 2025), share=0.2)])
    assert e.value.code == "uptake_year_invalid" and e.value.params["year"] == "-5"
    with pytest.raises(PathwayError) as e:
        m = Measure("m", "activity", ("I",), Uptake(2020, 2025), share=0.1)
        pathway(bau, [m, m])
    assert e.value.code == "duplicate_measure"


def _random_fleet(cities: int, k: int, seed: int):
    """A seeded fleet of random plans over every mechanism (the benchmark's generator, smaller)."""
    from citybridge.climate.pathways import MeasureArrays

    rng = np.random.default_rng(seed)
    years = np.arange(2020, 2041)
    T, S = len(years), 5
    direct = rng.uniform(1e5, 5e6, (cities, 1, S)) * np.linspace(1.0, 1.4, T)[None, :, None]
    mwh = rng.uniform(1e5, 8e6, (cities, 1, S)) * np.linspace(1.0, 1.5, T)[None, :, None]
    grid = rng.uniform(0.2, 0.7, (cities, 1)) * np.linspace(1.0, 0.8, T)[None, :]
    kind = rng.integers(0, 5, (cities, k))
    sectors = (rng.random((cities, k, S)) < 0.2).astype(float)
    sectors[np.arange(cities)[:, None], np.arange(k)[None, :], rng.integers(0, S, (cities, k))] = 1.0
    value = np.where(kind == 4, rng.uniform(1e4, 5e5, (cities, k)), rng.uniform(0.0, 1.0, (cities, k)))
    value[rng.random((cities, k)) < 0.05] = 1.0  # some 100 % cuts
    start = rng.integers(2020, 2030, (cities, k)).astype(float)
    ma = MeasureArrays(
        kind=kind, carrier=rng.integers(0, 3, (cities, k)), sectors=sectors, value=value,
        mwh_per_tco2=rng.uniform(0.5, 2.0, (cities, k)), emission_ratio=rng.uniform(0.0, 0.6, (cities, k)),
        start=start, full=start + rng.integers(0, 10, (cities, k)), s_curve=rng.random((cities, k)) < 0.5,
        steepness=np.full((cities, k), 10.0),
    )  # fmt: skip
    return years, direct, mwh, grid, ma


def test_blocks_of_cities_give_the_same_bits(monkeypatch):
    # the engine works by blocks of BLOCK cities; a city's result depends only on its own rows, so any block size
    # gives the same bytes — and each city computed alone gives them too
    from citybridge.climate.pathways import engine

    years, direct, mwh, grid, ma = _random_fleet(300, 12, seed=5)
    ref = run_arrays(years, direct, mwh, grid, ma).emissions.copy()
    for block in (1, 7, 10_000):
        monkeypatch.setattr(engine, "BLOCK", block)
        assert run_arrays(years, direct, mwh, grid, ma).emissions.tobytes() == ref.tobytes()
    for c in (0, 137, 299):
        one = run_arrays(years, direct[c : c + 1], mwh[c : c + 1], grid[c : c + 1], ma.rows(c, c + 1)).emissions
        assert one.tobytes() == ref[c : c + 1].tobytes()


def test_the_product_is_taken_in_the_plan_order_bit_for_bit():
    # three cuts on I at full uptake: the engine multiplies 100 x (1 - a) x (1 - b) x (1 - c) in the plan's order,
    # the same float operations as this line of Python (no logarithms: exactly these bits)
    a, b, c = 0.1, 0.37, 0.213
    plan = [now("a", "activity", ("I",), share=a), now("b", "activity", ("I",), share=b),
            now("c", "methane", ("I",), share=c)]  # fmt: skip
    assert pathway(simple_bau(), plan).by_sector[5, 0] == 100.0 * ((1 - a) * (1 - b) * (1 - c))


def test_a_full_cut_gives_exactly_zero_and_a_later_measure_cannot_revive_it():
    plan = [now("all", "activity", ("I",), share=1.0), now("half", "activity", ("I",), share=0.5)]
    assert pathway(simple_bau(), plan).by_sector[:, 0].tolist() == [0.0] * 11


def test_inserting_a_reducing_measure_anywhere_never_raises_emissions_exactly():
    # the direct product is monotone after rounding: a factor <= 1 inserted anywhere never raises a result
    years, direct, mwh, grid, ma = _random_fleet(200, 10, seed=9)
    from dataclasses import replace

    rng = np.random.default_rng(3)
    for pos in (0, 4, 9):
        kind = ma.kind.copy()
        kind[:, pos] = 0  # an activity cut replaces a measure with value 0 ...
        value = ma.value.copy()
        value[:, pos] = 0.0
        without = run_arrays(years, direct, mwh, grid, replace(ma, kind=kind, value=value)).emissions
        value[:, pos] = rng.uniform(0.0, 1.0, value.shape[0])  # ... then gets a share: never more emissions
        with_cut = run_arrays(years, direct, mwh, grid, replace(ma, kind=kind, value=value)).emissions
        switch = (ma.kind == 2).any(axis=1)  # a competing fuel switch may lose fuel to it (engine docstring)
        assert (with_cut[~switch] <= without[~switch]).all()
