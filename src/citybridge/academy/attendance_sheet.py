"""Attendance as a spreadsheet: a pre-filled XLSX (officials × sessions) to fill in offline, and its parser.

Plain Python, no Django. The header row carries each session's id ("2025-03-03 09:00 · #17"), the first column
each official's id, so the file maps back exactly even when names are edited. Errors are codes with params.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from citybridge.core.files import append, has_control_characters, xlsx_bytes  # plain Python, no Django

STATUS_ALIASES = {
    "present": "present",
    "p": "present",
    "出席": "present",
    "到": "present",
    "✓": "present",
    "late": "late",
    "l": "late",
    "迟到": "late",
    "excused": "excused",
    "e": "excused",
    "请假": "excused",
    "absent": "absent",
    "a": "absent",
    "缺席": "absent",
    "✗": "absent",
}
#: the marks as a Chinese sheet writes them (the parser reads these and the English codes alike)
STATUS_WORDS_ZH = {"present": "出席", "late": "迟到", "excused": "请假", "absent": "缺席"}
_SESSION_RE = re.compile(r"#(\d+)\s*$")
_OFFICIAL_RE = re.compile(r"^\s*#?(\d+)\s*$")


@dataclass(frozen=True)
class SheetSession:
    id: int
    day: date
    start: time
    title: str


@dataclass(frozen=True)
class SheetOfficial:
    id: int
    name: str


@dataclass(frozen=True)
class SheetError:
    code: str
    line: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    column: str | None = None


@dataclass
class SheetResult:
    marks: list[tuple[int, int, str]] = field(default_factory=list)  # (official id, session id, status)
    errors: list[SheetError] = field(default_factory=list)


def attendance_xlsx(
    officials: list[SheetOfficial],
    sessions: list[SheetSession],
    marks: dict[tuple[int, int], str],
    *,
    title: str = "",
    chinese: bool = False,
) -> bytes:
    """The sheet to fill in. `chinese`: the marks and the drop-down in Chinese words (出席, 迟到 …), for a reader of
    Chinese; the headers and the instructions are bilingual either way."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Attendance 考勤"
    append(
        ws,
        ["Official ID / 学员编号", "Name / 姓名"]
        + [f"{s.day.isoformat()} {s.start:%H:%M} {s.title} · #{s.id}" for s in sessions],
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for o in officials:
        row = [marks.get((o.id, s.id), "") for s in sessions]
        append(ws, [o.id, o.name] + ([STATUS_WORDS_ZH.get(m, m) for m in row] if chinese else row))
    ws.freeze_panes = "C2"
    ws.column_dimensions["B"].width = 24
    if sessions and officials:
        dv = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(STATUS_WORDS_ZH.values() if chinese else STATUS_WORDS_ZH)),
            allow_blank=True,
            showErrorMessage=False,
        )
        ws.add_data_validation(dv)
        from openpyxl.utils import get_column_letter

        dv.add(f"C2:{get_column_letter(2 + len(sessions))}{1 + len(officials)}")
    info = wb.create_sheet("Instructions 说明")
    append(
        info,
        [
            "Write present, late, excused or absent (or P/L/E/A). Leave a cell empty to keep it as it is. "
            "Do not change the first column or the header row.",
            "填写 present、late、excused 或 absent（或 P/L/E/A，或 出席/迟到/请假/缺席）。留空表示不修改。"
            "请勿修改第一列和标题行。",
        ],
    )
    if title:
        append(info, [title])
    return xlsx_bytes(wb)


def parse_attendance_xlsx(data: bytes, *, max_bytes: int = 5 * 1024 * 1024) -> SheetResult:
    from openpyxl import load_workbook

    result = SheetResult()
    if not data:
        result.errors.append(SheetError("roster.empty_file"))
        return result
    if len(data) > max_bytes:
        result.errors.append(SheetError("roster.too_large", params={"size": len(data), "max": max_bytes}))
        return result
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "xl/workbook.xml" not in z.namelist():
                raise zipfile.BadZipFile
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        result.errors.append(SheetError("roster.not_spreadsheet"))
        return result
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            result.errors.append(SheetError("roster.empty_file"))
            return result
        columns: dict[int, int] = {}
        for i, cell in enumerate(header[2:], start=2):
            m = _SESSION_RE.search(str(cell or ""))
            if m:
                columns[i] = int(m[1])
        if not columns:
            result.errors.append(SheetError("attendance.no_sessions"))
            return result
        for line, row in enumerate(rows, start=2):
            if not row or all(v is None or str(v).strip() == "" for v in row):
                continue
            if any(has_control_characters(v) for v in row):
                result.errors.append(SheetError("roster.control_characters", line))
                continue
            m = _OFFICIAL_RE.match(str(row[0] if row[0] is not None else "").replace(".0", ""))
            if not m:
                result.errors.append(SheetError("attendance.bad_official", line, {"value": str(row[0] or "")}))
                continue
            official = int(m[1])
            for i, session in columns.items():
                raw = row[i] if i < len(row) else None
                text = unicodedata.normalize("NFKC", str(raw or "")).strip().lower()
                if not text:
                    continue
                status = STATUS_ALIASES.get(text)
                if status is None:
                    result.errors.append(SheetError("attendance.bad_status", line, {"value": str(raw)}))
                    continue
                result.marks.append((official, session, status))
    finally:
        wb.close()
    return result
