"""Timetable engine for Government Training courses (issue 11): plain Python, typed dataclasses in and out, OR-Tools
CP-SAT inside, no Django import.

    from citybridge.academy.timetable import Problem, CourseProblem, ModuleReq, SessionReq, Lecturer, solve, validate

    conflicts = validate(problem)          # input errors, before solving (a tuple of Conflict; empty = fine)
    solution = solve(problem)              # Solution: status, placements, objective and its parts, gap, conflicts
    violations = check(problem, solution)  # independent checker of every hard constraint ([] = fine)
    baseline = greedy(problem)             # earliest-feasible-day baseline, for comparison

`solve` calls `validate` first and returns status 'infeasible' with its conflicts when the input is wrong; when the
input is fine but no timetable exists, its conflicts are a small (minimal) set of rule groups that cannot all hold
(CP-SAT assumption literals): relaxing any one of them makes the rest satisfiable. Conflict codes and their params:
`CONFLICT_CODES`; params hold only str, int and lists of str (JSON-safe), dates as ISO strings.

Solution
- status: 'optimal' (proven), 'feasible' (time ran out; `gap` = (objective − bound) / objective), 'infeasible'
  (see conflicts), 'unknown' (no timetable found in time; conflict 'no_solution_in_time').
- placements: session key → Placement(course_id, day, slot); slot times: `SLOT_TIMES` (or the Django layer's own).
- module_days: (course_id, module_id) → the module's teaching days; off_days: course_id → its days off.
- objective = sum(objective_parts.values()); parts (weighted, names = fields of `Weights`): preferred_days, trips,
  partner_dates, even_load, topic_variety, rest_weekday, module_breaks, moves. Unweighted counts and report figures
  are in `stats` (count_<part>, sessions_with_preference, preferred_day_met, partner_requests(_met),
  visiting_lecturers, visiting_trips, cp_objective).
- moved: re-plan only (Problem.previous given): keys of sessions placed elsewhere than before.

`solve(problem, progress=callback)` calls back with {objective, bound, seconds} at each better timetable.
`instances.planted(seed, ...)` generates random instances that are feasible by design (tests, benchmark, demos).
"""

import threading
from collections.abc import Callable

from .model import (
    CONFLICT_CODES,
    DAYTIME_SLOTS,
    FORMATS,
    SLOT_TIMES,
    SLOTS,
    Busy,
    Conflict,
    CourseProblem,
    Host,
    Lecturer,
    ModuleReq,
    Placement,
    Problem,
    SessionReq,
    Slot,
    Solution,
    Violation,
    Weights,
)
from .validate import max_teaching_days, validate

__all__ = [
    "CONFLICT_CODES",
    "DAYTIME_SLOTS",
    "FORMATS",
    "SLOTS",
    "SLOT_TIMES",
    "Busy",
    "Conflict",
    "CourseProblem",
    "Host",
    "Lecturer",
    "ModuleReq",
    "Placement",
    "Problem",
    "SessionReq",
    "Slot",
    "Solution",
    "Violation",
    "Weights",
    "check",
    "greedy",
    "max_teaching_days",
    "solve",
    "validate",
]


def solve(
    problem: Problem,
    progress: Callable[[dict[str, float]], None] | None = None,
    stop: threading.Event | None = None,
) -> Solution:
    """CP-SAT timetable (see solver.py); `progress` gets {objective, bound, seconds} at each better timetable;
    setting `stop` ends the search early (status "stopped" when no timetable was found yet)."""
    from .solver import solve as _solve

    return _solve(problem, progress, stop)


def check(problem: Problem, solution: Solution) -> list[Violation]:
    """Independent checker of every hard constraint (see checker.py)."""
    from .checker import check as _check

    return _check(problem, solution)


def greedy(problem: Problem) -> Solution:
    """Earliest-feasible-day baseline (see greedy.py)."""
    from .greedy import greedy as _greedy

    return _greedy(problem)
