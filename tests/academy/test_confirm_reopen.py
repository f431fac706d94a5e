"""Destructive academy actions ask first and are never the most prominent control; staff reopen a cancelled course."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from citybridge.academy import services


def test_staff_reopen_a_cancelled_course_coordinators_cannot(staff, coordinator, course):
    services.course_set_status(actor=coordinator, course=course, status="cancelled")
    assert services.course_next_statuses(actor=coordinator, course=course) == []
    with pytest.raises(ValidationError) as exc:
        services.course_set_status(actor=coordinator, course=course, status="planning")
    assert "status" in exc.value.message_dict
    assert services.course_next_statuses(actor=staff, course=course) == ["planning"]
    services.course_set_status(actor=staff, course=course, status="planning")
    course.refresh_from_db()
    assert course.status == "planning"
    with pytest.raises(ValidationError):  # planning → planning is no transition
        services.course_set_status(actor=staff, course=course, status="planning")


@pytest.mark.parametrize(
    ("language", "reopen", "done"),
    [
        ("en", "Reopen the course", "The course was reopened and is in planning again."),
        ("zh-hans", "重新开放课程", "课程已重新开放，现处于筹备状态。"),
    ],
)
def test_reopen_button_and_message(client_for, staff, course, language, reopen, done):
    services.course_set_status(actor=staff, course=course, status="cancelled")
    client = client_for(staff, language)
    html = client.get(f"/academy/courses/{course.pk}/").content.decode()
    assert reopen in html
    response = client.post(f"/academy/courses/{course.pk}/status/", {"status": "planning"}, follow=True)
    assert done in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_destructive_buttons_are_secondary_and_ask_first(client_for, staff, course, make_official, language):
    from datetime import time

    services.session_save(
        actor=staff,
        course=course,
        date=course.start_date,
        start_time=time(9),
        end_time=time(12),
        format="lecture",
        title_en="Opening",
    )
    services.enrolment_create(actor=staff, course=course, official=make_official())
    html = client_for(staff, language).get(f"/academy/courses/{course.pk}/").content.decode()
    assert "core/confirm" in html and "<script>" not in html  # a static file, no inline script
    buttons = re.findall(r"<button[^>]*data-confirm=[^>]*>", html)
    assert len(buttons) == 3  # cancel the course, delete a session, withdraw an official
    for b in buttons:
        assert 'class="outline secondary"' in b and "data-confirm-yes" in b and "data-confirm-no" in b


def test_revoke_page_confirms_with_a_secondary_button(client_for, staff, course, make_official):
    from citybridge.academy.models import Certificate

    enrolment = services.enrolment_create(actor=staff, course=course, official=make_official())
    cert = Certificate.objects.create(enrolment=enrolment, code="ABCD-EFGH-JKLM", training_days=5)
    for language, label in (("en", "Revoke the certificate"), ("zh-hans", "撤销证书")):
        html = client_for(staff, language).get(f"/academy/certificates/{cert.pk}/revoke/").content.decode()
        button = re.search(r"<button[^>]*data-confirm=[^>]*>", html).group(0)
        assert 'class="outline secondary"' in button and "data-confirm=" in button and label in html
        assert "core/confirm" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_withdraw_asks_in_a_dialog_before_posting(page, login, make_user, make_official):
    from datetime import date

    from citybridge.academy.models import Academy, Course
    from citybridge.core.models import Organisation

    org = Organisation.objects.create(name="Academy", name_en="Academy", type="academy", country="CN")
    academy = Academy.objects.create(organisation=org, managed_by_program=True)
    course = Course.objects.create(
        academy=academy,
        title="C",
        title_en="Course",
        start_date=date(2030, 3, 3),
        end_date=date(2030, 3, 5),
        status="open",
    )
    staff = make_user("program_staff", email="staff@example.org")
    enrolment = services.enrolment_create(actor=staff, course=course, official=make_official())
    login(page, staff)
    page.goto(f"{page.base_url}/academy/courses/{course.pk}/")
    page.click("button[data-confirm][data-confirm-yes='Withdraw']")
    dialog = page.locator("dialog.confirm-dialog")
    assert dialog.is_visible() and "Withdraw this official?" in dialog.inner_text()
    dialog.locator("button[data-confirm-answer=no]").click()  # go back: nothing happens
    page.locator("dialog.confirm-dialog").wait_for(state="detached")  # the close event removes it
    enrolment.refresh_from_db()
    assert enrolment.status != "withdrawn"
    page.click("button[data-confirm][data-confirm-yes='Withdraw']")
    page.locator("dialog.confirm-dialog button[data-confirm-answer=yes]").click()
    page.wait_for_load_state("networkidle")
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"
    assert not page.failed_responses
