"""Every page and endpoint, tried with the right and the wrong roles; the scenario's pages render in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from citybridge.academy import services
from citybridge.academy.models import Course, Enrolment, Session

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, coordinator, other_coordinator, lecturer, make_user, course, make_official):
    """A completed course at the coordinator's academy, taught by the lecturer, with two officials."""
    fill_timetable(course, lecturer_person=lecturer.person)
    o1, o2 = make_official(), make_official(position="vice_mayor")
    for o in (o1, o2):
        services.enrolment_create(actor=staff, course=course, official=o)
    services.course_set_status(actor=staff, course=course, status="running")
    sessions = list(course.sessions.all())
    services.attendance_record(
        actor=staff, course=course, marks=[services.Mark(o1.pk, s.pk, "present") for s in sessions]
    )
    services.course_set_status(actor=staff, course=course, status="completed")
    services.certificate_issue_all(actor=staff, course=course)
    cert = Enrolment.objects.get(official=o1).certificate
    services.compliance_prepare_year(year=2025)  # what the background task does (reads never prepare)
    services.impact_refresh()
    return {
        "staff": staff,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "lecturer": lecturer,
        "other_lecturer": make_user("lecturer"),
        "translator": make_user("translator"),
        "course": course,
        "o1": o1,
        "o2": o2,
        "cert": cert,
        "session": sessions[0],
    }


PAGES = {
    # name: (url builder, {role: expected status})
    "index": (
        lambda w: "/academy/",
        dict(staff=200, coordinator=200, other_coordinator=200, lecturer=200, translator=200, anonymous=302),
    ),
    "curriculum": (lambda w: "/academy/curriculum/", dict(staff=200, coordinator=200, lecturer=200, anonymous=302)),
    "topic-create": (lambda w: "/academy/curriculum/topics/new/", dict(staff=200, coordinator=403, lecturer=403)),
    "module-create": (lambda w: "/academy/curriculum/modules/new/", dict(staff=200, coordinator=403, lecturer=403)),
    "academies": (lambda w: "/academy/academies/", dict(staff=200, coordinator=200, anonymous=302)),
    "course-create": (
        lambda w: "/academy/courses/new/",
        dict(staff=200, coordinator=200, lecturer=403, translator=403),
    ),
    "course": (
        lambda w: f"/academy/courses/{w['course'].pk}/",
        dict(
            staff=200,
            coordinator=200,
            other_coordinator=404,
            lecturer=200,
            other_lecturer=404,
            translator=404,
            anonymous=302,
        ),
    ),
    "course-edit": (
        lambda w: f"/academy/courses/{w['course'].pk}/edit/",
        dict(staff=200, coordinator=200, other_coordinator=404, lecturer=403, translator=404),
    ),
    "session-create": (
        lambda w: f"/academy/courses/{w['course'].pk}/sessions/new/",
        dict(staff=200, coordinator=200, other_coordinator=404, lecturer=403),
    ),
    "attendance": (
        lambda w: f"/academy/courses/{w['course'].pk}/attendance/",
        dict(staff=200, coordinator=200, other_coordinator=404, lecturer=403, translator=404),
    ),
    "roster": (
        lambda w: f"/academy/courses/{w['course'].pk}/roster/",
        dict(staff=200, coordinator=200, other_coordinator=404, lecturer=403),
    ),
    "ics": (
        lambda w: f"/academy/courses/{w['course'].pk}/timetable.ics",
        dict(staff=200, coordinator=200, other_coordinator=404, lecturer=200, other_lecturer=404),
    ),
    "officials": (lambda w: "/academy/officials/", dict(staff=200, coordinator=200, lecturer=403, translator=403)),
    "officials-import": (lambda w: "/academy/officials/import/", dict(staff=200, coordinator=200, lecturer=403)),
    "official-create": (lambda w: "/academy/officials/new/", dict(staff=200, coordinator=403, lecturer=403)),
    "official-create-in-course": (
        lambda w: f"/academy/officials/new/?course={w['course'].pk}",
        dict(staff=200, coordinator=200, other_coordinator=404, lecturer=403),
    ),
    "official": (
        lambda w: f"/academy/officials/{w['o1'].pk}/",
        dict(staff=200, coordinator=200, other_coordinator=404, lecturer=403, translator=404, anonymous=302),
    ),
    "behind": (
        lambda w: "/academy/behind/",
        dict(staff=200, coordinator=200, other_coordinator=200, lecturer=403, translator=403, anonymous=302),
    ),
    "behind-export": (lambda w: "/academy/behind.xlsx", dict(staff=200, coordinator=200, lecturer=403)),
    "impact": (
        lambda w: "/academy/impact/",
        dict(staff=200, coordinator=200, other_coordinator=200, lecturer=403, translator=403, anonymous=302),
    ),
    "impact-export": (
        lambda w: "/academy/impact.xlsx",
        dict(staff=200, coordinator=200, lecturer=403, translator=403, anonymous=302),
    ),
    "certificate": (
        lambda w: f"/academy/certificates/{w['cert'].pk}/pdf/",
        dict(staff=200, coordinator=200, other_coordinator=404, lecturer=403, translator=404, anonymous=302),
    ),
    "revoke": (
        lambda w: f"/academy/certificates/{w['cert'].pk}/revoke/",
        dict(staff=200, coordinator=403, other_coordinator=404, lecturer=403),
    ),
    "template": (lambda w: "/academy/roster-template.xlsx", dict(staff=200, coordinator=200, lecturer=403)),
    "verify": (lambda w: f"/academy/verify/{w['cert'].code}/", dict(anonymous=200, lecturer=200)),
}

