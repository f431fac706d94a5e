"""Inventory imports (the bilingual XLSX template, a GPC eCRF workbook, a CityCatalyst CSV): bounded before
parsing, every row validated and computed like a typed entry, then all rows written or none, with a per-row report
naming the row and the field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from citybridge.core.files import check_upload
from citybridge.core.models import User
from citybridge.core.services import require

from . import compute, importers
from .messages import issue_message
from .models import EmissionFactor, Inventory, InventoryEntry
from .services import _editable, _library_getter, _store_entry, clean_entry, recompute_totals

FORMAT_LABELS = {"template": "XLSX template", "ecrf": "eCRF", "citycatalyst": "CityCatalyst CSV"}


@dataclass
class RowReport:
    row: int
    gpc_ref: str
    status: str  # "ok", "warning", "error"
    messages: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    format: str = ""
    rows: list[RowReport] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.status != "error" for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        detail = (
            ngettext("%(n)s line imported.", "%(n)s lines imported.", self.imported) % {"n": self.imported}
            if self.ok
            else _("Nothing was imported: correct the rows marked as errors and import the file again.")
        )
        return {
            "detail": detail,  # the API's one error format: a sentence, and the errors under "errors"
            "format": self.format,
            "imported": self.imported,
            "ok": self.ok,
            "rows": [r.__dict__ for r in self.rows],
            "errors": self.errors,
        }


def _field_label(name: str) -> str:
    """A field's name without its part (`emissions.CO2`, `factors[0].value`: `emissions`, `factors`)."""
    return name.split(".")[0].split("[")[0]


def row_data(row: importers.ImportedRow) -> dict[str, Any]:
    """An imported row as the entry input the form and API give (``clean_entry``)."""
    data: dict[str, Any] = {
        "gpc_ref": row.ref,
        "notation_key": row.notation_key or "",
        "explanation": row.explanation,
        "included_in": row.included_in,
        "activity_value": row.activity_value,
        "activity_unit": row.activity_unit,
        "data_quality": row.data_quality,
        "source": row.source,
    }
    if row.factors:
        data["factors"] = [{"gas": f.gas, "value": f.value, "unit": f.unit, "citation": f.source} for f in row.factors]
    if row.emissions_by_gas:
        data["emissions"] = [{"gas": g, "value": a.value, "unit": a.unit} for g, a in row.emissions_by_gas.items()]
    return {k: v for k, v in data.items() if v not in (None, "")}


def _resolve_factor(ref: str, get: Callable[[int], EmissionFactor | None]) -> EmissionFactor | None:
    """A template's factor column: a library id, or a code (its current version)."""
    ref = (ref or "").strip()
    if not ref:
        return None
    if ref.isascii() and ref.isdigit():
        return get(int(ref))
    factor = EmissionFactor.objects.current().filter(code=ref).first()
    return get(factor.pk) if factor else None


