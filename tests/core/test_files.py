"""core.files: cells are safe to open, downloads are named right, uploads are bounded before they are parsed."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from citybridge.core.files import append, check_upload, csv_bytes, file_response, safe_cell, xlsx_bytes
from tests.pdfs import real_pdf

from .zipbombs import xlsx_bomb

HOSTILE = ['=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "-2+3", "\t=1+1", "\r=1+1", "=1\x00+1"]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return xlsx_bomb()


def real_xlsx(rows=(("a", 1),)) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_bidi_controls_are_stripped_from_cells():
    """Text stored before the bidi controls were refused at input reaches an export in its stored order."""
    assert safe_cell("\u202eAcme Bank\u202c gnp.exe") == "Acme Bank gnp.exe"
    assert safe_cell("Li\u2067Wei\u2069") == "LiWei"


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_like_text_is_neutralised(value):
    out = safe_cell(value)
    assert out.startswith("'") and "\x00" not in out
    assert safe_cell(out) == out  # idempotent


@pytest.mark.parametrize(
    "value",
    [
        -3,
        2.5,
        Decimal("-1.5"),
        date(2025, 1, 2),
        datetime(2025, 1, 2, 3, 4),
        None,
        True,
        "-12.5",
        "+86",
        "Wang Fang",
        "王芳",
        "a=b",
        "",
        "line\nbreak\ttab",
    ],
)
def test_numbers_dates_and_plain_text_pass_unchanged(value):
    assert safe_cell(value) == value


def test_control_characters_are_stripped():
    assert safe_cell("Wang\x00 Fang\x07\x1b\x7f") == "Wang Fang"
    assert safe_cell("a\r\nb") == "a\nb"


def test_xlsx_bytes_writes_text_never_formulas():
    wb = openpyxl.Workbook()
    for i, v in enumerate(HOSTILE, start=1):
        wb.active.cell(row=i, column=1, value=v.replace("\x00", ""))  # written without the helper: swept on save
    wb.active.cell(row=1, column=2, value=-5)
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(wb))).active
    for (cell,), value in zip(ws.iter_rows(min_col=1, max_col=1), HOSTILE, strict=True):
        # the text as it was (no quote added, controls gone), stored as a string with the quote prefix
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
        assert cell.value == value.replace("\x00", "").lstrip("\t\r"), cell.value
    assert ws["B1"].value == -5 and ws["B1"].data_type == "n"


def test_xlsx_keeps_a_phone_number_as_written():
    """A phone number begins with "+": the workbook shows it as typed, never as "'+86 …" nor as a formula."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("People")
    append(ws, ["+86 10 6512 3456", "-", "Wang Fang", 3])
    cells = next(openpyxl.load_workbook(io.BytesIO(xlsx_bytes(wb))).active.iter_rows())
    assert [c.value for c in cells] == ["+86 10 6512 3456", "-", "Wang Fang", 3]
    assert cells[0].data_type == "s" and cells[0].quotePrefix and not cells[2].quotePrefix


def test_csv_bytes_neutralises_and_has_bom():
    data = csv_bytes([["name", "n"], ["@SUM(1)", -4], ["王芳\x00", 1.5]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["name", "n"], ["'@SUM(1)", "-4"], ["王芳", "1.5"]]


def test_file_response_names_non_ascii_files():
    r = file_response(b"x", "考勤表 2025.xlsx", "application/octet-stream")
    cd = r["Content-Disposition"]
    assert cd.startswith("attachment;") and "filename*=utf-8''%E8%80%83%E5%8B%A4%E8%A1%A8%202025.xlsx" in cd
    assert file_response(b"x", "behind-2025.xlsx", "text/plain")["Content-Disposition"] == (
        'attachment; filename="behind-2025.xlsx"'
    )


# --------------------------------------------------------------------------- uploads


def upload(data: bytes, name: str = "f.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_zip_bomb_is_refused_from_the_central_directory_quickly(bomb, monkeypatch):
    assert len(bomb) < 3 * 1024 * 1024
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) > 1024**3
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed"))
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("a member was inflated"))
    started = time.monotonic()
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(bomb), kinds=("xlsx",))
    assert time.monotonic() - started < 1
    assert exc.value.code == "ratio"
    assert exc.value.messages == ["The file is compressed more than 100 to 1; it cannot be opened safely."]


