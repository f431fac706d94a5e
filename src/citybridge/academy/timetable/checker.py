"""Independent checker of every hard rule of a timetable, written from the rules in model.py's docstring and
without any of the solver's code (no OR-Tools): a bug in the model shows up here as a Violation.

A day of a course is a teaching day when it is one of a module's days or holds a session; every other day of the
course is an off day, and the solution's `off_days` must say exactly that.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from .model import Placement, Problem, Slot, Solution, Violation


def _days(start: date, end: date) -> list[date]:
    out = []
    d = start
    while d <= end:
        out.append(d)
        d += timedelta(days=1)
    return out


def check(problem: Problem, solution: Solution) -> list[Violation]:
    v: list[Violation] = []

    def bad(code: str, detail: str) -> None:
        v.append(Violation(code, detail))

    lecturers = {lec.id: lec for lec in problem.lecturers}
    hosts = {h.id: h for h in problem.hosts}
    placed = solution.placements
    all_keys = {s.key for c in problem.courses for s in c.sessions}
    for key in placed:
        if key not in all_keys:
            bad("unknown_session", key)

    lecturer_slot: Counter = Counter()
    lecturer_day: Counter = Counter()
    host_slot: Counter = Counter()
    busy = {(b.lecturer_id, b.day, None if b.slot is None else Slot(b.slot)) for b in problem.busy}

    for course in problem.courses:
        cal = _days(course.start, course.end)
        in_course = set(cal)
        blackout = {d for d in cal if d in course.blackout and d not in course.extra_working_days}
        modules = {m.id: m for m in course.modules}
        mdays: dict[int, list[date]] = {}
        for m in course.modules:
            got = sorted(solution.module_days.get((course.id, m.id), ()))
            mdays[m.id] = got
            if len(got) != m.days or len(set(got)) != len(got):
                bad("module_length", f"{course.title}/{m.title}: {len(got)} days, needs {m.days}")
            for d in got:
                if d not in in_course:
                    bad("module_outside_course", f"{course.title}/{m.title} on {d}")
                if d in blackout:
                    bad("blackout", f"{course.title}/{m.title} on blackout day {d}")
        owner: dict[date, list[int]] = defaultdict(list)
        for mid, ds in mdays.items():
            for d in ds:
                owner[d].append(mid)
        for d, mids in owner.items():
            if len(mids) > 1:
                bad("module_overlap", f"{course.title}: modules {sorted(mids)} share {d}")

        slot_use: Counter = Counter()
        session_days: set[date] = set()
        for s in course.sessions:
            p: Placement | None = placed.get(s.key)
            if p is None:
                bad("unplaced", f"{course.title}: {s.key}")
                continue
            slot = Slot(p.slot)
            session_days.add(p.day)
            if p.course_id != course.id or p.day not in in_course:
                bad("outside_course", f"{s.key} on {p.day} (course {p.course_id})")
            if p.day in blackout:
                bad("blackout", f"{s.key} on blackout day {p.day}")
            if s.evening != (slot == Slot.EVENING):
                bad("slot_kind", f"{s.key}: evening={s.evening} in {slot.value}")
            slot_use[(p.day, slot)] += 1
            if s.module_id is not None and p.day not in mdays.get(s.module_id, ()):
                bad("module_day", f"{s.key} on {p.day}, not a day of module {s.module_id}")
            if s.locked is not None and (
                s.locked.course_id != p.course_id or s.locked.day != p.day or Slot(s.locked.slot) != slot
            ):
                bad("locked_moved", f"{s.key}: locked at {s.locked.day} {Slot(s.locked.slot).value}, got {p.day}")
            if s.lecturer_id is not None:
                lec = lecturers.get(s.lecturer_id)
                if lec is None or p.day not in lec.available:
                    bad("lecturer_unavailable", f"{s.key}: lecturer {s.lecturer_id} on {p.day}")
                if (s.lecturer_id, p.day, slot) in busy or (s.lecturer_id, p.day, None) in busy:
                    bad("lecturer_busy", f"{s.key}: lecturer {s.lecturer_id} booked elsewhere on {p.day}")
                lecturer_slot[(s.lecturer_id, p.day, slot)] += 1
                lecturer_day[(s.lecturer_id, p.day)] += 1
            if s.host_id is not None:
                host = hosts.get(s.host_id)
                if host is None or p.day not in host.open_days:
                    bad("host_closed", f"{s.key}: host {s.host_id} closed on {p.day}")
                host_slot[(s.host_id, p.day, slot)] += 1
        for (d, slot), n in slot_use.items():
            if n > 1:
                bad("slot_double", f"{course.title}: {n} sessions on {d} {slot.value}")

        teaching = set(owner) | session_days
        off = [d for d in cal if d not in teaching]
        if sorted(solution.off_days.get(course.id, ())) != off:
            bad("off_days", f"{course.title}: reported off days differ from the days without teaching")
        # one off day in every window of rest_every days (evening events on an off day are caught above:
        # a day holding a session is a teaching day, and it must not be reported as an off day)
        for i in range(0, len(cal) - course.rest_every + 1):
            if all(d in teaching for d in cal[i : i + course.rest_every]):
                bad("rest_day", f"{course.title}: no off day from {cal[i]} to {cal[i + course.rest_every - 1]}")
        # modules contiguous, at most one rest day (not blackout) inside, and in order
        for mid, ds in mdays.items():
            if not ds:
                continue
            span = _days(ds[0], ds[-1])
            for d in span:
                if d not in ds and d in teaching:
                    bad("module_not_contiguous", f"{course.title}/{modules[mid].title}: {d} taught inside it")
            if sum(1 for d in span if d not in blackout) > modules[mid].days + 1:
                bad("module_not_contiguous", f"{course.title}/{modules[mid].title}: more than one rest day inside")
        for m in course.modules:
            preds = set(m.after) | {o.id for o in course.modules if o.order < m.order}
            for pid in preds:
                if pid in mdays and mdays[pid] and mdays[m.id] and not mdays[pid][-1] < mdays[m.id][0]:
                    bad("module_order", f"{course.title}: {modules[pid].title} must end before {m.title} starts")

    for (lid, d, slot), n in lecturer_slot.items():
        if n > 1:
            bad("lecturer_double", f"lecturer {lid} in {n} places on {d} {slot.value}")
    for (lid, d), n in lecturer_day.items():
        lec = lecturers.get(lid)
        if lec is not None and n > lec.max_per_day:
            bad("lecturer_max_per_day", f"lecturer {lid}: {n} sessions on {d} (max {lec.max_per_day})")
    for (hid, d, slot), n in host_slot.items():
        if n > 1:
            bad("host_double", f"host {hid} receives {n} classes on {d} {slot.value}")
    return v
