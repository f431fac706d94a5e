"""Targets and ambition: hand-worked rates, the 1.5 °C benchmark, and typed validation codes."""

from __future__ import annotations

import pytest

from citybridge.climate.ambition import (
    BENCHMARK_DEFINITION,
    BENCHMARK_SOURCE,
    InvalidTarget,
    Milestone,
    Target,
    ambition,
    benchmark_index,
    benchmark_linear_rate,
)


def test_benchmark_path_is_the_sr15_figures():
    # SR1.5 SPM C.1: −45% from 2010 by 2030, net zero around 2050
    assert benchmark_index(2005) == 1.0 and benchmark_index(2010) == 1.0
    assert benchmark_index(2030) == pytest.approx(0.55)
    assert benchmark_index(2020) == pytest.approx(0.775)  # halfway: 1 − 0.45 / 2
    assert benchmark_index(2040) == pytest.approx(0.275)
    assert benchmark_index(2050) == 0.0 and benchmark_index(2070) == 0.0
    # 2010 → 2030: 45% in 20 years = 2.25% of 2010 emissions a year
    assert benchmark_linear_rate(2010, 2030) == pytest.approx(0.0225)
    assert "45%" in BENCHMARK_SOURCE and "2050" in BENCHMARK_SOURCE and "C.1" in BENCHMARK_SOURCE
    assert "0.55" in BENCHMARK_DEFINITION


def test_base_year_reduction_hand_worked():
    # 1,000,000 t in 2020, −50% by 2030 → 500,000 t
    #   linear rate (1 − 0.5) / 10 = 5% of 2020 emissions a year; compound 1 − 0.5^(1/10) = 0.066967…
    #   benchmark: 1,000,000 × index(2030) / index(2020) = 1,000,000 × 0.55 / 0.775 = 709,677.42 t → aligned
    a = ambition(Target("base_year", 2030, base_year=2020, reduction_pct=50), 1_000_000, population=400_000)
    assert a.target_emissions_t == pytest.approx(500_000)
    assert a.implied_linear_rate == pytest.approx(0.05)
    assert a.implied_annual_reduction_rate == pytest.approx(1 - 0.5**0.1)
    assert a.per_capita_in_target_year == pytest.approx(1.25)  # 500,000 t / 400,000 people
    b = a.benchmark_comparison
    assert b.benchmark_emissions_t == pytest.approx(709_677.4193548)
    assert b.gap_t == pytest.approx(500_000 - 709_677.4193548)
    assert b.aligned is True
    assert b.definition == BENCHMARK_SOURCE and b.method == BENCHMARK_DEFINITION


def test_a_weak_target_is_not_aligned():
    # −20% from 2020 by 2030 = 800,000 t > 709,677 t
    a = ambition(Target("base_year", 2030, base_year=2020, reduction_pct=20), 1_000_000)
    assert a.implied_linear_rate == pytest.approx(0.02)
    assert a.benchmark_comparison.aligned is False


def test_net_zero_years():
    # 2060 from 2020: linear 1/40 = 2.5% a year; its straight line in 2050 is 1,000,000 × (1 − 30/40) = 250,000 t
    # while the benchmark is 0 there → not aligned
    late = ambition(Target("net_zero", 2060, base_year=2020), 1_000_000)
    assert late.target_emissions_t == 0 and late.implied_linear_rate == pytest.approx(0.025)
    assert late.implied_annual_reduction_rate is None
    assert [n.code for n in late.notes] == ["compound_rate_undefined_at_zero"]
    assert late.benchmark_comparison.aligned is False
    # 2045 from 2020: in 2030 the line is at 1,000,000 × (1 − 10/25) = 600,000 ≤ 709,677; 0 in 2045 → aligned
    assert ambition(Target("net_zero", 2045, base_year=2020), 1_000_000).benchmark_comparison.aligned is True


