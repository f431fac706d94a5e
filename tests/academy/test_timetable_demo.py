"""The demo (issue #11): lecturer profiles of the seed's kinds, and a course in planning that the NAMC coordinator
can timetable with "Generate timetable" -- run through the real path (ImmediateBackend on commit), the run is
optimal or feasible and the engine's independent checker finds nothing wrong with what was stored."""

from __future__ import annotations

from datetime import date

import pytest

from citybridge.academy import timetable as tt
from citybridge.academy.models import Course, LecturerProfile, ModuleSessionNeed, SiteHost
from citybridge.academy.services import timetable as svc
from citybridge.core.models import User

pytestmark = pytest.mark.django_db

PLAN_TITLE = "Energy Master Planning for City Leaders"


def stored_solution(run) -> tt.Solution:
    """The run's stored JSON back into the engine's Solution, for tt.check."""
    sol = run.solution
    return tt.Solution(
        status=sol["status"],
        placements={
            k: tt.Placement(v["course"], date.fromisoformat(v["day"]), tt.Slot(v["slot"]))
            for k, v in sol["placements"].items()
        },
        module_days={
            tuple(int(x) for x in k.split(":")): tuple(date.fromisoformat(d) for d in v)
            for k, v in sol["module_days"].items()
        },
        off_days={int(k): tuple(date.fromisoformat(d) for d in v) for k, v in sol["off_days"].items()},
        objective=sol["objective"],
        objective_parts=sol["objective_parts"],
        bound=sol["bound"],
        gap=sol["gap"],
        solve_seconds=sol["solve_seconds"],
    )


def test_demo_course_in_planning_gets_an_optimal_timetable(django_capture_on_commit_callbacks):
    from citybridge.academy import demo
    from citybridge.core import demo as core_demo

    core_demo.load()
    demo.load()
    # ten lecturers (Steve Hammer and nine fictional ones of the seed's kinds), each with an availability window
    assert LecturerProfile.objects.count() == 10
    assert all(p.availability.exists() for p in LecturerProfile.objects.all())
    assert SiteHost.objects.filter(organisation__name_en="State Grid Corporation of China").exists()
    course = Course.objects.get(title_en=PLAN_TITLE)
    assert course.status == "planning" and not course.sessions.exists()
    # needs: module 1: 2+1+1+2+1 = 7, module 2: 1+1+1 = 3, module 3: 1+1+1 = 3 → 13 sessions (+ the partner dinner)
    assert sum(ModuleSessionNeed.objects.filter(course_module__course=course).values_list("count", flat=True)) == 13
    coordinator = User.objects.get(email="namc@citybridge.local")
    with django_capture_on_commit_callbacks(execute=True):
        run = svc.timetable_run_create(actor=coordinator, course=course)
    run.refresh_from_db()
    assert run.status == "done", run.error
    assert run.solution["status"] in ("optimal", "feasible")
    assert len(run.solution["placements"]) == 14  # 13 module sessions + the dinner
    problem = svc.load_problem([course]).problem
    assert tt.check(problem, stored_solution(run)) == []
    # the academy's closure day and the rest days are off
    off = set(run.solution["off_days"][str(course.pk)])
    assert {d.isoformat() for d in course.academy.blackout_dates.values_list("date", flat=True)} <= off
    svc.timetable_run_accept(actor=coordinator, run=run)
    assert course.sessions.count() == 14
