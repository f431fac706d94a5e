"""URL converter for database ids: at most 18 digits, so an absurd id is a 404, never an integer overflow."""

from __future__ import annotations

from django.urls import register_converter

#: the largest id any URL, query or body may name (18 digits; SQLite and PostgreSQL integers hold 19)
MAX_ID = 10**18 - 1


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


def whole_number(value: str | None) -> int | None:
    """A whole number typed in a query string or a form field (`?academy=3`, a posted id or version): None unless it
    is ASCII digits, at most 18 of them (MAX_ID), so an absurd number finds nothing instead of overflowing the
    database's integer (a 500)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None