def test_per_capita_and_intensity_targets():
    # per capita: 3 t/person in 2030 × 200,000 people = 600,000 t
    a = ambition(Target("per_capita", 2030, base_year=2020, target_level=3.0), 1_000_000, population=200_000)
    assert a.target_emissions_t == pytest.approx(600_000) and a.per_capita_in_target_year == pytest.approx(3.0)
    # per capita −40%: 2020 1,000,000 t / 250,000 = 4 t/person → 2.4 t/person × 300,000 people in 2030 = 720,000 t
    b = ambition(
        Target("per_capita", 2030, base_year=2020, reduction_pct=40),
        1_000_000,
        population=300_000,
        base_population=250_000,
    )
    assert b.target_emissions_t == pytest.approx(720_000)
    # intensity −60% per GDP: 2020 1,000,000 t / 100 bn = 10,000 t/bn → 4,000 t/bn × 150 bn in 2030 = 600,000 t
    c = ambition(Target("intensity", 2030, base_year=2020, reduction_pct=60), 1_000_000, gdp=150, base_gdp=100)
    assert c.target_emissions_t == pytest.approx(600_000)
    assert c.implied_linear_rate == pytest.approx(0.04)


def test_peak_year_has_no_quantified_rate():
    a = ambition(Target("peak_year", 2028, base_year=2020), 1_000_000)
    assert a.target_emissions_t is None and a.implied_linear_rate is None
    assert [n.code for n in a.notes] == ["peak_year_not_quantified"]
    assert a.benchmark_comparison.aligned is None


@pytest.mark.parametrize(
    ("target", "kwargs", "code", "field"),
    [
        (
            Target("base_year", 2015, base_year=2020, reduction_pct=30),
            {"base_emissions_t": 1.0},
            "target_year_before_base_year",
            "target_year",
        ),
        (
            Target("per_capita", 2030, base_year=2020, target_level=2.0),
            {"base_emissions_t": 1.0},
            "population_required",
            "population",
        ),
        (
            Target("per_capita", 2030, base_year=2020, reduction_pct=20),
            {"base_emissions_t": 1.0, "population": 5.0},
            "base_population_required",
            "base_population",
        ),
        (Target("intensity", 2030, base_year=2020, reduction_pct=20), {"base_emissions_t": 1.0}, "gdp_required", "gdp"),
        (
            Target("base_year", 2030, base_year=2020),
            {"base_emissions_t": 1.0},
            "reduction_pct_required",
            "reduction_pct",
        ),
        (
            Target("base_year", 2030, base_year=2020, reduction_pct=120),
            {"base_emissions_t": 1.0},
            "reduction_pct_out_of_range",
            "reduction_pct",
        ),
        (Target("base_year", 2030, reduction_pct=20), {"base_emissions_t": 1.0}, "base_year_required", "base_year"),
        (
            Target("base_year", 2030, base_year=2020, reduction_pct=20),
            {"base_emissions_t": None},
            "base_emissions_required",
            "base_emissions",
        ),
        (
            Target("fixed_level", 2030, base_year=2020),
            {"base_emissions_t": 1.0},
            "target_level_required",
            "target_level",
        ),
        (Target("moonshot", 2030), {"base_emissions_t": 1.0}, "unknown_target_kind", "kind"),
        (Target("net_zero", 3000, base_year=2020), {"base_emissions_t": 1.0}, "year_out_of_range", "target_year"),
        (
            Target("base_year", 2030, base_year=2020, reduction_pct=20, milestones=(Milestone(2035, 10),)),
            {"base_emissions_t": 1.0},
            "milestone_out_of_range",
            "milestones[0].year",
        ),
    ],
)
def test_bad_targets_are_typed_codes(target, kwargs, code, field):
    base = kwargs.pop("base_emissions_t")
    with pytest.raises(InvalidTarget) as exc:
        ambition(target, base, **kwargs)
    assert (code, field) in [(i.code, i.field) for i in exc.value.issues]
