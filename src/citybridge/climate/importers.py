"""Pure parsers for inventory files: rows plus per-row issues, no database.

(a) the project's bilingual XLSX template (``TEMPLATE_COLUMNS``), (b) the GPC eCRF workbook (sheet with a
"GPC ref. no." column: notation key, activity data, emission factors and "GHGs (metric tonnes CO2e)" per gas and
total), (c) the CityCatalyst CSV inventory export (one row per GPC line and activity: "GPC Reference Number",
"Notation Key", "Total Emissions" in t CO2e, activity, per-gas factors and emissions, data source).

Facts about the foreign formats (column names, units, notation-key spellings) are taken from the open-source
CityCatalyst repository (Open Earth Foundation): ``app/src/backend/CSVDownloadService.ts`` (CSV columns; per-gas
columns are kg of gas × kg CO2e/kg, i.e. kg CO2e, while "Total Emissions" is t CO2e; notation keys are the initials
of its reasons: no-occurrance → NO, not-estimated → NE, included-elsewhere → IE, confidential-information → CI) and
``app/templates/ecrf_template.xlsx`` (the eCRF sheet's header row). No code is copied.

Rules: foreign notation keys and rows whose per-gas emissions do not add up to their total are warnings (the row is
kept, the file's total is used, both figures are in the warning); nothing is dropped or guessed. Input is bounded
(bytes, rows, cell length) and XLSX is read with openpyxl in read-only mode. Row numbers are the file's, 1-based.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dc_field

from citybridge.climate.accounting import NOTATION_KEYS, Amount, Entry, Factor, Issue
from citybridge.climate.gpc import gpc_lines, is_gpc_ref, normalise_ref, ref_sort_key
from citybridge.core.files import CONTROL_RE, has_control_characters  # plain Python, no Django

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
MAX_CELL = 2000
MAX_COLUMNS = 80
#: rows read at most, blank ones included (a sheet of a million empty rows is refused, not walked)
MAX_SCAN_ROWS = 5000
#: per-gas sum vs total: equal within this relative tolerance (or 0.001 t)
SUM_TOLERANCE = 1e-6

#: every code the parsers emit (file-level issues have index None; row issues carry the row number in ``index``)
ISSUE_CODES: dict[str, tuple[str, ...]] = {
    "file_too_large": ("max_bytes",),
    "too_many_rows": ("max_rows",),
    "not_xlsx": (),
    "not_utf8": (),
    "unreadable_file": (),
    "unknown_format": ("filename",),
    "header_not_found": ("expected",),
    "missing_column": ("column",),
    "unknown_column": ("column", "header"),
    "value_outside_columns": ("column",),
    "cell_too_long": ("max",),
    "control_characters": (),
    "not_a_number": ("value",),
    "negative_value": ("value",),
    "missing_ref": (),
    "unknown_ref": ("ref",),
    "unknown_notation_key": ("key",),
    "unknown_gas": ("gas",),
    "unknown_factor": ("factor_id",),
    # warnings: the row is kept
    "foreign_notation_key": ("key",),
    "gas_sum_mismatch": ("sum_t", "total_t"),
    "rows_merged": ("ref", "rows"),
    "ref_from_sector": ("ref",),
    "row_without_data": ("ref",),
    "unknown_data_quality": ("value",),
}
WARNING_CODES: frozenset[str] = frozenset(
    {
        "foreign_notation_key",
        "gas_sum_mismatch",
        "rows_merged",
        "ref_from_sector",
        "row_without_data",
        "unknown_data_quality",
    }
)

_DATA_QUALITY = {
    "high": "high",
    "h": "high",
    "高": "high",
    "medium": "medium",
    "m": "medium",
    "中": "medium",
    "low": "low",
    "l": "low",
    "低": "low",
}
_NUMBER_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?$")


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """One parsed row, ready to become an ``accounting.Entry`` (``row`` is the file's 1-based row number)."""

    row: int
    ref: str
    notation_key: str | None = None
    explanation: str = ""
    included_in: str = ""
    activity_value: float | None = None
    activity_unit: str = ""
    factor_id: str = ""
    factors: tuple[Factor, ...] = ()
    #: tonnes of each gas ('CO2e' holds amounts the file gives only in CO2e)
    emissions_by_gas: dict[str, Amount] | None = None
    #: per-gas figures exactly as the file states them, converted to t CO2e (eCRF, CityCatalyst)
    reported_co2e_by_gas_t: dict[str, float] = dc_field(default_factory=dict)
    total_co2e_t: float | None = None
    data_quality: str = ""
    source: str = ""
    #: a notation key outside NO/IE/NE/C, as written (reported as a warning, never mapped)
    foreign_notation_key: str = ""


@dataclass(frozen=True, slots=True)
class ParseResult:
    format: str
    rows: list[ImportedRow] = dc_field(default_factory=list)
    issues: list[Issue] = dc_field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.code not in WARNING_CODES]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.code in WARNING_CODES]

    @property
    def ok(self) -> bool:
        return not self.errors


