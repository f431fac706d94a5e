"""Personal data: who may read it, and privacy requests (PIPL / CCPA) — export everything held about a person, and
erase it (anonymise, never cascade).

Core defines a small registry; each app that holds data about people contributes its part in its own
`privacy.py` (autodiscovered by `CoreConfig.ready()`), for example `academy/privacy.py`:

- `restricted()`  a Q over Person: the people whose personal data the app restricts (academy: officials);
- `granted(user)` a Q over Person: of those, whose personal data this user may read (or None: nobody);
- `export(person)` {section name: [row dicts]} of what the app holds about the person;
- `erase(person)` anonymises what the app holds, keeping records and figures; returns {what: count} for the audit;
- `derived` model labels ("app.Model") whose rows are computed summaries: not listed as reasons a delete is refused.

The services here (`person_export`, `person_export_xlsx`, `person_erase`) take an actor, require program staff,
run in one transaction and write a `core.AuditEvent` that never holds the erased values.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import Model

    from .models import Person, User


ERASED_NAME_EN = "Erased person #{id}"
ERASED_NAME_ZH = "已删除的个人 #{id}"

Rows = list[dict]

#: XLSX only (the JSON keeps its keys): a section's or a column's key in the reader's language. Each app adds its
#: own (academy/privacy.py); an unknown key is shown as it is.
EXPORT_LABELS: dict[str, object] = {
    "person": gettext_lazy("Person"),
    "user_account": gettext_lazy("User account"),
    "role_memberships": gettext_lazy("Roles"),
    "api_tokens": gettext_lazy("Personal access tokens"),
    "person_history": gettext_lazy("Change history"),
    "id": gettext_lazy("ID"),
    "family_name_en": gettext_lazy("Family name (English)"),
    "given_name_en": gettext_lazy("Given name (English)"),
    "family_name_zh_hans": gettext_lazy("Family name (Chinese)"),
    "given_name_zh_hans": gettext_lazy("Given name (Chinese)"),
    "title_en": gettext_lazy("Title or position (English)"),
    "title_zh_hans": gettext_lazy("Title or position (Chinese)"),
    "organisation_id": gettext_lazy("Organisation (ID)"),
    "organisation": gettext_lazy("Organisation"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Phone"),
    "preferred_language": gettext_lazy("Preferred language"),
    "notes": gettext_lazy("Notes"),
    "created_at": gettext_lazy("Created"),
    "updated_at": gettext_lazy("Last changed"),
    "erased_at": gettext_lazy("Erased"),
    "first_name": gettext_lazy("Given name"),
    "last_name": gettext_lazy("Family name"),
    "is_active": gettext_lazy("Account active"),
    "date_joined": gettext_lazy("Account created"),
    "last_login": gettext_lazy("Last sign-in"),
    "role": gettext_lazy("Role"),
    "city_id": gettext_lazy("City (ID)"),
    "name": gettext_lazy("Name"),
    "prefix": gettext_lazy("Starts with"),
    "last_used_at": gettext_lazy("Last used"),
    "revoked_at": gettext_lazy("Revoked"),
    "history_date": gettext_lazy("When"),
    "history_type": gettext_lazy("What"),
    "changed_by": gettext_lazy("Who"),
}


#: stored codes shown as words in the reader's language: "section.column" (or "column", for every section) →
#: a function returning the (code, label) choices. The JSON keeps the code (stable, for machines) and adds
#: "<column>_label" beside it; the XLSX shows only the words. Each app adds its own (academy/privacy.py).
EXPORT_VALUE_LABELS: dict[str, Callable[[], object]] = {}


def _history_types() -> list[tuple[str, object]]:
    return [
        ("+", pgettext_lazy("history action", "created")),
        ("~", pgettext_lazy("history action", "changed")),
        ("-", pgettext_lazy("history action", "deleted")),
    ]


def _roles() -> object:
    from .models import Role

    return Role.choices


def _languages() -> object:
    return [("en", gettext_lazy("English")), ("zh-hans", gettext_lazy("Simplified Chinese"))]


EXPORT_VALUE_LABELS.update(
    {
        "role_memberships.role": _roles,
        "preferred_language": _languages,
        "person_history.history_type": _history_types,
    }
)


def _value_labels() -> dict[str, dict[str, str]]:
    """EXPORT_VALUE_LABELS resolved once per export, in the active language."""
    return {key: {str(code): str(label) for code, label in choices()} for key, choices in EXPORT_VALUE_LABELS.items()}


def with_value_labels(sections: dict[str, Rows]) -> dict[str, Rows]:
    """Each coded value followed by "<column>_label": its words in the reader's language (codes it does not know
    are left without a label)."""
    labels = _value_labels()
    out: dict[str, Rows] = {}
    for section, rows in sections.items():
        out[section] = []
        for r in rows:
            labelled = {}
            for column, value in r.items():
                labelled[column] = value
                known = labels.get(f"{section}.{column}") or labels.get(column)
                if known is not None and isinstance(value, str) and value in known:
                    labelled[f"{column}_label"] = known[value]
            out[section].append(labelled)
    return out


@dataclass(frozen=True)
class PrivacyPart:
    key: str
    export: Callable[..., dict[str, Rows]] | None = None
    erase: Callable[..., dict[str, int]] | None = None
    restricted: Callable[[], Q] | None = None
    granted: Callable[..., Q | None] | None = None
    derived: frozenset[str] = field(default_factory=frozenset)


class Registry:
    def __init__(self) -> None:
        self._parts: dict[str, PrivacyPart] = {}

    def register(self, part: PrivacyPart) -> None:
        self._parts[part.key] = part

    def parts(self) -> list[PrivacyPart]:
        return list(self._parts.values())

    def restricted_conditions(self) -> list[Q]:
        return [p.restricted() for p in self._parts.values() if p.restricted]

    def granted_condition(self, user: User) -> Q | None:
        cond = None
        for part in self._parts.values():
            q = part.granted(user) if part.granted else None
            if q is not None:
                cond = q if cond is None else cond | q
        return cond

    def derived_models(self) -> set[str]:
        return {label for p in self._parts.values() for label in p.derived}


registry = Registry()


# --------------------------------------------------------------------------- values


def plain(value: object) -> str | int | float | bool | None:
    """A JSON-friendly value: dates as ISO 8601, None kept, model instances as their text."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def row(obj: Model, names: Iterable[str]) -> dict:
    return {name: plain(getattr(obj, name)) for name in names}


