"""Issue #9: re-uploading an updated roster merges -- upload → preview (new / already enrolled / changed: field
old → new / error; nothing written) → confirm (new rows and the confirmed changes, atomically)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citybridge.academy import services
from citybridge.academy.models import Course, Enrolment, RosterUpload
from citybridge.academy.roster import rows_to_csv
from citybridge.core.models import Person

pytestmark = pytest.mark.django_db

NEW = {
    "family_name_en": "Newcomer",
    "given_name_en": "Nina",
    "family_name_zh": "牛",
    "given_name_zh": "娜",
    "position": "mayor",
    "email": "nina@example.cn",
}


@pytest.fixture
def o1(staff, course, make_official):
    o = make_official()
    services.enrolment_create(actor=staff, course=course, official=o)
    return o


def _file(o1, **changes):
    p = o1.person
    row = {"family_name_en": p.family_name_en, "given_name_en": p.given_name_en, "position": "mayor", "email": p.email}
    row.update(changes)
    return rows_to_csv([row, NEW])


def _state(o1):
    o1.refresh_from_db()
    o1.person.refresh_from_db()
    return (Person.objects.count(), Enrolment.objects.count(), o1.person.phone, o1.position)


def test_preview_reports_each_row_and_writes_nothing(coordinator, course, o1):
    before = _state(o1)
    data = _file(o1, phone="+86 512 0000 1111", position="Vice mayor")
    report = services.roster_import(actor=coordinator, data=data, filename="r.csv", course=course, dry_run=True)
    assert report.ok and (report.created, report.matched, report.skipped, report.enrolled) == (1, 1, 1, 1)
    assert _state(o1) == before
    known, new = report.rows
    assert (known["line"], known["outcome"], new["line"], new["outcome"]) == (2, "already_enrolled", 3, "new")
    assert {c["field"]: (c["old"], c["new"]) for c in known["changes"]} == {
        "phone": ("+86 10 1234 5678", "+86 512 0000 1111"),
        "position": ("Mayor", "Vice mayor"),
    }
    assert new["changes"] == []


def test_confirm_adds_new_rows_skips_enrolled_and_applies_only_confirmed_changes(coordinator, course, o1):
    data = _file(o1, phone="+86 512 0000 1111", position="Vice mayor")
    report = services.roster_import(
        actor=coordinator, data=data, filename="r.csv", course=course, apply_changes={"2:phone"}
    )
    assert report.ok and (report.created, report.skipped, report.enrolled) == (1, 1, 1)
    persons, enrolments, phone, position = _state(o1)
    assert (phone, position) == ("+86 512 0000 1111", "mayor")
    assert Enrolment.objects.filter(course=course, official__person__email="nina@example.cn").exists()
    assert Enrolment.objects.filter(course=course, official=o1).count() == 1
    # the same file again: everything already enrolled, no change left
    again = services.roster_import(actor=coordinator, data=data, filename="r.csv", course=course, dry_run=True)
    assert [r["outcome"] for r in again.rows] == ["already_enrolled", "already_enrolled"]
    assert [c["field"] for c in again.rows[0]["changes"]] == ["position"]


def test_a_failing_row_still_imports_nothing(coordinator, course, o1):
    data = rows_to_csv(
        [
            {
                "family_name_en": o1.person.family_name_en,
                "given_name_en": "Test",
                "position": "mayor",
                "email": o1.person.email,
                "phone": "1",
            },
            NEW,
            dict(NEW, email="x@example.cn", family_name_en="Bad", family_name_zh="坏", service_start="2999-01-01"),
        ]
    )
    before = _state(o1)
    report = services.roster_import(
        actor=coordinator, data=data, filename="r.csv", course=course, apply_changes=services.ALL_CHANGES
    )
    assert not report.ok and report.rows[-1]["outcome"] == "error" and report.rows[-1]["line"] == 4
    assert _state(o1) == before


def test_changes_outside_the_coordinators_scope_are_never_shown(other_coordinator, other_academy, o1):
    other = Course.objects.create(
        academy=other_academy,
        title="Other",
        title_en="Other",
        start_date=o1.enrolments.get().course.start_date,
        end_date=o1.enrolments.get().course.end_date,
        status="open",
    )
    before = _state(o1)
    data = _file(o1, phone="+86 512 0000 1111", position="Vice mayor")
    for dry_run in (True, False):
        report = services.roster_import(
            actor=other_coordinator,
            data=data,
            filename="r.csv",
            course=other,
            dry_run=dry_run,
            apply_changes=services.ALL_CHANGES,
        )
        assert report.ok and [r["outcome"] for r in report.rows] == ["new", "new"]
        assert all(r["changes"] == [] for r in report.rows)
        assert "1234" not in str(report.rows)
    persons, enrolments, phone, position = _state(o1)
    assert (phone, position) == before[2:]


def test_page_upload_preview_confirm(coordinator, course, o1, client_for):
    client = client_for(coordinator)
    url = f"/academy/courses/{course.pk}/roster/"
    before = _state(o1)
    r = client.post(
        url, {"file": SimpleUploadedFile("r.csv", _file(o1, phone="+86 512 0000 1111", position="Vice mayor"))}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "already enrolled" in html and "Newcomer" in html
    assert 'value="2:phone"' in html and "+86 10 1234 5678" in html and "Vice mayor" in html
    assert _state(o1) == before
    upload = RosterUpload.objects.get()
    # a tampered hash is refused
    r = client.post(url, {"upload": upload.pk, "sha256": "0" * 64, "change": ["2:phone"]}, follow=True)
    assert "not the one previewed" in r.content.decode() and _state(o1) == before
    # another user's preview is not found
    r = client.post(url, {"upload": upload.pk + 1, "sha256": upload.sha256}, follow=True)
    assert "expired" in r.content.decode()
    r = client.post(url, {"upload": upload.pk, "sha256": upload.sha256, "change": ["2:position"]}, follow=True)
    text = r.content.decode()
    assert "1 new, 1 already known" in text and "1 already enrolled" in text
    assert _state(o1)[2:] == ("+86 10 1234 5678", "vice_mayor")
    assert not RosterUpload.objects.exists()
    zh = client_for(coordinator, "zh-hans").post(url, {"file": SimpleUploadedFile("r.csv", _file(o1))})
    assert "已报名" in zh.content.decode() and "确认导入" in zh.content.decode()


def test_officials_import_without_a_course_previews_then_imports(staff, client_for):
    client = client_for(staff)
    r = client.post("/academy/officials/import/", {"file": SimpleUploadedFile("r.csv", rows_to_csv([NEW]))})
    assert r.status_code == 200 and not Person.objects.filter(email="nina@example.cn").exists()
    upload = RosterUpload.objects.get(course=None)
    r = client.post("/academy/officials/import/", {"upload": upload.pk, "sha256": upload.sha256})
    assert r.status_code == 302 and Person.objects.filter(email="nina@example.cn").exists()


def test_api_dry_run_then_apply(coordinator, course, o1, api_for):
    api = api_for(coordinator)
    url = f"/api/v1/academy/courses/{course.pk}/roster"
    before = _state(o1)
    data = _file(o1, phone="+86 512 0000 1111")
    r = api.post(url + "?dry_run=true", {"file": SimpleUploadedFile("r.csv", data)})
    body = r.json()
    assert r.status_code == 200 and body["dry_run"] and (body["created"], body["skipped"]) == (1, 1)
    assert body["rows"][0]["changes"][0]["key"] == "2:phone"
    assert _state(o1) == before and not RosterUpload.objects.exists()
    r = api.post(url, {"file": SimpleUploadedFile("r.csv", data)})
    assert r.status_code == 200 and (r.json()["enrolled"], r.json()["skipped"]) == (1, 1)
    assert _state(o1)[2] == before[2]  # not confirmed: not applied
    r = api.post(url + "?apply_changes=all", {"file": SimpleUploadedFile("r.csv", data)})
    assert r.status_code == 200 and r.json()["skipped"] == 2 and _state(o1)[2] == "+86 512 0000 1111"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_preview_and_confirm_in_chinese_in_a_browser(page, login, coordinator, course, o1, tmp_path):
    login(page, coordinator)
    page.goto(page.base_url + f"/academy/courses/{course.pk}/roster/")
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(_file(o1, phone="+86 512 0000 1111", position="副市长"))
    page.set_input_files("#id_file", str(roster))
    page.click("button:has-text('检查文件')")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.roster-preview-rows tbody tr")
    assert rows.count() == 2 and "已报名" in rows.nth(0).inner_text() and "新学员" in rows.nth(1).inner_text()
    page.screenshot(path="/tmp/attend-shots/roster-preview-zh.png", full_page=True)
    page.uncheck("input[value='2:position']")
    page.click("button:has-text('确认导入')")
    page.wait_for_load_state("networkidle")
    assert "已更新 1 项变动信息" in page.content()
    assert _state(o1)[2:] == ("+86 512 0000 1111", "mayor")
    assert Enrolment.objects.filter(course=course).count() == 2
