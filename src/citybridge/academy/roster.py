"""Roster files (XLSX or CSV) of officials to enrol: parse into typed rows with per-row errors; bilingual template.

Plain Python, no Django. Errors are ``RosterError(code, line, column, params)``; the Django layer translates the
code into the user's language. Nothing here writes anything: the enrolment service validates the whole file first
and writes all rows or none.

Accepted headers: the template's bilingual header ("Family name (English) / 姓（英文）"), either half of it, or the
column key ("family_name_en"). Matching ignores case, spaces and brackets style (ASCII or full-width).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from citybridge.core.files import has_control_characters, xlsx_bytes  # plain Python, no Django
from citybridge.core.validators import date_in_range

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    zh: str
    required: bool = False
    example: str = ""

    @property
    def header(self) -> str:
        return f"{self.en} / {self.zh}"


COLUMNS: tuple[Column, ...] = (
    Column("family_name_en", "Family name (English)", "姓（英文）", example="Zhang"),
    Column("given_name_en", "Given name (English)", "名（英文）", example="Wei"),
    Column("family_name_zh", "Family name (Chinese)", "姓（中文）", example="张"),
    Column("given_name_zh", "Given name (Chinese)", "名（中文）", example="伟"),
    Column("position", "Position", "职务", required=True, example="Vice mayor"),
    Column("organisation", "Organisation", "工作单位", example="Zhenjiang Municipal Government"),
    Column("jurisdiction", "Jurisdiction led", "所辖地区", example="Zhenjiang"),
    Column("province", "Province", "省份", example="Jiangsu"),
    Column("population", "Population of jurisdiction", "辖区人口", example="3210000"),
    Column("population_date", "Population as of", "人口统计日期", example="2023-12-31"),
    Column("company", "Company (SOE executives)", "企业（国企高管）"),
    Column("company_size", "Company employees", "企业员工人数"),
    Column("service_start", "Service start date", "任职起始日期", example="2019-06-01"),
    Column("email", "E-mail", "电子邮箱", example="zhang.wei@example.cn"),
    Column("phone", "Phone", "电话", example="+86 511 8888 0000"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)

#: position codes (as in the Django model) and the spellings accepted for each
POSITIONS: dict[str, tuple[str, ...]] = {
    "mayor": ("mayor", "市长", "区长", "县长", "州长"),
    "vice_mayor": ("vice mayor", "vice-mayor", "deputy mayor", "副市长", "副区长", "副县长", "副州长"),
    "bureau_officer": (
        "central-government bureau officer",
        "central government bureau officer",
        "bureau officer",
        "中央部委司局官员",
        "中央国家机关司局干部",
        "部委官员",
        "司局级干部",
    ),
    "soe_executive": ("soe executive", "state-owned enterprise executive", "国企高管", "国有企业高管", "国企负责人"),
    "other": ("other", "其他"),
}
POSITION_LABELS = {
    "mayor": ("Mayor", "市长"),
    "vice_mayor": ("Vice mayor", "副市长"),
    "bureau_officer": ("Central-government bureau officer", "中央部委司局官员"),
    "soe_executive": ("SOE executive", "国企高管"),
    "other": ("Other", "其他"),
}


def _norm(text: Any) -> str:
    s = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return re.sub(r"[\s_\-()（）/:：]+", "", s)


_POSITION_LOOKUP: dict[str, str] = {}
for _code, _names in POSITIONS.items():
    _POSITION_LOOKUP[_norm(_code)] = _code
    for _n in _names:
        _POSITION_LOOKUP[_norm(_n)] = _code

#: other common spellings of headers
_HEADER_ALIASES = {
    "family_name_en": ("Family name", "Surname", "Last name"),
    "given_name_en": ("Given name", "First name"),
    "family_name_zh": ("姓",),
    "given_name_zh": ("名",),
    "organisation": ("Organization", "单位"),
    "email": ("Email", "邮箱"),
    "service_start": ("Service start", "任职时间"),
}
_HEADER_LOOKUP: dict[str, str] = {}
for _key, _aliases in _HEADER_ALIASES.items():
    for _h in _aliases:
        _HEADER_LOOKUP[_norm(_h)] = _key
for _c in COLUMNS:
    for _h in (_c.key, _c.en, _c.zh, _c.header):
        _HEADER_LOOKUP[_norm(_h)] = _c.key


@dataclass(frozen=True)
class RosterError:
    code: str
    line: int | None = None  # 1-based line of the file (header is line 1); None for file-level errors
    column: str | None = None  # a COLUMNS key
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class RosterRow:
    line: int
    family_name_en: str = ""
    given_name_en: str = ""
    family_name_zh: str = ""
    given_name_zh: str = ""
    position: str = ""
    organisation: str = ""
    jurisdiction: str = ""
    province: str = ""
    population: int | None = None
    population_date: date | None = None
    company: str = ""
    company_size: int | None = None
    service_start: date | None = None
    email: str = ""
    phone: str = ""

    def name_key(self) -> tuple[str, str, str]:
        """Identity used for duplicate detection: the name in both languages and the organisation."""
        en = _norm(f"{self.family_name_en}{self.given_name_en}")
        zh = _norm(f"{self.family_name_zh}{self.given_name_zh}")
        return (en, zh, _norm(self.organisation))


@dataclass
class RosterResult:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------- value parsers

_DATE_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def parse_date(value: Any) -> date | None:
    """A date from a cell; raises ValueError when it is not one. Empty -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = unicodedata.normalize("NFKC", str(value)).strip()
    s = re.sub(r"[ T]00:00(:00)?$", "", s)
    for rx in _DATE_RES:
        m = rx.match(s)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(s)


