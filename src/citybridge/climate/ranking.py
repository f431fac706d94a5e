"""Cities ranked by the ambition of their targets: friendly competition among peers (DOMAIN: "inspire friendly
competition among cities to set higher emission-reduction targets").

Plain Python, no Django. A city is ranked by its most ambitious comparable target, i.e. the one with the highest
implied compound annual reduction rate (``ambition.ambition``'s ``implied_annual_reduction_rate``); ranks are
competition ranks (ties share a rank: 1, 2, 2, 4). Targets without a rate are not ranked and keep the codes of the
ambition notes that say why (a peak-year target sets no level, no base year, …).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from citybridge.climate.ambition import MILESTONES, benchmark_index

#: the ambition notes that explain why a target has no compound annual rate
NO_RATE_CODES: tuple[str, ...] = (
    "peak_year_not_quantified",
    "no_base_year_no_rate",
    "base_emissions_zero",
    "compound_rate_undefined_at_zero",
)
#: the reason given when a target has no rate and no note says why (its ambition was never computed)
NOT_COMPUTED = "ambition_not_computed"
#: rates equal to this many decimals tie (the same target in two cities gives the same float, give or take)
TIE_DIGITS = 9


@dataclass(frozen=True, slots=True)
class Candidate:
    """One target: its city, its rate (a fraction a year, compound) or None, the ambition note codes."""

    city_id: int
    target_id: int
    annual_rate: float | None
    notes: tuple[str, ...] = ()
    #: orders cities that tie (e.g. the city's name); then city_id
    sort_name: str = ""


@dataclass(frozen=True, slots=True)
class Ranked:
    rank: int
    city_id: int
    target_id: int
    annual_rate: float


@dataclass(frozen=True, slots=True)
class Unranked:
    city_id: int
    target_id: int
    #: why the target has no rate: codes of NO_RATE_CODES, or NOT_COMPUTED
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    #: one per city, most ambitious first
    ranked: tuple[Ranked, ...]
    #: the targets of cities that have no ranked target, by city then target
    unranked: tuple[Unranked, ...]
    #: the median of the ranked cities' rates (the mean of the two middle ones for an even count)
    median: float | None

    @property
    def count(self) -> int:
        return len(self.ranked)

    def of_city(self, city_id: int) -> Ranked | None:
        return next((r for r in self.ranked if r.city_id == city_id), None)

    def position_of(self, rate: float) -> int:
        """Where a reference rate (the benchmark's) goes in the order: after every city at or above it."""
        key = round(rate, TIE_DIGITS)
        return sum(1 for r in self.ranked if round(r.annual_rate, TIE_DIGITS) >= key)


def competition_ranks(rates: Sequence[float]) -> list[int]:
    """Ranks of rates sorted from highest to lowest, ties sharing the rank (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, rate in enumerate(rates):
        if i and round(rate, TIE_DIGITS) == round(rates[i - 1], TIE_DIGITS):
            ranks.append(ranks[-1])
        else:
            ranks.append(i + 1)
    return ranks


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return None
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def benchmark_compound_rate() -> float:
    """The 1.5 °C benchmark's own compound annual reduction from 2010 to 2030 (1 − 0.55^(1/20) ≈ 2.94 % a year),
    derived from the benchmark path of ambition.py."""
    (y0, _v0), (y1, _v1) = MILESTONES[0], MILESTONES[1]
    return 1 - (benchmark_index(y1) / benchmark_index(y0)) ** (1 / (y1 - y0))


def reasons(notes: Iterable[str]) -> tuple[str, ...]:
    found = tuple(dict.fromkeys(code for code in notes if code in NO_RATE_CODES))
    return found or (NOT_COMPUTED,)


def rank_cities(candidates: Iterable[Candidate]) -> Ranking:
    """Each city's most ambitious target (highest rate; the lower target id when two tie), cities ranked."""
    candidates = list(candidates)
    best: dict[int, Candidate] = {}
    for c in candidates:
        if c.annual_rate is None:
            continue
        held = best.get(c.city_id)
        if held is None or (-c.annual_rate, c.target_id) < (-held.annual_rate, held.target_id):  # type: ignore[operator]
            best[c.city_id] = c
    order = sorted(
        best.values(),
        key=lambda c: (-round(c.annual_rate, TIE_DIGITS), c.sort_name, c.city_id),  # type: ignore[arg-type]
    )
    rates = [c.annual_rate for c in order]
    ranks = competition_ranks(rates)  # type: ignore[arg-type]
    ranked = tuple(
        Ranked(rank, c.city_id, c.target_id, c.annual_rate)  # type: ignore[arg-type]
        for rank, c in zip(ranks, order, strict=True)
    )
    unranked = tuple(
        Unranked(c.city_id, c.target_id, reasons(c.notes))
        for c in sorted(candidates, key=lambda c: (c.sort_name, c.city_id, c.target_id))
        if c.annual_rate is None and c.city_id not in best
    )
    return Ranking(ranked, unranked, median(rates))  # type: ignore[arg-type]
