"""Lecturers: their profile, availability windows and preferences (issue #11).

Program staff create profiles and edit any; a lecturer edits their own (academy.change_lecturer). Every write
validates all fields at once (ErrorCollector), checks the permission and runs in one transaction; the profile and
the windows keep their history (django-simple-history)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from citybridge.core.concurrency import claim_version
from citybridge.core.models import Organisation, Person, User
from citybridge.core.validation import ErrorCollector, check_dates

from ..models import LecturerAvailability, LecturerLanguage, LecturerProfile, Topic
from ._common import _clean_str, require

#: the fields a profile write takes (the page form and the API)
LECTURER_FIELDS = (
    "organisation",
    "bio_en",
    "bio_zh_hans",
    "topics",
    "languages",
    "needs_interpretation",
    "home_timezone",
    "visiting",
    "preferred_weekdays",
    "max_sessions_per_day",
    "group_sessions",
)
MAX_BIO = 4000
MAX_WINDOWS = 200
#: the longest availability window, in days (a window longer than two years is a typing error)
MAX_WINDOW_DAYS = 731


def clean_weekdays(values: Iterable | None, field: str, errors: ErrorCollector) -> list[int]:
    """Weekday numbers 0 (Monday) … 6 (Sunday), each once, in order."""
    out: set[int] = set()
    for v in list(values or []):
        text = str(v).strip() if isinstance(v, int | str) and not isinstance(v, bool) else ""
        if not (text.isascii() and text.isdigit()) or int(text) > 6:  # "²" is a digit to isdigit(), not to int()
            errors.add(field, _("Choose weekdays from Monday to Sunday."))
            return []
        out.add(int(text))
    return sorted(out)


def _clean_languages(values: Iterable | None, errors: ErrorCollector) -> list[str]:
    values = list(values or [])
    bad = [str(v)[:20] for v in values if v not in LecturerLanguage.values]
    if bad:
        errors.add("languages", _("Unknown language: %(value)s.") % {"value": ", ".join(bad)})
        return []
    return list(dict.fromkeys(values))


def _clean_timezone(value: str | None, errors: ErrorCollector) -> str:
    value = (value or "").strip()
    if value not in available_timezones():
        errors.add("home_timezone", _("Enter a time zone such as Asia/Shanghai or America/New_York."))
    return value


def _apply_profile(profile: LecturerProfile, fields: dict, errors: ErrorCollector) -> list[Topic] | None:
    unknown = set(fields) - set(LECTURER_FIELDS)
    for name in sorted(unknown):
        errors.add(name, _("This field cannot be set."))
    topics = None
    for name, value in fields.items():
        if name in unknown:
            continue
        if name in ("bio_en", "bio_zh_hans"):
            value = _clean_str(value) or ""
            if len(value) > MAX_BIO:
                errors.add(name, _("Write at most %(n)d characters.") % {"n": MAX_BIO})
            setattr(profile, name, value)
        elif name == "languages":
            profile.languages = _clean_languages(value, errors)
        elif name == "preferred_weekdays":
            profile.preferred_weekdays = clean_weekdays(value, name, errors)
        elif name == "home_timezone":
            profile.home_timezone = _clean_timezone(value, errors)
        elif name == "max_sessions_per_day":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
                errors.add(name, _("Choose between 1 and 4 sessions a day."))
            else:
                profile.max_sessions_per_day = value
        elif name in ("needs_interpretation", "visiting", "group_sessions"):
            setattr(profile, name, bool(value))
        elif name == "organisation":
            if value is not None and not isinstance(value, Organisation):
                errors.add(name, _("Select a valid choice."))
            else:
                profile.organisation = value
        elif name == "topics":
            topics = list(value or [])
            if any(not isinstance(t, Topic) for t in topics):
                errors.add(name, _("Select a valid choice."))
    return topics


@transaction.atomic
def lecturer_create(*, actor: User, person: Person, **fields) -> LecturerProfile:
    """A lecturer profile for ``person`` (program staff). The person signs in as a lecturer once they have the
    lecturer role (the roles page)."""
    require(actor, "academy.manage_lecturers")
    if LecturerProfile.objects.filter(person=person).exists():
        raise ValidationError({"person": _("This person already has a lecturer profile.")})
    profile = LecturerProfile(person=person, organisation=person.organisation, bio_en="", bio_zh_hans="")
    errors = ErrorCollector()
    topics = _apply_profile(profile, fields, errors)
    errors.raise_if_any()
    profile.save()
    if topics is not None:
        profile.topics.set(topics)
    return profile


@transaction.atomic
def lecturer_update(
    *, actor: User, lecturer: LecturerProfile, expected_version: int | None = None, **fields
) -> LecturerProfile:
    """Staff, or the lecturer themself: every field at once, from the version the edit started from."""
    require(actor, "academy.change_lecturer", lecturer)
    claim_version(lecturer, expected_version)
    errors = ErrorCollector()
    topics = _apply_profile(lecturer, fields, errors)
    errors.raise_if_any()
    lecturer.save()
    if topics is not None:
        lecturer.topics.set(topics)
    return lecturer


def _check_window(start: date | None, end: date | None, weekdays: Iterable | None, errors: ErrorCollector) -> list[int]:
    if start is None:
        errors.add("start_date", _("This field is required."))
    if end is None:
        errors.add("end_date", _("This field is required."))
    if start is not None and end is not None:
        with errors.check():
            check_dates(start_date=start, end_date=end)
        if not errors.has("start_date") and not errors.has("end_date"):
            if end < start:
                errors.add("end_date", _("The window must end on or after the day it starts."))
            elif (end - start).days + 1 > MAX_WINDOW_DAYS:
                errors.add("end_date", _("A window lasts at most %(n)d days.") % {"n": MAX_WINDOW_DAYS})
    return clean_weekdays(weekdays, "weekdays", errors)


@transaction.atomic
def availability_save(
    *,
    actor: User,
    lecturer: LecturerProfile,
    window: LecturerAvailability | None = None,
    expected_version: int | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    weekdays: Iterable[int] | None = None,
    note: str = "",
) -> LecturerAvailability:
    """A new window (``window`` None) or an edit of one (with its ``expected_version``). A window that ends before
    it starts is refused, and nothing is saved."""
    require(actor, "academy.change_lecturer", lecturer)
    if window is not None and window.lecturer_id != lecturer.pk:
        raise ValidationError(_("This availability window belongs to another lecturer."))
    errors = ErrorCollector()
    days = _check_window(start_date, end_date, weekdays, errors)
    note = _clean_str(note) or ""
    if len(note) > 200:
        errors.add("note", _("Write at most %(n)d characters.") % {"n": 200})
    if window is None and lecturer.availability.count() >= MAX_WINDOWS:
        errors.add(None, _("A lecturer has at most %(n)d availability windows.") % {"n": MAX_WINDOWS})
    errors.raise_if_any()
    if window is not None:
        claim_version(window, expected_version)
    window = window or LecturerAvailability(lecturer=lecturer)
    window.start_date, window.end_date, window.weekdays, window.note = start_date, end_date, days, note
    window.save()
    return window


@transaction.atomic
def availability_delete(*, actor: User, window: LecturerAvailability) -> None:
    require(actor, "academy.change_lecturer", window.lecturer)
    window.delete()
