"""No lost updates: a version column on every edited record, one check in the services, one hidden form field.

- Models: subclass `Versioned` (adds `version`, starting at 1).
- Services: an edit calls `claim_version(obj, expected_version)` first, inside its transaction. That runs
  `UPDATE … SET version = version + 1 WHERE pk = … AND version = expected`; no row means someone else saved
  first (or the caller sent no version): `StaleEdit` (a ValidationError) carries the record as it is now.
  The rest of the service then writes the record with the new version; a failed validation rolls it all back.
- Forms: `VersionedForm` adds the hidden `version` field when editing and shows a stale save next to the
  user's input (`form.show_stale(exc)`).
- API: `citybridge.api.versioning` reads the version from the body or `If-Match` and answers 409 with `current`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .rows import date_text


class Versioned(models.Model):
    """Abstract: the version an edit started from travels with the form or request and is checked on save."""

    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)

    class Meta:
        abstract = True


def stale_message() -> str:
    return _(
        "Someone else saved this record while you were editing it. Their values are shown next to yours; "
        "review and save again."
    )


class StaleEdit(ValidationError):
    """The record changed since the version the edit started from. `instance` is the record as saved now."""

    def __init__(self, instance: Versioned, expected: int | None):
        super().__init__(stale_message(), code="stale")
        self.instance = instance
        self.expected = expected
        self.current_version = instance.version


class VersionMissing(ValidationError):
    def __init__(self):
        super().__init__(
            {"version": _("Give the version of the record your edit started from.")}, code="version_missing"
        )


def claim_version(instance: Versioned, expected_version: int | None) -> None:
    """Bump `instance`'s version in the database if it is still `expected_version`, else raise StaleEdit.

    Call it inside the service's transaction, before the write: the UPDATE holds the row until commit, so of two
    concurrent saves from the same version exactly one passes.
    """
    if expected_version is None or isinstance(expected_version, bool):
        raise VersionMissing()
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise VersionMissing() from None
    model = type(instance)
    claimed = model._default_manager.filter(pk=instance.pk, version=expected).update(version=F("version") + 1)
    if not claimed:
        raise StaleEdit(model._default_manager.get(pk=instance.pk), expected)
    instance.version = expected + 1


def bump_version(instance: Versioned) -> None:
    """A write that is not an edit form (e.g. the official page writing the person): later edits become stale."""
    model = type(instance)
    model._default_manager.filter(pk=instance.pk).update(version=F("version") + 1)
    instance.version = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).get()


# --------------------------------------------------------------------------- forms


def _comparable(value: object) -> object:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(_comparable(v)) for v in value)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    return value


def _shown(field: forms.Field, value: object) -> str:
    if isinstance(value, models.QuerySet | list | tuple | set):
        items = [_shown(field, v) for v in value]
        return ", ".join(items) if items else _("(empty)")
    if value is None or value == "":
        return _("(empty)")
    if isinstance(field, forms.ModelChoiceField) and not isinstance(value, models.Model):
        found = field.queryset.model._default_manager.filter(pk=value).first()
        return str(found) if found else str(value)
    choices = getattr(field, "choices", None)
    if choices and not isinstance(value, models.Model):
        labels = {str(k): v for k, v in choices if not isinstance(v, list | tuple)}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):  # and datetime: written as the pages write it, in the reader's language
        return date_text(value)
    return str(value)


class VersionedForm(forms.Form):
    """Mixin for edit forms (plain or model forms): `version` travels as a hidden field when editing.

    Pass `version=obj.version` (model forms: taken from the instance). Creating: no version field at all.
    """

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk:
            version = instance.version
        if version is not None:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1, initial=version, required=False
            )

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version") if "version" in self.fields else None

    def data_without_version(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def show_stale(self, exc: StaleEdit, current: dict) -> None:
        """Keep the user's input; say what happened; show the saved value beside every field that differs;
        carry the new version so that saving again (after review) goes through."""
        self.add_error(None, exc.messages[0])
        mine = getattr(self, "cleaned_data", {}) or {}
        for name, value in current.items():
            if name not in self.fields or name == "version":
                continue
            if name in mine and _comparable(mine[name]) == _comparable(value):
                continue
            bound = self[name]
            bound.stale_note = _("Saved by someone else: %(value)s") % {"value": _shown(self.fields[name], value)}
        data = self.data.copy()
        data[self.add_prefix("version")] = exc.current_version
        self.data = data
        self.stale = True


def current_values(instance: models.Model, names: Iterable[str]) -> dict:
    """The saved values of `names` (many-to-many as lists), to show beside a stale form."""
    out = {}
    for name in names:
        value = getattr(instance, name, None)
        if hasattr(value, "all") and callable(value.all):
            value = list(value.all())
        out[name] = value
    return out
