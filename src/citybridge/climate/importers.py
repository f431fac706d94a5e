"""Pure parsers for inventory files: rows plus per-row issues, no database.

(a) the project's bilingual XLSX template, (b) the GPC eCRF workbook, (c) the CityCatalyst CSV inventory export.
Input is bounded (bytes, rows, cell length) and XLSX is read with openpyxl in read-only mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from citybridge.climate.accounting import Amount, Factor, Issue

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
MAX_CELL = 2000


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
    emissions_by_gas: dict[str, Amount] | None = None
    total_co2e_t: float | None = None
    data_quality: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class ParseResult:
    format: str
    rows: list[ImportedRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(i.code not in WARNING_CODES for i in self.issues)


WARNING_CODES: frozenset[str] = frozenset()


def parse_template(data: bytes) -> ParseResult:
    raise NotImplementedError


def parse_ecrf(data: bytes) -> ParseResult:
    raise NotImplementedError


def parse_citycatalyst_csv(data: bytes) -> ParseResult:
    raise NotImplementedError


def parse_any(data: bytes, filename: str) -> ParseResult:
    raise NotImplementedError


def template_workbook(rows: list[ImportedRow] | None = None) -> bytes:
    """The empty (or pre-filled) bilingual template as XLSX bytes."""
    raise NotImplementedError
