"""Properties of the timetable engine on random instances that are feasible by design (hypothesis).

Each instance is generated around a planted timetable that keeps every hard rule (instances.py), so:
- the independent checker accepts the planted timetable (the generator and the checker agree on the rules);
- validate() finds nothing wrong with the input;
- the solver finds a timetable, the checker accepts it, and when proven optimal it costs no more than the planted one;
- the objective the solver reports is its parts' sum and never more than CP-SAT's own objective value;
- locked sessions stay where they were locked; the greedy baseline, when it finds a timetable, keeps every rule too.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citybridge.academy.timetable import check, greedy, solve, validate
from citybridge.academy.timetable.instances import planted
from citybridge.academy.timetable.score import score, weighted

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def planted_cost(pl: object) -> int:
    p, s = pl.problem, pl.solution
    teaching = {c.id: {c.start + timedelta(days=i) for i in range(c.n_days)} - set(s.off_days[c.id]) for c in p.courses}
    return sum(weighted(p, score(p, s.placements, teaching, s.module_days)[0]).values())


@SETTINGS
@given(
    seed=st.integers(0, 10**6),
    courses=st.integers(1, 2),
    parallel=st.integers(1, 2),
    days=st.integers(8, 16),
    modules=st.integers(1, 3),
    lock_p=st.sampled_from([0.0, 0.0, 0.2]),
    holidays=st.integers(0, 2),
)
def test_solver_output_keeps_every_hard_rule(
    seed: int, courses: int, parallel: int, days: int, modules: int, lock_p: float, holidays: int
) -> None:
    pl = planted(
        seed,
        courses=courses,
        parallel=parallel,
        course_days=(days, days + 3),
        modules=(1, modules),
        lecturers=6,
        hosts=2,
        lock_p=lock_p,
        holidays=holidays,
        time_limit_s=4.0,
    )
    p = pl.problem
    assert check(p, pl.solution) == []
    assert validate(p) == ()
    sol = solve(p)
    assert sol.status in ("optimal", "feasible"), sol.conflicts
    assert check(p, sol) == []
    assert sum(sol.objective_parts.values()) == sol.objective <= sol.stats["cp_objective"]
    if sol.status == "optimal":
        assert sol.objective == sol.stats["cp_objective"]
        assert sol.objective <= planted_cost(pl)
    for c in p.courses:
        for s in c.sessions:
            if s.locked is not None:
                assert sol.placements[s.key] == s.locked
    g = greedy(p)
    if g.ok:
        assert check(p, g) == []


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_replan_without_change_moves_nothing(seed: int) -> None:
    from dataclasses import replace

    pl = planted(seed, courses=1, course_days=(10, 14), modules=(2, 3), lecturers=5, time_limit_s=4.0)
    # the planted timetable as the accepted one: nothing changed, so the re-plan keeps every session where it was
    p = replace(pl.problem, previous=dict(pl.solution.placements))
    sol = solve(p)
    assert sol.ok and check(p, sol) == []
    if sol.status == "optimal":
        # moving costs 20 a session; the planted timetable costs planted_cost(pl) with no move, so an optimal
        # re-plan moves at most planted_cost / 20 sessions
        assert len(sol.moved) * p.weights.moves <= planted_cost(pl)
