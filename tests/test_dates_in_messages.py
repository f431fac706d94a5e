"""Messages that name a date write it as the pages do, in the reader's language (issue 9, "Chinese that reads as
native"): 2026年11月28日 in Chinese, "March 3, 2025" in English (Django's English DATE_FORMAT "N j, Y"), never the
ISO 2025-03-03. One case per message that used to show an ISO date: validation errors from the services (each
in zh-hans and in en), the API's 422 on the field, the stale-edit note of an edit page, the roster import's row
messages, the timetable's conflict sentences, labels that name a session or a course by its date, and the PDFs
written for a reader (the evaluation printout, the selection memo). The expected texts are written out by hand,
not computed with the helper under test. Machine-read fields (API JSON dates, XLSX date cells) stay ISO."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.academy.conftest import academy, course, lecturer, make_official  # noqa: F401
from tests.cities.conftest import catalogue, create_run, on_commit, small_registry  # noqa: F401
from tests.outreach._part_fixtures import (  # noqa: F401
    engagement,
    host,
    officials,
    other_partner,
    partner,
    pcourse,
    rows,
)

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")

#: the course of the fixtures runs 3–7 March 2025 (pcourse) or 3–16 March 2025 (course)
EN = {
    date(2025, 3, 3): "March 3, 2025",
    date(2025, 3, 7): "March 7, 2025",
    date(2025, 3, 16): "March 16, 2025",
    date(2025, 3, 9): "March 9, 2025",
    date(1950, 1, 1): "Jan. 1, 1950",
    date(2100, 12, 31): "Dec. 31, 2100",
    date(2025, 9, 7): "Sept. 7, 2025",
}
ZH = {
    date(2025, 3, 3): "2025年3月3日",
    date(2025, 3, 7): "2025年3月7日",
    date(2025, 3, 16): "2025年3月16日",
    date(2025, 3, 9): "2025年3月9日",
    date(1950, 1, 1): "1950年1月1日",
    date(2100, 12, 31): "2100年12月31日",
    date(2025, 9, 7): "2025年9月7日",
}
WRITTEN = {"en": EN, "zh-hans": ZH}
LANGS = ["en", "zh-hans"]


def en_date(d: date) -> str:
    """English DATE_FORMAT "N j, Y" by hand for dates the tables above do not hold (N: AP month abbreviations)."""
    months = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
    return f"{months[d.month - 1]} {d.day}, {d.year}"


def written(d: date, lang: str) -> str:
    if lang == "en":
        return EN.get(d) or en_date(d)
    return ZH.get(d) or f"{d.year}年{d.month}月{d.day}日"


def assert_dates(message: str, lang: str, *dates: date) -> None:
    for d in dates:
        assert written(d, lang) in message, (message, written(d, lang))
    assert not ISO.search(message), message
    if lang == "zh-hans":  # the sentence itself is Chinese too, not only its dates
        words = message
        for d in dates:
            words = words.replace(written(d, lang), "")
        assert re.search(r"[\u4e00-\u9fff]", words), message


def field_message(exc: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


# --------------------------------------------------------------------------- outreach


@pytest.mark.parametrize("lang", LANGS)
def test_engagement_outside_its_course_names_the_course_dates(staff, partner, pcourse, lang):  # noqa: F811
    from citybridge.outreach import services

    before = rows()
    with translation.override(lang), pytest.raises(ValidationError) as exc:
        services.engagement_create(
            actor=staff,
            partner=partner,
            course=pcourse,
            kind="lunch",
            title_en="Lunch",
            date=date(2025, 3, 9),
            start_time=time(12),
            end_time=time(13),
        )
    assert_dates(field_message(exc, "date"), lang, date(2025, 3, 3), date(2025, 3, 7))
    assert rows() == before


@pytest.mark.parametrize("lang", LANGS)
def test_engagement_api_422_names_the_course_dates(api_for, staff, partner, pcourse, lang):  # noqa: F811
    from citybridge.outreach.models import Engagement

    r = api_for(staff, lang).post(
        "/api/v1/outreach/engagements",
        {
            "partner_id": partner.pk,
            "course_id": pcourse.pk,
            "kind": "lunch",
            "title": "Lunch",
            "date": "2025-03-09",
            "start_time": "12:00",
            "end_time": "13:00",
        },
        content_type="application/json",
    )
    assert r.status_code == 422, r.content
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert_dates(errors["date"], lang, date(2025, 3, 3), date(2025, 3, 7))
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("lang", LANGS)
def test_programme_item_outside_the_event_names_its_days(staff, lang):
    from citybridge.outreach import services

    event = services.event_create(
        actor=staff, title_en="China Energy Forum", starts_on=date(2025, 3, 3), ends_on=date(2025, 3, 7), venue_en="X"
    )
    with translation.override(lang), pytest.raises(ValidationError) as exc:
        services.event_session_add(
            actor=staff, event=event, date=date(2025, 3, 9), start_time=time(9), end_time=time(10), title_en="Late"
        )
    assert_dates(field_message(exc, "date"), lang, date(2025, 3, 3), date(2025, 3, 7))
    assert not event.sessions.exists()


@pytest.mark.parametrize("lang", LANGS)
def test_follow_up_due_before_it_was_created_names_that_day(staff, lang):
    from citybridge.outreach import services
    from citybridge.outreach.models import Activity

    today = timezone.localdate()
    with translation.override(lang), pytest.raises(ValidationError) as exc:
        services.activity_create(actor=staff, type="call", subject="Call", due_date=today - timedelta(days=1))
    assert_dates(field_message(exc, "due_date"), lang, today)
    assert not Activity.objects.exists()


@pytest.mark.parametrize("lang", LANGS)
def test_stale_edit_note_writes_the_saved_date(client_for, staff, engagement, lang):  # noqa: F811
    """Someone else moved the engagement to 6 March: the note under the date says so in the reader's words."""
    from citybridge.outreach import services

    services.engagement_update(actor=staff, engagement=engagement, expected_version=1, date=date(2025, 3, 6))
    r = client_for(staff, lang).post(
        f"/outreach/engagements/{engagement.pk}/edit/",
        {"version": "1", "title_en": "Dinner", "date": "2025-03-04", "start_time": "18:00", "end_time": "20:00"},
    )
    assert r.status_code == 409
    html = r.content.decode()
    note = re.search(r'id="id_date_stale"><mark>([^<]*)</mark>', html)
    assert note, html
    assert (
        note.group(1) == {"en": "Saved by someone else: March 6, 2025", "zh-hans": "其他人保存的值：2025年3月6日"}[lang]
    )