CASES = [(name, role, status) for name, (_u, roles) in PAGES.items() for role, status in roles.items()]


@pytest.mark.parametrize("name,role,expected", CASES, ids=[f"{n}-{r}" for n, r, _s in CASES])
def test_page_access(world, client_for, name, role, expected):
    url = PAGES[name][0](world)
    user = None if role == "anonymous" else world[role]
    response = client_for(user).get(url)
    assert response.status_code == expected, (url, role, response.status_code)


POSTS = [
    ("status", lambda w: (f"/academy/courses/{w['course'].pk}/status/", {"status": "cancelled"})),
    ("enrol", lambda w: (f"/academy/courses/{w['course'].pk}/enrol/", {"official": w["o2"].pk})),
    ("withdraw", lambda w: (f"/academy/enrolments/{Enrolment.objects.get(official=w['o2']).pk}/withdraw/", {})),
    ("session-delete", lambda w: (f"/academy/sessions/{w['session'].pk}/delete/", {})),
    ("certificates", lambda w: (f"/academy/courses/{w['course'].pk}/certificates/", {})),
]


@pytest.mark.parametrize("role,expected", [("lecturer", 403), ("other_coordinator", 404), ("translator", 404)])
@pytest.mark.parametrize("name", [p[0] for p in POSTS])
def test_wrong_roles_cannot_write(world, client_for, role, expected, name):
    url, data = dict(POSTS)[name](world)
    before = (Enrolment.objects.filter(status="withdrawn").count(), Session.objects.count())
    response = client_for(world[role]).post(url, data)
    assert response.status_code == expected
    assert (Enrolment.objects.filter(status="withdrawn").count(), Session.objects.count()) == before


def test_lecturer_sees_names_only(world, client_for):
    html = client_for(world["lecturer"]).get(f"/academy/courses/{world['course'].pk}/").content.decode()
    assert world["o1"].person.display_name() in html
    assert world["o1"].person.email not in html
    html = client_for(world["coordinator"]).get(f"/academy/courses/{world['course'].pk}/").content.decode()
    assert world["o1"].person.email in html


def test_official_page_contact_and_history(world, client_for):
    html = client_for(world["coordinator"], "zh-hans").get(f"/academy/officials/{world['o1'].pk}/").content.decode()
    assert world["o1"].person.email in html
    assert "培训" in html  # the Chinese page
    html = client_for(world["staff"]).get(f"/academy/officials/{world['o1'].pk}/").content.decode()
    # the history table: 2025 with 12 academy days, 0 external, 12 total, 0 short
    assert "<td>2025</td><td>12</td><td>0</td><td>12</td><td>0</td>" in html