_UNITS = {"万": 10_000, "亿": 100_000_000, "k": 1_000, "m": 1_000_000, "million": 1_000_000}


#: no jurisdiction or company counts more people than this; larger numbers are typing errors (and would overflow)
MAX_COUNT = 2_000_000_000


def parse_count(value: Any) -> int | None:
    """A whole number 0..MAX_COUNT ("3,210,000", "321万", "1.2亿", 3210000.0). Empty -> None; else ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if not 0 <= value <= MAX_COUNT or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(value)
        return int(value)
    s = unicodedata.normalize("NFKC", str(value)).strip().lower().replace(",", "").replace(" ", "")
    m = re.match(r"^(\d+(?:\.\d+)?)(万|亿|k|m|million)?$", s)
    if not m:
        raise ValueError(value)
    n = float(m[1]) * _UNITS.get(m[2] or "", 1)
    if (m[2] is None and "." in m[1] and not n.is_integer()) or n > MAX_COUNT:
        raise ValueError(value)
    return round(n)


def parse_position(value: Any) -> str | None:
    return _POSITION_LOOKUP.get(_norm(value))


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --------------------------------------------------------------------------- file readers


class _FileProblem(Exception):
    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


#: how common binary files begin (PDF, PNG, JPEG, GIF)
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def _looks_binary(data: bytes) -> bool:
    """A known binary format, a NUL in the first line, or more than 1 % control bytes: a binary file or UTF-16.
    A few control bytes in the rows are cells with control characters, which the rows report
    (roster.control_characters) instead of calling the file no spreadsheet."""
    sample = data[:8192]
    if sample.startswith(_BINARY_MAGIC) or b"\x00" in sample.split(b"\n", 1)[0]:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return control > max(len(sample) // 100, 8)


def _read_csv(data: bytes) -> Iterator[list[Any]]:
    if _looks_binary(data):
        raise _FileProblem("roster.not_spreadsheet")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _FileProblem("roster.not_spreadsheet")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # a cell of more than 131,072 characters
            raise _FileProblem("roster.cell_too_long", max=csv.field_size_limit())
        raise _FileProblem("roster.not_spreadsheet")


def _read_xlsx(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise _FileProblem("roster.not_spreadsheet")
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            return
        for row in ws.iter_rows(values_only=True):
            yield list(row)
    finally:
        wb.close()


def _rows_of(data: bytes, filename: str) -> Iterator[list[Any]]:
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "xl/workbook.xml" not in z.namelist():
                    raise _FileProblem("roster.not_spreadsheet")
        except zipfile.BadZipFile:
            raise _FileProblem("roster.not_spreadsheet")
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise _FileProblem("roster.xls_not_supported")
    if name.endswith((".xlsx", ".xlsm")):
        raise _FileProblem("roster.not_spreadsheet")
    return _read_csv(data)


def _blank(row: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


# --------------------------------------------------------------------------- parse


def parse_roster(
    data: bytes,
    filename: str = "",
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    today: date | None = None,
) -> RosterResult:
    """Parse a roster; ``result.ok`` is False when any file-level or row-level error was found."""
    result = RosterResult()
    if not data:
        result.errors.append(RosterError("roster.empty_file"))
        return result
    if len(data) > max_bytes:
        result.errors.append(RosterError("roster.too_large", params={"size": len(data), "max": max_bytes}))
        return result
    try:
        rows = _rows_of(data, filename)
        header: list[Any] | None = None
        header_line = 0
        body: list[tuple[int, list[Any]]] = []
        for i, raw in enumerate(rows, start=1):
            if header is None:
                if _blank(raw):
                    continue
                header, header_line = raw, i
                continue
            if _blank(raw):
                continue
            body.append((i, raw))
            if len(body) > max_rows:
                result.errors.append(RosterError("roster.too_many_rows", params={"max": max_rows}))
                return result
    except _FileProblem as e:
        result.errors.append(RosterError(e.code, params=e.params))
        return result
    if header is None:
        result.errors.append(RosterError("roster.empty_file"))
        return result
    index: dict[str, int] = {}
    unknown: list[str] = []
    for pos, cell in enumerate(header):
        if cell is None or not str(cell).strip():
            continue
        key = _HEADER_LOOKUP.get(_norm(cell))
        if key is None:
            unknown.append(str(cell))
        elif key in index:
            result.errors.append(RosterError("roster.duplicate_column", header_line, key, {"header": str(cell)}))
        else:
            index[key] = pos
    if not index:
        result.errors.append(
            RosterError("roster.no_known_columns", header_line, params={"found": ", ".join(unknown[:10])})
        )
        return result
    result.columns = [k for k in COLUMN_KEYS if k in index]
    for c in COLUMNS:
        if c.required and c.key not in index:
            result.errors.append(RosterError("roster.missing_column", header_line, c.key))
    if not any(k in index for k in ("family_name_en", "family_name_zh")):
        result.errors.append(RosterError("roster.missing_column", header_line, "family_name_en"))
    if unknown:
        result.errors.append(RosterError("roster.unknown_columns", header_line, params={"found": ", ".join(unknown)}))
    if result.errors:
        return result
    if not body:
        result.errors.append(RosterError("roster.no_rows"))
        return result

    seen_email: dict[str, int] = {}
    seen_name: dict[tuple[str, str, str], int] = {}
    today = today or date.today()
    for line, raw in body:
        cells = {k: (raw[p] if p < len(raw) else None) for k, p in index.items()}
        bad = [RosterError("roster.control_characters", line, k) for k, v in cells.items() if has_control_characters(v)]
        if bad:
            result.errors.extend(bad)
            continue
        row, errs = _parse_row(line, cells, today)
        result.errors.extend(errs)
        if errs:
            continue
        dup_of = None
        if row.email:
            dup_of = seen_email.get(row.email.lower())
        key = row.name_key()
        if dup_of is None:
            dup_of = seen_name.get(key)
        if dup_of is not None:
            result.errors.append(RosterError("roster.duplicate_in_file", line, None, {"first_line": dup_of}))
            continue
        if row.email:
            seen_email[row.email.lower()] = line
        seen_name[key] = line
        result.rows.append(row)
    return result


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return unicodedata.normalize("NFC", str(v)).strip()


def _parse_row(line: int, cells: dict[str, Any], today: date) -> tuple[RosterRow, list[RosterError]]:
    errs: list[RosterError] = []
    row = RosterRow(line=line)
    for key in (
        "family_name_en",
        "given_name_en",
        "family_name_zh",
        "given_name_zh",
        "organisation",
        "jurisdiction",
        "province",
        "company",
        "email",
        "phone",
    ):
        value = _text(cells.get(key))
        limit = 100 if "name" in key else 200
        if len(value) > limit:
            errs.append(RosterError("roster.too_long", line, key, {"max": limit}))
            value = value[:limit]
        setattr(row, key, value)
    if not (row.family_name_en or row.family_name_zh):
        errs.append(RosterError("roster.missing_name", line, "family_name_en"))
    raw_pos = _text(cells.get("position"))
    if not raw_pos:
        errs.append(RosterError("roster.missing_position", line, "position"))
    else:
        code = parse_position(raw_pos)
        if code is None:
            errs.append(RosterError("roster.unknown_position", line, "position", {"value": raw_pos}))
        else:
            row.position = code
    for key in ("service_start", "population_date"):
        try:
            d = parse_date(cells.get(key))
        except ValueError:
            errs.append(RosterError("roster.bad_date", line, key, {"value": _text(cells.get(key))}))
            continue
        if d is not None and d > today:
            errs.append(RosterError("roster.date_in_future", line, key, {"value": d}))  # messages.py writes the date
            continue
        if not date_in_range(d):  # the bounds every date input shares (core.validators)
            # a real date out of range (not a typing error): messages.py names the bounds
            errs.append(RosterError("roster.bad_date", line, key, {"value": d}))
            continue
        setattr(row, key, d)
    for key in ("population", "company_size"):
        try:
            setattr(row, key, parse_count(cells.get(key)))
        except ValueError:
            errs.append(RosterError("roster.bad_number", line, key, {"value": _text(cells.get(key))}))
    if row.email and not _EMAIL_RE.match(row.email):
        errs.append(RosterError("roster.bad_email", line, "email", {"value": row.email}))
    if row.population is not None and not row.jurisdiction:
        errs.append(RosterError("roster.population_without_jurisdiction", line, "population"))
    return row, errs


# --------------------------------------------------------------------------- template


def template_xlsx() -> bytes:
    """An XLSX with the bilingual header, a position drop-down, and an instructions sheet in both languages."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Roster 名单"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for i, c in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=c.header)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = max(16, min(40, len(c.header) + 4))
    ws.freeze_panes = "A2"

    lists = wb.create_sheet("Lists 选项")
    lists.cell(row=1, column=1, value="Position / 职务").font = bold
    for r, (en, zh) in enumerate(POSITION_LABELS.values(), start=2):
        lists.cell(row=r, column=1, value=en)
        lists.cell(row=r, column=2, value=zh)
    n = len(POSITION_LABELS) + 1
    pos_col = get_column_letter(COLUMN_KEYS.index("position") + 1)
    dv = DataValidation(type="list", formula1=f"='Lists 选项'!$A$2:$A${n}", allow_blank=True, showErrorMessage=False)
    ws.add_data_validation(dv)
    dv.add(f"{pos_col}2:{pos_col}{MAX_ROWS + 1}")

    info = wb.create_sheet("Instructions 说明")
    lines = [
        (
            "One official per row, starting on row 2. Leave the header row as it is.",
            "每行填写一位学员，从第 2 行开始。请勿修改标题行。",
        ),
        (
            "Give the name in English, in Chinese, or both. Position is required.",
            "姓名可填写英文、中文或两者。职务为必填项。",
        ),
        (
            "Positions: " + "; ".join(en for en, _ in POSITION_LABELS.values()),
            "职务：" + "；".join(zh for _, zh in POSITION_LABELS.values()),
        ),
        (
            "Dates as YYYY-MM-DD (or a date cell). Numbers may use 万 and 亿.",
            "日期格式为 YYYY-MM-DD（或日期单元格）。数字可使用“万”“亿”。",
        ),
        (
            "Population and its date are for mayors and vice mayors; company and employees for SOE executives.",
            "辖区人口及其统计日期适用于市长和副市长；企业及员工人数适用于国企高管。",
        ),
        (
            f"At most {MAX_ROWS} rows and {MAX_BYTES // (1024 * 1024)} MB. Nothing is imported if any row has an error.",
            f"最多 {MAX_ROWS} 行、{MAX_BYTES // (1024 * 1024)} MB。任何一行有错误时，整个文件都不会导入。",
        ),
        ("Example row:", "示例："),
        (" | ".join(c.example for c in COLUMNS), ""),
    ]
    info.column_dimensions["A"].width = 90
    info.column_dimensions["B"].width = 70
    for r, (en, zh) in enumerate(lines, start=1):
        info.cell(row=r, column=1, value=en)
        info.cell(row=r, column=2, value=zh)
    return xlsx_bytes(wb)


def rows_to_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    """A CSV with the bilingual header (used by tests and the benchmark generator)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([c.header for c in COLUMNS])
    for r in rows:
        w.writerow(["" if r.get(c.key) is None else r.get(c.key) for c in COLUMNS])
    return buf.getvalue().encode("utf-8-sig")
