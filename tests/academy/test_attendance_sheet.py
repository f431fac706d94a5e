import io
from datetime import date, time

import pytest
from openpyxl import load_workbook

from citybridge.academy.attendance_sheet import (
    SheetOfficial,
    SheetSession,
    attendance_xlsx,
    parse_attendance_xlsx,
)


def _fill(data, values):
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for (r, c), v in values.items():
        ws.cell(row=r, column=c, value=v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SESSIONS = [SheetSession(17, date(2025, 3, 3), time(9), "Energy"), SheetSession(18, date(2025, 3, 3), time(14), "能源")]
OFFICIALS = [SheetOfficial(5, "Zhang Wei"), SheetOfficial(9, "李娜")]


def test_round_trip_with_aliases_and_blanks():
    data = attendance_xlsx(OFFICIALS, SESSIONS, {(5, 17): "late"})
    wb = load_workbook(io.BytesIO(data))
    assert wb.worksheets[0]["C1"].value.endswith("#17") and wb.worksheets[0]["C2"].value == "late"
    filled = _fill(data, {(2, 4): "P", (3, 3): "缺席", (3, 4): "Excused"})
    res = parse_attendance_xlsx(filled)
    assert res.errors == []
    assert sorted(res.marks) == [(5, 17, "late"), (5, 18, "present"), (9, 17, "absent"), (9, 18, "excused")]


def test_a_chinese_sheet_writes_chinese_marks_and_reads_back():
    """For a reader of Chinese the marks and the drop-down are 出席/迟到/请假/缺席, and the file imports unchanged."""
    data = attendance_xlsx(OFFICIALS, SESSIONS, {(5, 17): "late", (9, 18): "excused"}, chinese=True)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert (ws["C2"].value, ws["D3"].value) == ("迟到", "请假")
    assert ws.data_validations.dataValidation[0].formula1 == '"出席,迟到,请假,缺席"'
    assert sorted(parse_attendance_xlsx(data).marks) == [(5, 17, "late"), (9, 18, "excused")]


def test_bad_cells_reported_by_line():
    filled = _fill(attendance_xlsx(OFFICIALS, SESSIONS, {}), {(2, 3): "asleep", (3, 1): "Li"})
    res = parse_attendance_xlsx(filled)
    assert [(e.code, e.line) for e in res.errors] == [("attendance.bad_status", 2), ("attendance.bad_official", 3)]


@pytest.mark.parametrize("data,code", [(b"", "roster.empty_file"), (b"name,status\n", "roster.not_spreadsheet")])
def test_not_a_sheet(data, code):
    assert parse_attendance_xlsx(data).errors[0].code == code


@pytest.mark.django_db
def test_import_through_the_page(staff, course, make_official, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from citybridge.academy import services
    from citybridge.academy.models import Attendance, Course, TrainingSummary

    from .conftest import fill_timetable

    fill_timetable(course)
    o = make_official()
    services.enrolment_create(actor=staff, course=course, official=o)
    Course.objects.filter(pk=course.pk).update(status="running")
    c = client_for(staff)
    sheet = c.get(f"/academy/courses/{course.pk}/attendance.xlsx").content
    filled = _fill(sheet, {(2, col): "present" for col in range(3, 3 + 24)})
    r = c.post(f"/academy/courses/{course.pk}/attendance.xlsx", {"file": SimpleUploadedFile("a.xlsx", filled)})
    assert r.status_code == 302
    assert Attendance.objects.filter(official=o).count() == 24
    assert TrainingSummary.objects.get(official=o, year=2025).total_days == 12
    bad = _fill(sheet, {(2, 3): "maybe"})
    c.post(f"/academy/courses/{course.pk}/attendance.xlsx", {"file": SimpleUploadedFile("a.xlsx", bad)})
    assert Attendance.objects.filter(official=o, status="present").count() == 24  # nothing written