def test_behind_page_lists_the_official_without_days_first(world, client_for):
    html = client_for(world["coordinator"]).get("/academy/behind/?year=2025&rule=annual").content.decode()
    o1, o2 = world["o1"].person.display_name(), world["o2"].person.display_name()
    assert o2 in html and o1 not in html  # o1 has 12 days in 2025: not behind this year
    # but 12 days a year never reaches the 78 of the window 2025-01-01 – 2029-12-31: 12 + 4 × 12 = 60, 18 short
    html = client_for(world["coordinator"]).get("/academy/behind/?year=2025&rule=window").content.decode()
    assert o1 in html and "at risk: 18 days" in html
    other = client_for(world["other_coordinator"]).get("/academy/behind/?year=2025").content.decode()
    assert o2 not in other


def test_behind_export_is_xlsx_with_rows(world, client_for):
    import io

    from openpyxl import load_workbook

    r = client_for(world["staff"]).get("/academy/behind.xlsx?year=2025&rule=annual")
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Name (English)"
    assert [row[0] for row in rows[1:]] == [world["o2"].person.full_name_en()]
    assert rows[1][8] == 12  # shortfall


def test_certificate_pdf_in_chinese(world, client_for, tmp_path):
    import subprocess

    r = client_for(world["coordinator"], "zh-hans").get(f"/academy/certificates/{world['cert'].pk}/pdf/")
    assert r["Content-Type"] == "application/pdf"
    p = tmp_path / "c.pdf"
    p.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout
    assert "结业证书" in text and "能源智慧城市" in text and world["cert"].code in text


def test_verify_page(world, client_for):
    c = client_for(None)
    assert "This certificate is valid." in c.get(f"/academy/verify/?code={world['cert'].code.lower()}").content.decode()
    r = c.get("/academy/verify/?code=ABCD")
    assert r.status_code == 404 and "not a valid verification code" in r.content.decode()
    services.certificate_revoke(actor=world["staff"], certificate=world["cert"], reason="error")
    zh = client_for(None, "zh-hans").get(f"/academy/verify/{world['cert'].code}/").content.decode()
    assert "此证书已被撤销。" in zh


def test_ics_download(world, client_for):
    r = client_for(world["lecturer"]).get(f"/academy/courses/{world['course'].pk}/timetable.ics")
    assert r["Content-Type"].startswith("text/calendar")
    assert r.content.count(b"BEGIN:VEVENT") == world["course"].sessions.count()


def test_attendance_grid_saves(world, client_for, course):
    from citybridge.academy.models import Course, TrainingSummary

    Course.objects.filter(pk=course.pk).update(status="running")
    s = course.sessions.filter(date=date(2025, 3, 3))
    data = {f"m-{world['o2'].pk}-{x.pk}": "present" for x in s}
    r = client_for(world["coordinator"]).post(f"/academy/courses/{course.pk}/attendance/?week=1", data)
    assert r.status_code == 302
    assert TrainingSummary.objects.get(official=world["o2"], year=2025).total_days == 1


def test_roster_upload_errors_shown_in_chinese_nothing_written(world, client_for, course):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from citybridge.academy.models import Course
    from citybridge.core.models import Person

    Course.objects.filter(pk=course.pk).update(status="open")
    before = Person.objects.count()
    f = SimpleUploadedFile("roster.pdf", b"%PDF-1.4\x00\x00 not a sheet", content_type="application/pdf")
    r = client_for(world["coordinator"], "zh-hans").post(f"/academy/courses/{course.pk}/roster/", {"file": f})
    assert r.status_code == 422
    assert "电子表格" in r.content.decode()
    assert Person.objects.count() == before


def test_impact_page_figures(world, client_for):
    html = client_for(world["staff"]).get("/academy/impact/").content.decode()
    assert 'data-figure="officials">2<' in html
    assert 'data-vega-spec="chart-year"' in html


def test_behind_pages_without_counting(staff, make_official, client_for):
    for _ in range(51):
        make_official()
    services.compliance_prepare_year(year=2025)
    c = client_for(staff)
    import re

    links = re.compile(r'href="/academy/officials/\d+/"')
    first = c.get("/academy/behind/?year=2025&position=mayor").content.decode()
    assert len(links.findall(first)) == 50 and "page=2" in first
    second = c.get("/academy/behind/?year=2025&position=mayor&page=2").content.decode()
    assert len(links.findall(second)) == 1 and "page=1" in second and "page=3" not in second
    assert "position=mayor" in second  # filters kept in the links


