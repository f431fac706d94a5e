"""The soft objective of a timetable, computed from the placements alone (shared by the solver's report, the greedy
baseline and the benchmark, so the three are scored the same way; the solver's CP-SAT objective must equal it)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta

from .model import Placement, Problem, Slot

PARTS = (
    "preferred_days",
    "trips",
    "partner_dates",
    "even_load",
    "topic_variety",
    "rest_weekday",
    "module_breaks",
    "moves",
)

#: a visiting lecturer's new trip starts on a teaching day unless they also taught on one of the previous
#: TRIP_GAP days (a one-day gap, typically the class's rest day, is a stay-over, not a flight home and back)
TRIP_GAP = 2


def even_share(n_sessions: int, teaching_days: int) -> int:
    """Sessions a course's day may hold before it counts as uneven: its sessions spread over its module days."""
    return math.ceil(n_sessions / max(1, teaching_days))


def trip_count(days: set[date]) -> int:
    return sum(1 for d in days if not any(d - timedelta(days=g) in days for g in range(1, TRIP_GAP + 1)))


def score(
    problem: Problem,
    placements: dict[str, Placement],
    teaching: dict[int, set[date]],
    module_days: dict[tuple[int, int], tuple[date, ...]],
) -> tuple[dict[str, int], dict[str, int], tuple[str, ...]]:
    """(unweighted counts per part, figures for the report, moved session keys). `teaching`: course → teaching days."""
    lecturers = {lec.id: lec for lec in problem.lecturers}
    counts = dict.fromkeys(PARTS, 0)
    stats = {
        "sessions": 0,
        "sessions_with_preference": 0,
        "preferred_day_met": 0,
        "partner_requests": 0,
        "partner_requests_met": 0,
        "visiting_lecturers": 0,
        "visiting_trips": 0,
    }
    lec_days: dict[int, set[date]] = defaultdict(set)
    for course in problem.courses:
        load: dict[date, int] = defaultdict(int)
        topics: dict[date, set[str]] = defaultdict(set)
        n_module_days = sum(m.days for m in course.modules)
        for s in course.sessions:
            p = placements.get(s.key)
            if p is None:
                continue
            stats["sessions"] += 1
            load[p.day] += 1
            if s.topic:
                topics[p.day].add(s.topic)
            lec = lecturers.get(s.lecturer_id) if s.lecturer_id is not None else None
            if lec is not None:
                lec_days[lec.id].add(p.day)
                if lec.preferred_weekdays:
                    stats["sessions_with_preference"] += 1
                    if p.day.weekday() in lec.preferred_weekdays:
                        stats["preferred_day_met"] += 1
                    else:
                        counts["preferred_days"] += 1
            if s.requested_days:
                stats["partner_requests"] += 1
                if p.day in s.requested_days:
                    stats["partner_requests_met"] += 1
                else:
                    counts["partner_dates"] += 1
        share = even_share(len(course.sessions), n_module_days)
        counts["even_load"] += sum(max(0, n - share) for n in load.values())
        for d, ts in topics.items():
            counts["topic_variety"] += len(ts & topics.get(d + timedelta(days=1), set()))
        for m in course.modules:
            md = sorted(module_days.get((course.id, m.id), ()))
            if md:
                inside = (md[-1] - md[0]).days + 1
                black = sum(1 for i in range(inside) if course.is_blackout(md[0] + timedelta(days=i)))
                counts["module_breaks"] += inside - black - len(md)
        if course.rest_weekday is not None:
            counts["rest_weekday"] += sum(
                1
                for d in teaching.get(course.id, ())
                if d.weekday() == course.rest_weekday and d not in course.extra_working_days
            )
    for lid, days in lec_days.items():
        lec = lecturers[lid]
        if lec.visiting or lec.group_sessions:
            trips = trip_count(days)
            counts["trips"] += trips - 1
            stats["visiting_lecturers"] += 1
            stats["visiting_trips"] += trips
    moved: tuple[str, ...] = ()
    if problem.previous:
        moved = tuple(sorted(k for k, p in problem.previous.items() if k in placements and _moved(p, placements[k])))
        counts["moves"] = len(moved)
    return counts, stats, moved


def _moved(a: Placement, b: Placement) -> bool:
    return (a.course_id, a.day, Slot(a.slot)) != (b.course_id, b.day, Slot(b.slot))


def weighted(problem: Problem, counts: dict[str, int]) -> dict[str, int]:
    w = problem.weights
    return {k: getattr(w, k) * v for k, v in counts.items()}
