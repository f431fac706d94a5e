"""The independent checker catches each kind of broken rule: a correct planted timetable passes, and one
deliberate break of each rule is reported under its own code (so the property tests' `check(...) == []` means
something)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from citybridge.academy.timetable import Busy, Placement, Slot, check
from citybridge.academy.timetable.instances import planted


@pytest.fixture(scope="module")
def base() -> object:
    # two courses side by side, sharing lecturers and hosts; one holiday each
    return planted(5, courses=2, parallel=2, course_days=(14, 16), modules=(3, 3), lecturers=6, hosts=2, holidays=1)


def codes(problem: object, solution: object) -> set[str]:
    return {v.code for v in check(problem, solution)}


def first_lectured(pl: object) -> object:
    return next(s for c in pl.problem.courses for s in c.sessions if s.lecturer_id is not None and not s.evening)


def test_planted_timetable_passes(base: object) -> None:
    assert check(base.problem, base.solution) == []


def test_unplaced_and_unknown_sessions(base: object) -> None:
    s = first_lectured(base)
    placements = dict(base.solution.placements)
    del placements[s.key]
    placements["ghost"] = Placement(1, base.problem.courses[0].start, Slot.MORNING)
    assert {"unplaced", "unknown_session"} <= codes(base.problem, replace(base.solution, placements=placements))


def test_session_on_a_blackout_day(base: object) -> None:
    course = base.problem.courses[0]
    holiday = min(course.blackout)
    s = course.sessions[0]
    placements = {**base.solution.placements, s.key: Placement(course.id, holiday, Slot.MORNING)}
    got = codes(base.problem, replace(base.solution, placements=placements))
    assert "blackout" in got and "module_day" in got


def test_lecturer_double_booked_and_unavailable(base: object) -> None:
    s = first_lectured(base)
    pl = base.solution.placements[s.key]
    # another session of another course moved onto the same lecturer's slot, taught by the same lecturer
    other = next(c for c in base.problem.courses if c.id != pl.course_id)
    o = next(x for x in other.sessions if not x.evening and x.host_id is None and x.lecturer_id != s.lecturer_id)
    courses = tuple(
        replace(c, sessions=tuple(replace(x, lecturer_id=s.lecturer_id) if x.key == o.key else x for x in c.sessions))
        for c in base.problem.courses
    )
    p = replace(base.problem, courses=courses)
    placements = {**base.solution.placements, o.key: Placement(other.id, pl.day, pl.slot)}
    got = codes(p, replace(base.solution, placements=placements))
    assert "lecturer_double" in got
    # the lecturer no longer available on that day
    lecturers = tuple(
        replace(x, available=x.available - {pl.day}) if x.id == s.lecturer_id else x for x in base.problem.lecturers
    )
    assert "lecturer_unavailable" in codes(replace(base.problem, lecturers=lecturers), base.solution)
    # booked elsewhere that day
    p2 = replace(base.problem, busy=(Busy(s.lecturer_id, pl.day),))
    assert "lecturer_busy" in codes(p2, base.solution)
    # one session a day at most, and this day has one: still fine; with max 0 it is not
    lecturers = tuple(replace(x, max_per_day=0) if x.id == s.lecturer_id else x for x in base.problem.lecturers)
    assert "lecturer_max_per_day" in codes(replace(base.problem, lecturers=lecturers), base.solution)


def test_no_rest_day_and_wrong_off_days(base: object) -> None:
    course = base.problem.courses[0]
    days = [course.start + timedelta(days=i) for i in range(course.n_days)]
    # every off day (not a holiday) filled with an extra non-module session: no rest day any more
    extra = []
    placements = dict(base.solution.placements)
    for i, d in enumerate(days):
        if d in base.solution.off_days[course.id] and not course.is_blackout(d):
            key = f"extra{i}"
            extra.append(
                replace(course.sessions[0], key=key, module_id=None, lecturer_id=None, host_id=None, locked=None)
            )
            placements[key] = Placement(course.id, d, Slot.MORNING if not course.sessions[0].evening else Slot.EVENING)
    c2 = replace(course, sessions=course.sessions + tuple(extra))
    p = replace(base.problem, courses=(c2, *base.problem.courses[1:]))
    got = codes(p, replace(base.solution, placements=placements))
    assert "off_days" in got  # the reported off days are now taught
    # some 7-day window of the course holds no holiday: with its rest day taught, the rule is broken there
    assert any(not course.blackout & set(days[i : i + 7]) for i in range(len(days) - 6))
    assert "rest_day" in got


def test_module_order_contiguity_and_length(base: object) -> None:
    course = base.problem.courses[0]
    m1, m2 = course.modules[0], course.modules[1]
    md = dict(base.solution.module_days)
    md[(course.id, m1.id)], md[(course.id, m2.id)] = md[(course.id, m2.id)], md[(course.id, m1.id)]
    got = codes(base.problem, replace(base.solution, module_days=md))
    assert "module_length" in got or "module_order" in got or "module_day" in got
    md = dict(base.solution.module_days)
    md[(course.id, m1.id)] = md[(course.id, m1.id)][:-1]
    assert "module_length" in codes(base.problem, replace(base.solution, module_days=md))
    # a module whose days jump over another module's day
    a, b = base.solution.module_days[(course.id, m1.id)], base.solution.module_days[(course.id, m2.id)]
    md = dict(base.solution.module_days)
    md[(course.id, m1.id)] = (*a[:-1], b[0])
    md[(course.id, m2.id)] = (a[-1], *b[1:])
    got = codes(base.problem, replace(base.solution, module_days=md))
    assert "module_not_contiguous" in got or "module_order" in got


def test_evening_slot_kind_locked_and_host(base: object) -> None:
    s = first_lectured(base)
    pl = base.solution.placements[s.key]
    placements = {**base.solution.placements, s.key: replace(pl, slot=Slot.EVENING)}
    assert "slot_kind" in codes(base.problem, replace(base.solution, placements=placements))
    other = Slot.AFTERNOON if pl.slot is Slot.MORNING else Slot.MORNING
    courses = tuple(
        replace(
            c, sessions=tuple(replace(x, locked=replace(pl, slot=other)) if x.key == s.key else x for x in c.sessions)
        )
        for c in base.problem.courses
    )
    assert "locked_moved" in codes(replace(base.problem, courses=courses), base.solution)
    v = next(x for c in base.problem.courses for x in c.sessions if x.host_id is not None)  # the fixture has visits
    day = base.solution.placements[v.key].day
    hosts = tuple(replace(h, open_days=h.open_days - {day}) if h.id == v.host_id else h for h in base.problem.hosts)
    assert "host_closed" in codes(replace(base.problem, hosts=hosts), base.solution)
    # two classes at one host at the same time
    w = next(x for c in base.problem.courses for x in c.sessions if x.host_id is None and not x.evening)
    courses = tuple(
        replace(c, sessions=tuple(replace(x, host_id=v.host_id) if x.key == w.key else x for x in c.sessions))
        for c in base.problem.courses
    )
    placements = {**base.solution.placements, w.key: base.solution.placements[v.key]}
    got = codes(replace(base.problem, courses=courses), replace(base.solution, placements=placements))
    assert "host_double" in got


def test_two_sessions_in_one_slot_of_a_course(base: object) -> None:
    course = base.problem.courses[0]
    a, b = [s for s in course.sessions if not s.evening][:2]
    placements = {**base.solution.placements, b.key: base.solution.placements[a.key]}
    assert "slot_double" in codes(base.problem, replace(base.solution, placements=placements))
