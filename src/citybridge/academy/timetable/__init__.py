"""Timetable engine for Government Training courses (issue 11): plain Python, typed dataclasses in and out, OR-Tools
CP-SAT inside, no Django import.

    from citybridge.academy.timetable import Problem, CourseProblem, ModuleReq, SessionReq, Lecturer, solve, validate

    conflicts = validate(problem)          # input errors, before solving (a tuple of Conflict; empty = fine)
    solution = solve(problem)              # Solution: status, placements, objective and its parts, gap, conflicts
    violations = check(problem, solution)  # independent checker of every hard constraint ([] = fine)
    baseline = greedy(problem)             # earliest-feasible-day baseline, for comparison

`solve` calls `validate` first and returns status 'infeasible' with its conflicts when the input is wrong; when the
input is fine but no timetable exists, its conflicts are a small set of constraint groups that cannot all hold
(CP-SAT assumption literals). Conflict codes and their params: `CONFLICT_CODES`.
"""

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


def solve(problem: Problem) -> Solution:
    """CP-SAT timetable (see solver.py)."""
    from .solver import solve as _solve

    return _solve(problem)


def check(problem: Problem, solution: Solution) -> list[Violation]:
    """Independent checker of every hard constraint (see checker.py)."""
    from .checker import check as _check

    return _check(problem, solution)


def greedy(problem: Problem) -> Solution:
    """Earliest-feasible-day baseline (see greedy.py)."""
    from .greedy import greedy as _greedy

    return _greedy(problem)
