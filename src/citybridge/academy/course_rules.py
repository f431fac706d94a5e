"""Course and module rules: module length, course length, weekly rest day, class size.

Plain Python, no Django. Each check returns ``Problem`` objects carrying a stable ``code`` and ``params``; the
Django layer translates them (``academy/messages.py``) so the engine never produces English text.

Defaults come from the program's seed texts: modules last 2-6 days; a course usually lasts 2 weeks to 1 month
(14-31 calendar days, first and last day included) with one day off each week; classes have 30-55 students.
Whether a course outside 2 weeks-1 month is an error or only a warning is configurable (default: warning, because
the seed says "usually").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


@dataclass(frozen=True)
class CourseRules:
    module_min_days: int = 2
    module_max_days: int = 6
    course_min_days: int = 14
    course_max_days: int = 31
    course_length_severity: Severity = Severity.WARNING
    #: rest days required in each 7-day block counted from the course's first day (0 disables the check)
    rest_days_per_week: int = 1
    rest_day_severity: Severity = Severity.ERROR
    class_min: int = 30
    class_max: int = 55

    @classmethod
    def from_mapping(cls, data: Mapping | None) -> CourseRules:
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown course rule settings: {sorted(unknown)}")
        for key in ("course_length_severity", "rest_day_severity"):
            if key in data:
                data[key] = Severity(data[key])
        return cls(**data)


def check_module_length(days: int | None, rules: CourseRules | None = None) -> list[Problem]:
    rules = rules or CourseRules()
    if days is None or days < rules.module_min_days or days > rules.module_max_days:
        return [
            Problem(
                "module.length",
                Severity.ERROR,
                {"days": days, "min": rules.module_min_days, "max": rules.module_max_days},
            )
        ]
    return []


def course_days(start: date, end: date) -> int:
    return (end - start).days + 1


def check_course_dates(start: date | None, end: date | None, rules: CourseRules | None = None) -> list[Problem]:
    rules = rules or CourseRules()
    if start is None or end is None:
        return [Problem("course.dates_missing", Severity.ERROR, {})]
    if end < start:
        return [Problem("course.end_before_start", Severity.ERROR, {"start": start, "end": end})]
    n = course_days(start, end)
    params = {"days": n, "min": rules.course_min_days, "max": rules.course_max_days}
    if n < rules.course_min_days:
        return [Problem("course.too_short", rules.course_length_severity, params)]
    if n > rules.course_max_days:
        return [Problem("course.too_long", rules.course_length_severity, params)]
    return []


def check_rest_days(
    start: date, end: date, session_dates: Iterable[date], rules: CourseRules | None = None
) -> list[Problem]:
    """Every full 7-day block from the first day needs ``rest_days_per_week`` days without sessions.

    A final block shorter than 7 days is not checked (a 16-day course has two full weeks and two extra days).
    Sessions outside the course's dates are reported too.
    """
    rules = rules or CourseRules()
    busy = set(session_dates)
    problems: list[Problem] = []
    outside = sorted(d for d in busy if d < start or d > end)
    for d in outside:
        problems.append(Problem("session.outside_course", Severity.ERROR, {"date": d, "start": start, "end": end}))
    if rules.rest_days_per_week <= 0:
        return problems
    n = course_days(start, end)
    for week in range(n // 7):
        first = start + timedelta(days=7 * week)
        days = [first + timedelta(days=i) for i in range(7)]
        rest = sum(1 for d in days if d not in busy)
        if rest < rules.rest_days_per_week:
            problems.append(
                Problem(
                    "course.no_rest_day",
                    rules.rest_day_severity,
                    {"week": week + 1, "start": first, "end": days[-1], "required": rules.rest_days_per_week},
                )
            )
    return problems


def check_class_size(confirmed: int, rules: CourseRules | None = None) -> list[Problem]:
    """The state of a class with ``confirmed`` enrolments: over the maximum is an error, under the minimum a warning."""
    rules = rules or CourseRules()
    if confirmed > rules.class_max:
        return [Problem("course.class_over_max", Severity.ERROR, {"count": confirmed, "max": rules.class_max})]
    if confirmed < rules.class_min:
        return [Problem("course.class_under_min", Severity.WARNING, {"count": confirmed, "min": rules.class_min})]
    return []


def check_can_confirm(confirmed_now: int, adding: int = 1, rules: CourseRules | None = None) -> list[Problem]:
    """May ``adding`` more confirmed enrolments be added to a class that has ``confirmed_now``? (56th: refused.)"""
    rules = rules or CourseRules()
    after = confirmed_now + adding
    if after > rules.class_max:
        return [
            Problem(
                "enrolment.class_full",
                Severity.ERROR,
                {
                    "count": confirmed_now,
                    "adding": adding,
                    "max": rules.class_max,
                    "free": max(0, rules.class_max - confirmed_now),
                },
            )
        ]
    return []


def check_course(
    start: date | None,
    end: date | None,
    session_dates: Iterable[date] = (),
    confirmed: int | None = None,
    module_days: Iterable[int] = (),
    rules: CourseRules | None = None,
) -> list[Problem]:
    """Every rule for a course at once (used by the course page and before opening enrolment)."""
    rules = rules or CourseRules()
    problems = check_course_dates(start, end, rules)
    if start and end and end >= start:
        problems += check_rest_days(start, end, session_dates, rules)
        total_module_days = sum(module_days)
        if total_module_days > course_days(start, end):
            problems.append(
                Problem(
                    "course.modules_exceed_length",
                    Severity.WARNING,
                    {"module_days": total_module_days, "days": course_days(start, end)},
                )
            )
    if confirmed is not None:
        problems += check_class_size(confirmed, rules)
    return problems


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]