def test_zip_limits_name_the_limit_in_chinese():
    data = real_xlsx()
    with translation.override("zh-hans"):
        with override_settings(CITYBRIDGE_MAX_UNZIPPED_BYTES=1024 * 1024 // 10):
            big = real_xlsx([("x" * 1000, i) for i in range(2000)])
            with pytest.raises(ValidationError) as exc:
                check_upload(upload(big), kinds=("xlsx",))
            assert exc.value.messages == ["文件解压后超过 102.4\xa0KB，无法安全打开。"]
        with override_settings(CITYBRIDGE_MAX_ZIP_MEMBERS=3):
            with pytest.raises(ValidationError) as exc:
                check_upload(upload(data), kinds=("xlsx",))
            assert exc.value.code == "too_many_members" and "3" in exc.value.messages[0]
        with override_settings(CITYBRIDGE_MAX_UPLOAD_BYTES=1024 * 1024):
            with pytest.raises(ValidationError) as exc:
                check_upload(upload(b"a" * (1024 * 1024 + 1), "r.csv"), kinds=("csv",))
            assert exc.value.messages == ["文件过大；上限为 1.0\xa0MB。"]


def test_type_is_judged_by_content_not_name():
    xlsx, pdf = real_xlsx(), real_pdf()
    assert check_upload(upload(xlsx, "renamed.pdf"), kinds=("pdf", "xlsx")) == "xlsx"
    assert check_upload(upload(pdf, "evidence.docx"), kinds=("pdf", "docx")) == "pdf"
    assert check_upload(upload(b"\x89PNG\r\n\x1a\n...", "a.pdf"), kinds=("pdf", "png")) == "png"
    assert check_upload(upload(b"\xff\xd8\xff\xe0...", "a.jpg"), kinds=("jpeg",)) == "jpeg"
    assert check_upload(upload("姓,名\n王,芳\n".encode(), "r.xlsx"), kinds=("xlsx", "csv")) == "csv"
    for data, kinds in (
        (b"<html><script>", ("pdf", "png")),
        (b"MZ\x90\x00", ("pdf", "csv")),
        (pdf, ("xlsx", "csv")),
        (xlsx, ("docx", "pptx")),
        (b"PK\x03\x04 truncated", ("xlsx",)),
        (b"%PDF-1.7\n...", ("pdf",)),  # begins as a PDF and is nothing more
        (pdf[: len(pdf) // 2], ("pdf",)),  # cut short: no startxref and %%EOF at its end
        (pdf.replace(b"startxref", b"startxxxx"), ("pdf",)),
    ):
        with pytest.raises(ValidationError) as exc:
            check_upload(upload(data, "x.pdf"), kinds=kinds)
        assert exc.value.code == "type"
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        check_upload(upload(pdf[:-40], "cut.pdf"), kinds=("pdf",))
    assert exc.value.messages == ["该文件不是完整的 PDF：可能在保存或发送时被截断了。"]
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(b"", "x.csv"), kinds=("csv",))
    assert exc.value.code == "empty"


def test_engines_stay_free_of_django():
    code = (
        "import sys; import citybridge.academy.roster, citybridge.academy.attendance_sheet, citybridge.core.files; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd="src").returncode == 0


def test_wrong_type_names_the_accepted_kinds_as_each_language_lists_them():
    for language, kinds in (("en", "(PPTX, PDF, DOCX)"), ("zh-hans", "（PPTX、PDF、DOCX）")):
        with translation.override(language), pytest.raises(ValidationError) as exc:
            check_upload(SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100), kinds=("pptx", "pdf", "docx"))
        assert kinds in exc.value.messages[0]
