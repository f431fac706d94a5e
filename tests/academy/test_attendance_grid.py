"""Issue #9: attendance at class scale -- "All present" per day / session / official, then the exceptions with the
keyboard (P/L/E/A or 1/2/3/4), each official's unit and city in the row, future sessions shown disabled."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from citybridge.academy.models import Attendance, Course, Jurisdiction, Session
from citybridge.academy.services import enrolment_create
from citybridge.core.models import Organisation

pytestmark = pytest.mark.django_db


def _class(course, staff, make_official, n):
    """n officials (two namesakes told apart by unit and city) and a day of four sessions on the course's first day."""
    units = [
        Organisation.objects.create(
            name=f"Unit {i}", name_en=f"Unit {i}", name_zh_hans=f"单位{i}", type="city_government", country="CN"
        )
        for i in range(2)
    ]
    cities = [
        Jurisdiction.objects.create(name=n_, name_en=n_, name_zh_hans=z, province_en="Jiangsu")
        for n_, z in (("Suzhou", "苏州"), ("Wuxi", "无锡"))
    ]
    officials = []
    for i in range(n):
        o = make_official(organisation=units[i % 2], jurisdiction=cities[i % 2])
        if i < 2:  # namesakes
            o.person.family_name_en, o.person.given_name_en = "Wang", "Fang"
            o.person.family_name_zh_hans, o.person.given_name_zh_hans = "王", "芳"
            o.person.save()
        enrolment_create(actor=staff, course=course, official=o)
        officials.append(o)
    sessions = [
        Session.objects.create(
            course=course,
            date=course.start_date,
            start_time=time(8 + 2 * i),
            end_time=time(9 + 2 * i),
            title=f"S{i}",
            title_en=f"Session {i + 1}",
        )
        for i in range(4)
    ]
    return officials, sessions


def test_grid_shows_unit_city_legend_and_future_sessions_disabled(
    staff, coordinator, course, make_official, client_for
):
    future = date.today() + timedelta(days=3)
    Course.objects.filter(pk=course.pk).update(
        start_date=date.today() - timedelta(days=1), end_date=date.today() + timedelta(days=12)
    )
    course.refresh_from_db()
    officials, sessions = _class(course, staff, make_official, 3)
    later = Session.objects.create(
        course=course, date=future, start_time=time(9), end_time=time(12), title="L", title_en="Later"
    )
    html = client_for(coordinator).get(f"/academy/courses/{course.pk}/attendance/").content.decode()
    assert html.count("Unit 0 · Suzhou") == 2 and html.count("Unit 1 · Wuxi") == 1
    assert html.count('data-all-present="row"') == 3 and html.count('data-all-present="session"') == 4
    assert f'data-all-present="day" data-day="{course.start_date:%Y-%m-%d}"' in html
    assert (
        f'data-day="{future:%Y-%m-%d}"' in html and f'data-all-present="day" data-day="{future:%Y-%m-%d}"' not in html
    )
    later_cell = html.split(f'-{later.pk}" ')[1].split(">")[0]
    assert "disabled" in later_cell
    assert "<kbd>P</kbd> / <kbd>1</kbd>" in html
    zh = client_for(coordinator, "zh-hans").get(f"/academy/courses/{course.pk}/attendance/").content.decode()
    assert "全部出席" in zh and "单位0 · 苏州" in zh and "中文输入法" in zh
    assert "<kbd>P</kbd>" not in zh and "<kbd>1</kbd> 出席" in zh  # the letters stand for English words


def test_an_unchanged_or_empty_cell_is_not_a_mark(staff, coordinator, course, make_official, client_for):
    officials, sessions = _class(course, staff, make_official, 2)
    o = officials[0]
    r = client_for(coordinator).post(
        f"/academy/courses/{course.pk}/attendance/",
        {f"m-{o.pk}-{sessions[0].pk}": "present", f"m-{o.pk}-{sessions[1].pk}": ""},
        follow=True,
    )
    assert "Attendance saved (1 changes)" in r.content.decode()
    assert list(Attendance.objects.values_list("official_id", "session_id", "status")) == [
        (o.pk, sessions[0].pk, "present")
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_class_of_55_marked_for_a_day_with_one_bulk_action_and_three_keys(
    page, login, staff, coordinator, course, make_official
):
    officials, sessions = _class(course, staff, make_official, 55)
    login(page, coordinator)
    page.goto(page.base_url + f"/academy/courses/{course.pk}/attendance/")
    rows = page.locator("table.attendance-grid tbody tr")
    assert rows.count() == 55
    page.click(f"button[data-all-present=day][data-day='{course.start_date:%Y-%m-%d}']")
    # three exceptions with the keyboard: a digit (works with a Chinese IME), a letter, and arrows to get there
    rows.nth(4).locator("select").nth(1).focus()
    page.keyboard.press("2")  # late; focus moves right
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # row 6, session 3
    page.keyboard.press("a")  # absent
    rows.nth(54).locator("select").nth(0).focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("E")  # row 53, session 1: excused
    page.click("button:has-text('Save attendance')")
    page.wait_for_load_state("networkidle")
    assert "Attendance saved (220 changes)" in page.content()

    def off(i):
        return rows.nth(i).locator("th").get_attribute("id")

    marks = {(a.official_id, a.session_id): a.status for a in Attendance.objects.all()}
    assert len(marks) == 220
    exceptions = {k: v for k, v in marks.items() if v != "present"}
    by_row = {o.pk: i for i, o in enumerate(officials)}
    ids = [int(off(i)[1:]) for i in (4, 6, 53)]
    assert exceptions == {
        (ids[0], sessions[1].pk): "late",
        (ids[1], sessions[2].pk): "absent",
        (ids[2], sessions[0].pk): "excused",
    }, (exceptions, by_row)
    # the namesakes are told apart by their unit and city
    wang = rows.filter(has_text="Fang Wang")
    assert wang.count() == 2 and {
        wang.nth(0).locator(".official-unit").inner_text(),
        wang.nth(1).locator(".official-unit").inner_text(),
    } == {"Unit 0 · Suzhou", "Unit 1 · Wuxi"}
    # a screenshot in Chinese at 1280 px
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    page.screenshot(path="/tmp/attend-shots/attendance-zh.png", full_page=False)


def test_a_full_week_of_a_full_class_is_one_post(staff, coordinator, course, make_official, client_for):
    """55 officials x 24 sessions: more cells than Django's 1,000-field limit, sent as one packed field."""
    officials, sessions = _class(course, staff, make_official, 55)
    for day in range(1, 6):
        sessions += [
            Session.objects.create(
                course=course,
                date=course.start_date + timedelta(days=day),
                start_time=time(8 + 2 * i),
                end_time=time(9 + 2 * i),
                title=f"S{i}",
            )
            for i in range(4)
        ]
    packed = ";".join(f"m-{o.pk}-{s.pk}=present" for o in officials for s in sessions)
    r = client_for(coordinator).post(f"/academy/courses/{course.pk}/attendance/", {"marks": packed}, follow=True)
    assert r.status_code == 200 and "Attendance saved (1320 changes)" in r.content.decode()
    assert Attendance.objects.filter(status="present").count() == 1320