# --------------------------------------------------------------------------- core's own part

PERSON_EXPORT_FIELDS = (
    "id",
    "family_name_en",
    "given_name_en",
    "family_name_zh_hans",
    "given_name_zh_hans",
    "title_en",
    "title_zh_hans",
    "organisation_id",
    "email",
    "phone",
    "preferred_language",
    "notes",
    "created_at",
    "updated_at",
    "erased_at",
)
USER_EXPORT_FIELDS = (  # never the password hash
    "id",
    "email",
    "first_name",
    "last_name",
    "preferred_language",
    "is_active",
    "date_joined",
    "last_login",
)
HISTORY_PERSON_FIELDS = (
    "history_date",
    "history_type",
    "family_name_en",
    "given_name_en",
    "family_name_zh_hans",
    "given_name_zh_hans",
    "title_en",
    "title_zh_hans",
    "organisation_id",
    "email",
    "phone",
    "notes",
)


def _core_export(person: Person) -> dict[str, Rows]:
    from .models import User

    data: dict[str, Rows] = {}
    person_row = row(person, PERSON_EXPORT_FIELDS)
    person_row["organisation"] = person.organisation.display_name() if person.organisation_id else None
    data["person"] = [person_row]
    user = User.objects.filter(person=person).first()
    data["user_account"] = [row(user, USER_EXPORT_FIELDS)] if user else []
    if user:
        data["role_memberships"] = [
            {
                "role": m.role,
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.display_name() if m.organisation_id else None,
                "city_id": m.city_id,
                "created_at": plain(m.created_at),
            }
            for m in user.role_memberships.select_related("organisation")
        ]
        data["api_tokens"] = [
            row(t, ("name", "prefix", "created_at", "last_used_at", "revoked_at")) for t in user.api_tokens.all()
        ]
    else:
        data["role_memberships"], data["api_tokens"] = [], []
    data["person_history"] = [
        {**row(h, HISTORY_PERSON_FIELDS), "changed_by": h.history_user.email if h.history_user_id else None}
        for h in person.history.select_related("history_user").order_by("history_date", "history_id")
    ]
    return data