# --- the bilingual template -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    en: str
    zh: str
    numeric: bool = False


TEMPLATE_COLUMNS: tuple[Column, ...] = (
    Column("gpc_ref", "GPC reference number", "GPC 编号"),
    Column("notation_key", "Notation key (NO/IE/NE/C)", "注释键（NO/IE/NE/C）"),
    Column("explanation", "Explanation (required with a notation key)", "说明（使用注释键时必填）"),
    Column("included_in", "Included in (GPC reference, for IE)", "计入的 GPC 编号（IE 时填写）"),
    Column("activity_value", "Activity value", "活动水平数值", numeric=True),
    Column("activity_unit", "Activity unit", "活动水平单位"),
    Column("factor_id", "Emission factor ID (library)", "排放因子编号（因子库）"),
    Column("factor_co2", "Own factor: CO2", "自有因子：CO2", numeric=True),
    Column("factor_ch4", "Own factor: CH4", "自有因子：CH4", numeric=True),
    Column("factor_n2o", "Own factor: N2O", "自有因子：N2O", numeric=True),
    Column("factor_unit", "Own factor: unit (e.g. kg/kWh)", "自有因子：单位（如 kg/kWh）"),
    Column("factor_source", "Own factor: source", "自有因子：来源"),
    Column("co2_t", "CO2 emissions (t)", "CO2 排放量（吨）", numeric=True),
    Column("ch4_t", "CH4 emissions (t)", "CH4 排放量（吨）", numeric=True),
    Column("n2o_t", "N2O emissions (t)", "N2O 排放量（吨）", numeric=True),
    Column("other_co2e_t", "Other gases (t CO2e)", "其他气体排放量（吨二氧化碳当量）", numeric=True),
    Column("data_quality", "Data quality (high/medium/low)", "数据质量（高/中/低）"),
    Column("source", "Source", "数据来源"),
)
_TEMPLATE_REQUIRED = ("gpc_ref",)


