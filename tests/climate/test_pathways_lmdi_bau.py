"""LMDI decomposition (identity exact, zero rules) and the BAU's drivers (defaults, sources, bad input)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citybridge.climate.pathways import (
    BaseInventory,
    Drivers,
    PathwayError,
    Series,
    bau_lmdi,
    default_drivers,
    expand_grid,
    lmdi,
    project_bau,
    regions,
)
from citybridge.climate.pathways.lmdi import decompose_pair

from .pathway_helpers import flat_drivers


def test_lmdi_hand_worked():
    # one sector. Year 0: P 100, GDP 1000, energy 50, CO2 100. Year 1: P 110, GDP 1210, energy 55, CO2 99.
    # ratios: P 1.1; GDP/P 10 -> 11 (1.1); energy/GDP 0.05 -> 0.04545 (1/1.1); CO2/energy 2 -> 1.8 (0.9)
    # L(99, 100) = (99 - 100) / (ln 99 - ln 100) = 99.49916
    # population 99.49916 x ln 1.1 = 9.48328; economy the same; intensity -9.48328; carbon 99.49916 x ln 0.9 = -10.48328
    # sum = 99.49916 x ln 0.99 = -1 exactly: the change 99 - 100
    eff = decompose_pair(100, 110, 1000, 1210, np.array([50.0]), np.array([55.0]), np.array([100.0]), np.array([99.0]))
    L = 1 / (math.log(100) - math.log(99))
    assert eff[0] == pytest.approx([L * math.log(1.1), L * math.log(1.1), -L * math.log(1.1), L * math.log(0.9)])
    assert eff[0][0] == pytest.approx(9.48328, abs=1e-5) and eff[0][3] == pytest.approx(-10.48328, abs=1e-5)
    assert eff.sum() == pytest.approx(-1.0, abs=1e-12)


def test_lmdi_zero_values_follow_ang_2005():
    # sector appears (no energy, no CO2 before): the whole 50 goes to energy intensity
    eff = decompose_pair(100, 100, 1000, 1000, np.array([0.0]), np.array([10.0]), np.array([0.0]), np.array([50.0]))
    assert eff[0].tolist() == [0.0, 0.0, 50.0, 0.0]
    # energy there before but carbon-free: the 50 goes to carbon intensity
    eff = decompose_pair(100, 100, 1000, 1000, np.array([10.0]), np.array([10.0]), np.array([0.0]), np.array([50.0]))
    assert eff[0].tolist() == [0.0, 0.0, 0.0, 50.0]
    # sector vanishes (energy gone): -30 to energy intensity; zero both years: nothing
    eff = decompose_pair(100, 90, 1000, 900, np.array([5.0, 0.0]), np.array([0.0, 0.0]), np.array([30.0, 0.0]),
                         np.array([0.0, 0.0]))  # fmt: skip
    assert eff.tolist() == [[0.0, 0.0, -30.0, 0.0], [0.0, 0.0, 0.0, 0.0]]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 1e7), st.floats(1, 1e9)), min_size=2, max_size=8), st.data())
def test_property_lmdi_identity_exact(pg, data):
    T = len(pg)
    pop = np.array([p for p, _ in pg])
    gdp = np.array([g for _, g in pg])
    S = 3
    energy = np.array(
        [[data.draw(st.sampled_from([0.0, 1.0]) | st.floats(0, 1e6)) for _ in range(S)] for _ in range(T)]
    )
    em = np.array([[data.draw(st.floats(0, 1e6)) if energy[t, s] > 0 else 0.0 for s in range(S)] for t in range(T)])
    res = lmdi(np.arange(2000, 2000 + T), pop, gdp, energy, em)
    scale = max(1.0, float(em.sum(axis=1).max()))
    assert np.abs(res.by_factor.sum(axis=1) - res.change).max() <= 1e-9 * scale
    assert np.abs(res.cumulative_by_factor[-1].sum() - (em[-1].sum() - em[0].sum())) <= 1e-9 * scale


def test_bau_lmdi_identity_and_signs():
    base = BaseInventory(2020, {"I": 6e6, "II": 4e6, "III": 1e6}, {"I": 5e6})
    bau = project_bau(base, default_drivers("CN", None, 2020, 2040), 2040)
    res = bau_lmdi(bau)
    assert np.abs(res.by_factor.sum(axis=1) - np.diff(bau.total)).max() <= 1e-9 * bau.total.max()
    # China's default: population falls, GDP per capita rises, energy intensity falls
    assert (res.by_factor[:, 0] < 0).all() and (res.by_factor[:, 1] > 0).all() and (res.by_factor[5:, 2] < 0).all()


def test_lmdi_bad_input():
    with pytest.raises(PathwayError) as e:
        lmdi(np.array([2000, 2001]), np.array([1.0, -1.0]), np.array([1.0, 1.0]), np.ones((2, 1)), np.ones((2, 1)))
    assert e.value.code == "negative_population" and e.value.params["year"] == 2001
    with pytest.raises(PathwayError) as e:
        lmdi(np.array([2000, 2001]), np.ones(2), np.ones(2), np.zeros((2, 1)), np.ones((2, 1)))
    assert e.value.code == "series_value_invalid"


def test_default_drivers_have_sources_for_every_driver():
    for country, region in (("CN", None), ("CN", "Guangdong"), ("CN", "Sichuan"), ("US", None), ("US", "California")):
        d = default_drivers(country, region, 2020, 2060)
        for name in ("population", "gdp", "energy_intensity", "grid_factor"):
            src = getattr(d, name).source
            assert src is not None and src.label and src.status in {"two sources", "single source", "derived"}
        assert d.version.startswith(country)
        bau = project_bau(BaseInventory(2020, {"I": 1.0}, {"I": 1.0}), d, 2060)
        assert np.isfinite(bau.total).all() and set(bau.sources) >= {"population", "gdp", "grid_factor"}
        assert bau.drivers_version == d.version  # the BAU records which driver set produced it
    assert "Guangdong" in regions("CN") and len(regions("CN")) == 30 and regions("US") == ["California"]


def test_default_grid_paths_carry_the_published_factors():
    # MEE/NBS: 2021 0.5568, 2022 0.5366, 2023 0.5306; held after 2023, or continued at (0.5306/0.5568)^(1/2)
    g = default_drivers("CN", None, 2020, 2030).grid_factor.values
    assert (g[2020], g[2021], g[2022], g[2023], g[2030]) == (0.5568, 0.5568, 0.5366, 0.5306, 0.5306)
    t = expand_grid({2021: 0.5568, 2022: 0.5366, 2023: 0.5306}, range(2020, 2026), "trend")
    step = (0.5306 / 0.5568) ** 0.5
    assert t[2025] == pytest.approx(0.5306 * step**2, rel=1e-12)
    # California (CAMX) eGRID2022 497.443 lb/MWh = 0.225636 t/MWh
    assert default_drivers("US", "California", 2022, 2023).grid_factor.values[2022] == pytest.approx(
        0.2256363, rel=1e-6
    )


def test_driver_series_errors():
    d = flat_drivers(2020, 2030)
    gap = Drivers(Series({y: 0.0 for y in range(2021, 2031) if y != 2025}), d.gdp, d.energy_intensity, d.grid_factor)
    with pytest.raises(PathwayError) as e:
        project_bau(BaseInventory(2020, {"I": 1.0}), gap, 2030)
    assert e.value.code == "driver_series_gap" and e.value.params == {"driver": "population", "year": 2025}
    neg = Drivers(Series({y: 1000.0 if y < 2028 else -5.0 for y in range(2020, 2031)}, "level"), d.gdp,
                  d.energy_intensity, d.grid_factor)  # fmt: skip
    with pytest.raises(PathwayError) as e:
        project_bau(BaseInventory(2020, {"I": 1.0}), neg, 2030)
    assert e.value.code == "negative_population" and e.value.params["year"] == 2028
    crash = Drivers(Series({y: -1.5 for y in range(2021, 2031)}), d.gdp, d.energy_intensity, d.grid_factor)
    with pytest.raises(PathwayError) as e:
        project_bau(BaseInventory(2020, {"I": 1.0}), crash, 2030)
    assert e.value.code == "negative_population"
    with pytest.raises(PathwayError) as e:
        project_bau(BaseInventory(2020, {}), d, 2030)
    assert e.value.code == "no_base_emissions"
    with pytest.raises(PathwayError) as e:
        project_bau(BaseInventory(2020, {"I": 0.0, "II": 0.0}), d, 2030)
    assert e.value.code == "no_base_emissions"
    with pytest.raises(PathwayError) as e:
        project_bau(BaseInventory(2020, {"I": 1.0}), d, 2019)
    assert e.value.code == "projection_years_invalid"
    with pytest.raises(PathwayError) as e:
        project_bau(BaseInventory(2020, {"I": float("nan")}), d, 2030)
    assert e.value.code == "negative_base_emissions"
