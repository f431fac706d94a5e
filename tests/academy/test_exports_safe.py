"""Every XLSX the academy writes is safe to open; uploads are bounded before parsing; control characters in
imported rows are row errors and nothing is written."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citybridge.academy import services
from citybridge.academy.models import Attendance, Enrolment, ExternalTraining, OfficialProfile
from citybridge.core.models import Person
from tests.core.zipbombs import xlsx_bomb
from tests.pdfs import real_pdf

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "@SUM(1)"]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return xlsx_bomb()


@pytest.fixture
def hostile_officials(make_official):
    out = []
    for name in HOSTILE:
        o = make_official()
        Person.objects.filter(pk=o.person_id).update(family_name_en=name, given_name_en="", family_name=name)
        out.append(OfficialProfile.objects.select_related("person").get(pk=o.pk))
    return out


def cells_of(content: bytes, sheet: int = 0):
    ws = openpyxl.load_workbook(io.BytesIO(content)).worksheets[sheet]
    return [c for row in ws.iter_rows() for c in row]


def assert_written_as_text(content: bytes, names=HOSTILE):
    cells = cells_of(content)
    for name in names:
        found = [c for c in cells if isinstance(c.value, str) and c.value.startswith(name)]
        assert found, name
        for c in found:
            assert c.data_type == "s" and c.quotePrefix, c.value
    assert not [c for c in cells if c.data_type == "f"]


def test_who_is_behind_export_writes_names_as_text(staff, client_for, hostile_officials):
    services.compliance_prepare_year(year=2025)  # what the background task does (reads never prepare)
    r = client_for(staff).get("/academy/behind.xlsx?year=2025")
    assert r.status_code == 200
    assert_written_as_text(r.content)


def test_who_is_behind_export_survives_a_stored_nul(staff, client_for, make_official):
    o = make_official()
    from django.db import connection

    nul = "\x00" if connection.vendor == "sqlite" else ""  # PostgreSQL cannot store NUL at all
    Person.objects.filter(pk=o.person_id).update(family_name_en=f"Wang{nul}\x1b", given_name_en="Fang\x07")
    services.compliance_prepare_year(year=2025)
    r = client_for(staff).get("/academy/behind.xlsx?year=2025")
    assert r.status_code == 200
    values = [c.value for c in cells_of(r.content)]
    assert "Fang Wang" in values


def test_attendance_sheet_writes_names_and_titles_as_text(staff, client_for, course, hostile_officials):
    sessions = fill_timetable(course)
    course.sessions.filter(pk=sessions[0].pk).update(title_en="-1+2")
    for o in hostile_officials:
        services.enrolment_create(actor=staff, course=course, official=o)
    r = client_for(staff).get(f"/academy/courses/{course.pk}/attendance.xlsx")
    assert r.status_code == 200
    assert r["Content-Disposition"] == f'attachment; filename="attendance-{course.pk}.xlsx"'
    assert_written_as_text(r.content)


def test_roster_template_has_no_formula_cells(staff, client_for):
    r = client_for(staff).get("/academy/roster-template.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


# --------------------------------------------------------------------------- uploads


def test_roster_zip_bomb_is_refused_before_parsing(staff, client_for, api_for, course, bomb, monkeypatch):
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the bomb was parsed"))
    before = Person.objects.count()
    r = client_for(staff).post(
        f"/academy/courses/{course.pk}/roster/", {"file": SimpleUploadedFile("roster.xlsx", bomb)}
    )
    assert r.status_code == 422
    assert "compressed more than 100 to 1" in r.content.decode()
    r = api_for(staff, "zh-hans").post(
        f"/api/v1/academy/courses/{course.pk}/roster", {"file": SimpleUploadedFile("roster.xlsx", bomb)}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "__all__" and "100" in r.json()["errors"][0]["message"]
    assert Person.objects.count() == before


def test_attendance_zip_bomb_is_refused_before_parsing(staff, client_for, course, bomb, monkeypatch):
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the bomb was parsed"))
    r = client_for(staff).post(
        f"/academy/courses/{course.pk}/attendance.xlsx", {"file": SimpleUploadedFile("a.xlsx", bomb)}, follow=True
    )
    assert r.status_code == 200
    assert "compressed more than 100 to 1" in r.content.decode()


def test_roster_rows_with_control_characters_are_row_errors(staff, course):
    good = "".join(f"Wang{i},Fang,mayor\n" for i in range(20))  # (a file mostly of control bytes is "binary")
    data = f"Family name (English),Given name (English),Position\nLi\x1b,Na,mayor\n{good}".encode()
    before = Person.objects.count()
    report = services.roster_import(actor=staff, data=data, filename="r.csv", course=course)
    assert not report.ok
    assert report.errors == [
        {
            "line": 2,
            "column": "Family name (English) / 姓（英文）",
            "message": "“Family name (English) / 姓（英文）” contains control characters "
            "(invisible characters such as NUL); remove them.",
        }
    ]
    assert Person.objects.count() == before


class FakeWorkbook:
    """What openpyxl would hand over if a cell held a control character (its XML reader refuses them itself)."""

    def __init__(self, rows):
        self.worksheets = [self]
        self.rows = rows

    def iter_rows(self, values_only=True):
        return iter(self.rows)

    def close(self):
        pass


def test_attendance_rows_with_control_characters_are_row_errors(staff, client_for, course, make_official, monkeypatch):
    sessions = fill_timetable(course)
    o = make_official()
    services.enrolment_create(actor=staff, course=course, official=o)
    services.course_set_status(actor=staff, course=course, status="running")
    sheet = client_for(staff).get(f"/academy/courses/{course.pk}/attendance.xlsx").content
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True))
    rows[1] = (rows[1][0], "Name\x01", "present", *rows[1][3:])
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: FakeWorkbook(rows))
    report = services.attendance_import(actor=staff, course=course, data=sheet)
    assert not report.ok
    assert report.errors == [
        {
            "line": 2,
            "column": "",
            "message": "This line contains control characters (invisible characters such as NUL); remove them.",
        }
    ]
    assert not Attendance.objects.filter(session__in=sessions).exists()


def test_external_training_evidence_is_checked_by_content(staff, client_for, make_official):
    o = make_official()
    url = f"/academy/officials/{o.pk}/"
    form = {
        "provider": "CELAP",
        "title": "Low-carbon cities",
        "start_date": "2024-05-06",
        "end_date": "2024-05-07",
        "days": "2",
    }
    r = client_for(staff).post(url, {**form, "evidence": SimpleUploadedFile("cert.pdf", b"<html><script>x")})
    assert r.status_code == 422 and "not of an accepted type" in r.content.decode()
    assert not ExternalTraining.objects.exists()
    r = client_for(staff).post(url, {**form, "evidence": SimpleUploadedFile("cert.pdf", real_pdf("Certificate"))})
    assert r.status_code == 302
    assert ExternalTraining.objects.get().evidence.name.endswith(".pdf")
    assert not Enrolment.objects.exists()
