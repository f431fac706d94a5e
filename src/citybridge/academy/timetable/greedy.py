"""The baseline a planner with a spreadsheet follows: modules in order from the first day, each session on the
earliest day and slot where its lecturer and host can, resting only when the rest rule forces it. When a module's
sessions do not fit, the module slides one day later (that day becomes an off day) and is tried again. No look-ahead,
no preferences: it exists to be compared with the solver (bench/timetable.py)."""

from __future__ import annotations

import time as _time
from collections import Counter, defaultdict
from datetime import date

from .model import DAYTIME_SLOTS, CourseProblem, ModuleReq, Placement, Problem, Slot, Solution
from .score import score, weighted
from .validate import course_days


def _module_sequence(course: CourseProblem) -> list[ModuleReq]:
    left = sorted(course.modules, key=lambda m: (m.order, m.id))
    done: set[int] = set()
    out: list[ModuleReq] = []
    while left:
        for m in left:
            preds = set(m.after) | {o.id for o in course.modules if o.order < m.order}
            if preds <= done:
                out.append(m)
                done.add(m.id)
                left.remove(m)
                break
        else:
            return out + left  # a cycle: validate() reports it
    return out


class _Book:
    """Bookings shared across courses: lecturers, hosts, course slots."""

    def __init__(self, problem: Problem) -> None:
        self.lecturers = {lec.id: lec for lec in problem.lecturers}
        self.hosts = {h.id: h for h in problem.hosts}
        self.lec_slot: set[tuple[int, date, Slot]] = set()
        self.lec_day: Counter = Counter()
        self.host_slot: set[tuple[int, date, Slot]] = set()
        self.busy = {(b.lecturer_id, b.day, None if b.slot is None else Slot(b.slot)) for b in problem.busy}

    def fits(self, s: object, day: date, slot: Slot) -> bool:
        if s.lecturer_id is not None:
            lec = self.lecturers.get(s.lecturer_id)
            if lec is None or day not in lec.available or (lec.id, day, slot) in self.lec_slot:
                return False
            if (lec.id, day, slot) in self.busy or (lec.id, day, None) in self.busy:
                return False
            if self.lec_day[(lec.id, day)] >= lec.max_per_day:
                return False
        if s.host_id is not None:
            host = self.hosts.get(s.host_id)
            if host is None or day not in host.open_days or (host.id, day, slot) in self.host_slot:
                return False
        return True

    def take(self, s: object, day: date, slot: Slot) -> None:
        if s.lecturer_id is not None:
            self.lec_slot.add((s.lecturer_id, day, slot))
            self.lec_day[(s.lecturer_id, day)] += 1
        if s.host_id is not None:
            self.host_slot.add((s.host_id, day, slot))

    def drop(self, s: object, day: date, slot: Slot) -> None:
        if s.lecturer_id is not None:
            self.lec_slot.discard((s.lecturer_id, day, slot))
            self.lec_day[(s.lecturer_id, day)] -= 1
        if s.host_id is not None:
            self.host_slot.discard((s.host_id, day, slot))


def _place(book: _Book, sessions: list, days: list[date], used: set[tuple[date, Slot]], course_id: int) -> dict:
    """Earliest day and slot for each session (locked ones first, where they are); {} when one does not fit."""
    got: dict[str, Placement] = {}
    for s in sorted(sessions, key=lambda s: s.locked is None):
        slots = (Slot.EVENING,) if s.evening else DAYTIME_SLOTS
        options = (
            [(s.locked.day, Slot(s.locked.slot))] if s.locked is not None else [(d, k) for d in days for k in slots]
        )
        for d, k in options:
            if d in days and k in slots and (d, k) not in used and book.fits(s, d, k):
                book.take(s, d, k)
                used.add((d, k))
                got[s.key] = Placement(course_id, d, k)
                break
        else:
            for key, p in got.items():
                book.drop(next(x for x in sessions if x.key == key), p.day, p.slot)
                used.discard((p.day, p.slot))
            return {}
    return got


def greedy(problem: Problem) -> Solution:
    t0 = _time.perf_counter()
    book = _Book(problem)
    placements: dict[str, Placement] = {}
    module_days: dict[tuple[int, int], tuple[date, ...]] = {}
    off_days: dict[int, tuple[date, ...]] = {}
    teaching_all: dict[int, set[date]] = {}
    failed = False
    for course in problem.courses:
        days = course_days(course)
        n = len(days)
        i = 0  # next free day index
        run = 0  # teaching days in a row before day i
        teaching: set[date] = set()
        used: set[tuple[date, Slot]] = set()
        by_module: dict[int | None, list] = defaultdict(list)
        for s in course.sessions:
            by_module[s.module_id if any(m.id == s.module_id for m in course.modules) else None].append(s)
        for m in _module_sequence(course):
            done = False
            while not done and i < n:
                # take m.days teaching days from day i, resting where blackout or the rest rule says so
                j, r, chosen, rests = i, run, [], 0
                while len(chosen) < m.days and j < n:
                    if days[j] in course.blackout and days[j] not in course.extra_working_days:
                        r = 0
                    elif r == course.rest_every - 1:
                        r = 0
                        if chosen:
                            rests += 1
                    else:
                        chosen.append(days[j])
                        r += 1
                    j += 1
                if len(chosen) < m.days or rests > 1:
                    break
                got = _place(book, by_module[m.id], chosen, used, course.id)
                if got or not by_module[m.id]:
                    placements.update(got)
                    module_days[(course.id, m.id)] = tuple(chosen)
                    teaching |= set(chosen)
                    i, run, done = j, r, True
                else:
                    # slide: day i becomes an off day
                    i, run = i + 1, 0
            if not done:
                failed = True
                break
        if not failed and by_module[None]:
            got = _place(book, by_module[None], sorted(teaching), used, course.id)
            if not got:
                failed = True
            placements.update(got)
        if failed:
            break
        off_days[course.id] = tuple(d for d in days if d not in teaching)
        teaching_all[course.id] = teaching
    elapsed = _time.perf_counter() - t0
    if failed:
        return Solution("infeasible", {}, {}, {}, 0, {}, 0.0, 0.0, elapsed)
    counts, stats, moved = score(problem, placements, teaching_all, module_days)
    parts = weighted(problem, counts)
    return Solution(
        status="feasible",
        placements=placements,
        module_days=module_days,
        off_days=off_days,
        objective=sum(parts.values()),
        objective_parts=parts,
        bound=0.0,
        gap=0.0,
        solve_seconds=elapsed,
        moved=moved,
        stats={**stats, **{f"count_{k}": v for k, v in counts.items()}},
    )
