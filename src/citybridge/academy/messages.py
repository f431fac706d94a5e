"""Whole-sentence, translated messages for the engines' error codes (course rules, roster rows)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from citybridge.core.rows import date_text
from citybridge.core.validators import MAX_DATE, MIN_DATE

from .course_rules import Problem
from .roster import COLUMNS, RosterError


def _fmt(params: dict[str, Any]) -> dict[str, Any]:
    return {k: (date_text(v) if isinstance(v, date) else v) for k, v in params.items()}


def problem_message(problem: Problem) -> str:
    p = _fmt(dict(problem.params))
    code = problem.code
    if code == "module.length":
        return _("A module lasts %(min)s to %(max)s days; this one has %(days)s.") % {
            **p,
            "days": p.get("days") if p.get("days") is not None else "–",
        }
    if code == "course.dates_missing":
        return _("Give the course's first and last day.")
    if code == "course.end_before_start":
        return _("The last day (%(end)s) is before the first day (%(start)s).") % p
    if code == "course.too_short":
        return _("The course lasts %(days)s days; courses usually last %(min)s to %(max)s days.") % p
    if code == "course.too_long":
        return _("The course lasts %(days)s days; courses usually last %(min)s to %(max)s days.") % p
    if code == "course.no_rest_day":
        return (
            _(
                "Week %(week)s (%(start)s – %(end)s) has no rest day: keep at least %(required)s day without "
                "sessions each week."
            )
            % p
        )
    if code == "session.outside_course":
        return _("A session on %(date)s is outside the course's dates (%(start)s – %(end)s).") % p
    if code == "course.class_over_max":
        return _("%(count)s officials are confirmed; a class has at most %(max)s.") % p
    if code == "course.class_under_min":
        return _("Only %(count)s officials are confirmed; a class should have at least %(min)s.") % p
    if code == "enrolment.class_full":
        return (
            _(
                "The class is full: %(count)s of %(max)s places are taken, so %(adding)s more cannot be confirmed "
                "(%(free)s free). Put them on the waitlist instead."
            )
            % p
        )
    if code == "course.modules_exceed_length":
        return _("The modules add up to %(module_days)s days but the course lasts %(days)s days.") % p
    return code


def column_label(key: str | None) -> str:
    for c in COLUMNS:
        if c.key == key:
            return c.header
    return ""


def roster_message(err: RosterError) -> str:
    p = _fmt(dict(err.params))
    col = column_label(err.column)
    code = err.code
    if code == "roster.empty_file":
        return _("The file is empty.")
    if code == "roster.too_large":
        return _("The file is too large (%(size)s bytes); the limit is %(max)s bytes.") % p
    if code == "roster.too_many_rows":
        return _("The file has more than %(max)s rows; split it into smaller files.") % p
    if code == "roster.not_spreadsheet":
        return _("This file is not a spreadsheet. Upload an XLSX or CSV file (the template is one).")
    if code == "roster.cell_too_long":
        return _("A cell of the file is longer than %(max)s characters.") % {"max": f"{p['max']:,}"}
    if code == "roster.xls_not_supported":
        return _("Old Excel files (.xls) are not supported: save the file as .xlsx or .csv and upload it again.")
    if code == "roster.no_known_columns":
        return _("None of the column headers is recognised (%(found)s). Use the template's header row.") % p
    if code == "roster.unknown_columns":
        return _("These columns are not recognised: %(found)s. Remove them or use the template's header row.") % p
    if code == "roster.duplicate_column":
        return _("The column “%(column)s” appears twice.") % {"column": col}
    if code == "roster.missing_column":
        return _("The required column “%(column)s” is missing.") % {"column": col}
    if code == "roster.no_rows":
        return _("The file has a header but no officials.")
    if code == "roster.missing_name":
        return _("Give the family name in English or in Chinese.")
    if code == "roster.missing_position":
        return _("The position is missing.")
    if code == "roster.unknown_position":
        return (
            _(
                "“%(value)s” is not a known position. Use one of: mayor, vice mayor, central-government bureau "
                "officer, SOE executive, other."
            )
            % p
        )
    if code == "roster.bad_date" and isinstance(err.params.get("value"), date):  # a real date outside the bounds
        return _("Enter a date between %(min)s and %(max)s.") % {"min": date_text(MIN_DATE), "max": date_text(MAX_DATE)}
    if code == "roster.bad_date":
        return _("“%(value)s” in “%(column)s” is not a valid date; write it as YYYY-MM-DD.") % {**p, "column": col}
    if code == "roster.date_in_future":
        return _("“%(value)s” in “%(column)s” is in the future.") % {**p, "column": col}
    if code == "roster.bad_number":
        return _("“%(value)s” in “%(column)s” is not a whole number.") % {**p, "column": col}
    if code == "roster.bad_email":
        return _("“%(value)s” is not a valid e-mail address.") % p
    if code == "roster.too_long":
        return _("“%(column)s” is longer than %(max)s characters.") % {**p, "column": col}
    if code == "roster.population_without_jurisdiction":
        return _("A population is given but no jurisdiction: add the jurisdiction the official leads.")
    if code == "roster.control_characters":
        if col:
            return _("“%(column)s” contains control characters (invisible characters such as NUL); remove them.") % {
                "column": col
            }
        return _("This line contains control characters (invisible characters such as NUL); remove them.")
    if code == "roster.duplicate_in_file":
        return _("This official already appears on line %(first_line)s of the file.") % p
    if code == "attendance.no_sessions":
        return _("The header row has no session columns: download the attendance sheet again and fill that one.")
    if code == "attendance.bad_official":
        return _("“%(value)s” in the first column is not an official's number from the downloaded sheet.") % p
    if code == "attendance.bad_status":
        return _("“%(value)s” is not an attendance status: write present, late, excused or absent.") % p
    if code == "roster.already_enrolled":
        return _("%(name)s is already enrolled in this course.") % p
    return code
