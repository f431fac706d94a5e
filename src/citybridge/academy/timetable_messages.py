"""The timetable engine's conflicts as plain sentences in the user's language.

The engine (academy/timetable) returns ``Conflict(code, params)`` and never writes text. The service gives it
names as tokens ("lecturer:12", "module:7", "host:3", "course:5", "session:n4-1") and stores, beside the solution,
each token's name in both languages; here a token becomes the name in the active language, a list becomes a
list, a date is written as the language writes dates, and the code chooses the sentence."""

from __future__ import annotations

from datetime import date

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from citybridge.core.models import is_chinese
from citybridge.core.rows import date_text

SLOT_LABELS = {
    "morning": pgettext_lazy("timetable slot", "morning"),
    "afternoon": pgettext_lazy("timetable slot", "afternoon"),
    "evening": pgettext_lazy("timetable slot", "evening"),
}

#: the soft goals (timetable.Weights) by name, for the objective's parts on the run page and the API
PART_LABELS = {
    "preferred_days": _("Lecturers' preferred weekdays"),
    "trips": _("Trips of visiting lecturers"),
    "partner_dates": _("Partners' requested dates"),
    "even_load": _("Even daily load"),
    "topic_variety": _("Topic variety on consecutive days"),
    "rest_weekday": _("Rest day on the preferred weekday"),
    "module_breaks": _("Modules not split by a rest day"),
    "moves": _("Sessions moved (re-plan)"),
}


def part_label(name: str) -> str:
    return str(PART_LABELS.get(name, name))


#: one sentence per engine conflict code (academy.timetable.CONFLICT_CODES)
SENTENCES = {
    "window_reversed": _("Course “%(course)s” ends (%(end)s) before it starts (%(start)s)."),
    "module_days_out_of_range": _(
        "Module “%(module)s” of “%(course)s” lasts %(days)s days; a module lasts 2 to 6 days."
    ),
    "module_longer_than_course": _(
        "Module “%(module)s” needs %(days)s days but course “%(course)s” lasts only %(course_days)s days."
    ),
    "too_few_working_days": _(
        "Course “%(course)s” needs %(needed)s teaching days for its modules but has at most %(available)s "
        "(%(blackout_days)s of its days are public holidays or closures, and one day a week is a rest day)."
    ),
    "module_too_many_sessions": _(
        "Module “%(module)s” of “%(course)s” needs %(sessions)s sessions in the %(slot)s but its days hold only "
        "%(capacity)s."
    ),
    "module_order_cycle": _("The modules of “%(course)s” must each come after the other: %(modules)s."),
    "unknown_module": _("Session “%(session)s” of “%(course)s” belongs to a module that is not in the course."),
    "unknown_lecturer": _("Session “%(session)s” names a lecturer the timetable does not know."),
    "unknown_host": _("Session “%(session)s” names a site-visit host the timetable does not know."),
    "duplicate_session": _("Session “%(session)s” is listed twice."),
    "locked_outside_course": _("Locked session “%(session)s” is on %(day)s, outside course “%(course)s”."),
    "locked_on_blackout": _("Locked session “%(session)s” of “%(course)s” is on %(day)s, a holiday or closure."),
    "locked_wrong_slot": _("Locked session “%(session)s” on %(day)s is in the %(slot)s, which does not suit its kind."),
    "locked_same_slot": _("Locked sessions %(sessions)s of “%(course)s” are all on %(day)s in the %(slot)s."),
    "locked_overlap": _("%(lecturer)s is in two locked sessions at once: %(sessions)s on %(day)s in the %(slot)s."),
    "locked_lecturer_unavailable": _("Locked session “%(session)s” is on %(day)s, when %(lecturer)s is not available."),
    "locked_host_closed": _("Locked session “%(session)s” is on %(day)s, when %(host)s does not receive a class."),
    "lecturer_too_few_days": _(
        "%(lecturer)s is available on %(available_days)s days of module “%(module)s” (“%(course)s”) but the module "
        "needs %(needed_sessions)s of their sessions, at most %(max_per_day)s a day."
    ),
    "lecturer_overbooked": _(
        "%(lecturer)s is available on %(available_days)s days but the courses need %(needed_sessions)s of their "
        "sessions, at most %(max_per_day)s a day."
    ),
    "host_closed": _(
        "%(host)s receives a class on %(open_days)s days of course “%(course)s”, not enough for “%(session)s”."
    ),
    "lecturer_unavailable": _(
        "%(lecturer)s is available on %(available_days)s days but %(modules)s need %(needed_sessions)s of their "
        "sessions."
    ),
    "lecturer_max_per_day": _(
        "%(lecturer)s teaches at most %(max_per_day)s sessions a day, too few for their %(needed_sessions)s sessions."
    ),
    "lecturer_busy_elsewhere": _(
        "%(lecturer)s already has %(bookings)s sessions in other courses or academies in these dates, which leave "
        "too few free days for the sessions asked of them here."
    ),
    "module_length": _("Module “%(module)s” of “%(course)s” cannot get its %(days)s days in a row."),
    "module_order": _("The modules of “%(course)s” cannot all be held in their order."),
    "rest_day": _("Course “%(course)s” needs a day off in every %(rest_every)s days."),
    "blackout": _("Course “%(course)s” loses %(days)s days to holidays and closures (%(first)s – %(last)s)."),
    "host_open_days": _("%(host)s receives a class on %(open_days)s days, too few for %(sessions)s."),
    "locked": _("Locked session “%(session)s” of “%(course)s” stays on %(day)s in the %(slot)s."),
    "course_window": _("Course “%(course)s” (%(start)s – %(end)s) is too short for %(sessions)s sessions."),
    "holiday_data_missing": _(
        "The holiday package has no public holidays for %(years)s yet; add that year's holidays to the academy's "
        "blackout dates for course “%(course)s”."
    ),
    "no_solution_in_time": _("No timetable was found within %(seconds)s seconds; try again with more time."),
}

