"""Impact figures computed from training records: officials trained, population led, companies run.

Plain Python, no Django. The service/selector layer turns enrolments into ``Training`` records (one per official
per course they were trained on, with the position, jurisdiction and company captured at enrolment) and the
jurisdictions' population figures into ``PopulationFigure`` rows; this module does the counting.

Counting rules (each pinned by a test in tests/academy/test_impact.py):

* **Officials trained** are distinct people: an official trained on three courses counts once in a total, once in
  each year, academy or topic they were trained in.
* **Population led** counts mayors and vice mayors (``POPULATION_POSITIONS``) only, and **each jurisdiction once**,
  even when both its mayor and its vice mayor (or the same mayor twice) were trained. The population used is the
  figure *in force on the training date* (the latest figure whose ``valid_from`` is on or before it). When a
  jurisdiction was trained more than once inside the slice being counted, the figure in force at its *latest*
  training in that slice is used (the most recent figure the program could cite for it).
* **Companies run** are the distinct companies of trained SOE executives; their size is the size recorded at the
  company's latest training in the slice.
* Breakdowns by year, academy and topic count each slice on its own, so the slices do not add up to the total
  when the same person or jurisdiction appears in two slices -- that is the double-counting rule, not an error.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date

MAYOR = "mayor"
VICE_MAYOR = "vice_mayor"
SOE_EXECUTIVE = "soe_executive"
POPULATION_POSITIONS = frozenset({MAYOR, VICE_MAYOR})


@dataclass(frozen=True)
class Training:
    official_id: int
    trained_on: date  # the course's last day (or the day the official completed it)
    academy_id: int
    course_id: int
    topic_ids: frozenset[int] = frozenset()
    position: str = ""
    jurisdiction_id: int | None = None
    company_id: int | None = None
    company_size: int | None = None  # employees, as recorded at enrolment


@dataclass(frozen=True)
class PopulationFigure:
    jurisdiction_id: int
    valid_from: date
    population: int


class PopulationTable:
    """Population in force per jurisdiction per date."""

    def __init__(self, figures: Iterable[PopulationFigure]):
        by_j: dict[int, list[tuple[date, int]]] = defaultdict(list)
        for f in figures:
            by_j[f.jurisdiction_id].append((f.valid_from, f.population))
        self._dates: dict[int, list[date]] = {}
        self._values: dict[int, list[int]] = {}
        for j, rows in by_j.items():
            rows.sort()
            self._dates[j] = [r[0] for r in rows]
            self._values[j] = [r[1] for r in rows]

    def in_force(self, jurisdiction_id: int, on: date) -> int | None:
        """The latest figure valid on ``on``; None when there is no figure yet (the jurisdiction adds 0)."""
        dates = self._dates.get(jurisdiction_id)
        if not dates:
            return None
        i = bisect.bisect_right(dates, on) - 1
        return self._values[jurisdiction_id][i] if i >= 0 else None


@dataclass(frozen=True)
class ImpactFigures:
    officials: int
    population: int
    jurisdictions: int
    companies: int
    company_employees: int
    #: jurisdictions with a trained mayor or vice mayor but no population figure in force at training time
    jurisdictions_without_population: int = 0


def figures(trainings: Iterable[Training], populations: PopulationTable) -> ImpactFigures:
    """The headline figures for one slice of training records."""
    officials: set[int] = set()
    latest_j: dict[int, date] = {}
    latest_c: dict[int, tuple[date, int]] = {}
    for t in trainings:
        officials.add(t.official_id)
        if t.position in POPULATION_POSITIONS and t.jurisdiction_id is not None:
            prev = latest_j.get(t.jurisdiction_id)
            if prev is None or t.trained_on > prev:
                latest_j[t.jurisdiction_id] = t.trained_on
        if t.position == SOE_EXECUTIVE and t.company_id is not None:
            prev_c = latest_c.get(t.company_id)
            if prev_c is None or t.trained_on >= prev_c[0]:
                size = t.company_size if t.company_size is not None else (prev_c[1] if prev_c else 0)
                latest_c[t.company_id] = (t.trained_on, size)
    population = 0
    missing = 0
    for j, on in latest_j.items():
        p = populations.in_force(j, on)
        if p is None:
            missing += 1
        else:
            population += p
    return ImpactFigures(
        officials=len(officials),
        population=population,
        jurisdictions=len(latest_j),
        companies=len(latest_c),
        company_employees=sum(size for _, size in latest_c.values()),
        jurisdictions_without_population=missing,
    )


def breakdown(
    trainings: Iterable[Training], populations: PopulationTable, keys: Callable[[Training], Iterable[Hashable]]
) -> dict[Hashable, ImpactFigures]:
    """Figures per slice; ``keys`` gives the slices a training belongs to (a course with two topics: two)."""
    groups: dict[Hashable, list[Training]] = defaultdict(list)
    for t in trainings:
        for k in keys(t):
            groups[k].append(t)
    return {k: figures(groups[k], populations) for k in sorted(groups)}  # type: ignore[type-var]


@dataclass(frozen=True)
class ImpactReport:
    total: ImpactFigures
    by_year: dict[int, ImpactFigures] = field(default_factory=dict)
    #: cumulative to the end of each year (what "trained since 2009" said at that time)
    cumulative_by_year: dict[int, ImpactFigures] = field(default_factory=dict)
    by_academy: dict[int, ImpactFigures] = field(default_factory=dict)
    by_topic: dict[int, ImpactFigures] = field(default_factory=dict)


def impact_report(trainings: Iterable[Training], population_figures: Iterable[PopulationFigure]) -> ImpactReport:
    trainings = list(trainings)
    table = PopulationTable(population_figures)
    by_year = breakdown(trainings, table, lambda t: (t.trained_on.year,))
    years = sorted(by_year)
    cumulative = {}
    for y in years:
        cumulative[y] = figures((t for t in trainings if t.trained_on.year <= y), table)
    return ImpactReport(
        total=figures(trainings, table),
        by_year=by_year,  # type: ignore[arg-type]
        cumulative_by_year=cumulative,
        by_academy=breakdown(trainings, table, lambda t: (t.academy_id,)),  # type: ignore[arg-type]
        by_topic=breakdown(trainings, table, lambda t: tuple(t.topic_ids)),  # type: ignore[arg-type]
    )
