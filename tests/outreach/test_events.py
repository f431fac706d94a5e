"""Forums and events: programme inside the event's days, speakers shared with the courses (core people and
organisations), registrations once per person, attendance; the bilingual programme as PDF (opened with pdftotext)
and .ics (parsed with icalendar); every page and endpoint as the wrong user; query counts pinned."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from citybridge.outreach import services

from ._part_fixtures import *  # noqa: F401,F403
from ._part_fixtures import rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def speaker(partner):
    from citybridge.core.models import Person

    return Person.objects.create(
        family_name="Chu",
        family_name_en="Chu",
        given_name_en="Steven",
        family_name_zh_hans="朱",
        given_name_zh_hans="棣文",
        organisation=partner.organisation,
    )


@pytest.fixture
def programme(staff, event, speaker, partner):
    return [
        services.event_session_add(
            actor=staff,
            event=event,
            date=date(2025, 6, 10),
            start_time=time(9),
            end_time=time(10, 30),
            title_en="Opening: low-carbon cities",
            title_zh_hans="开幕：低碳城市",
            room="Hall A",
            speakers=[speaker],
            speaker_organisations=[partner.organisation],
        ),
        services.event_session_add(
            actor=staff,
            event=event,
            date=date(2025, 6, 11),
            start_time=time(14),
            end_time=time(15),
            title_en="Heat pumps in northern China",
            title_zh_hans="中国北方的热泵",
        ),
    ]


def test_session_outside_event_days_refused(staff, event):
    before = rows()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.event_session_add(
            actor=staff, event=event, date=date(2025, 6, 12), start_time=time(9), end_time=time(8), title_en="Late"
        )
    assert set(exc.value.message_dict) == {"date", "end_time"}
    assert "议程项目必须在活动日期之内" in exc.value.message_dict["date"][0]
    assert rows() == before


def test_event_needs_a_title_and_ordered_dates(staff):
    before = rows()
    with pytest.raises(ValidationError) as exc:
        services.event_create(actor=staff, starts_on=date(2025, 6, 10), ends_on=date(2025, 6, 9), venue_en="")
    assert {"title_en", "ends_on", "venue_en"} <= set(exc.value.message_dict)
    assert rows() == before


def test_registration_twice_refused_and_capacity(staff, event, speaker, officials):
    r = services.registration_create(actor=staff, event=event, person=speaker)
    assert r.organisation_id == speaker.organisation_id  # their own organisation by default
    before = rows()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.registration_create(actor=staff, event=event, person=speaker)
    assert exc.value.message_dict["person"] == ["此人已报名参加本活动。"]
    assert rows() == before
    services.registration_create(actor=staff, event=event, person=officials[0].person)
    services.registration_create(actor=staff, event=event, person=officials[1].person)
    with pytest.raises(ValidationError) as exc:  # capacity 3
        services.registration_create(actor=staff, event=event, person=officials[2].person)
    assert "event" in exc.value.message_dict


def test_attendance_marked(staff, event, speaker):
    r = services.registration_create(actor=staff, event=event, person=speaker)
    services.registration_set_attended(actor=staff, registration=r, attended=True)
    r.refresh_from_db()
    assert r.attended


def test_partner_cannot_manage_events(partner_user, event, speaker):
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=partner_user, event=event, person=speaker)
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=partner_user, title_en="x", starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 1), venue_en="v"
        )


def test_events_and_courses_share_people(staff, event, programme, speaker, pcourse):
    """The speaker is a core Person who can also lecture in a course's session."""
    from citybridge.academy.models import Session

    Session.objects.create(
        course=pcourse, date=date(2025, 3, 3), start_time=time(9), end_time=time(10), lecturer=speaker
    )
    assert speaker.event_talks.count() == 1 and speaker.lectures.count() == 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_programme_pdf_bilingual(client_for, staff, event, programme, tmp_path):
    r = client_for(staff).get(f"/outreach/events/{event.pk}/programme.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    p = tmp_path / "p.pdf"
    p.write_bytes(r.content)
    text = subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, check=True, text=True).stdout
    for s in (
        "China Energy Forum 2025",
        "2025 中国能源论坛",
        "开幕：低碳城市",
        "Heat pumps in northern China",
        "09:00–10:30",
        "Steven Chu",
        "朱棣文",
        "飞利浦照明",
        "2025年6月10日",
        "Hall A",
        "Beijing International Hotel, Beijing",  # the English line has the English venue and city,
        "北京国际饭店",  # the Chinese line the Chinese ones, the city once (it is in the venue's name)
    ):
        assert s in text, s
    assert "北京国际饭店，北京" not in text


