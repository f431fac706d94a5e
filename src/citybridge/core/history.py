"""Change-history lines a person can read: who (a name, not an e-mail), what (created, changed, deleted) and, for a
change, each field by its verbose name with its old and new value as the page shows them (labels, not codes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from .models import User

#: bookkeeping columns nobody edits
SKIPPED = {"id", "version", "created_at", "updated_at", "search_name"}
LANGUAGE_SUFFIXES = {"_en": "en", "_zh_hans": "zh"}


@dataclass
class HistoryLine:
    when: object
    who: str
    action: str
    changes: list[str] = field(default_factory=list)


def actor_name(user: User | None) -> str:
    """The name of the person behind an account; the e-mail only when the account has no person."""
    if user is None:
        return "—"
    person = getattr(user, "person", None)
    if person is not None and person.display_name():
        return person.display_name()
    return user.get_full_name() or user.email


def account_label(user: User) -> str:
    """An account among others (a drop-down of assignees, a list of coordinators): the person's name with the
    sign-in e-mail, which tells namesakes' accounts apart; the e-mail alone when the account has no name. Read
    the users with `select_related("person")`."""
    name = actor_name(user)
    return name if name == user.email else _("%(name)s (%(email)s)") % {"name": name, "email": user.email}


def _label(model: type[Model], name: str) -> str | None:
    for suffix, language in LANGUAGE_SUFFIXES.items():
        if name.endswith(suffix):
            base = model._meta.get_field(name[: -len(suffix)]).verbose_name
            if language == "en":
                return _("%(field)s (English)") % {"field": base}
            return _("%(field)s (Chinese)") % {"field": base}
    try:
        f = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a column the model no longer has
        return None
    return str(f.verbose_name)


def _value(model: type[Model], name: str, value: object, related: dict) -> str:
    if value in (None, ""):
        return _("(empty)")
    try:
        f = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
    except Exception:  # noqa: BLE001
        return str(value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.ForeignKey):
        obj = related.get((f.related_model, value))
        return str(obj) if obj is not None else f"#{value}"
    if isinstance(f, models.BooleanField):
        return _("Yes") if value else _("No")
    return str(value)


def history_lines(model: type[Model], queryset: QuerySet, *, limit: int = 10) -> list[HistoryLine]:
    """The newest `limit` lines of a historical queryset (newest first). Fields that the model translates appear
    once per language; their untranslated copy is skipped."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        translated = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        translated = set()
    records = list(queryset[: limit + 1])  # one more, to compare the oldest line against
    fk_names = {f.name for f in model._meta.fields if isinstance(f, models.ForeignKey)}
    pairs = []
    for i, h in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if h.history_type == "~" and previous is not None:
            changes = [
                c for c in h.diff_against(previous).changes if c.field not in SKIPPED and c.field not in translated
            ]
        pairs.append((h, changes))
    wanted: dict[type, set] = {}  # names of related records: one query per related model
    for _h, changes in pairs:
        for c in changes:
            if c.field in fk_names:
                wanted.setdefault(model._meta.get_field(c.field).related_model, set()).update(
                    v for v in (c.old, c.new) if v is not None
                )
    related = {(m, o.pk): o for m, ids in wanted.items() for o in m._default_manager.filter(pk__in=ids)}
    lines = []
    for h, changes in pairs:
        action = {"+": pgettext("history action", "created"), "-": pgettext("history action", "deleted")}.get(
            h.history_type, pgettext("history action", "changed")
        )
        texts = []
        for c in changes:
            label = _label(model, c.field)
            if label is not None:
                texts.append(
                    _("%(field)s: %(old)s → %(new)s")
                    % {
                        "field": label,
                        "old": _value(model, c.field, c.old, related),
                        "new": _value(model, c.field, c.new, related),
                    }
                )
        lines.append(HistoryLine(when=h.history_date, who=actor_name(h.history_user), action=action, changes=texts))
    return lines
