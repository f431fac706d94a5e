"""Files in and out: every export cell is made safe (``text_cell``, ``safe_cell``), every upload goes through
``check_upload``.

Out: formula-like text (OWASP CSV injection) never becomes a formula and control characters are stripped. In a
workbook (``append``, ``xlsx_bytes``) the text stays as it is, stored as a string with the quote prefix
(``text_cell``); in a CSV (``csv_bytes``) it gets a leading ``'`` (``safe_cell``). ``file_response`` is the one
download response. In: ``check_upload`` bounds size and type (by content, never by name) and, for ZIP containers
(XLSX, PPTX, DOCX), the members, uncompressed size and ratio read from the central directory, before any parser
opens the file.

``safe_cell``, ``text_cell``, ``append``, ``xlsx_bytes``, ``csv_bytes`` and ``zip_problem`` are plain Python so engines can use
them; Django is imported only inside ``check_upload`` and ``file_response``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import BinaryIO

    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpResponse
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet


#: the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): invisible, and they make
#: text display in an order other than the one stored ("\u202eAcme Bank\u202c gnp.exe" shows as "…exe.png")
_BIDI = "\u202a-\u202e\u2066-\u2069"
# refused on input: C0 controls except tab, newline and carriage return, DEL and the bidi controls
# (core/input_guard.py, imports)
CONTROL_RE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{_BIDI}]")
# stripped on output: C0 controls except tab and newline, DEL (openpyxl refuses most of them) and the bidi controls
_CONTROL_RE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f{_BIDI}]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"[+-]?(\d+([.,]\d*)?|\.\d+)([eE][+-]?\d+)?")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def has_control_characters(value: Any) -> bool:
    return isinstance(value, str) and CONTROL_RE.search(value) is not None


# --------------------------------------------------------------------------- out


def safe_cell(value: Any) -> Any:
    """A CSV cell value that a spreadsheet shows as the text it is: never a formula, no control characters.
    (A workbook keeps its text as it is: ``text_cell``.)

    Text beginning with ``= + - @`` (or a tab / carriage return) gets a leading ``'``; numbers, dates and
    text that is just a number ("-12.5") pass unchanged. Idempotent.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(("\t", "\r")) and value.lstrip("\t\r")[:1] in ("=", "+", "-", "@"):
        return "'" + _CONTROL_RE.sub("", value)
    value = _CONTROL_RE.sub("", value)
    if value.startswith(_FORMULA_START) and not _NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def _formula_like(value: str) -> bool:
    return value.lstrip("\t\r").startswith(_FORMULA_START) and not _NUMBER_RE.fullmatch(value)


def text_cell(cell: Any) -> None:  # noqa: ANN401 - an openpyxl Cell or WriteOnlyCell
    """Make an XLSX cell's text safe in place, keeping the text as it is: no control characters, and text that a
    spreadsheet would read as a formula (``= + - @``) is stored as a string with the cell's quote prefix, which
    Excel and LibreOffice show without the quote and keep as text when the cell is edited. A phone number
    "+86 10 6512 3456" stays that; the CSV's leading ``'`` (``safe_cell``) would show in a workbook."""
    if not isinstance(cell.value, str):
        return
    value = _CONTROL_RE.sub("", cell.value)
    if _formula_like(cell.value):
        value = value.lstrip("\t\r")
        cell.value = value
        cell.data_type = "s"  # openpyxl makes text beginning with "=" a formula
        cell.quotePrefix = True
    else:
        cell.value = value


