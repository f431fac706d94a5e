"""Collect every validation error of a write, then raise them together: a form shows all its problems at once,
each beside its field, instead of one per submit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest


class ErrorCollector:
    """`with errors.check(): …` runs a check and keeps its ValidationError; `errors.raise_if_any()` raises one
    ValidationError holding all of them (field → messages; messages without a field under `__all__`)."""

    def __init__(self) -> None:
        self.errors: dict[str, list] = {}

    def add(self, field: str | None, message: str) -> None:
        self.errors.setdefault(field or NON_FIELD_ERRORS, []).append(message)

    def merge(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errs in exc.error_dict.items():
                self.errors.setdefault(field, []).extend(errs)
        else:
            self.errors.setdefault(NON_FIELD_ERRORS, []).extend(exc.error_list)

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except ValidationError as exc:
            self.merge(exc)

    def has(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def without_constraint_names(exc: ValidationError) -> ValidationError:
    """`exc` without Django's "Constraint “academy_session_times” is violated.", which names a database constraint:
    left out beside the field errors that already say what is wrong (a check like "ends after it starts" is checked
    on its field first), and said in words when it is the only error."""
    from django.db.models.constraints import BaseConstraint
    from django.utils.translation import gettext as _

    before, _name, after = str(BaseConstraint.default_violation_error_message).partition("%(name)s")

    def named(message: str) -> bool:
        return bool(_name) and message.startswith(before) and message.endswith(after)

    if not hasattr(exc, "error_dict"):
        return exc
    errors = {field: [m for m in texts if not named(m)] for field, texts in exc.message_dict.items()}
    errors = {field: texts for field, texts in errors.items() if texts}
    if not errors:
        errors = {NON_FIELD_ERRORS: [_("These values do not fit together; check them and try again.")]}
    return ValidationError(errors)


def add_to_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's errors onto the form: each beside its field, the rest (and fields the form does not show) at
    the top."""
    exc = without_constraint_names(exc)
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc)


def add_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    """A service's errors as messages on the next page, one each (for a POST that redirects instead of showing a
    form)."""
    for message in exc.messages:
        messages.error(request, message)


def check_dates(**dates) -> None:
    """Refuse dates outside the sane range (core.validators, 1950–2100) with a translated message per field: every
    app's date inputs (a year 1 or 9999 is a typing error, and breaks date arithmetic and exports)."""
    from django.utils.translation import gettext as _

    from .rows import date_text
    from .validators import MAX_DATE, MIN_DATE, date_in_range

    bad = {
        name: _("Enter a date between %(min)s and %(max)s.") % {"min": date_text(MIN_DATE), "max": date_text(MAX_DATE)}
        for name, value in dates.items()
        if not date_in_range(value)
    }
    if bad:
        raise ValidationError(bad)
