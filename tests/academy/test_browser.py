"""The issue's scenario in a real browser: a coordinator creates a course, imports a roster, records attendance
with the keyboard, sees who is behind, and downloads a certificate in Chinese."""

from __future__ import annotations

import subprocess
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROSTER = (
    "Family name (English) / 姓（英文）,Given name (English) / 名（英文）,Family name (Chinese) / 姓（中文）,"
    "Given name (Chinese) / 名（中文）,Position / 职务,Service start date / 任职起始日期,E-mail / 电子邮箱\n"
    "Zhang,Wei,张,伟,副市长,2016-05-01,zhang.wei@example.cn\n"
    "Li,Na,李,娜,Mayor,2012-01-01,li.na@example.cn\n"
)


def test_coordinator_course_roster_attendance_behind_certificate(page, login, make_user, tmp_path):
    from citybridge.academy.models import Academy, Enrolment
    from citybridge.core.models import Organisation

    org = Organisation.objects.create(
        name="National Academy for Mayors of China",
        name_en="National Academy for Mayors of China",
        name_zh_hans="全国市长研修学院",
        type="academy",
        country="CN",
    )
    Academy.objects.create(organisation=org, managed_by_program=True)
    coordinator = make_user("academy_coordinator", organisation=org, email="coord@example.org")
    login(page, coordinator)

    # 1. a course
    page.goto(page.base_url + "/academy/courses/new/")
    page.select_option("#id_academy", label="National Academy for Mayors of China")
    page.fill("#id_title_en", "Energy Smart Cities")
    page.fill("#id_title_zh_hans", "能源智慧城市")
    page.fill("#id_start_date", "2025-03-03")
    page.fill("#id_end_date", "2025-03-16")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Energy Smart Cities"
    course_url = page.url

    # 2. two sessions on the first day
    for start, end in (("09:00", "12:00"), ("14:00", "17:00")):
        page.click("text=Add a session")
        page.fill("#id_date", "2025-03-03")
        page.fill("#id_start_time", start)
        page.fill("#id_end_time", end)
        page.fill("#id_title_en", "Energy master planning")
        page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
    assert page.locator("text=Energy master planning").count() == 2

    # 3. the roster
    page.click("text=Import a roster")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    page.set_input_files("#id_file", str(roster))
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("table.roster-preview-rows tbody tr[data-outcome=new]").count() == 2
    page.click("button:has-text('Confirm the import')")
    page.wait_for_load_state("networkidle")
    assert "Imported 2 officials" in page.content()
    assert page.url == course_url

    # 4. open the course, record attendance with the keyboard: Zhang present twice, Li absent twice
    page.click("button:has-text('Set status: Open for enrolment')")
    page.wait_for_load_state("networkidle")
    page.click("text=Attendance")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.attendance-grid tbody tr")
    assert rows.count() == 2
    li_row = rows.filter(has_text="Li")
    zhang_row = rows.filter(has_text="Zhang")
    zhang_row.locator("select").first.focus()
    page.keyboard.press("p")  # present, moves right
    page.keyboard.press("p")
    li_row.locator("select").first.focus()
    page.keyboard.press("a")
    page.keyboard.press("a")
    assert zhang_row.locator("select").nth(1).input_value() == "present"
    page.click("button:has-text('Save attendance')")
    page.wait_for_load_state("networkidle")
    assert "Attendance saved (4 changes)" in page.content()

    # 5. complete the course; who is behind in 2025: Li (0 days) before Zhang (1 day)
    page.goto(course_url)
    page.click("button:has-text('Set status: Running')")
    page.wait_for_load_state("networkidle")
    page.click("button:has-text('Set status: Completed')")
    page.wait_for_load_state("networkidle")
    from citybridge.academy.services import compliance_prepare_year

    compliance_prepare_year(year=2025)  # the background task's work (the page only reads)
    page.goto(page.base_url + "/academy/behind/?year=2025&rule=annual")
    names = page.locator("table.behind tbody tr td:first-child").all_inner_texts()
    assert names == ["Na Li", "Wei Zhang"]
    shortfalls = page.locator("table.behind tbody tr td:nth-child(6)").all_inner_texts()
    assert shortfalls == ["12", "11"]
    # the explanation of a row is loaded when it is opened (htmx), not rendered with the list
    why = page.locator("table.behind tbody tr").nth(1).locator("details.why")
    assert "Energy Smart Cities" not in why.inner_text()
    why.locator("summary").click()
    why.locator(".why-body ul li").first.wait_for(timeout=10_000)
    assert "Energy Smart Cities" in why.locator(".why-body").inner_text()

    # 6. certificates, in Chinese
    page.goto(course_url)
    page.click("button:has-text('Issue certificates')")
    page.wait_for_load_state("networkidle")
    assert "1 certificates issued; 1 officials without a training day were skipped." in page.content()
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert "颁发证书" in page.content()
    with page.expect_download() as download:
        page.click("text=证书（PDF）")
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(str(pdf))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "结业证书" in text and "张伟" in text and "能源智慧城市" in text and "全国市长研修学院" in text
    code = Enrolment.objects.get(official__person__email="zhang.wei@example.cn").certificate.code
    assert code in text

    hosts = {urlparse(u).hostname for u in page.requested_urls if u.startswith("http")}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
