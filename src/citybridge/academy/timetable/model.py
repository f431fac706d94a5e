"""Typed inputs and outputs of the timetable engine (issue 11). Plain Python: no Django, no OR-Tools here.

Vocabulary
- A course runs from `start` to `end` (both included). Each calendar day of it is either a *teaching day* or an
  *off day*. Off days are blackout days (public holidays, the academy's own closures) and rest days the solver
  chooses. Every window of `rest_every` consecutive course days holds at least one off day ("one day off a week",
  DOMAIN.md), a rest day preferably on `rest_weekday`.
- A day has two daytime slots (MORNING, AFTERNOON) and one EVENING slot. A course holds at most one session per slot.
- A module lasts `days` teaching days (2–6, DOMAIN.md), contiguous: between its first and last teaching day there is
  no other module's day and no teaching day outside it; at most one non-blackout off day (its rest day) falls inside.
  Modules run in `order` (a module with a smaller `order` ends before one with a larger `order` starts; equal orders
  may run in either order) and after every module listed in `after` (partial order).
- Sessions of a module are held on that module's days; sessions without a module (dinners, exhibitions, an opening
  ceremony) on any teaching day of the course. Evening sessions (`evening=True`) take the EVENING slot, and never
  fall on an off day.
- Adjusted working days (China moves weekend days to make long holidays, see the `chinesecalendar` package that
  the Django layer reads) are given as `extra_working_days`: such a day is never treated as blackout even if it is
  also listed there, and it never counts as a preferred rest weekday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum


class Slot(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @property
    def default_times(self) -> tuple[time, time]:
        """Start and end time a session in this slot gets unless the Django layer says otherwise."""
        return SLOT_TIMES[self]

    @property
    def is_daytime(self) -> bool:
        return self is not Slot.EVENING


#: default times of the three slots of a day (a half-day block of classes, and a dinner or evening event)
SLOT_TIMES: dict[Slot, tuple[time, time]] = {
    Slot.MORNING: (time(9, 0), time(12, 0)),
    Slot.AFTERNOON: (time(14, 0), time(17, 0)),
    Slot.EVENING: (time(18, 30), time(20, 30)),
}
DAYTIME_SLOTS: tuple[Slot, Slot] = (Slot.MORNING, Slot.AFTERNOON)
SLOTS: tuple[Slot, Slot, Slot] = (Slot.MORNING, Slot.AFTERNOON, Slot.EVENING)

#: session formats the engine knows (the Django layer's SessionFormat values); formats only matter for site visits
FORMATS = ("lecture", "site_visit", "workshop", "discussion", "dinner", "lunch", "exhibition")


@dataclass(frozen=True)
class Placement:
    course_id: int
    day: date
    slot: Slot


@dataclass(frozen=True)
class Lecturer:
    id: int
    name: str
    #: the days the lecturer can teach (their availability windows expanded to days, minus their own blackouts)
    available: frozenset[date]
    #: weekdays they prefer (0 = Monday … 6 = Sunday); empty = no preference
    preferred_weekdays: frozenset[int] = frozenset()
    max_per_day: int = 2
    #: "group my sessions": like a visiting lecturer, their sessions should fall on consecutive days (fewer trips)
    group_sessions: bool = False
    #: flies in (New York, London …): each run of consecutive teaching days is one trip
    visiting: bool = False


@dataclass(frozen=True)
class Host:
    """A site-visit host (a company, a plant, a district office) and the days it receives a class."""

    id: int
    name: str
    open_days: frozenset[date]


@dataclass(frozen=True)
class ModuleReq:
    id: int
    title: str
    days: int
    order: int = 0
    #: ids of modules (same course) that must end before this one starts
    after: tuple[int, ...] = ()


@dataclass(frozen=True)
class SessionReq:
    #: unique across the whole Problem (e.g. "s123" for a stored session, "c4-m2-lecture-1" for a new one)
    key: str
    module_id: int | None
    format: str
    title: str
    lecturer_id: int | None = None
    host_id: int | None = None
    evening: bool = False
    topic: str | None = None
    #: days a partner asked for (soft); empty = no request
    requested_days: frozenset[date] = frozenset()
    #: fixed by hand: the session stays exactly here
    locked: Placement | None = None


@dataclass(frozen=True)
class CourseProblem:
    id: int
    title: str
    start: date
    end: date
    modules: tuple[ModuleReq, ...]
    sessions: tuple[SessionReq, ...]
    blackout: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    #: preferred weekday of the rest day (0 = Monday … 6 = Sunday), None = no preference
    rest_weekday: int | None = 6
    rest_every: int = 7

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days + 1

    def is_blackout(self, day: date) -> bool:
        return day in self.blackout and day not in self.extra_working_days


@dataclass(frozen=True)
class Busy:
    """A lecturer already booked elsewhere (another course not in this solve, a conference)."""

    lecturer_id: int
    day: date
    slot: Slot | None = None  # None: the whole day


@dataclass(frozen=True)
class Weights:
    """Weights of the soft objective (all integers ≥ 0; 0 switches a term off)."""

    #: per session of a lecturer on a weekday they did not prefer
    preferred_days: int = 2
    #: per trip beyond the first of a visiting (or "group my sessions") lecturer
    trips: int = 6
    #: per partner session not on a requested day
    partner_dates: int = 5
    #: per session above the course's even share on one day
    even_load: int = 1
    #: per topic taught on two consecutive teaching days of a course
    topic_variety: int = 1
    #: per rest day (not a blackout day) not on the course's preferred rest weekday
    rest_weekday: int = 1
    #: per rest day (not a blackout day) that falls inside a module, splitting it
    module_breaks: int = 1
    #: re-plan: per session moved away from its previous placement
    moves: int = 20


@dataclass(frozen=True)
class Problem:
    courses: tuple[CourseProblem, ...]
    lecturers: tuple[Lecturer, ...]
    hosts: tuple[Host, ...] = ()
    busy: tuple[Busy, ...] = ()
    weights: Weights = field(default_factory=Weights)
    #: re-plan: the accepted placements (session key → placement); moving one costs `weights.moves`
    previous: dict[str, Placement] | None = None
    time_limit_s: float = 10.0
    workers: int = 1
    #: on infeasibility, shrink CP-SAT's set of assumptions to a minimal one (a few extra short solves)
    minimise_explanation: bool = True
    seed: int = 0


@dataclass(frozen=True)
class Conflict:
    """A reason the timetable cannot be made. `code` is a key of CONFLICT_CODES; `params` holds only JSON values
    (str, int, lists of str) so the Django layer can store it and translate it into a sentence."""

    code: str
    params: dict[str, object]


@dataclass(frozen=True)
class Violation:
    """A broken hard constraint found by `check` (the independent checker)."""

    code: str
    detail: str


@dataclass(frozen=True)
class Solution:
    status: str  # 'optimal' | 'feasible' | 'infeasible' | 'unknown' | 'stopped'
    placements: dict[str, Placement]
    module_days: dict[tuple[int, int], tuple[date, ...]]
    #: per course: its off days (blackout and rest days) in order
    off_days: dict[int, tuple[date, ...]]
    objective: int
    objective_parts: dict[str, int]
    bound: float
    gap: float
    solve_seconds: float
    conflicts: tuple[Conflict, ...] = ()
    moved: tuple[str, ...] = ()
    #: figures that are not weighted: trips per visiting lecturer, sessions on preferred days …
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "feasible")


#: every conflict code the engine emits, with the params it carries (the Django layer writes one sentence per code)
CONFLICT_CODES: dict[str, tuple[str, ...]] = {
    # --- found by validate() before solving
    "window_reversed": ("course", "start", "end"),
    "module_days_out_of_range": ("course", "module", "days"),
    "module_longer_than_course": ("course", "module", "days", "course_days"),
    "too_few_working_days": ("course", "needed", "available", "blackout_days"),
    "module_too_many_sessions": ("course", "module", "sessions", "capacity", "slot"),
    "module_order_cycle": ("course", "modules"),
    "unknown_module": ("course", "session", "module_id"),
    "unknown_lecturer": ("session", "lecturer_id"),
    "unknown_host": ("session", "host_id"),
    "duplicate_session": ("session",),
    "locked_outside_course": ("course", "session", "day"),
    "locked_on_blackout": ("course", "session", "day"),
    "locked_wrong_slot": ("session", "day", "slot"),
    "locked_same_slot": ("course", "sessions", "day", "slot"),
    "locked_overlap": ("lecturer", "sessions", "day", "slot"),
    "locked_lecturer_unavailable": ("lecturer", "session", "day"),
    "locked_host_closed": ("host", "session", "day"),
    "lecturer_too_few_days": ("lecturer", "available_days", "needed_sessions", "module", "course", "max_per_day"),
    "lecturer_overbooked": ("lecturer", "available_days", "needed_sessions", "max_per_day"),
    "host_closed": ("host", "session", "course", "open_days"),
    # --- found by the solver (a small set of constraint groups that cannot all hold)
    "lecturer_unavailable": ("lecturer", "available_days", "needed_sessions", "modules", "courses"),
    "lecturer_max_per_day": ("lecturer", "max_per_day", "needed_sessions"),
    "lecturer_busy_elsewhere": ("lecturer", "bookings"),
    "module_length": ("course", "module", "days"),
    "module_order": ("course",),
    "rest_day": ("course", "rest_every"),
    "blackout": ("course", "days", "first", "last"),
    "host_open_days": ("host", "open_days", "sessions"),
    "locked": ("session", "course", "day", "slot"),
    "course_window": ("course", "start", "end", "sessions"),
    "no_solution_in_time": ("seconds",),
}
