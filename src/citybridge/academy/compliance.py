"""Mandatory-training compliance: which days count, days per year, 5-year windows, shortfalls.

Plain Python, no Django. The service layer loads sessions, attendance marks and external training for an
official, calls these functions and stores the per-year summary that the "who is behind" page sorts on.

Rules (defaults from the program's seed texts, configurable per deployment through ``ComplianceRules``):

* A **training day counts** for an official when, on that date, they attended at least ``min_fraction`` (default
  one half) of the sessions scheduled for them that day. ``present`` and ``late`` count as attended; ``excused``
  and ``absent`` do not; a session with no mark counts as not attended.
* Officials must complete ``annual_required_days`` (12) training days in each calendar year.
* In every ``window_years`` (5) years of service, counted from the date service began, they must complete
  ``window_required_days`` training days ("3 months"; default 78 = 13 weeks x 6 training days, one rest day a
  week -- see docs/academy.md).
* Training taken elsewhere (``ExternalTraining``) counts when evidence is attached (``external_requires_evidence``).
  Its training days are placed on the first ``days`` calendar dates of its period, so a record straddling a year
  or window boundary is split accordingly. A date is counted once even if it is both an academy day and an
  external-training day.
* A calendar year before the one service began requires nothing (``required_in_year``); days trained then are
  shown but count toward no window (windows start when service begins).
* The annual total and the 5-year window count **the same dates**: every credited date, whatever ``as_of`` (the
  service layer only accepts marks for sessions that have begun, so there are no future marks to disagree on).
* "At risk" in a window (``window_standing``, counting the window's days up to the end of the year looked at): even
  doing exactly the annual requirement in the year looked at and
  in every later calendar year the window reaches would leave the window short; ``gap`` is the days still missing.

Which sessions are "scheduled for" an official is decided by the service layer (see
``compliance_data.compliance_inputs``): every session of a course they are confirmed in, and, for other enrolments
(withdrawn, waitlisted) and for cancelled courses, only the sessions they have a mark for -- days actually attended
count whatever the enrolment became later.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"


@dataclass(frozen=True)
class DayRule:
    """When a day of sessions counts as a training day."""

    #: share of the day's sessions the official must attend (0 < min_fraction <= 1)
    min_fraction: Fraction = Fraction(1, 2)
    #: statuses that count as having attended a session
    counted_statuses: frozenset[str] = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})

    def __post_init__(self) -> None:
        if not (0 < self.min_fraction <= 1):
            raise ValueError("min_fraction must be in (0, 1]")


@dataclass(frozen=True)
class ComplianceRules:
    annual_required_days: int = 12
    window_years: int = 5
    window_required_days: int = 78
    external_requires_evidence: bool = True
    day_rule: DayRule = field(default_factory=DayRule)

    @classmethod
    def from_mapping(cls, data: Mapping | None) -> ComplianceRules:
        """Build from a settings dict (unknown keys rejected, so typos in settings fail loudly)."""
        data = dict(data or {})
        day = {k: data.pop(k) for k in ("min_fraction", "counted_statuses") if k in data}
        if "min_fraction" in day:
            day["min_fraction"] = Fraction(str(day["min_fraction"]))
        if "counted_statuses" in day:
            day["counted_statuses"] = frozenset(day["counted_statuses"])
        unknown = set(data) - {
            "annual_required_days",
            "window_years",
            "window_required_days",
            "external_requires_evidence",
        }
        if unknown:
            raise ValueError(f"unknown compliance settings: {sorted(unknown)}")
        return cls(day_rule=DayRule(**day), **data)


@dataclass(frozen=True)
class SessionMark:
    """One session the official was expected at (a session of a course they are confirmed in) and their mark."""

    day: date
    status: str | None  # None: not recorded, counts as not attended
    source: int | None = None  # the course id (for explanations only)


@dataclass(frozen=True)
class ExternalTraining:
    start: date
    end: date
    days: int
    has_evidence: bool = True
    ref: int | None = None  # the record's id (for explanations only)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("external training ends before it starts")
        if self.days < 0:
            raise ValueError("external training days must not be negative")


def day_counts(attended: int, scheduled: int, rule: DayRule) -> bool:
    """True when attending ``attended`` of ``scheduled`` sessions makes the day a training day."""
    if scheduled <= 0 or attended <= 0:
        return False
    return Fraction(attended, scheduled) >= rule.min_fraction


def credited_days(marks: Iterable[SessionMark], rule: DayRule | None = None) -> list[date]:
    """The dates that count as training days, sorted."""
    rule = rule or DayRule()
    scheduled: dict[date, int] = defaultdict(int)
    attended: dict[date, int] = defaultdict(int)
    for m in marks:
        scheduled[m.day] += 1
        if m.status in rule.counted_statuses:
            attended[m.day] += 1
    return sorted(d for d in scheduled if day_counts(attended[d], scheduled[d], rule))


def external_dates(record: ExternalTraining, rules: ComplianceRules | None = None) -> list[date]:
    """The calendar dates an external-training record is credited on (none without evidence when required)."""
    rules = rules or ComplianceRules()
    if rules.external_requires_evidence and not record.has_evidence:
        return []
    span = (record.end - record.start).days + 1
    n = min(record.days, span)
    return [record.start + timedelta(days=i) for i in range(n)]


def all_training_dates(
    credited: Iterable[date], external: Iterable[ExternalTraining] = (), rules: ComplianceRules | None = None
) -> list[date]:
    """Academy training days and credited external-training days, each date once, sorted."""
    dates = set(credited)
    for rec in external:
        dates.update(external_dates(rec, rules))
    return sorted(dates)


# --------------------------------------------------------------------------- annual


@dataclass(frozen=True)
class YearCompliance:
    year: int
    academy_days: int
    external_days: int
    required: int

    @property
    def total(self) -> int:
        return self.academy_days + self.external_days

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.total)

    @property
    def met(self) -> bool:
        return self.shortfall == 0


def required_in_year(year: int, service_start: date | None, rules: ComplianceRules | None = None) -> int:
    """Days required in a calendar year: none before the year service began, the full annual figure from it on
    (no pro-rating of the first year). Unknown service start: required every year."""
    rules = rules or ComplianceRules()
    if service_start is not None and year < service_start.year:
        return 0
    return rules.annual_required_days


def year_compliance(
    year: int,
    credited: Iterable[date],
    external: Iterable[ExternalTraining] = (),
    rules: ComplianceRules | None = None,
    *,
    service_start: date | None = None,
) -> YearCompliance:
    """Training days in a calendar year. External days falling on an academy day are not counted twice."""
    rules = rules or ComplianceRules()
    academy = {d for d in credited if d.year == year}
    ext: set[date] = set()
    for rec in external:
        ext.update(d for d in external_dates(rec, rules) if d.year == year)
    ext -= academy
    return YearCompliance(year, len(academy), len(ext), required_in_year(year, service_start, rules))


def years_compliance(
    first_year: int,
    last_year: int,
    credited: Iterable[date],
    external: Iterable[ExternalTraining] = (),
    rules: ComplianceRules | None = None,
    *,
    service_start: date | None = None,
) -> list[YearCompliance]:
    credited = list(credited)
    external = list(external)
    return [
        year_compliance(y, credited, external, rules, service_start=service_start)
        for y in range(first_year, last_year + 1)
    ]


# --------------------------------------------------------------------------- 5-year windows


def add_years(d: date, years: int) -> date:
    """Same month and day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


