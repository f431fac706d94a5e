"""Workbooks and CSV files built in the tests, opened from real bytes like an upload."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from citybridge.climate import importers


def template(rows: list[importers.ImportedRow]) -> bytes:
    return importers.template_workbook(rows)


def upload(data: bytes, name: str = "inventory.xlsx") -> SimpleUploadedFile:
    kind = "text/csv" if name.endswith(".csv") else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return SimpleUploadedFile(name, data, content_type=kind)


def edit(data: bytes, change) -> bytes:  # noqa: ANN001
    """Open the workbook, let ``change(ws)`` alter the first sheet, save it again."""
    wb = load_workbook(io.BytesIO(data))
    change(wb.worksheets[0])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows(n: int, unit: str = "MWh", factor_id: str = "") -> list[importers.ImportedRow]:
    from citybridge.climate import gpc

    refs = [line.ref for line in gpc.gpc_lines()][:n]
    return [
        importers.ImportedRow(
            row=i + 3, ref=ref, activity_value=10.0 * (i + 1), activity_unit=unit, factor_id=factor_id, source="test"
        )
        for i, ref in enumerate(refs)
    ]


def complete(inventory) -> None:  # noqa: ANN001
    """Every line the inventory's level still lacks as "not occurring" (NO), so it can be submitted."""
    from citybridge.climate import compute
    from citybridge.climate.models import InventoryEntry

    missing = compute.missing_lines(inventory, list(inventory.entries.all()))
    InventoryEntry.objects.bulk_create(
        InventoryEntry(
            inventory=inventory, gpc_ref=ref, notation_key="NO", explanation="Not occurring in the test city."
        )
        for ref in missing
    )
