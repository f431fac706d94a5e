"""One check for a dated time slot (a programme item, an engagement): the day within its event's or course's
dates, and a start and an end with the end after the start; each error on its field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from citybridge.core.rows import date_text

if TYPE_CHECKING:
    from datetime import date, time

    from citybridge.core.validation import ErrorCollector


def check_slot(
    errors: ErrorCollector,
    *,
    on: date | None,
    first: date,
    last: date,
    outside: str,
    start_time: time | None,
    end_time: time | None,
) -> None:
    """`outside`: the message (with %(start)s and %(end)s) for a day outside first – last."""
    if on is None:
        errors.add("date", _("This field is required."))
    elif not (first <= on <= last):
        errors.add("date", outside % {"start": date_text(first), "end": date_text(last)})
    if start_time is None:
        errors.add("start_time", _("This field is required."))
    if end_time is None:
        errors.add("end_time", _("This field is required."))
    elif start_time is not None and end_time <= start_time:
        errors.add("end_time", _("It must end after it starts."))
