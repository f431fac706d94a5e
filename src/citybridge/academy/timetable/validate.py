"""Input errors caught before solving: each one a Conflict the Django layer turns into a sentence (nothing is saved).

These are cheap, exact counting arguments; what they miss the solver's assumption literals explain.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from .model import DAYTIME_SLOTS, Conflict, CourseProblem, Problem, Slot

MIN_MODULE_DAYS = 2  # DOMAIN.md: "A module lasts 2–6 days"
MAX_MODULE_DAYS = 6


def course_days(course: CourseProblem) -> list[date]:
    return [course.start + timedelta(days=i) for i in range(max(0, course.n_days))]


def max_teaching_days(course: CourseProblem) -> int:
    """The most teaching days the course can hold: every non-blackout day taught, except the fewest rest days that
    leave an off day in every window of `rest_every` days. Greedy (teach while the run of teaching days is shorter
    than rest_every - 1, then rest) is optimal: resting later than forced never helps a later window."""
    run = 0
    taught = 0
    for day in course_days(course):
        if course.is_blackout(day) or run == course.rest_every - 1:
            run = 0
            continue
        run += 1
        taught += 1
    return taught


def _order_cycle(course: CourseProblem) -> list[str]:
    """Titles of modules caught in a cycle of `after` / `order` precedences, or []."""
    ids = {m.id: m for m in course.modules}
    succ: dict[int, set[int]] = defaultdict(set)
    for m in course.modules:
        for a in m.after:
            if a in ids:
                succ[a].add(m.id)
        for o in course.modules:
            if o.order < m.order:
                succ[o.id].add(m.id)
    state: dict[int, int] = {}
    stack: list[int] = []

    def visit(n: int) -> list[int]:
        state[n] = 1
        stack.append(n)
        for s in sorted(succ[n]):
            if state.get(s) == 1:
                return stack[stack.index(s) :]
            if s not in state:
                found = visit(s)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return []

    for m in course.modules:
        if m.id not in state:
            cyc = visit(m.id)
            if cyc:
                return [ids[i].title for i in cyc]
    return []


def validate(problem: Problem) -> tuple[Conflict, ...]:
    out: list[Conflict] = []
    lecturers = {lec.id: lec for lec in problem.lecturers}
    hosts = {h.id: h for h in problem.hosts}
    seen_keys: set[str] = set()
    # (lecturer, day, slot) -> titles of locked sessions there, across courses
    locked_by_lecturer: dict[tuple[int, date, Slot], list[str]] = defaultdict(list)

    for course in problem.courses:
        c = course.title
        if course.end < course.start:
            out.append(Conflict("window_reversed", {"course": c, "start": str(course.start), "end": str(course.end)}))
            continue
        days = course_days(course)
        modules = {m.id: m for m in course.modules}
        for m in course.modules:
            if not MIN_MODULE_DAYS <= m.days <= MAX_MODULE_DAYS:
                out.append(Conflict("module_days_out_of_range", {"course": c, "module": m.title, "days": m.days}))
            if m.days > len(days):
                out.append(
                    Conflict(
                        "module_longer_than_course",
                        {"course": c, "module": m.title, "days": m.days, "course_days": len(days)},
                    )
                )
        needed = sum(m.days for m in course.modules)
        available = max_teaching_days(course)
        if needed > available:
            out.append(
                Conflict(
                    "too_few_working_days",
                    {
                        "course": c,
                        "needed": needed,
                        "available": available,
                        "blackout_days": sum(1 for d in days if course.is_blackout(d)),
                    },
                )
            )
        cycle = _order_cycle(course)
        if cycle:
            out.append(Conflict("module_order_cycle", {"course": c, "modules": cycle}))

        per_module: dict[int, list] = defaultdict(list)
        locked_here: dict[tuple[date, Slot], list[str]] = defaultdict(list)
        for s in course.sessions:
            if s.key in seen_keys:
                out.append(Conflict("duplicate_session", {"session": s.key}))
            seen_keys.add(s.key)
            if s.module_id is not None and s.module_id not in modules:
                out.append(Conflict("unknown_module", {"course": c, "session": s.title, "module_id": s.module_id}))
            if s.lecturer_id is not None and s.lecturer_id not in lecturers:
                out.append(Conflict("unknown_lecturer", {"session": s.title, "lecturer_id": s.lecturer_id}))
            if s.host_id is not None and s.host_id not in hosts:
                out.append(Conflict("unknown_host", {"session": s.title, "host_id": s.host_id}))
            if s.module_id in modules:
                per_module[s.module_id].append(s)
            host = hosts.get(s.host_id) if s.host_id is not None else None
            if host is not None and not any(d in host.open_days and not course.is_blackout(d) for d in days):
                out.append(
                    Conflict(
                        "host_closed",
                        {"host": host.name, "session": s.title, "course": c, "open_days": len(host.open_days)},
                    )
                )
            lk = s.locked
            if lk is None:
                continue
            if lk.course_id != course.id or not course.start <= lk.day <= course.end:
                out.append(Conflict("locked_outside_course", {"course": c, "session": s.title, "day": str(lk.day)}))
                continue
            if course.is_blackout(lk.day):
                out.append(Conflict("locked_on_blackout", {"course": c, "session": s.title, "day": str(lk.day)}))
            if (lk.slot is Slot.EVENING) != s.evening:
                out.append(
                    Conflict("locked_wrong_slot", {"session": s.title, "day": str(lk.day), "slot": lk.slot.value})
                )
            locked_here[(lk.day, lk.slot)].append(s.title)
            lec = lecturers.get(s.lecturer_id) if s.lecturer_id is not None else None
            if lec is not None:
                locked_by_lecturer[(lec.id, lk.day, lk.slot)].append(s.title)
                if lk.day not in lec.available:
                    out.append(
                        Conflict(
                            "locked_lecturer_unavailable",
                            {"lecturer": lec.name, "session": s.title, "day": str(lk.day)},
                        )
                    )
            if host is not None and lk.day not in host.open_days:
                out.append(Conflict("locked_host_closed", {"host": host.name, "session": s.title, "day": str(lk.day)}))
        for (day, slot), titles in sorted(locked_here.items()):
            if len(titles) > 1:
                out.append(
                    Conflict("locked_same_slot", {"course": c, "sessions": titles, "day": str(day), "slot": slot.value})
                )

        for mid, sessions in per_module.items():
            m = modules[mid]
            day_n = sum(1 for s in sessions if not s.evening)
            eve_n = len(sessions) - day_n
            if day_n > len(DAYTIME_SLOTS) * m.days:
                out.append(
                    Conflict(
                        "module_too_many_sessions",
                        {
                            "course": c,
                            "module": m.title,
                            "sessions": day_n,
                            "capacity": len(DAYTIME_SLOTS) * m.days,
                            "slot": "daytime",
                        },
                    )
                )
            if eve_n > m.days:
                out.append(
                    Conflict(
                        "module_too_many_sessions",
                        {"course": c, "module": m.title, "sessions": eve_n, "capacity": m.days, "slot": "evening"},
                    )
                )
            # a lecturer's sessions of one module fall within the module's days plus at most one rest day inside it:
            # some window of (days + 1) calendar days must hold enough of their available days
            by_lec: dict[int, int] = defaultdict(int)
            for s in sessions:
                if s.lecturer_id in lecturers:
                    by_lec[s.lecturer_id] += 1
            for lid, n in sorted(by_lec.items()):
                lec = lecturers[lid]
                span = min(len(days), m.days + 1 + sum(1 for d in days if course.is_blackout(d)))
                best = 0
                for i in range(0, max(1, len(days) - span + 1)):
                    window = days[i : i + span]
                    best = max(best, sum(1 for d in window if d in lec.available and not course.is_blackout(d)))
                best = min(best, m.days)
                if best * lec.max_per_day < n:
                    out.append(
                        Conflict(
                            "lecturer_too_few_days",
                            {
                                "lecturer": lec.name,
                                "available_days": best,
                                "needed_sessions": n,
                                "module": m.title,
                                "course": c,
                                "max_per_day": lec.max_per_day,
                            },
                        )
                    )

    # a lecturer's sessions across every course against their available teaching days × sessions a day
    named = {c.params["lecturer"] for c in out if c.code == "lecturer_too_few_days"}
    need: dict[int, int] = defaultdict(int)
    usable: dict[int, set[date]] = defaultdict(set)
    for course in problem.courses:
        if course.end < course.start:
            continue
        for s in course.sessions:
            lec = lecturers.get(s.lecturer_id) if s.lecturer_id is not None else None
            if lec is not None:
                need[lec.id] += 1
                usable[lec.id] |= {d for d in course_days(course) if d in lec.available and not course.is_blackout(d)}
    for lid, n in sorted(need.items()):
        lec = lecturers[lid]
        if lec.name not in named and len(usable[lid]) * lec.max_per_day < n:
            out.append(
                Conflict(
                    "lecturer_overbooked",
                    {
                        "lecturer": lec.name,
                        "available_days": len(usable[lid]),
                        "needed_sessions": n,
                        "max_per_day": lec.max_per_day,
                    },
                )
            )

    for (lid, day, slot), titles in sorted(locked_by_lecturer.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if len(titles) > 1:
            out.append(
                Conflict(
                    "locked_overlap",
                    {"lecturer": lecturers[lid].name, "sessions": titles, "day": str(day), "slot": slot.value},
                )
            )
    return tuple(out)
