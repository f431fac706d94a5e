"""Instance generator for tests and the benchmark: random courses that are feasible by design.

A timetable is *planted* first — modules laid out day by day under the rest rule, each session put in a free slot
with a lecturer who is free then — and the inputs are then written around it: lecturers' availability contains the
days they were planted on (plus the realistic rest of their calendar), hosts are open on their visit days, blackout
days fall only on planted off days, partners request the planted evening. So the planted timetable satisfies every
hard rule and the solver must find one at least as good (tests assert both).

Figures used for realism (DOMAIN.md): modules of 2–6 days, courses of 2 weeks to a month with a day off a week, the
curriculum's topics, lecturers who fly in for a few days (visiting) or teach locally on weekdays.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .model import (
    DAYTIME_SLOTS,
    CourseProblem,
    Host,
    Lecturer,
    ModuleReq,
    Placement,
    Problem,
    SessionReq,
    Slot,
    Solution,
    Weights,
)

TOPICS = (
    "energy master planning",
    "smart transportation",
    "waste and water treatment",
    "eco-heritage tourism",
    "climate resilient design",
    "pollution reduction",
    "green financing",
    "clean energy",
    "sustainable lifestyles",
    "circular economy",
    "green buildings",
    "eco-cities",
)


@dataclass
class Planted:
    problem: Problem
    solution: Solution  # the planted timetable (placements, module days, off days)


class _Pool:
    """Lecturers and their bookings while planting (shared by the courses of a season)."""

    def __init__(self, rng: random.Random, n: int, first: date, last: date, id0: int = 1) -> None:
        self.rng = rng
        self.lecturers: list[Lecturer] = []
        self.avail: dict[int, set[date]] = {}
        self.slot: set[tuple[int, date, Slot]] = set()
        self.day: Counter = Counter()
        span = (last - first).days + 1
        for k in range(n):
            lid = id0 + k
            visiting = rng.random() < 0.3
            avail: set[date] = set()
            if visiting:  # flies in once or twice for 3–8 days
                for _ in range(rng.choice((1, 1, 2))):
                    s = first + timedelta(days=rng.randrange(span))
                    avail |= {s + timedelta(days=j) for j in range(rng.randint(3, 8))}
            else:  # local: most weekdays, some Saturdays
                for j in range(span):
                    d = first + timedelta(days=j)
                    if (d.weekday() < 5 and rng.random() < 0.75) or (d.weekday() == 5 and rng.random() < 0.3):
                        avail.add(d)
            pref = frozenset()
            if rng.random() < 0.5:
                pref = frozenset(rng.sample(range(5), rng.randint(2, 4)))
            self.lecturers.append(
                Lecturer(
                    lid,
                    f"Lecturer {lid}",
                    frozenset(),
                    pref,
                    max_per_day=rng.choice((1, 2, 2, 2)),
                    group_sessions=not visiting and rng.random() < 0.15,
                    visiting=visiting,
                )
            )
            self.avail[lid] = avail

    def free(self, lec: Lecturer, d: date, slot: Slot) -> bool:
        return (lec.id, d, slot) not in self.slot and self.day[(lec.id, d)] < lec.max_per_day

    def pick(self, d: date, slot: Slot, prefer: list[Lecturer]) -> Lecturer:
        ok = [lec for lec in prefer if self.free(lec, d, slot) and d in self.avail[lec.id]]
        if not ok:
            ok = [lec for lec in self.lecturers if self.free(lec, d, slot) and d in self.avail[lec.id]]
        if not ok:  # nobody is free: a local lecturer adds the day to their calendar
            ok = [lec for lec in self.lecturers if self.free(lec, d, slot) and not lec.visiting] or [
                lec for lec in self.lecturers if self.free(lec, d, slot)
            ]
            if not ok:
                raise ValueError("too few lecturers to plant this course")
        lec = self.rng.choice(ok)
        self.avail[lec.id].add(d)
        self.slot.add((lec.id, d, slot))
        self.day[(lec.id, d)] += 1
        return lec

    def finish(self) -> tuple[Lecturer, ...]:
        return tuple(replace(lec, available=frozenset(self.avail[lec.id])) for lec in self.lecturers)


def _plant_course(
    rng: random.Random,
    pool: _Pool,
    hosts: list[Host],
    host_open: dict[int, set[date]],
    host_slot: set[tuple[int, date, Slot]],
    *,
    course_id: int,
    start: date,
    n_days: int,
    n_modules: int,
    density: float,
    lock_p: float,
    holidays: int,
) -> tuple[CourseProblem, dict[str, Placement], dict[tuple[int, int], tuple[date, ...]], tuple[date, ...]]:
    days = [start + timedelta(days=i) for i in range(n_days)]
    rest_every = 7
    # lay out module days: teach while the run allows, rest when forced, spare days spread at random
    max_teach = n_days - n_days // rest_every
    lengths = [rng.randint(2, 6) for _ in range(n_modules)]
    while sum(lengths) > max_teach - 1 and max(lengths) > 2:
        i = lengths.index(max(lengths))
        lengths[i] -= 1
    while sum(lengths) > max_teach - 1 and len(lengths) > 1:
        lengths.pop()
    spare = n_days - sum(lengths)
    module_days: list[list[date]] = [[] for _ in lengths]
    off: list[date] = []
    m = 0
    run = 0
    i = 0
    while i < n_days:
        d = days[i]
        remaining_teach = sum(lengths[m:]) - (len(module_days[m]) if m < len(lengths) else 0)
        must_rest = run == rest_every - 1
        # rest at a module boundary (or, rarely, inside a module) when there are spare days to spend
        boundary = m < len(lengths) and not module_days[m]
        room = n_days - i - 1 - remaining_teach - remaining_teach // (rest_every - 1)
        optional = spare > 0 and room > 0 and rng.random() < (0.35 if boundary else 0.0)
        if m >= len(lengths) or must_rest or optional:
            off.append(d)
            run = 0
            i += 1
            if not must_rest:
                spare -= 1
            continue
        module_days[m].append(d)
        run += 1
        i += 1
        if len(module_days[m]) == lengths[m]:
            m += 1
    if m < len(lengths):  # ran out of days: keep the modules that fit
        lengths = lengths[:m]
        module_days = module_days[:m]
    # partial order: consecutive modules sometimes share an order (either order allowed)
    orders, o = [], 0
    for k in range(len(lengths)):
        if k and rng.random() < 0.7:
            o += 1
        orders.append(o)
    # the planted layout puts them in sequence, which respects any order
    modules = []
    base_mid = course_id * 100
    for k, n in enumerate(lengths):
        after = (base_mid + k - 1,) if k and orders[k] == orders[k - 1] and rng.random() < 0.3 else ()
        # 'after' across equal orders would contradict the planted sequence only if it pointed forward: it does not
        modules.append(ModuleReq(base_mid + k, f"Module {course_id}.{k + 1}", n, orders[k], after))
    topics = rng.sample(TOPICS, min(len(TOPICS), max(1, len(modules))))
    sessions: list[SessionReq] = []
    placements: dict[str, Placement] = {}
    course_lecturers = rng.sample(pool.lecturers, min(len(pool.lecturers), 3 + 2 * len(modules)))
    for k, mod in enumerate(modules):
        main = [course_lecturers[(2 * k + j) % len(course_lecturers)] for j in range(2)]
        sub = [topics[k % len(topics)], topics[(k + 1) % len(topics)]]
        visit_day = rng.choice(module_days[k]) if hosts and rng.random() < 0.5 else None
        n = 0
        for d in module_days[k]:
            for slot in DAYTIME_SLOTS:
                if rng.random() > density:
                    continue
                key = f"c{course_id}-m{mod.id}-{n}"
                n += 1
                if visit_day == d and slot is Slot.AFTERNOON:
                    cands = [h for h in hosts if (h.id, d, slot) not in host_slot]
                    if cands:
                        h = rng.choice(cands)
                        host_slot.add((h.id, d, slot))
                        host_open[h.id].add(d)
                        s = SessionReq(key, mod.id, "site_visit", f"Visit {key}", host_id=h.id, topic=sub[0])
                        sessions.append(s)
                        placements[key] = Placement(course_id, d, slot)
                        continue
                lec = pool.pick(d, slot, main)
                fmt = rng.choice(("lecture", "lecture", "lecture", "workshop", "discussion"))
                s = SessionReq(key, mod.id, fmt, f"{fmt} {key}", lecturer_id=lec.id, topic=rng.choice(sub))
                sessions.append(s)
                placements[key] = Placement(course_id, d, slot)
        if not any(s.module_id == mod.id for s in sessions):  # every module teaches something
            d = module_days[k][0]
            key = f"c{course_id}-m{mod.id}-{n}"
            lec = pool.pick(d, Slot.MORNING, main)
            sessions.append(SessionReq(key, mod.id, "lecture", f"lecture {key}", lecturer_id=lec.id, topic=sub[0]))
            placements[key] = Placement(course_id, d, Slot.MORNING)
    teach_days = [d for ds in module_days for d in ds]
    for e in range(rng.randint(0, 2)):  # partner dinners on a requested evening
        d = rng.choice(teach_days)
        if any(p.day == d and p.slot is Slot.EVENING for p in placements.values()):
            continue
        key = f"c{course_id}-dinner-{e}"
        asked = {d} | ({rng.choice(teach_days)} if rng.random() < 0.5 else set())
        sessions.append(
            SessionReq(key, None, "dinner", f"Partner dinner {e + 1}", evening=True, requested_days=frozenset(asked))
        )
        placements[key] = Placement(course_id, d, Slot.EVENING)
    if lock_p:
        locked = []
        for s in sessions:
            if rng.random() < lock_p:
                locked.append(replace(s, locked=placements[s.key]))
            else:
                locked.append(s)
        sessions = locked
    blackout = frozenset(rng.sample(off, min(holidays, len(off))))
    extra = frozenset(d for d in teach_days if d.weekday() >= 5 and rng.random() < 0.2)
    course = CourseProblem(
        course_id,
        f"Course {course_id}",
        start,
        days[-1],
        tuple(modules),
        tuple(sessions),
        blackout=blackout,
        extra_working_days=extra,
        rest_weekday=rng.choice((6, 6, 5, None)),
        rest_every=rest_every,
    )
    mdays = {(course_id, mod.id): tuple(module_days[k]) for k, mod in enumerate(modules)}
    return course, placements, mdays, tuple(off)


def planted(
    seed: int,
    *,
    courses: int = 1,
    course_days: tuple[int, int] = (14, 28),
    modules: tuple[int, int] = (2, 4),
    lecturers: int = 6,
    hosts: int = 2,
    density: float = 0.8,
    lock_p: float = 0.0,
    holidays: int = 1,
    parallel: int = 1,
    first: date = date(2026, 3, 2),
    time_limit_s: float = 10.0,
    weights: Weights | None = None,
) -> Planted:
    """`courses` courses; `parallel` of them run side by side (they share lecturers and hosts), the rest follow."""
    rng = random.Random(seed)
    longest = course_days[1]
    last = first + timedelta(days=longest * ((courses + parallel - 1) // parallel) + 14)
    pool = _Pool(rng, lecturers, first, last)
    host_list = [Host(100 + h, f"Host {h + 1}", frozenset()) for h in range(hosts)]
    host_open: dict[int, set[date]] = {h.id: set() for h in host_list}
    host_slot: set[tuple[int, date, Slot]] = set()
    out_courses = []
    placements: dict[str, Placement] = {}
    module_days: dict[tuple[int, int], tuple[date, ...]] = {}
    off_days: dict[int, tuple[date, ...]] = {}
    for c in range(courses):
        lane_start = first + timedelta(days=(c // parallel) * (longest + 3) + rng.randint(0, 3))
        course, pl, md, off = _plant_course(
            rng,
            pool,
            host_list,
            host_open,
            host_slot,
            course_id=c + 1,
            start=lane_start,
            n_days=rng.randint(*course_days),
            n_modules=rng.randint(*modules),
            density=density,
            lock_p=lock_p,
            holidays=holidays,
        )
        out_courses.append(course)
        placements.update(pl)
        module_days.update(md)
        off_days[course.id] = off
    for h in host_list:  # hosts also open on some other weekdays
        for j in range((last - first).days):
            d = first + timedelta(days=j)
            if d.weekday() < 5 and rng.random() < 0.4:
                host_open[h.id].add(d)
    problem = Problem(
        courses=tuple(out_courses),
        lecturers=pool.finish(),
        hosts=tuple(replace(h, open_days=frozenset(host_open[h.id])) for h in host_list),
        weights=weights or Weights(),
        time_limit_s=time_limit_s,
    )
    sol = Solution("feasible", placements, module_days, off_days, 0, {}, 0.0, 0.0, 0.0)
    return Planted(problem, sol)