def _core_erase(person: Person) -> dict[str, int]:
    from .models import ApiToken, Person, User

    en, zh = ERASED_NAME_EN.format(id=person.pk), ERASED_NAME_ZH.format(id=person.pk)
    blank = {
        "given_name_en": "",
        "given_name_zh_hans": "",
        "title_en": "",
        "title_zh_hans": "",
        "email": "",
        "phone": "",
        "notes": "",
    }
    # the person: names replaced, personal data cleared; rewrite(False) so the original columns that
    # modeltranslation keeps (family_name, given_name, title) are cleared too, not mapped to the active language
    Person.objects.filter(pk=person.pk).rewrite(False).update(
        family_name=en,
        family_name_en=en,
        family_name_zh_hans=zh,
        given_name="",
        title="",
        search_name=f"{zh} {en}",
        erased_at=timezone.now(),
        updated_at=timezone.now(),
        **blank,
    )
    # history keeps no trace of what was erased
    history_rows = Person.history.filter(id=person.pk).update(
        family_name=en,
        family_name_en=en,
        family_name_zh_hans=zh,
        given_name="",
        title="",
        search_name=f"{zh} {en}",
        **blank,
    )
    counts = {"person_history_rows_purged": history_rows}
    user = User.objects.filter(person=person).first()
    if user:
        user.is_active = False
        user.set_unusable_password()
        user.email = f"erased-{user.pk}@erased.invalid"
        user.first_name = user.last_name = ""
        user.save(update_fields=["is_active", "password", "email", "first_name", "last_name"])
        counts["api_tokens_revoked"] = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        counts["user_deactivated"] = 1
    return counts


registry.register(PrivacyPart(key="core", export=_core_export, erase=_core_erase))


# --------------------------------------------------------------------------- services


def _require_staff(actor: User) -> None:
    from .services import require

    require(actor, "core.privacy_person")


def _audit(*, actor: User, action: str, person: Person, details: dict) -> None:
    from .models import AuditEvent

    AuditEvent.objects.create(
        actor=actor, action=action, target_type="core.person", target_id=person.pk, details=details
    )


def _collect(person: Person) -> dict[str, Rows]:
    sections: dict[str, Rows] = {}
    for part in registry.parts():
        if part.export:
            sections.update(part.export(person))
    return sections


@transaction.atomic
def person_export(*, actor: User, person: Person, format: str = "json") -> dict:
    """Everything held about `person`, as {"person_id", "exported_at", "sections": {name: [rows]}}."""
    from .models import AuditAction

    _require_staff(actor)
    sections = with_value_labels(_collect(person))
    _audit(
        actor=actor,
        action=AuditAction.PRIVACY_EXPORT,
        person=person,
        details={"format": format, "sections": {name: len(rows) for name, rows in sections.items()}},
    )
    return {"person_id": person.pk, "exported_at": plain(timezone.now()), "sections": sections}


def person_export_json(*, actor: User, person: Person) -> bytes:
    data = person_export(actor=actor, person=person, format="json")
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def person_export_xlsx(*, actor: User, person: Person) -> bytes:
    """The same export as an XLSX workbook: one sheet per section, a header row, one row per record."""
    from openpyxl import Workbook

    from .files import append, xlsx_bytes

    data = person_export(actor=actor, person=person, format="xlsx")
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in data["sections"].items():
        ws = wb.create_sheet(title=str(EXPORT_LABELS.get(name, name))[:31])
        headers: list[str] = []
        for r in rows:
            # a coded column shows its words (with_value_labels), not the stored code beside them
            headers += [k for k in r if k not in headers and not (k.endswith("_label") and k[: -len("_label")] in r)]
        append(ws, [str(EXPORT_LABELS.get(h, h)) for h in headers])
        for r in rows:
            append(ws, [_sheet_value(r.get(f"{h}_label", r.get(h))) for h in headers])
        for column in ws.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    return xlsx_bytes(wb)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?")


def _sheet_value(value: object) -> object:
    """A value of the export as a spreadsheet cell: the ISO dates and times the JSON export writes become date
    cells, times in the site's time zone (a spreadsheet cell has no zone), to the minute."""
    from django.utils import timezone

    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    return value


@transaction.atomic
def person_erase(*, actor: User, person: Person) -> Person:
    """Anonymise the person everywhere (names, e-mail, phone, notes, title; their history rows; their sign-in),
    keeping every record and figure that depends on them. Returns the refreshed person."""
    from .models import AuditAction, Person

    _require_staff(actor)
    person = Person.objects.select_for_update().get(pk=person.pk)
    counts: dict[str, int] = {}
    for part in registry.parts():
        if part.erase:
            counts.update(part.erase(person))
    _audit(actor=actor, action=AuditAction.PRIVACY_ERASE, person=person, details=counts)
    return Person.objects.get(pk=person.pk)