GENERIC = _("The timetable cannot be made (%(code)s).")


def _name(token: str, names: dict, zh: bool) -> str:
    entry = names.get(token)
    if not entry:
        return token
    return (
        (entry.get("zh-hans") or entry.get("en") or token) if zh else (entry.get("en") or entry.get("zh-hans") or token)
    )


def _value(key: str, value: object, names: dict, zh: bool) -> str:
    if isinstance(value, list | tuple):
        parts = [_value(key, v, names, zh) for v in value]
        return ("、" if zh else ", ").join(f"“{p}”" if key in ("sessions", "modules") else p for p in parts)
    if isinstance(value, str):
        if key == "slot" and value in SLOT_LABELS:
            return str(SLOT_LABELS[value])
        if key in ("day", "start", "end", "first", "last") and len(value) == 10:
            try:
                return date_text(date.fromisoformat(value))
            except ValueError:
                return value
        if value in names:
            return _name(value, names, zh)
        parts = value.split(", ")
        if len(parts) > 1 and all(p in names for p in parts):  # several tokens joined by the engine
            return ("、" if zh else ", ").join(_name(p, names, zh) for p in parts)
        return value
    if isinstance(value, dict):
        return ("、" if zh else ", ").join(
            f"{_value(key, k, names, zh)}: {_value(key, v, names, zh)}" for k, v in value.items()
        )
    return str(value)


def conflict_sentence(code: str, params: dict, names: dict | None = None) -> str:
    """One conflict as a sentence in the active language."""
    zh = is_chinese(get_language())
    names = names or {}
    values = {k: _value(k, v, names, zh) for k, v in (params or {}).items()}
    template = SENTENCES.get(code)
    if template is None:
        return str(GENERIC) % {"code": code}
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(GENERIC) % {"code": code}


def conflict_sentences(conflicts: list[dict], names: dict | None = None) -> list[str]:
    return [conflict_sentence(c.get("code", ""), c.get("params") or {}, names) for c in conflicts]
