"""Edit pages (issue #14 gaps): partner, agreement, engagement and event edits carry the version read (a stale
save is a 409 with the user's input kept and the saved value beside the field), refuse bad input beside the field
(422, input kept, nothing saved), in both languages; partners and other roles cannot edit (403 for the own
partner's user, 404 for another partner's records)."""

from __future__ import annotations

from datetime import date, time

import pytest

from citybridge.outreach import services

from ._part_fixtures import *  # noqa: F401,F403
from ._part_fixtures import rows

pytestmark = pytest.mark.django_db


def test_partner_edit_saves_with_version_and_history(client_for, staff, partner, host):
    staff.first_name, staff.last_name = "Lin", "Chen"
    staff.save()
    client = client_for(staff)
    page = client.get(f"/outreach/partners/{partner.pk}/edit/")
    assert page.status_code == 200
    assert 'name="version" value="1"' in page.content.decode()
    response = client.post(
        f"/outreach/partners/{partner.pk}/edit/",
        {
            "version": "1",
            "contacts": [host.pk],
            "technologies_en": "Heat Pumps, LED lighting, heat pumps",
            "notes_en": "x",
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.version == 2
    assert partner.technologies_en == "heat pumps, LED lighting"  # lower case but for abbreviations, duplicates dropped
    assert list(partner.contacts.all()) == [host]
    history = client.get(f"/outreach/partners/{partner.pk}/edit/").content.decode()
    assert "<td>Lin Chen</td>" in history and staff.email not in history  # who saved it, by name


def test_partner_edit_stale_is_409_with_input_kept(client_for, staff, partner):
    services.partner_update(actor=staff, partner=partner, expected_version=1, notes_en="Saved first")
    response = client_for(staff).post(
        f"/outreach/partners/{partner.pk}/edit/", {"version": "1", "technologies_en": "", "notes_en": "Mine"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Mine" in html  # the user's input is kept
    assert "Saved by someone else: Saved first" in html
    assert 'name="version" value="2"' in html  # saving again after review goes through
    partner.refresh_from_db()
    assert partner.notes_en == "Saved first"


def test_partner_edit_error_beside_field_in_chinese(client_for, staff, partner):
    before = rows()
    response = client_for(staff, language="zh-hans").post(
        f"/outreach/partners/{partner.pk}/edit/", {"version": "1", "technologies_en": "a" * 501, "notes_en": "kept"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_technologies_en_errors"' in html and "请" in html
    assert "kept" in html
    assert rows() == before


def test_partner_user_cannot_edit_and_other_partner_gets_404(client_for, partner_user, partner, other_partner):
    assert client_for(partner_user).get(f"/outreach/partners/{partner.pk}/edit/").status_code == 403
    assert client_for(partner_user).get(f"/outreach/partners/{other_partner.pk}/edit/").status_code == 404
    before = rows()
    assert client_for(partner_user).post(f"/outreach/partners/{partner.pk}/edit/", {"notes_en": "x"}).status_code == 403
    assert rows() == before


def test_agreement_edit_scope_and_dates(client_for, staff, partner, partner_user, other_partner_user):
    agreement = services.agreement_add(actor=staff, partner=partner, title_en="MoU", starts_on=date(2025, 1, 1))
    url = f"/outreach/agreements/{agreement.pk}/edit/"
    client = client_for(staff)
    bad = client.post(url, {"version": "1", "title_en": "MoU", "starts_on": "2025-01-01", "ends_on": "2024-12-31"})
    assert bad.status_code == 422 and 'id="id_ends_on_errors"' in bad.content.decode()
    ok = client.post(
        url, {"version": "1", "title_en": "MoU 2025", "scope_en": "Two dinners a year", "starts_on": "2025-01-01"}
    )
    assert ok.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title_en, agreement.scope_en, agreement.version) == ("MoU 2025", "Two dinners a year", 2)
    assert client_for(partner_user).get(url).status_code == 403
    assert client_for(other_partner_user).get(url).status_code == 404


def test_engagement_edit_outside_course_dates_is_error_on_date(client_for, staff, engagement):
    url = f"/outreach/engagements/{engagement.pk}/edit/"
    before = rows()
    response = client_for(staff).post(
        url,
        {
            "version": str(engagement.version),
            "title_en": "Dinner moved",
            "date": "2025-03-09",  # the course runs 3–7 March 2025
            "start_time": "18:00",
            "end_time": "20:00",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_date_errors"' in html and "March 3, 2025 to March 7, 2025" in html
    assert "Dinner moved" in html
    assert rows() == before


def test_engagement_edit_moves_the_timetable_session(client_for, staff, engagement):
    response = client_for(staff).post(
        f"/outreach/engagements/{engagement.pk}/edit/",
        {
            "version": str(engagement.version),
            "title_en": "Dinner moved",
            "date": "2025-03-06",
            "start_time": "19:00",
            "end_time": "21:00",
            "cost": "900",
            "cost_currency": "cny",
            "outcomes_en": "Two cities asked for a site visit.",
        },
    )
    assert response.status_code == 302
    engagement.refresh_from_db()
    engagement.session.refresh_from_db()
    assert engagement.session.date == date(2025, 3, 6) and engagement.session.title_en == "Dinner moved"
    assert engagement.cost_currency == "CNY" and engagement.outcomes_en.startswith("Two cities")


def test_engagement_edit_stale(client_for, staff, engagement):
    services.engagement_update(
        actor=staff, engagement=engagement, expected_version=engagement.version, venue_en="Kerry Hotel"
    )
    response = client_for(staff).post(
        f"/outreach/engagements/{engagement.pk}/edit/",
        {"version": "1", "title_en": "Dinner", "date": "2025-03-04", "start_time": "18:00", "end_time": "20:00"},
    )
    assert response.status_code == 409
    assert "Saved by someone else: Kerry Hotel" in response.content.decode()


def test_engagement_cancel_asks_for_confirmation(client_for, staff, engagement):
    html = client_for(staff).get(f"/outreach/engagements/{engagement.pk}/").content.decode()
    assert "data-confirm=" in html and "core/confirm.js" in html


def test_partner_user_cannot_edit_engagement(client_for, partner_user, other_partner_user, engagement):
    url = f"/outreach/engagements/{engagement.pk}/edit/"
    assert client_for(partner_user).get(url).status_code == 403
    assert client_for(other_partner_user).get(url).status_code == 404


def test_event_edit(client_for, staff, partner_user):
    event = services.event_create(
        actor=staff,
        title_en="China Energy Forum",
        starts_on=date(2025, 6, 1),
        ends_on=date(2025, 6, 2),
        venue_en="Tsinghua",
    )
    url = f"/outreach/events/{event.pk}/edit/"
    client = client_for(staff)
    assert 'name="version" value="1"' in client.get(url).content.decode()
    bad = client.post(url, {"version": "1", "starts_on": "2025-06-03", "ends_on": "2025-06-02", "venue_en": "Tsinghua"})
    assert bad.status_code == 422 and 'id="id_ends_on_errors"' in bad.content.decode()
    ok = client.post(
        url,
        {
            "version": "1",
            "title_zh_hans": "中国能源论坛",
            "starts_on": "2025-06-01",
            "ends_on": "2025-06-03",
            "venue_en": "PKU",
        },
    )
    assert ok.status_code == 302
    event.refresh_from_db()
    assert (event.title_zh_hans, event.venue_en, event.version) == ("中国能源论坛", "PKU", 2)
    stale = client.post(url, {"version": "1", "starts_on": "2025-06-01", "ends_on": "2025-06-02", "venue_en": "X"})
    assert stale.status_code == 409
    assert client_for(partner_user).get(url).status_code == 403


def test_programme_item_edit(client_for, staff, partner_user, host):
    event = services.event_create(
        actor=staff, title_en="China Energy Forum", starts_on=date(2025, 6, 1), ends_on=date(2025, 6, 2), venue_en="PKU"
    )
    item = services.event_session_add(
        actor=staff, event=event, date=date(2025, 6, 1), start_time=time(9), end_time=time(10), title_en="Opening"
    )
    url = f"/outreach/programme-items/{item.pk}/edit/"
    client = client_for(staff)
    assert f"/outreach/programme-items/{item.pk}/edit/" in client.get(f"/outreach/events/{event.pk}/").content.decode()
    before = rows()
    outside = client.post(
        url, {"version": "1", "date": "2025-06-05", "start_time": "09:00", "end_time": "10:00", "title_en": "Opening"}
    )
    assert outside.status_code == 422 and 'id="id_date_errors"' in outside.content.decode()
    assert rows() == before
    ok = client.post(
        url,
        {
            "version": "1",
            "date": "2025-06-02",
            "start_time": "09:30",
            "end_time": "10:30",
            "title_en": "Opening",
            "title_zh_hans": "开幕",
            "speakers": [host.pk],
        },
    )
    assert ok.status_code == 302
    item.refresh_from_db()
    assert (item.date, item.start_time, item.version) == (date(2025, 6, 2), time(9, 30), 2)
    assert list(item.speakers.all()) == [host]
    stale = client.post(
        url, {"version": "1", "date": "2025-06-01", "start_time": "09:00", "end_time": "10:00", "title_en": "Old"}
    )
    assert stale.status_code == 409
    assert client_for(partner_user).get(url).status_code == 403
