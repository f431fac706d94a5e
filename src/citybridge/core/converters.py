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