@pytest.mark.parametrize("lang", LANGS)
def test_evaluation_form_labels_sessions_by_their_date(lang, academy, lecturer):  # noqa: F811
    from citybridge.academy.models import Course, Session
    from citybridge.outreach.selectors.evaluations import form_items

    c = Course.objects.create(
        academy=academy, title_en="Heat", start_date=date(2025, 9, 1), end_date=date(2025, 9, 12), status="running"
    )
    Session.objects.create(
        course=c, date=date(2025, 9, 7), start_time=time(9), end_time=time(12), title_en="Heat pumps"
    )
    (item,) = [i for i in form_items(c) if i.session_id]
    # the date as the reader writes it (was "2025-09-07 Heat pumps"), then the start time, which tells a morning
    # session from an afternoon one of the same day
    assert item.label_en == "Sept. 7, 2025 09:00 Heat pumps"
    assert item.label_zh.startswith("9月7日 09:00")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_evaluation_printout_writes_the_course_dates(client_for, staff, pcourse, tmp_path):  # noqa: F811
    r = client_for(staff).get(f"/outreach/courses/{pcourse.pk}/evaluations/form.pdf")
    assert r.status_code == 200
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "March 3 – 7, 2025" in text  # one year and month where both dates share them
    assert not ISO.search(text)


# --------------------------------------------------------------------------- academy


@pytest.mark.parametrize("lang", LANGS)
def test_session_outside_the_course_names_the_course_dates(staff, course, lang):  # noqa: F811
    from citybridge.academy import services

    with translation.override(lang), pytest.raises(ValidationError) as exc:
        services.session_save(
            actor=staff, course=course, date=date(2025, 3, 20), start_time=time(9), end_time=time(12), title_en="X"
        )
    assert_dates(field_message(exc, "date"), lang, date(2025, 3, 3), date(2025, 3, 16))
    assert not course.sessions.exists()