@dataclass(frozen=True)
class ServiceWindow:
    index: int  # 0 for the first five years of service
    start: date  # inclusive
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        """The window's last day, as pages write a period (2023-10-01 – 2028-09-30)."""
        return self.end - timedelta(days=1)


def service_windows(service_start: date, as_of: date, rules: ComplianceRules | None = None) -> list[ServiceWindow]:
    """Windows from service start up to and including the one containing ``as_of``."""
    rules = rules or ComplianceRules()
    out = []
    i = 0
    while True:
        start = add_years(service_start, i * rules.window_years)
        if start > as_of:
            break
        out.append(ServiceWindow(i, start, add_years(service_start, (i + 1) * rules.window_years)))
        i += 1
    return out


class WindowStatus(StrEnum):
    MET = "met"
    MISSED = "missed"
    IN_PROGRESS = "in_progress"


@dataclass(frozen=True)
class WindowCompliance:
    window: ServiceWindow
    days: int
    required: int
    as_of: date

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.days)

    @property
    def status(self) -> WindowStatus:
        if self.days >= self.required:
            return WindowStatus.MET
        return WindowStatus.MISSED if self.as_of >= self.window.end else WindowStatus.IN_PROGRESS

    @property
    def elapsed_fraction(self) -> Fraction:
        total = (self.window.end - self.window.start).days
        done = min(max((self.as_of - self.window.start).days, 0), total)
        return Fraction(done, total)

    @property
    def expected_by_now(self) -> int:
        """Days a steady pace would have reached by ``as_of`` (rounded up)."""
        return math.ceil(self.required * self.elapsed_fraction)

    @property
    def behind_pace(self) -> int:
        return max(0, self.expected_by_now - self.days)


