"""Targets and their ambition, computed the same way for every city; compared with a 1.5 °C benchmark.

Plain Python, no Django. Errors are ``Issue`` codes with parameters (see ``accounting.Issue``).
"""

from __future__ import annotations

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


def benchmark_index(year: int) -> float:
    """Global net CO2 relative to 2010 on the benchmark path (1.0 up to 2010, 0.55 in 2030, 0 from 2050)."""
    raise NotImplementedError


def validate_target(
    target: Target,
    *,
    base_emissions_t: float | None = None,
    population: float | None = None,
    gdp: float | None = None,
) -> list[Issue]:
    raise NotImplementedError


def ambition(
    target: Target,
    base_emissions_t: float | None,
    population: float | None = None,
    gdp: float | None = None,
    *,
    base_population: float | None = None,
    base_gdp: float | None = None,
) -> Ambition:
    """Implied annual reduction rate, per-capita emissions in the target year and the 1.5 °C comparison."""
    raise NotImplementedError