def test_programme_ics(client_for, staff, event, programme):
    from icalendar import Calendar

    r = client_for(staff, language="zh-hans").get(f"/outreach/events/{event.pk}/programme.ics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [str(e["summary"]) for e in events] == ["开幕：低碳城市", "中国北方的热泵"]
    first = events[0]
    assert first.decoded("dtstart").isoformat() == "2025-06-10T09:00:00+08:00"
    assert first.decoded("dtend").isoformat() == "2025-06-10T10:30:00+08:00"
    assert str(first["location"]) == "Hall A，北京国际饭店" and "朱棣文" in str(first["description"])
    assert str(cal["x-wr-calname"]) == "2025 中国能源论坛"


def test_pages_as_each_role(client_for, staff, partner_user, event, programme, speaker):
    services.registration_create(actor=staff, event=event, person=speaker)
    html = client_for(staff).get(f"/outreach/events/{event.pk}/").content.decode()
    assert "Steven" in html and "Mark as attended" in html
    # a partner sees the programme but not who registered
    r = client_for(partner_user).get(f"/outreach/events/{event.pk}/")
    assert r.status_code == 200
    assert "Mark as attended" not in r.content.decode()
    assert client_for(partner_user).get("/outreach/events/new/").status_code == 403
    assert (
        client_for(partner_user).post(f"/outreach/events/{event.pk}/registrations/", {"person": speaker.pk}).status_code
        == 403
    )
    assert client_for(None).get(f"/outreach/events/{event.pk}/").status_code == 302
    assert client_for(staff).get("/outreach/events/999999/").status_code == 404


def test_register_twice_on_the_page(client_for, staff, event, speaker):
    c = client_for(staff, language="zh-hans")
    assert c.post(f"/outreach/events/{event.pk}/registrations/", {"person": speaker.pk}).status_code == 302
    r = c.post(f"/outreach/events/{event.pk}/registrations/", {"person": speaker.pk})
    assert r.status_code == 422 and "此人已报名参加本活动。" in r.content.decode()
    assert event.registrations.count() == 1


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_api_events(api_for, staff, partner_user, event, programme, speaker):
    s = api_for(staff)
    detail = s.get(f"/api/v1/outreach/events/{event.pk}").json()
    assert [p["title_zh_hans"] for p in detail["programme"]] == ["开幕：低碳城市", "中国北方的热泵"]
    assert detail["programme"][0]["speaker_ids"] == [speaker.pk]
    r = _post(s, f"/api/v1/outreach/events/{event.pk}/registrations", {"person_id": speaker.pk})
    assert r.status_code == 201
    r = _post(s, f"/api/v1/outreach/events/{event.pk}/registrations", {"person_id": speaker.pk})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "person"
    r = _post(s, f"/api/v1/outreach/events/{event.pk}/registrations", {"person_id": 99999999})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "person_id"
    reg = s.get(f"/api/v1/outreach/events/{event.pk}/registrations").json()["items"][0]
    r = s.patch(
        f"/api/v1/outreach/registrations/{reg['id']}", json.dumps({"attended": True}), content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["attended"] is True
    p = api_for(partner_user)
    assert p.get(f"/api/v1/outreach/events/{event.pk}/registrations").status_code == 403
    assert (
        p.patch(
            f"/api/v1/outreach/registrations/{reg['id']}",
            json.dumps({"attended": False}),
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        _post(
            p,
            "/api/v1/outreach/events",
            {"title_en": "x", "starts_on": "2025-01-01", "ends_on": "2025-01-01", "venue": "v"},
        ).status_code
        == 403
    )
    r = _post(
        s,
        f"/api/v1/outreach/events/{event.pk}/sessions",
        {"date": "2025-07-01", "start_time": "09:00", "end_time": "10:00", "title_en": "x"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "date"


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("path", ["/outreach/events/", "/api/v1/outreach/events"])
def test_query_counts(n, path, staff, client_for, api_for, django_assert_max_num_queries):
    for i in range(n):
        services.event_create(
            actor=staff, title_en=f"Forum {i}", starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 2), venue_en="v"
        )
    client = api_for(staff) if path.startswith("/api/") else client_for(staff)
    client.get(path)
    with django_assert_max_num_queries(7):
        assert client.get(path).status_code == 200


def test_registering_someone_on_the_page_is_by_searching_their_name(staff, event, speaker, partner_user, client_for):
    """Issue #9: a person is picked by searching their name (either language), never by typing a number; a
    missing choice is an error next to the search, in the user's language, with what was typed kept."""
    from citybridge.outreach.models import Registration

    page = client_for(staff, language="zh-hans")
    detail = page.get(f"/outreach/events/{event.pk}/")
    assert detail.status_code == 200 and 'id="person-q"' in detail.content.decode()
    assert "人员编号" not in detail.content.decode()
    found = page.get("/people/scope-search/people/", {"person_q": "棣文"})
    assert found.status_code == 200 and f'value="{speaker.pk}"' in found.content.decode()
    assert "飞利浦照明" in found.content.decode()  # the organisation tells namesakes apart
    assert f'value="{speaker.pk}"' in page.get("/people/scope-search/people/", {"person_q": "steven"}).content.decode()
    missing = page.post(f"/outreach/events/{event.pk}/registrations/", {"person_q": "朱"})
    body = missing.content.decode()
    assert missing.status_code == 422 and "请按姓名搜索" in body and 'value="朱"' in body
    assert f'value="{speaker.pk}"' in body  # the options for what was typed are shown again
    assert not Registration.objects.exists()
    ok = page.post(f"/outreach/events/{event.pk}/registrations/", {"person_q": "朱", "person": speaker.pk})
    assert ok.status_code == 302 and Registration.objects.get().person == speaker
    # the search is for program staff only
    assert client_for(partner_user).get("/people/scope-search/people/", {"person_q": "朱"}).status_code == 403


def test_programme_pdf_writes_the_period_as_each_language_does(client_for, staff, event, programme, tmp_path):
    """One period, written as the pages write it: the shared year and month once, 至 in Chinese."""
    event.ends_on = event.starts_on.replace(day=12)
    event.save()
    r = client_for(staff).get(f"/outreach/events/{event.pk}/programme.pdf")
    p = tmp_path / "p.pdf"
    p.write_bytes(r.content)
    text = subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, check=True, text=True).stdout
    assert "June 10 – 12, 2025 · " in text and "2025年6月10日至12日，" in text
    page = client_for(staff, language="zh-hans").get(f"/outreach/events/{event.pk}/").content.decode()
    assert '<span class="nowrap">2025年6月10日</span>至<span class="nowrap">12日</span>' in page