def _norm_header(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


_TEMPLATE_BY_LABEL = {_norm_header(c.en): c for c in TEMPLATE_COLUMNS} | {
    _norm_header(c.zh): c for c in TEMPLATE_COLUMNS
}


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


class _Rows:
    """Collects issues for one file."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, code: str, row: int | None = None, fld: str = "", line: str = "", **params: object) -> None:
        self.issues.append(Issue(code, fld, params, line, row))


def _text(value: object, out: _Rows, row: int, fld: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > MAX_CELL:
        out.add("cell_too_long", row, fld, max=MAX_CELL)
        return text[:MAX_CELL]
    if has_control_characters(text):
        out.add("control_characters", row, fld)
        return CONTROL_RE.sub("", text)
    return text


def _number(value: object, out: _Rows, row: int, fld: str, *, allow_negative: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        out.add("not_a_number", row, fld, value=str(value))
        return None
    if isinstance(value, int | float):
        x = float(value)
    else:
        text = str(value).strip()
        if len(text) > 64 or not _NUMBER_RE.match(text):
            out.add("not_a_number", row, fld, value=text[:32])
            return None
        x = float(text.replace(",", ""))
    if not math.isfinite(x):
        out.add("not_a_number", row, fld, value=str(value)[:32])
        return None
    if x < 0 and not allow_negative:
        out.add("negative_value", row, fld, value=x)
        return None
    return x


def _quality(value: str, out: _Rows, row: int, ref: str) -> str:
    if not value:
        return ""
    q = _DATA_QUALITY.get(value.strip().lower())
    if q is None:
        out.add("unknown_data_quality", row, "data_quality", ref, value=value[:16])
        return ""
    return q


def _notation(value: str, out: _Rows, row: int, ref: str) -> tuple[str | None, str]:
    """(key, foreign key as written)."""
    if not value:
        return None, ""
    key = value.strip().upper()
    if key in NOTATION_KEYS:
        return key, ""
    out.add("foreign_notation_key", row, "notation_key", ref, key=value[:16])
    return None, value[:16]


def _ref(value: str, out: _Rows, row: int) -> str:
    if not value:
        out.add("missing_ref", row, "gpc_ref")
        return ""
    if not is_gpc_ref(value):
        out.add("unknown_ref", row, "gpc_ref", value[:32], ref=value[:32])
        return value[:32]
    return normalise_ref(value)


def _bounded(data: bytes, out: _Rows) -> bool:
    if len(data) > MAX_BYTES:
        out.add("file_too_large", max_bytes=MAX_BYTES)
        return False
    return True


def _open_xlsx(data: bytes, out: _Rows):  # noqa: ANN202 - an openpyxl workbook, imported lazily
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        out.add("not_xlsx")
        return None
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is one typed issue
        out.add("not_xlsx")
        return None


def parse_template(data: bytes) -> ParseResult:
    """The project's bilingual template: English header row (a Chinese one may follow, or replace it)."""
    out = _Rows()
    if not _bounded(data, out):
        return ParseResult("template", [], out.issues)
    wb = _open_xlsx(data, out)
    if wb is None:
        return ParseResult("template", [], out.issues)
    try:
        ws = wb.worksheets[0]
        rows_iter = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header: dict[int, Column] = {}
        header_row = 0
        rows: list[ImportedRow] = []
        data_rows = 0
        for r, values in enumerate(rows_iter, start=1):
            if r > max(MAX_SCAN_ROWS, MAX_ROWS + 10):
                out.add("too_many_rows", max_rows=MAX_ROWS)
                return ParseResult("template", [], out.issues)
            cells = list(values)
            if not header:
                labels = [_norm_header(v) for v in cells]
                if any(label in _TEMPLATE_BY_LABEL for label in labels):
                    for i, label in enumerate(labels):
                        if not label:
                            continue
                        col = _TEMPLATE_BY_LABEL.get(label)
                        if col is None:
                            out.add("unknown_column", r, "", column=_col_letter(i), header=str(cells[i])[:64])
                        else:
                            header[i] = col
                    header_row = r
                    for key in _TEMPLATE_REQUIRED:
                        if key not in {c.key for c in header.values()}:
                            out.add("missing_column", r, key, column=key)
                    if out.issues:
                        return ParseResult("template", [], out.issues)
                elif r >= 5:
                    break
                continue
            if r == header_row + 1 and all(
                _norm_header(v) == _norm_header(header[i].zh) for i, v in enumerate(cells) if i in header and v
            ):
                continue  # the Chinese header row
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                out.add("too_many_rows", max_rows=MAX_ROWS)
                return ParseResult("template", [], out.issues)
            for i, v in enumerate(cells):
                if i not in header and v is not None and str(v).strip():
                    out.add("value_outside_columns", r, "", column=_col_letter(i))
            raw = {header[i].key: v for i, v in enumerate(cells) if i in header}
            rows.append(_template_row(raw, r, out))
        if not header:
            out.add("header_not_found", expected=TEMPLATE_COLUMNS[0].en)
    finally:
        wb.close()
    return ParseResult("template", rows, out.issues)


def _template_row(raw: Mapping[str, object], r: int, out: _Rows) -> ImportedRow:
    ref = _ref(_text(raw.get("gpc_ref"), out, r, "gpc_ref"), out, r)
    key, foreign = _notation(_text(raw.get("notation_key"), out, r, "notation_key"), out, r, ref)
    num = {
        k: _number(raw.get(k), out, r, k)
        for k in ("activity_value", "factor_co2", "factor_ch4", "factor_n2o", "co2_t", "ch4_t", "n2o_t", "other_co2e_t")
    }
    factor_unit = _text(raw.get("factor_unit"), out, r, "factor_unit")
    factor_source = _text(raw.get("factor_source"), out, r, "factor_source")
    factors = tuple(
        Factor(id=f"own-{gas.lower()}", gas=gas, value=num[k], unit=factor_unit, source=factor_source)  # type: ignore[arg-type]
        for gas, k in (("CO2", "factor_co2"), ("CH4", "factor_ch4"), ("N2O", "factor_n2o"))
        if num[k] is not None
    )
    emissions = {
        gas: Amount(num[k], "t")  # type: ignore[arg-type]
        for gas, k in (("CO2", "co2_t"), ("CH4", "ch4_t"), ("N2O", "n2o_t"), ("CO2e", "other_co2e_t"))
        if num[k] is not None
    }
    return ImportedRow(
        row=r,
        ref=ref,
        notation_key=key,
        foreign_notation_key=foreign,
        explanation=_text(raw.get("explanation"), out, r, "explanation"),
        included_in=normalise_ref(_text(raw.get("included_in"), out, r, "included_in")),
        activity_value=num["activity_value"],
        activity_unit=_text(raw.get("activity_unit"), out, r, "activity_unit"),
        factor_id=_text(raw.get("factor_id"), out, r, "factor_id"),
        factors=factors,
        emissions_by_gas=emissions or None,
        data_quality=_quality(_text(raw.get("data_quality"), out, r, "data_quality"), out, r, ref),
        source=_text(raw.get("source"), out, r, "source"),
    )


def template_workbook(
    rows: Iterable[ImportedRow] | None = None, names_zh: Mapping[str, tuple[str, str]] | None = None
) -> bytes:
    """The bilingual template as XLSX bytes: English and Chinese header rows, then ``rows`` (may be empty), and a
    second sheet listing the GPC lines, with each line's sector and sub-sector in Chinese from ``names_zh``
    (reference → (sector, sub-sector); the caller translates). Every text cell goes through core.files."""
    from openpyxl import Workbook

    from citybridge.core.files import append, xlsx_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "Inventory 清单"
    append(ws, [c.en for c in TEMPLATE_COLUMNS])
    append(ws, [c.zh for c in TEMPLATE_COLUMNS])
    for row in rows or ():
        gases = dict(row.emissions_by_gas or {})
        fac = {f.gas: f for f in row.factors}
        unit = row.factors[0].unit if row.factors else ""
        src = row.factors[0].source if row.factors else ""
        append(
            ws,
            [
                row.ref,
                row.notation_key or "",
                row.explanation,
                row.included_in,
                row.activity_value,
                row.activity_unit,
                row.factor_id,
                fac["CO2"].value if "CO2" in fac else None,
                fac["CH4"].value if "CH4" in fac else None,
                fac["N2O"].value if "N2O" in fac else None,
                unit,
                src,
                *[gases[g].value if g in gases else None for g in ("CO2", "CH4", "N2O", "CO2e")],
                row.data_quality,
                row.source,
            ],
        )
    ref_ws = wb.create_sheet("GPC lines 编号")
    append(
        ref_ws,
        ["GPC reference number", "Sector", "Sub-sector", "Scope", "BASIC", "BASIC+", "Description", "部门", "子部门"],
    )
    append(ref_ws, ["GPC 编号", "", "", "范围", "", "", "说明（英文）", "", ""])
    for line in gpc_lines():
        zh = (names_zh or {}).get(line.ref, ("", ""))
        append(
            ref_ws,
            [
                line.ref,
                line.sector,
                line.subsector,
                line.scope,
                "Y" if line.basic else "",
                "Y" if line.basic_plus else "",
                line.description,
                *zh,
            ],
        )
    return xlsx_bytes(wb)


# --- eCRF and CityCatalyst -------------------------------------------------------------------------------------------

_ECRF_COLUMNS: dict[str, str] = {
    "gpc ref. no.": "gpc_ref",
    "notation key": "notation_key",
    "activity data - amount": "activity_value",
    "activity data - unit": "activity_unit",
    "activity data - description and methodology": "explanation",
    "activity data - source": "source",
    "activity data - data quality": "data_quality",
    "emission factor - unit": "factor_unit",
    "emission factor - co2": "factor_co2",
    "emission factor - ch4": "factor_ch4",
    "emission factor - n2o": "factor_n2o",
    "ghgs (metric tonnes co2e) - co2": "co2e_CO2",
    "ghgs (metric tonnes co2e) - ch4": "co2e_CH4",
    "ghgs (metric tonnes co2e) - n2o": "co2e_N2O",
    "ghgs (metric tonnes co2e) - total co2e": "total",
    # workbooks that leave "GPC ref. no." empty (CityCatalyst's CRF-format exports): the line is found from these
    "crf - sector": "crf_sector",
    "crf - sub-sector": "crf_subsector",
    "scope": "crf_scope",
}

#: eCRF sector / sub-sector names (lower case; the CRF export's and the GPC's own) -> GPC sub-sector reference
_ECRF_SUBSECTORS: dict[str, dict[str, str]] = {
    "stationary energy": {
        "residential buildings": "I.1",
        "commercial buildings & facilities": "I.2",
        "institutional buildings & facilities": "I.2",
        "commercial and institutional buildings and facilities": "I.2",
        "industrial buildings & facilities": "I.3",
        "manufacturing industries and construction": "I.3",
        "energy industries": "I.4",
        "agriculture": "I.5",
        "agriculture, forestry and fishing activities": "I.5",
        "non-specified sources": "I.6",
    },
    "transportation": {"on-road": "II.1", "rail": "II.2", "waterborne": "II.3", "aviation": "II.4", "off-road": "II.5"},
    "waste": {
        "solid waste disposal": "III.1",
        "biological treatment": "III.2",
        "incineration and open burning": "III.3",
        "wastewater": "III.4",
    },
}


def ecrf_ref(sector: object, subsector: object, scope: object) -> str:
    """The GPC line of an eCRF row from its sector, sub-sector and scope columns ("" when they do not name one):
    "Direct emissions" is scope 1, "Indirect emissions" scope 2, emissions outside the boundary scope 3; a
    sub-sector's detail after ">" ("On-road > Bus") stays within its sub-sector."""
    subsectors = _ECRF_SUBSECTORS.get(_norm_header(sector), {})
    name = _norm_header(subsector).split(">")[0].strip()
    sub = subsectors.get(name) or next((v for k, v in subsectors.items() if name.startswith(k)), "")
    label = _norm_header(scope)
    number = (
        "1"
        if label.startswith("direct")
        else "2"
        if label.startswith("indirect")
        else "3"
        if "outside" in label or label.startswith("other indirect")
        else label
        if label in ("1", "2", "3")
        else ""
    )
    ref = f"{sub}.{number}" if sub and number else ""
    return ref if ref and is_gpc_ref(ref) else ""


_CC_COLUMNS: dict[str, str] = {
    "gpc reference number": "gpc_ref",
    "notation key": "notation_key",
    "total emissions": "total",
    "total emission units": "total_unit",
    "activity type": "activity_type",
    "activity value": "activity_value",
    "activity units": "activity_unit",
    "emission factor - co2": "factor_co2",
    "emission factor - ch4": "factor_ch4",
    "emission factor - n2o": "factor_n2o",
    "emission factor - unit": "factor_unit",
    "co2 emissions": "co2e_CO2",
    "ch4 emissions": "co2e_CH4",
    "n2o emissions": "co2e_N2O",
    "data source name": "source",
}


def _foreign_row(raw: Mapping[str, object], r: int, out: _Rows, *, per_gas_unit_to_t: float) -> ImportedRow | None:
    """One eCRF / CityCatalyst row; per-gas columns are CO2e in the file (× ``per_gas_unit_to_t`` to t)."""
    ref_text = _text(raw.get("gpc_ref"), out, r, "gpc_ref")
    values_present = any(
        raw.get(k) not in (None, "") for k in raw if k not in ("gpc_ref", "total_unit", "activity_type")
    )
    if not ref_text and not values_present:
        return None
    ref = _ref(ref_text, out, r)
    key, foreign = _notation(_text(raw.get("notation_key"), out, r, "notation_key"), out, r, ref)
    per_gas: dict[str, float] = {}
    for gas in ("CO2", "CH4", "N2O"):
        v = _number(raw.get(f"co2e_{gas}"), out, r, f"emissions.{gas}")
        if v is not None:
            per_gas[gas] = v * per_gas_unit_to_t
    total = _number(raw.get("total"), out, r, "total_co2e")
    activity = _number(raw.get("activity_value"), out, r, "activity_value")
    factor_unit = _text(raw.get("factor_unit"), out, r, "factor_unit")
    factors = []
    for gas in ("CO2", "CH4", "N2O"):
        v = _number(raw.get(f"factor_{gas.lower()}"), out, r, f"factor.{gas}")
        if v is not None:
            factors.append(Factor(id=f"file-{gas.lower()}", gas=gas, value=v, unit=factor_unit))
    emissions: dict[str, Amount] | None = None
    if key is None:
        emissions = _emissions_from_reported(per_gas, total, out, r, ref)
        if emissions is None and activity is None and not foreign:
            out.add("row_without_data", r, "", ref, ref=ref)
    return ImportedRow(
        row=r,
        ref=ref,
        notation_key=key,
        foreign_notation_key=foreign,
        explanation=_text(raw.get("explanation"), out, r, "explanation"),
        activity_value=activity,
        activity_unit=_text(raw.get("activity_unit"), out, r, "activity_unit"),
        factors=tuple(factors),
        emissions_by_gas=emissions,
        reported_co2e_by_gas_t=per_gas,
        total_co2e_t=total,
        data_quality=_quality(_text(raw.get("data_quality"), out, r, "data_quality"), out, r, ref),
        source=_text(raw.get("source"), out, r, "source"),
    )


def _emissions_from_reported(
    per_gas: Mapping[str, float], total: float | None, out: _Rows, r: int, ref: str
) -> dict[str, Amount] | None:
    """What the file states, no more: CO2 in t (its GWP is 1 in every set); other gases only as t CO2e (the
    file does not give their mass); on a per-gas/total mismatch the file's total, with a warning."""
    if not per_gas and total is None:
        return None
    if total is None:
        total_used = math.fsum(per_gas.values())
        return _split(per_gas, total_used)
    if not per_gas:
        return {"CO2e": Amount(total, "t")}
    s = math.fsum(per_gas.values())
    if abs(s - total) > max(SUM_TOLERANCE * abs(total), 0.001):
        out.add("gas_sum_mismatch", r, "total_co2e", ref, sum_t=s, total_t=total)
        return {"CO2e": Amount(total, "t")}
    return _split(per_gas, total)


def _split(per_gas: Mapping[str, float], total: float) -> dict[str, Amount]:
    co2 = per_gas.get("CO2")
    out: dict[str, Amount] = {}
    if co2 is not None:
        out["CO2"] = Amount(co2, "t")
    rest = total - (co2 or 0.0)
    if rest > 0 or not out:
        out["CO2e"] = Amount(max(rest, 0.0), "t")
    return out


def _header_map(cells: Sequence[object], names: Mapping[str, str]) -> dict[int, str]:
    return {i: names[_norm_header(v)] for i, v in enumerate(cells) if _norm_header(v) in names}


def parse_ecrf(data: bytes) -> ParseResult:
    """The GPC eCRF workbook: the first sheet whose first 15 rows hold a 'GPC ref. no.' header."""
    out = _Rows()
    if not _bounded(data, out):
        return ParseResult("ecrf", [], out.issues)
    wb = _open_xlsx(data, out)
    if wb is None:
        return ParseResult("ecrf", [], out.issues)
    rows: list[ImportedRow] = []
    try:
        for ws in wb.worksheets:
            header: dict[int, str] = {}
            count = 0
            for r, values in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
                if r > max(MAX_SCAN_ROWS, MAX_ROWS + 10):
                    out.add("too_many_rows", max_rows=MAX_ROWS)
                    return ParseResult("ecrf", [], out.issues)
                if not header:
                    cand = _header_map(values, _ECRF_COLUMNS)
                    if "gpc_ref" in cand.values():
                        header = cand
                    elif r >= 15:
                        break
                    continue
                count += 1
                if count > MAX_ROWS:
                    out.add("too_many_rows", max_rows=MAX_ROWS)
                    return ParseResult("ecrf", [], out.issues)
                raw = {key: values[i] for i, key in header.items() if i < len(values)}
                raw = {k: (None if isinstance(v, str) and v.startswith("{{") else v) for k, v in raw.items()}
                crf = (raw.pop("crf_sector", None), raw.pop("crf_subsector", None), raw.pop("crf_scope", None))
                if raw.get("gpc_ref") in (None, "") and any(raw.get(k) not in (None, "") for k in raw):
                    derived = ecrf_ref(*crf)
                    if derived:
                        raw["gpc_ref"] = derived
                        out.add("ref_from_sector", r, "gpc_ref", derived, ref=derived)
                row = _foreign_row(raw, r, out, per_gas_unit_to_t=1.0)
                if row is not None:
                    rows.append(row)
            if header:
                break
        else:
            out.add("header_not_found", expected="GPC ref. no.")
    finally:
        wb.close()
    return ParseResult("ecrf", _merge(rows, out), out.issues)


def parse_citycatalyst_csv(data: bytes) -> ParseResult:
    """CityCatalyst's CSV inventory export. Per-gas columns are kg CO2e (its export multiplies kg of gas by kg
    CO2e/kg), 'Total Emissions' is t CO2e; both are compared after converting the per-gas sum to tonnes."""
    out = _Rows()
    if not _bounded(data, out):
        return ParseResult("citycatalyst", [], out.issues)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.add("not_utf8")
        return ParseResult("citycatalyst", [], out.issues)
    if "\x00" in text:
        out.add("control_characters")
        return ParseResult("citycatalyst", [], out.issues)
    reader = csv.reader(io.StringIO(text))
    rows: list[ImportedRow] = []
    header: dict[int, str] = {}
    try:
        for r, cells in enumerate(reader, start=1):
            if r == 1:
                header = _header_map(cells[:MAX_COLUMNS], _CC_COLUMNS)
                for needed in ("gpc_ref", "notation_key", "total"):
                    if needed not in header.values():
                        out.add("missing_column", 1, needed, column=needed)
                if out.issues:
                    return ParseResult("citycatalyst", [], out.issues)
                continue
            if r - 1 > MAX_ROWS:
                out.add("too_many_rows", max_rows=MAX_ROWS)
                return ParseResult("citycatalyst", [], out.issues)
            raw: dict[str, object] = {key: cells[i] for i, key in header.items() if i < len(cells)}
            unit = str(raw.get("total_unit") or "t CO2e").strip()
            if unit not in ("t CO2e", "tCO2e", ""):
                out.add("unknown_column", r, "total_unit", column="Total Emission Units", header=unit[:32])
            row = _foreign_row(raw, r, out, per_gas_unit_to_t=0.001)
            if row is not None:
                rows.append(row)
    except csv.Error:
        out.add("unreadable_file")
        return ParseResult("citycatalyst", [], out.issues)
    if not header:
        out.add("header_not_found", expected="GPC Reference Number")
    return ParseResult("citycatalyst", _merge(rows, out), out.issues)


def _merge(rows: list[ImportedRow], out: _Rows) -> list[ImportedRow]:
    """One row per GPC line: several activity rows of one line are summed gas by gas (a warning lists them)."""
    by_ref: dict[str, list[ImportedRow]] = {}
    for row in rows:
        by_ref.setdefault(row.ref, []).append(row)
    merged: list[ImportedRow] = []
    for ref, group in by_ref.items():
        if len(group) == 1 or not ref:
            merged.extend(group)
            continue
        out.add("rows_merged", group[0].row, "", ref, ref=ref, rows=[g.row for g in group])
        gases: dict[str, float] = {}
        reported: dict[str, float] = {}
        for g in group:
            for gas, a in (g.emissions_by_gas or {}).items():
                gases[gas] = gases.get(gas, 0.0) + a.value
            for gas, v in g.reported_co2e_by_gas_t.items():
                reported[gas] = reported.get(gas, 0.0) + v
        totals = [g.total_co2e_t for g in group if g.total_co2e_t is not None]
        keys = {g.notation_key for g in group if g.notation_key}
        first = group[0]
        merged.append(
            replace(
                first,
                notation_key=first.notation_key if not gases and len(keys) == 1 else None,
                activity_value=None,
                activity_unit="",
                factors=(),
                emissions_by_gas={k: Amount(v, "t") for k, v in gases.items()} or None,
                reported_co2e_by_gas_t=reported,
                total_co2e_t=math.fsum(totals) if totals else None,
                source="; ".join(dict.fromkeys(g.source for g in group if g.source)),
            )
        )
    merged.sort(key=lambda x: (ref_sort_key(x.ref), x.row))
    return merged


def parse_any(data: bytes, filename: str) -> ParseResult:
    """By content: CSV -> CityCatalyst; XLSX with a 'GPC ref. no.' header -> eCRF; other XLSX -> the template."""
    if data.startswith(b"PK"):
        res = parse_ecrf(data)
        if any(i.code == "header_not_found" for i in res.issues):
            return parse_template(data)
        return res
    if filename.lower().endswith(".csv") or b"GPC Reference Number" in data[:4096]:
        return parse_citycatalyst_csv(data)
    out = _Rows()
    out.add("unknown_format", filename=filename[:64])
    return ParseResult("unknown", [], out.issues)


def to_entry(row: ImportedRow, factors_by_id: Mapping[str, Sequence[Factor]] | None = None) -> Entry | Issue:
    """The ``accounting.Entry`` for a parsed row (a library ``factor_id`` resolved through ``factors_by_id``),
    or an ``unknown_factor`` issue. Reported emissions win over activity data (kept as information only)."""
    factors: tuple[Factor, ...] = row.factors
    if row.factor_id:
        found = (factors_by_id or {}).get(row.factor_id)
        if not found:
            return Issue("unknown_factor", "factor_id", {"factor_id": row.factor_id[:64]}, row.ref, row.row)
        factors = tuple(found) + factors
    if row.notation_key:
        return Entry(
            row.ref,
            row.notation_key,
            row.explanation,
            row.included_in,
            data_quality=row.data_quality,
            source=row.source,
        )
    if row.emissions_by_gas:
        return Entry(
            row.ref,
            explanation=row.explanation,
            emissions_by_gas=dict(row.emissions_by_gas),
            data_quality=row.data_quality,
            source=row.source,
        )
    return Entry(
        row.ref,
        explanation=row.explanation,
        activity_value=row.activity_value,
        activity_unit=row.activity_unit,
        factors=factors,
        data_quality=row.data_quality,
        source=row.source,
    )
