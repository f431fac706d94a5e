"""Helpers the Outreach pages share."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(ValidationError(errs).messages) for field, errs in exc.error_dict.items()}
    return {"__all__": list(exc.messages)}


def int_or_raw(value: str | None) -> int | str | None:
    """A posted number: None when blank, an int when it is one, else the text (the service refuses it by name)."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.lstrip("-").isdigit() and len(value) < 10:
        return int(value)
    return value[:20]