def window_compliance(
    service_start: date,
    as_of: date,
    credited: Iterable[date],
    external: Iterable[ExternalTraining] = (),
    rules: ComplianceRules | None = None,
) -> list[WindowCompliance]:
    """Every 5-year window of service up to ``as_of`` with its training days.

    A window counts every credited date inside it -- the same dates as the annual totals (``as_of`` only decides
    which windows exist and whether the last one is over)."""
    rules = rules or ComplianceRules()
    dates = all_training_dates(credited, external, rules)
    out = []
    for w in service_windows(service_start, as_of, rules):
        n = sum(1 for d in dates if w.start <= d < w.end)
        out.append(WindowCompliance(w, n, rules.window_required_days, as_of))
    return out


def window_in_force(service_start: date, year: int, rules: ComplianceRules | None = None) -> ServiceWindow | None:
    """The window in force on 1 January of ``year``, or on the day service began if that is later (None when
    service begins after ``year``)."""
    rules = rules or ComplianceRules()
    if service_start.year > year:
        return None
    return service_windows(service_start, max(date(year, 1, 1), service_start), rules)[-1]


@dataclass(frozen=True)
class WindowStanding:
    """One year's view of its 5-year window, time-independent so it can be stored (TrainingSummary)."""

    window: ServiceWindow
    days: int  # training days in the window up to the end of the year looked at
    required: int  # window_required_days
    capacity: int  # days the annual pace still adds: this year's shortfall + the annual figure per later year
    gap: int  # days the window would still lack at the annual pace (0: reachable); > 0 means "at risk"

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.days)

    @property
    def at_risk(self) -> bool:
        return self.gap > 0


def window_standing(
    service_start: date | None,
    year: int,
    dates: Iterable[date],
    rules: ComplianceRules | None = None,
) -> WindowStanding | None:
    """The window in force in ``year`` and whether the annual pace reaches it.

    ``dates`` are all training dates (``all_training_dates``); the window's days are those up to 31 December of
    ``year`` (the same dates the annual totals up to that year count; a past year's row does not see later years).
    Capacity = the days still missing in ``year`` (the
    annual figure minus the year's total, at least 0) + the annual figure for every later calendar year that
    contains a day of the window, without pro-rating (so "at risk" is never raised on a window that the annual pace
    could still just reach). Gap = required - days - capacity, at least 0."""
    rules = rules or ComplianceRules()
    if service_start is None:
        return None
    w = window_in_force(service_start, year, rules)
    if w is None:
        return None
    dates = list(dates)
    days = sum(1 for d in dates if w.start <= d < w.end and d.year <= year)
    in_year = sum(1 for d in dates if d.year == year)
    last_year = (w.end - timedelta(days=1)).year
    capacity = max(0, rules.annual_required_days - in_year) + rules.annual_required_days * max(0, last_year - year)
    gap = max(0, rules.window_required_days - days - capacity)
    return WindowStanding(w, days, rules.window_required_days, capacity, gap)