@pytest.mark.parametrize("lang", LANGS)
def test_session_api_422_names_the_course_dates(api_for, staff, course, lang):  # noqa: F811
    r = api_for(staff, lang).post(
        f"/api/v1/academy/courses/{course.pk}/sessions",
        {"date": "2025-03-20", "start_time": "09:00", "end_time": "12:00", "title_en": "X"},
        content_type="application/json",
    )
    assert r.status_code == 422, r.content
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert_dates(errors["date"], lang, date(2025, 3, 3), date(2025, 3, 16))
    assert not course.sessions.exists()


@pytest.mark.parametrize("lang", LANGS)
def test_absurd_date_names_the_bounds(staff, course, lang):  # noqa: F811
    from citybridge.academy import services

    with translation.override(lang), pytest.raises(ValidationError) as exc:
        services.session_save(
            actor=staff, course=course, date=date(1900, 3, 3), start_time=time(9), end_time=time(12), title_en="X"
        )
    assert_dates(field_message(exc, "date"), lang, date(1950, 1, 1), date(2100, 12, 31))


@pytest.mark.parametrize("lang", LANGS)
def test_partner_event_outside_the_course_names_the_course_dates(staff, course, lang):  # noqa: F811
    from citybridge.academy.models import PartnerEvent
    from citybridge.academy.services.timetable import partner_event_save
    from citybridge.core.models import Organisation

    partner_org = Organisation.objects.create(name="Philips", name_en="Philips", type="company", country="NL")
    with translation.override(lang), pytest.raises(ValidationError) as exc:
        partner_event_save(
            actor=staff, course=course, partner=partner_org, title_en="Dinner", requested_date=date(2025, 4, 1)
        )
    assert_dates(field_message(exc, "requested_date"), lang, date(2025, 3, 3), date(2025, 3, 16))
    assert not PartnerEvent.objects.exists()


@pytest.mark.parametrize("lang", LANGS)
def test_attendance_before_the_session_names_its_day(staff, academy, make_official, lang):  # noqa: F811
    from citybridge.academy import services
    from citybridge.academy.models import Attendance, Course, Session

    today = timezone.localdate()
    day = date(today.year + 1, 3, 3)
    c = Course.objects.create(
        academy=academy, title_en="Future", start_date=day, end_date=day + timedelta(days=4), status="open"
    )
    s = Session.objects.create(course=c, date=day, start_time=time(9), end_time=time(12), title_en="One")
    o = make_official()
    services.enrolment_create(actor=staff, course=c, official=o)
    with translation.override(lang), pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=staff, course=c, marks=[services.Mark(o.pk, s.pk, "present")])
    assert_dates(" ".join(exc.value.messages), lang, day)
    assert not Attendance.objects.exists()


def _roster_messages(csv_text: str, lang: str) -> list[str]:
    from citybridge.academy.messages import roster_message
    from citybridge.academy.roster import parse_roster

    result = parse_roster(csv_text.encode(), "roster.csv", today=date(2025, 6, 1))
    with translation.override(lang):
        return [roster_message(e) for e in result.errors]


@pytest.mark.parametrize("lang", LANGS)
def test_roster_date_in_the_future_is_written_as_a_date(lang):
    header = "family_name_en,given_name_en,position,service_start\n"
    (message,) = _roster_messages(header + "Wang,Li,mayor,2025-09-07\n", lang)
    assert_dates(message, lang, date(2025, 9, 7))


@pytest.mark.parametrize("lang", LANGS)
def test_roster_date_out_of_range_names_the_bounds(lang):
    header = "family_name_en,given_name_en,position,service_start\n"
    (message,) = _roster_messages(header + "Wang,Li,mayor,1900-01-01\n", lang)
    assert_dates(message, lang, date(1950, 1, 1), date(2100, 12, 31))