def inventory_import(*, actor: User, inventory: Inventory, uploaded: UploadedFile) -> ImportReport:
    """Check permission and the file, parse it, validate and compute every row; write all rows or none."""
    require(actor, "climate.change_inventory", inventory)
    _editable(inventory)
    try:
        kind = check_upload(uploaded, kinds=("xlsx", "csv"))
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    data = uploaded.read()
    name = getattr(uploaded, "name", "") or ("upload.xlsx" if kind == "xlsx" else "upload.csv")
    try:
        parsed = importers.parse_any(data, name)
    except Exception as exc:  # the parsers raise typed errors for unreadable files; never a 500
        code = getattr(exc, "code", "unreadable_file")
        raise ValidationError({"file": issue_message(code, dict(getattr(exc, "params", {}) or {}))}) from None
    report = ImportReport(format=parsed.format)
    by_row: dict[int, RowReport] = {}
    #: per row, the fields the parser already refused: the entry check would report them again ("required" for a
    #: negative value the parser dropped, an unknown reference twice)
    refused: dict[int, set[str]] = {}
    for issue in parsed.issues:
        row_no = issue.index or 0
        message = issue_message(issue.code, dict(issue.params))
        if issue.field:
            message = _("%(field)s: %(message)s") % {"field": _field_label(issue.field), "message": message}
        warning = issue.code in importers.WARNING_CODES
        if row_no:
            rep = by_row.setdefault(row_no, RowReport(row=row_no, gpc_ref=issue.ref, status="ok"))
            rep.messages.append(message)
            if not warning:
                rep.status = "error"
                refused.setdefault(row_no, set()).add(_field_label(issue.field or ""))
            elif rep.status == "ok":
                rep.status = "warning"
        elif not warning:
            report.errors.append({"field": issue.field or "file", "message": message})
    get = _library_getter(actor, inventory)
    existing = set(inventory.entries.values_list("gpc_ref", flat=True))
    seen: dict[str, int] = {}
    ready: list[tuple[Any, Any]] = []
    for row in parsed.rows:
        rep = by_row.setdefault(row.row, RowReport(row=row.row, gpc_ref=row.ref, status="ok"))
        rep.gpc_ref = rep.gpc_ref or row.ref
        data_in = row_data(row)
        if row.factor_id:
            factor = _resolve_factor(row.factor_id, get)
            if factor is None:
                rep.status = "error"
                rep.messages.append(
                    _("%(field)s: %(message)s")
                    % {"field": "factor", "message": _("No factor %(ref)s in the library.") % {"ref": row.factor_id}}
                )
                continue
            data_in["factor_ids"] = [factor.pk]
        try:
            clean = clean_entry(data_in, library_get=get)
            result = compute.entry_result(inventory, clean)
        except ValidationError as exc:
            rep.status = "error"
            for fname, msgs in exc.message_dict.items():
                if _field_label(fname) in refused.get(row.row, ()):
                    continue
                for m in msgs:
                    rep.messages.append(_("%(field)s: %(message)s") % {"field": fname, "message": m})
            continue
        if clean.gpc_ref in seen:
            rep.status = "error"
            rep.messages.append(
                _("Line %(ref)s appears twice (rows %(first)s and %(second)s).")
                % {"ref": clean.gpc_ref, "first": seen[clean.gpc_ref], "second": row.row}
            )
            continue
        seen[clean.gpc_ref] = row.row
        if clean.gpc_ref in existing:
            rep.status = "error"
            rep.messages.append(
                _("Line %(ref)s is already in this inventory; edit it instead.") % {"ref": clean.gpc_ref}
            )
            continue
        ready.append((clean, result))
    report.rows = sorted(by_row.values(), key=lambda r: r.row)
    if not parsed.rows and not report.errors:
        report.errors.append({"field": "file", "message": _("The file has no inventory rows.")})
    if not report.ok:
        return report
    with transaction.atomic():
        locked = Inventory.objects.select_for_update().get(pk=inventory.pk)
        _editable(locked)
        entries = []
        for clean, result in ready:
            entry = InventoryEntry(
                inventory=inventory,
                gpc_ref=clean.gpc_ref,
                notation_key=clean.notation_key,
                explanation=clean.explanation,
                included_in=clean.included_in if clean.notation_key == "IE" else "",
                activity_value=clean.activity_value,
                activity_unit=clean.activity_unit,
                own_factors=clean.own_factors,
                reported=clean.reported,
                data_quality=clean.data_quality,
                source=clean.source,
                fuel_properties=clean.fuel_properties,
                by_gas=result.by_gas,
                co2e=result.co2e,
                factor_versions=result.factor_versions,
                conversion=result.conversion,
            )
            entries.append(entry)
        created = bulk_create_with_history(entries, InventoryEntry, default_user=actor)
        links = []
        through = InventoryEntry.factors.through
        for entry, (clean, _result) in zip(created, ready, strict=True):
            links.extend(through(inventoryentry_id=entry.pk, emissionfactor_id=f.pk) for f in clean.library)
        through.objects.bulk_create(links)
        recompute_totals(inventory)
    report.imported = len(ready)
    return report


__all__ = ["ImportReport", "RowReport", "inventory_import", "_store_entry"]
