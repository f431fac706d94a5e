"""Targets and their ambition, computed the same way for every city; compared with a 1.5 °C benchmark.

Plain Python, no Django. Errors are ``Issue`` codes with parameters (see ``accounting.Issue``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from citybridge.climate.accounting import Issue
from citybridge.climate.units import ClimateError

TargetKind = Literal["base_year", "fixed_level", "per_capita", "intensity", "peak_year", "net_zero"]
TARGET_KINDS: tuple[str, ...] = ("base_year", "fixed_level", "per_capita", "intensity", "peak_year", "net_zero")

#: the benchmark's definition and source, shown in the UI beside every comparison
BENCHMARK_SOURCE = (
    "IPCC (2018) Global Warming of 1.5 °C, Summary for Policymakers, C.1: in pathways with no or limited overshoot "
    "of 1.5 °C, global net anthropogenic CO2 emissions decline by about 45% from 2010 levels by 2030 (40–60% "
    "interquartile range), reaching net zero around 2050 (2045–2055 interquartile range)."
)

#: how the benchmark is applied, shown with BENCHMARK_SOURCE
BENCHMARK_DEFINITION = (
    "1.5 °C benchmark path (index of 2010 emissions): 1.00 up to 2010, falling linearly to 0.55 in 2030 (−45%) and "
    "linearly to 0 in 2050 (net zero), 0 afterwards; a linear cut of 2.25% of 2010 emissions per year to 2030 "
    "(compound: 1 − 0.55^(1/20) ≈ 2.94% a year). A city's benchmark level in year T is its base-year emissions × "
    "index(T) / index(base year). A target is aligned when the city's straight-line path from base year to target "
    "year is at or below the benchmark level in the target year and at every benchmark milestone (2030, 2050) it "
    "passes. The benchmark is global net CO2; applying it to a city's total GHG in t CO2e is a simplification."
)


@dataclass(frozen=True, slots=True)
class Milestone:
    year: int
    reduction_pct: float | None = None
    level_t: float | None = None


@dataclass(frozen=True, slots=True)
class Target:
    kind: str
    target_year: int
    base_year: int | None = None
    #: percent reduction from the base year (base_year, per_capita, intensity kinds)
    reduction_pct: float | None = None
    #: absolute level in the target year: t CO2e (fixed_level), t CO2e per person (per_capita), t CO2e per GDP unit
    target_level: float | None = None
    coverage: tuple[str, ...] = ()
    milestones: tuple[Milestone, ...] = ()


@dataclass(frozen=True, slots=True)
class BenchmarkComparison:
    benchmark_emissions_t: float | None
    benchmark_annual_rate: float | None
    gap_t: float | None
    aligned: bool | None
    definition: str = BENCHMARK_SOURCE
    method: str = BENCHMARK_DEFINITION


@dataclass(frozen=True, slots=True)
class Ambition:
    target_emissions_t: float | None
    implied_annual_reduction_rate: float | None
    implied_linear_rate: float | None
    per_capita_in_target_year: float | None
    benchmark_comparison: BenchmarkComparison
    notes: list[Issue] = field(default_factory=list)


class InvalidTarget(ClimateError):
    code = "invalid_target"

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        super().__init__(count=len(self.issues))


MILESTONES: tuple[tuple[int, float], ...] = ((2010, 1.0), (2030, 0.55), (2050, 0.0))
MIN_YEAR, MAX_YEAR = 1990, 2100

#: every code validate_target raises and every note ambition() returns, with the parameters a message may use
ISSUE_CODES: dict[str, tuple[str, ...]] = {
    "unknown_target_kind": ("kind",),
    "year_out_of_range": ("value", "min", "max"),
    "target_year_before_base_year": ("base_year", "target_year"),
    "not_a_non_negative_number": ("value",),
    "reduction_pct_out_of_range": ("value",),
    "reduction_pct_required": (),
    "base_year_required": (),
    "base_emissions_required": (),
    "target_level_required": (),
    "reduction_or_level_required": (),
    "population_required": (),
    "base_population_required": (),
    "gdp_required": (),
    "base_gdp_required": (),
    "milestone_out_of_range": ("year",),
    # notes on a computed ambition (not errors)
    "peak_year_not_quantified": (),
    "no_base_year_no_rate": (),
    "base_emissions_zero": (),
    "compound_rate_undefined_at_zero": (),
    "target_above_base": ("ratio",),
    "base_year_after_benchmark_net_zero": ("base_year",),
}
_EPS = 1e-9


def benchmark_index(year: int) -> float:
    """Global net CO2 relative to 2010 on the benchmark path (1.0 up to 2010, 0.55 in 2030, 0 from 2050)."""
    if year <= MILESTONES[0][0]:
        return 1.0
    for (y0, v0), (y1, v1) in zip(MILESTONES, MILESTONES[1:], strict=False):
        if year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return 0.0


def benchmark_linear_rate(base_year: int, target_year: int) -> float | None:
    """The benchmark's cut per year, as a share of the base-year level, between two years."""
    i0 = benchmark_index(base_year)
    if target_year <= base_year or i0 <= 0:
        return None
    return (1 - benchmark_index(target_year) / i0) / (target_year - base_year)