@pytest.mark.parametrize("lang", LANGS)
def test_course_rule_problem_names_the_dates(lang):
    from citybridge.academy.course_rules import Problem, Severity
    from citybridge.academy.messages import problem_message

    p = Problem(
        "session.outside_course",
        Severity.ERROR,
        params={"date": date(2025, 3, 9), "start": date(2025, 3, 3), "end": date(2025, 3, 7)},
    )
    with translation.override(lang):
        assert_dates(problem_message(p), lang, date(2025, 3, 9), date(2025, 3, 3), date(2025, 3, 7))


@pytest.mark.parametrize("lang", LANGS)
def test_timetable_conflict_names_the_day(lang):
    """The engine gives days as ISO strings in its parameters; the sentence writes them as dates."""
    from citybridge.academy.timetable_messages import conflict_sentence

    names = {"course:1": {"en": "Energy Smart Cities", "zh-hans": "能源智慧城市"}}
    with translation.override(lang):
        s = conflict_sentence(
            "course_window", {"course": "course:1", "start": "2025-03-03", "end": "2025-03-07", "sessions": 40}, names
        )
    assert_dates(s, lang, date(2025, 3, 3), date(2025, 3, 7))


@pytest.mark.parametrize("lang", LANGS)
def test_session_named_by_its_date(course, lang):  # noqa: F811
    """A session's name (its choice label in the materials form, the stale note) starts with its date."""
    from citybridge.academy.models import Session

    s = Session.objects.create(course=course, date=date(2025, 3, 3), start_time=time(9), end_time=time(12))
    s.title_en = "Heat pumps"
    with translation.override(lang):
        label = str(s)
    assert label == {"en": "March 3, 2025 09:00 Heat pumps", "zh-hans": "2025年3月3日 09:00 Heat pumps"}[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_behind_row_names_courses_by_their_first_day(course, make_official, lang):  # noqa: F811
    from citybridge.academy.models import TrainingSummary
    from citybridge.academy.selectors import behind_rows

    o = make_official()
    summary = TrainingSummary.objects.create(
        official=o, year=2025, total_days=5, detail={"year": {"courses": {str(course.pk): 5}}}
    )
    with translation.override(lang):
        (row,) = behind_rows([summary])
    ((name, days),) = row.year_sources
    title = {"en": "Energy Smart Cities", "zh-hans": "能源智慧城市"}[lang]
    assert (name, days) == (f"{title} ({written(date(2025, 3, 3), lang)})", 5)


# --------------------------------------------------------------------------- cities


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_selection_memo_pdf_writes_its_day_both_ways(client_for, staff, small_registry, create_run, tmp_path):  # noqa: F811
    """The memo is bilingual (English · Chinese on each line): its day is written both ways, not as ISO."""
    from tests.cities.test_pages_api import run_params

    run = create_run(actor=staff, name="Baseline", parameters=run_params())
    r = client_for(staff).get(f"/cities/selection/{run.pk}/memo.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    pdf = tmp_path / "memo.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    day = timezone.localtime(run.created_at).date()
    assert en_date(day) in text
    assert f"{day.year}年{day.month}月{day.day}日" in re.sub(r"\s+", "", text)  # pdftotext spaces CJK and digits
    assert day.isoformat() not in text


def test_a_date_in_one_language_written_while_another_is_active():
    """A bilingual PDF writes its English line while the reader's Chinese is active, and the other way round: the
    month names are those of the language asked for, and what one request writes is not what the next one reads
    (the helper remembers its dates; it once kept "十一月 30, 2026" for English)."""
    from citybridge.core.rows import date_text

    day = date(2031, 11, 30)  # a date no other test writes, so the first writing is this test's
    with translation.override("zh-hans"):
        assert date_text(day, "en") == "Nov. 30, 2031"
        assert date_text(day, "zh-hans") == "2031年11月30日"
    with translation.override("en"):
        assert date_text(day, "en") == "Nov. 30, 2031"
        assert date_text(day, "zh-hans") == "2031年11月30日"
        noon = timezone.make_aware(timezone.datetime(2031, 11, 30, 12, 0))
        assert "十一月" not in date_text(noon, "zh-hans") and "2031年11月30日" in date_text(noon, "zh-hans")
    with translation.override("zh-hans"):
        assert "Nov." in date_text(noon, "en")