def test_official_edit_by_coordinator_not_by_others(world, client_for):
    from citybridge.academy.models import OfficialProfile

    url = f"/academy/officials/{world['o1'].pk}/edit/"
    assert client_for(world["lecturer"]).get(url).status_code == 403
    assert client_for(world["other_coordinator"]).get(url).status_code == 404
    data = {
        "family_name_en": "Official1",
        "given_name_en": "Test",
        "family_name_zh_hans": "官",
        "given_name_zh_hans": "员",
        "position": "vice_mayor",
        "jurisdiction": "扬州",
        "province": "江苏",
        "population": "4560000",
        "population_date": "2020-11-01",
        "service_start": "2014-07-01",
        "email": "new@example.cn",
    }
    o = OfficialProfile.objects.select_related("person").get(pk=world["o1"].pk)
    r = client_for(world["coordinator"]).post(url, {**data, "version": o.version, "person_version": o.person.version})
    assert r.status_code == 302
    o = OfficialProfile.objects.select_related("person", "jurisdiction").get(pk=world["o1"].pk)
    assert (o.position, o.jurisdiction.name_zh_hans, o.person.email) == ("vice_mayor", "扬州", "new@example.cn")
    assert o.history.count() >= 2
    r = client_for(world["coordinator"], "zh-hans").post(
        url, {**data, "population": "5", "jurisdiction": "", "version": o.version, "person_version": o.person.version}
    )
    assert r.status_code == 200 and "所辖的地区" in r.content.decode()


def test_upload_over_the_limit_is_refused_cleanly(world, client_for, course, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from citybridge.academy.models import Course
    from citybridge.core.models import Person

    settings.CITYBRIDGE_MAX_UPLOAD_BYTES = 1000
    Course.objects.filter(pk=course.pk).update(status="open")
    before = Person.objects.count()
    big = SimpleUploadedFile("big.csv", b"Family name,Position\n" + b"Zhang,mayor\n" * 200)
    r = client_for(world["coordinator"]).post(f"/academy/courses/{course.pk}/roster/", {"file": big})
    assert r.status_code == 422 and "too large" in r.content.decode()
    assert Person.objects.count() == before


def test_coordinator_adds_a_new_official_to_their_open_course(coordinator, course, client_for):
    from citybridge.academy.models import Enrolment

    r = client_for(coordinator).post(
        f"/academy/officials/new/?course={course.pk}",
        {"family_name_zh_hans": "赵", "given_name_zh_hans": "敏", "position": "mayor", "service_start": "2020-01-01"},
    )
    assert r.status_code == 302 and r.url == f"/academy/courses/{course.pk}/"
    e = Enrolment.objects.get(course=course)
    assert e.official.person.full_name_zh() == "赵敏" and e.status == "confirmed"
    assert client_for(coordinator).get(f"/academy/officials/{e.official_id}/").status_code == 200


def test_enrolling_from_a_search_keeps_the_search(world, client_for, make_official):
    """A coordinator enrolling several officials found by one search comes back to that search's results."""
    o = make_official()
    course = world["course"]
    Course.objects.filter(pk=course.pk).update(status="open")  # enrolment takes an open course
    r = client_for(world["staff"]).post(f"/academy/courses/{course.pk}/enrol/", {"official": o.pk, "q": "Official"})
    assert r.status_code == 302 and r["Location"] == f"/academy/courses/{course.pk}/?q=Official"
    assert Enrolment.objects.filter(course=course, official=o).exists()
    r = client_for(world["staff"]).post(f"/academy/courses/{course.pk}/enrol/", {"official": o.pk})
    assert r["Location"] == f"/academy/courses/{course.pk}/"


def test_curriculum_puts_the_reader_language_first(world, client_for):
    zh = client_for(world["staff"], "zh-hans").get("/academy/curriculum/").content.decode()
    assert zh.index("主题（中文）") < zh.index("主题（英文）")
    en = client_for(world["staff"]).get("/academy/curriculum/").content.decode()
    assert en.index("Topic (English)") < en.index("Topic (Chinese)")
