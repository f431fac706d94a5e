"""Bounds shared by every app's date inputs (dates outside them are typing errors, and break date arithmetic)."""

from __future__ import annotations

from datetime import date

#: the earliest and latest date any date input accepts
MIN_DATE = date(1950, 1, 1)
MAX_DATE = date(2100, 12, 31)


def date_in_range(value: date | None) -> bool:
    """True for None (an empty optional field) and for dates within [MIN_DATE, MAX_DATE]."""
    return value is None or MIN_DATE <= value <= MAX_DATE