def append(ws: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """``ws.append`` with every text made safe by ``text_cell`` (regular and write-only sheets alike)."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for v in values:
        if isinstance(v, str):
            v = WriteOnlyCell(ws, value=_CONTROL_RE.sub("", v))  # openpyxl refuses a control character
        if hasattr(v, "value") and hasattr(v, "font"):
            text_cell(v)
        row.append(v)
    ws.append(row)


def number_format(ws: Any, fmt: str, *columns: int, min_row: int = 2) -> None:  # noqa: ANN401 - a Worksheet
    """Show the numbers of `columns` (1-based) from `min_row` down with `fmt` ("#,##0.00", "0%"): the stored value
    stays exact, the reader sees it rounded and grouped instead of 661730.8850947153."""
    for column in columns:
        for (cell,) in ws.iter_rows(min_row=min_row, min_col=column, max_col=column):
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = fmt


def xlsx_bytes(wb: Workbook) -> bytes:
    """Save a workbook; every text cell of a regular sheet goes through ``text_cell`` first (cells written with
    ``ws.cell(...)`` included). Write-only sheets cannot be read back: fill them with ``append``."""
    if not getattr(wb, "write_only", False):
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    text_cell(cell)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> bytes:
    """CSV in UTF-8 (with a BOM by default, so Excel reads Chinese correctly), every cell through ``safe_cell``."""
    buf = io.StringIO()
    w = csv.writer(buf)
    for row in rows:
        w.writerow(["" if v is None else safe_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig" if bom else "utf-8")


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download: ``Content-Disposition: attachment`` with an ASCII fallback and the RFC 6266 UTF-8 name."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, _CONTROL_RE.sub("", filename))
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- in

ZIP_KINDS = {"xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml", "docx": "word/document.xml"}
_MAGIC = {"pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpeg": (b"\xff\xd8\xff",)}
_BINARY_MAGIC = (b"PK\x03\x04", b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"\x7fELF", b"MZ")
_SMALL_MEMBER = 1024 * 1024  # a member this small may compress well beyond the ratio without harm


def zip_problem(
    fileobj: BinaryIO, *, kind: str, max_unzipped: int, max_members: int, max_ratio: int
) -> tuple[str, dict] | None:
    """Why a ZIP container must not be opened, from its central directory only (nothing is inflated):
    ``(code, params)`` or None. zipfile never returns more than a member's declared size, so these bounds hold."""
    try:
        with zipfile.ZipFile(fileobj) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "not_type", {}
    if len(infos) > max_members:
        return "too_many_members", {"max": max_members}
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > _SMALL_MEMBER and info.file_size > max_ratio * max(info.compress_size, 1):
            return "ratio", {"max": max_ratio}
    if total > max_unzipped:
        return "unzipped_too_large", {"max": max_unzipped}
    if ZIP_KINDS[kind] not in {i.filename for i in infos}:
        return "not_type", {}
    return None


def upload_limit() -> int:
    from django.conf import settings

    return settings.CITYBRIDGE_MAX_UPLOAD_BYTES


def check_upload(uploaded_file: UploadedFile, *, kinds: Iterable[str]) -> str:
    """Refuse an upload that is too large, not of one of ``kinds`` by content, or a ZIP bomb; return its kind.

    ``kinds``: "xlsx", "pptx", "docx" (ZIP-based OOXML), "pdf", "png", "jpeg", "csv" (any text file).
    Raises a ``ValidationError`` with a translated message naming the limit. Leaves the file at position 0.
    """
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.template.defaultfilters import filesizeformat
    from django.utils.translation import gettext as _

    from .listing import listed

    kinds = tuple(kinds)
    limit = upload_limit()
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, io.SEEK_END)
        size = uploaded_file.tell()
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is too large; the limit is %(max)s.") % {"max": filesizeformat(limit)}, code="too_large"
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    kind = None
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        for k in kinds:
            if k not in ZIP_KINDS:
                continue
            problem = zip_problem(
                uploaded_file,
                kind=k,
                max_members=settings.CITYBRIDGE_MAX_ZIP_MEMBERS,
                max_unzipped=settings.CITYBRIDGE_MAX_UNZIPPED_BYTES,
                max_ratio=settings.CITYBRIDGE_MAX_ZIP_RATIO,
            )
            uploaded_file.seek(0)
            if problem is None:
                kind = k
                break
            code, params = problem
            if code == "too_many_members":
                raise ValidationError(
                    _("The file holds more than %(max)s parts; it cannot be opened safely.") % params, code=code
                )
            if code == "ratio":
                raise ValidationError(
                    _("The file is compressed more than %(max)s to 1; it cannot be opened safely.") % params, code=code
                )
            if code == "unzipped_too_large":
                raise ValidationError(
                    _("The file unpacks to more than %(max)s; it cannot be opened safely.")
                    % {"max": filesizeformat(params["max"])},
                    code=code,
                )
    else:
        kind = next((k for k in kinds if any(head.startswith(m) for m in _MAGIC.get(k, ()))), None)
        if kind is None and "csv" in kinds and not head.startswith(_BINARY_MAGIC):
            kind = "csv"  # the CSV reader reports what is wrong inside
    if kind is None:
        names = listed(k.upper() for k in kinds)  # PPTX, PDF / PPTX、PDF
        raise ValidationError(_("The file is not of an accepted type (%(kinds)s).") % {"kinds": names}, code="type")
    if kind == "pdf" and not pdf_complete(uploaded_file, size):
        raise ValidationError(
            _("The file is not a complete PDF: it may have been cut short when it was saved or sent."), code="type"
        )
    return kind


_PDF_TAIL = 1024
_STARTXREF_RE = re.compile(rb"startxref\s+(\d{1,18})\s+%%EOF")


def pdf_complete(fileobj: BinaryIO, size: int) -> bool:
    """Whether a file that begins like a PDF also ends like one: ISO 32000-1 §7.5.5 ends every PDF with
    `startxref`, the byte offset of its last cross-reference section, and the `%%EOF` line; readers look for them
    in the last 1,024 bytes. A file cut short, or a few bytes that only begin with `%PDF-`, has neither. Leaves the
    file at position 0."""
    fileobj.seek(max(size - _PDF_TAIL, 0))
    tail = fileobj.read(_PDF_TAIL)
    fileobj.seek(0)
    end = tail.rfind(b"startxref")
    match = _STARTXREF_RE.match(tail, end) if end >= 0 else None
    return match is not None and 0 < int(match.group(1)) < size