def day_sources(
    marks: Iterable[SessionMark], external: Iterable[ExternalTraining] = (), rules: ComplianceRules | None = None
) -> dict[date, tuple[str, int | None]]:
    """Where each training date comes from: ("course", course id) or ("external", record id). A date that is both
    is an academy day (as in ``year_compliance``); a date with sessions of two courses goes to the course with the
    smaller id whose session the official attended."""
    rules = rules or ComplianceRules()
    marks = list(marks)
    credited = set(credited_days(marks, rules.day_rule))
    out: dict[date, tuple[str, int | None]] = {}
    for rec in external:
        for d in external_dates(rec, rules):
            if d not in credited:
                out.setdefault(d, ("external", rec.ref))
    attended: dict[date, list[int]] = defaultdict(list)
    for m in marks:
        if m.day in credited and m.status in rules.day_rule.counted_statuses:
            attended[m.day].append(m.source if m.source is not None else -1)
    for d, sources in attended.items():
        src = min(sources)
        out[d] = ("course", None if src == -1 else src)
    return out


# --------------------------------------------------------------------------- one official, and the list


@dataclass(frozen=True)
class OfficialInput:
    official_id: int
    service_start: date | None
    marks: tuple[SessionMark, ...] = ()
    external: tuple[ExternalTraining, ...] = ()


@dataclass(frozen=True)
class OfficialCompliance:
    official_id: int
    year: YearCompliance
    window: WindowCompliance | None  # the current window; None when the service start is unknown or in the future
    history: tuple[YearCompliance, ...]
    windows: tuple[WindowCompliance, ...]

    @property
    def annual_shortfall(self) -> int:
        return self.year.shortfall

    @property
    def window_shortfall(self) -> int:
        return self.window.shortfall if self.window else 0

    @property
    def behind(self) -> bool:
        return self.annual_shortfall > 0 or (self.window is not None and self.window.behind_pace > 0)


def official_compliance(
    official: OfficialInput, as_of: date, rules: ComplianceRules | None = None, *, year: int | None = None
) -> OfficialCompliance:
    """Everything the official's page shows: the year, its history since service began, every window."""
    rules = rules or ComplianceRules()
    year = year or as_of.year
    credited = credited_days(official.marks, rules.day_rule)
    ext = list(official.external)
    first_dates = all_training_dates(credited, ext, rules)
    first_year = min(
        [year]
        + ([official.service_start.year] if official.service_start else [])
        + ([first_dates[0].year] if first_dates else [])
    )
    history = tuple(years_compliance(first_year, year, credited, ext, rules, service_start=official.service_start))
    windows: tuple[WindowCompliance, ...] = ()
    if official.service_start:
        windows = tuple(window_compliance(official.service_start, as_of, credited, ext, rules))
    return OfficialCompliance(
        official_id=official.official_id,
        year=history[-1],
        window=windows[-1] if windows else None,
        history=history,
        windows=windows,
    )


def behind_list(items: Iterable[OfficialCompliance], *, include_on_track: bool = False) -> list[OfficialCompliance]:
    """Sorted by annual shortfall, then by how far behind pace in the current window, then by id."""
    rows = [c for c in items if include_on_track or c.behind]
    return sorted(
        rows,
        key=lambda c: (-c.annual_shortfall, -(c.window.behind_pace if c.window else 0), c.official_id),
    )