def _num(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def validate_target(
    target: Target,
    *,
    base_emissions_t: float | None = None,
    population: float | None = None,
    gdp: float | None = None,
    base_population: float | None = None,
    base_gdp: float | None = None,
) -> list[Issue]:
    """Every problem of a target with the figures it needs; codes with parameters."""
    issues: list[Issue] = []

    def add(code: str, fld: str = "", **params: object) -> None:
        issues.append(Issue(code, fld, params))

    kind = target.kind
    if kind not in TARGET_KINDS:
        add("unknown_target_kind", "kind", kind=str(kind)[:32])
        return issues
    for fld, year in (("target_year", target.target_year), ("base_year", target.base_year)):
        if year is not None and (
            not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR
        ):
            add("year_out_of_range", fld, value=str(year)[:8], min=MIN_YEAR, max=MAX_YEAR)
    if issues:
        return issues
    if target.base_year is not None and target.target_year <= target.base_year:
        add("target_year_before_base_year", "target_year", base_year=target.base_year, target_year=target.target_year)
    for fld, value in (
        ("reduction_pct", target.reduction_pct),
        ("target_level", target.target_level),
        ("base_emissions", base_emissions_t),
        ("population", population),
        ("gdp", gdp),
        ("base_population", base_population),
        ("base_gdp", base_gdp),
    ):
        if value is not None and (not _num(value) or value < 0):
            add("not_a_non_negative_number", fld, value=str(value)[:32])
    if target.reduction_pct is not None and _num(target.reduction_pct) and target.reduction_pct > 100:
        add("reduction_pct_out_of_range", "reduction_pct", value=target.reduction_pct)
    needs_base = kind in ("base_year", "per_capita", "intensity") and target.reduction_pct is not None
    if kind == "base_year":
        if target.reduction_pct is None:
            add("reduction_pct_required", "reduction_pct")
    if needs_base or kind == "base_year":
        if target.base_year is None:
            add("base_year_required", "base_year")
        if base_emissions_t is None:
            add("base_emissions_required", "base_emissions")
    if kind == "fixed_level" and target.target_level is None:
        add("target_level_required", "target_level")
    if kind in ("per_capita", "intensity") and target.reduction_pct is None and target.target_level is None:
        add("reduction_or_level_required", "reduction_pct")
    if kind == "per_capita":
        if not population:
            add("population_required", "population")
        if target.reduction_pct is not None and not base_population:
            add("base_population_required", "base_population")
    if kind == "intensity":
        if not gdp:
            add("gdp_required", "gdp")
        if target.reduction_pct is not None and not base_gdp:
            add("base_gdp_required", "base_gdp")
    for i, m in enumerate(target.milestones):
        lo = target.base_year if target.base_year is not None else MIN_YEAR
        if not isinstance(m.year, int) or not lo < m.year < target.target_year:
            add("milestone_out_of_range", f"milestones[{i}].year", year=str(m.year)[:8])
        if m.reduction_pct is not None and (not _num(m.reduction_pct) or not 0 <= m.reduction_pct <= 100):
            add("reduction_pct_out_of_range", f"milestones[{i}].reduction_pct", value=str(m.reduction_pct)[:32])
    return issues


def _target_emissions(
    target: Target,
    base: float | None,
    population: float | None,
    gdp: float | None,
    base_population: float | None,
    base_gdp: float | None,
) -> float | None:
    k, pct, level = target.kind, target.reduction_pct, target.target_level
    keep = None if pct is None else 1 - pct / 100
    if k == "base_year":
        return base * keep  # type: ignore[operator]
    if k == "fixed_level":
        return level
    if k == "net_zero":
        return 0.0
    if k == "per_capita":
        if level is not None:
            return level * population  # type: ignore[operator]
        return base / base_population * keep * population  # type: ignore[operator]
    if k == "intensity":
        if level is not None:
            return level * gdp  # type: ignore[operator]
        return base / base_gdp * keep * gdp  # type: ignore[operator]
    return None  # peak_year: no quantified level


def ambition(
    target: Target,
    base_emissions_t: float | None,
    population: float | None = None,
    gdp: float | None = None,
    *,
    base_population: float | None = None,
    base_gdp: float | None = None,
) -> Ambition:
    """Implied annual reduction rate, per-capita emissions in the target year and the 1.5 °C comparison.

    ``implied_annual_reduction_rate`` is compound (1 − (target/base)^(1/years)); ``implied_linear_rate`` the cut per
    year as a share of base-year emissions ((1 − target/base)/years), the one defined for net-zero targets.
    ``population`` and ``gdp`` are those of the target year. Raises ``InvalidTarget`` with every issue.
    """
    issues = validate_target(
        target,
        base_emissions_t=base_emissions_t,
        population=population,
        gdp=gdp,
        base_population=base_population,
        base_gdp=base_gdp,
    )
    if issues:
        raise InvalidTarget(issues)
    notes: list[Issue] = []
    emissions = _target_emissions(target, base_emissions_t, population, gdp, base_population, base_gdp)
    by, ty = target.base_year, target.target_year
    compound = linear = None
    if emissions is None:
        notes.append(Issue("peak_year_not_quantified", "kind"))
    elif by is None or base_emissions_t is None:
        notes.append(Issue("no_base_year_no_rate", "base_year"))
    elif base_emissions_t == 0:
        notes.append(Issue("base_emissions_zero", "base_emissions"))
    else:
        years = ty - by
        ratio = emissions / base_emissions_t
        linear = (1 - ratio) / years
        compound = 1 - ratio ** (1 / years) if ratio > 0 else None
        if ratio == 0:
            notes.append(Issue("compound_rate_undefined_at_zero", "target_level"))
        if ratio > 1:
            notes.append(Issue("target_above_base", "target_level", {"ratio": ratio}))
    per_capita = emissions / population if emissions is not None and population else None
    bench = _compare(target, base_emissions_t, emissions, notes)
    return Ambition(emissions, compound, linear, per_capita, bench, notes)


def _compare(target: Target, base: float | None, emissions: float | None, notes: list[Issue]) -> BenchmarkComparison:
    by, ty = target.base_year, target.target_year
    if by is None or base is None or emissions is None:
        if target.kind == "net_zero":
            aligned = ty <= MILESTONES[-1][0]
            return BenchmarkComparison(0.0, None, None, aligned)
        return BenchmarkComparison(None, None, None, None)
    i0 = benchmark_index(by)
    if i0 <= 0:
        notes.append(Issue("base_year_after_benchmark_net_zero", "base_year", {"base_year": by}))
        return BenchmarkComparison(0.0, None, emissions, emissions <= _EPS)
    bench_t = base * benchmark_index(ty) / i0
    aligned = emissions <= bench_t + _EPS * max(1.0, base)
    for year, _idx in MILESTONES[1:]:
        if by < year < ty:
            city_then = base + (emissions - base) * (year - by) / (ty - by)
            if city_then > base * benchmark_index(year) / i0 + _EPS * max(1.0, base):
                aligned = False
    return BenchmarkComparison(bench_t, benchmark_linear_rate(by, ty), emissions - bench_t, aligned)
