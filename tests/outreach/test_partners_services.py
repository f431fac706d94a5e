"""Partner and engagement services: contributions with currency, negative amounts, engagements inside the course's
dates and in its timetable, the pipeline with history, follow-ups from an engagement, aggregated attendance."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from citybridge.outreach import selectors, services
from tests.pdfs import real_pdf

from ._part_fixtures import *  # noqa: F401,F403
from ._part_fixtures import rows

pytestmark = pytest.mark.django_db


def _errors(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


def test_partner_create_tags_and_duplicate(staff, other_partner):
    from citybridge.core.models import Organisation

    org = Organisation.objects.create(name="Siemens", name_en="Siemens", type="company", country="DE")
    p = services.partner_create(actor=staff, organisation=org, technologies_en=" Heat Pumps, LED lighting,heat pumps ,")
    assert p.technology_tags() == ["heat pumps", "LED lighting"]  # abbreviations keep their capitals
    before = rows()
    with pytest.raises(ValidationError) as exc:
        services.partner_create(actor=staff, organisation=other_partner.organisation)
    assert "organisation" in _errors(exc)
    assert rows() == before


def test_partner_user_cannot_create(partner_user):
    from citybridge.core.models import Organisation

    org = Organisation.objects.create(name="X", name_en="X", type="company", country="CN")
    with pytest.raises(PermissionDenied):
        services.partner_create(actor=partner_user, organisation=org)


def test_contribution_money_with_currency(staff, partner):
    c = services.contribution_add(
        actor=staff,
        partner=partner,
        kind="money",
        description_en="Dinner sponsorship",
        amount="15000.00",
        currency="cny",
        received_on=date(2025, 1, 10),
    )
    assert (c.amount, c.currency) == (Decimal("15000.00"), "CNY")


@pytest.mark.parametrize(
    ("amount", "currency", "field", "zh"),
    [
        ("100", "", "currency", "请以 ISO 代码填写货币"),
        ("-5", "USD", "amount", "金额不能为负数"),
        ("1.005", "USD", "amount", None),
        ("abc", "USD", "amount", None),
        ("NaN", "USD", "amount", None),
        ("10", "US", "currency", None),
        ("10", "$$$", "currency", None),
    ],
)
def test_contribution_bad_input_refused_and_nothing_saved(staff, partner, amount, currency, field, zh):
    before = rows()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.contribution_add(
            actor=staff,
            partner=partner,
            kind="in_kind",
            description_en="Lamps",
            amount=amount,
            currency=currency,
            received_on=date(2025, 1, 10),
        )
    assert field in _errors(exc)
    if zh:
        assert zh in _errors(exc)[field][0]
    assert rows() == before


def test_engagement_is_in_the_course_timetable(engagement, pcourse, partner):
    s = engagement.session
    assert s.course_id == pcourse.pk and s.format == "dinner" and s.partner_id == partner.organisation_id
    assert (s.date, s.start_time, s.end_time, s.site) == (date(2025, 3, 4), time(18), time(20), "Beijing Hotel")
    assert list(pcourse.sessions.filter(partner=partner.organisation)) == [s]
    assert engagement.cost == Decimal("1200.50") and engagement.cost_currency == "CNY"


@pytest.mark.parametrize("day", [date(2025, 3, 2), date(2025, 3, 8), date(2030, 1, 1)])
def test_engagement_outside_course_dates_refused(staff, partner, pcourse, day):
    before = rows()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.engagement_create(
            actor=staff,
            partner=partner,
            course=pcourse,
            kind="lunch",
            title_en="Lunch",
            date=day,
            start_time=time(12),
            end_time=time(13),
        )
    assert "date" in _errors(exc)
    assert "课程" in _errors(exc)["date"][0]
    assert rows() == before  # no session left behind either


def test_engagement_cost_needs_currency_and_no_negative(staff, partner, pcourse):
    before = rows()
    with pytest.raises(ValidationError) as exc:
        services.engagement_create(
            actor=staff,
            partner=partner,
            course=pcourse,
            kind="lunch",
            title_en="Lunch",
            date=date(2025, 3, 4),
            start_time=time(13),
            end_time=time(12),
            cost="-1",
            cost_currency="",
        )
    assert {"cost", "end_time"} <= set(_errors(exc))
    with pytest.raises(ValidationError) as exc:
        services.engagement_create(
            actor=staff,
            partner=partner,
            course=pcourse,
            kind="lunch",
            title_en="Lunch",
            date=date(2025, 3, 4),
            start_time=time(12),
            end_time=time(13),
            cost="300",
        )
    assert "cost_currency" in _errors(exc)
    assert rows() == before


def test_pipeline_enforced_with_history(staff, engagement):
    e = engagement
    with pytest.raises(ValidationError) as exc:  # interested → held skips two steps
        services.engagement_transition(actor=staff, engagement=e, expected_version=e.version, status="held")
    assert "status" in _errors(exc)
    for status in ("proposed", "confirmed", "held"):
        e = services.engagement_transition(actor=staff, engagement=e, expected_version=e.version, status=status)
    # followed up needs a follow-up first
    with pytest.raises(ValidationError):
        services.engagement_transition(actor=staff, engagement=e, expected_version=e.version, status="followed_up")
    assert [h.status for h in e.history.order_by("history_id")] == ["interested", "proposed", "confirmed", "held"]
    with pytest.raises(ValidationError):  # held cannot be cancelled
        services.engagement_transition(actor=staff, engagement=e, expected_version=e.version, status="cancelled")


def test_stale_transition_refused(staff, engagement):
    from citybridge.core.concurrency import StaleEdit

    old = engagement.version
    services.engagement_transition(actor=staff, engagement=engagement, expected_version=old, status="proposed")
    with pytest.raises(StaleEdit):
        services.engagement_transition(actor=staff, engagement=engagement, expected_version=old, status="confirmed")


def test_held_not_before_its_day(staff, partner, academy):
    from citybridge.academy.models import Course

    future = Course.objects.create(
        academy=academy,
        title="F",
        title_en="F",
        start_date=date(2099, 1, 5),
        end_date=date(2099, 1, 9),
        status="open",
    )
    e = services.engagement_create(
        actor=staff,
        partner=partner,
        course=future,
        kind="workshop",
        title_en="W",
        date=date(2099, 1, 6),
        start_time=time(9),
        end_time=time(10),
        status="confirmed",
    )
    with pytest.raises(ValidationError):
        services.engagement_transition(actor=staff, engagement=e, expected_version=e.version, status="held")


def test_cancel_takes_it_out_of_the_timetable(staff, engagement, pcourse):
    session_id = engagement.session_id
    services.engagement_transition(
        actor=staff, engagement=engagement, expected_version=engagement.version, status="cancelled"
    )
    assert not pcourse.sessions.filter(pk=session_id).exists()
    engagement.refresh_from_db()
    assert engagement.status == "cancelled" and engagement.session_id is None


def test_followup_from_engagement(staff, engagement, officials, partner, pcourse):
    e = engagement
    for status in ("proposed", "confirmed", "held"):
        e = services.engagement_transition(actor=staff, engagement=e, expected_version=e.version, status=status)
    activity = services.engagement_followup(
        actor=staff, engagement=e, subject="Send the LED retrofit case study", due_date=date(2099, 1, 1)
    )
    e.refresh_from_db()
    assert e.status == "followed_up"
    assert list(e.followups.all()) == [activity]
    assert set(activity.officials.all()) == set(officials)
    assert activity.organisation_id == partner.organisation_id
    activity.refresh_from_db()
    assert activity.course_id == pcourse.pk


def test_followup_before_held_refused(staff, engagement):
    from citybridge.outreach.models import Activity

    with pytest.raises(ValidationError):
        services.engagement_followup(actor=staff, engagement=engagement, subject="Too early")
    assert Activity.objects.count() == 0


def test_the_session_takes_the_engagement_language_by_language(staff, engagement):
    """The timetable session has the engagement's title and venue in each language; a page in a language left empty
    shows the other one, on the session as on the engagement. An edit in Chinese keeps the English texts."""
    s = engagement.session
    assert (s.title_en, s.title_zh_hans, s.site_en, s.site_zh_hans) == ("Dinner with Philips", "", "Beijing Hotel", "")
    with translation.override("zh-hans"):
        assert (engagement.display_title(), s.display_title()) == ("Dinner with Philips", "Dinner with Philips")
        e = services.engagement_update(actor=staff, engagement=engagement, expected_version=engagement.version,
                                       title_zh_hans="飞利浦晚宴", venue_zh_hans="国贸大酒店")  # fmt: skip
        assert (e.display_title(), e.display_venue()) == ("飞利浦晚宴", "国贸大酒店")
    e.session.refresh_from_db()
    assert (e.session.title_en, e.session.title_zh_hans) == ("Dinner with Philips", "飞利浦晚宴")
    assert (e.session.site_en, e.session.site_zh_hans) == ("Beijing Hotel", "国贸大酒店")
    assert (e.display_title("en"), e.display_venue("en")) == ("Dinner with Philips", "Beijing Hotel")
    with pytest.raises(ValidationError) as exc:  # a title in neither language
        services.engagement_update(
            actor=staff, engagement=e, expected_version=e.version, title_en="", title_zh_hans=" "
        )
    assert "title_en" in exc.value.message_dict


def test_update_moves_the_session_and_checks_dates(staff, engagement):
    e = services.engagement_update(
        actor=staff,
        engagement=engagement,
        expected_version=engagement.version,
        date=date(2025, 3, 6),
        outcomes_en="Two mayors asked for a retrofit proposal.",
    )
    e.session.refresh_from_db()
    assert e.session.date == date(2025, 3, 6)
    before = rows()
    with pytest.raises(ValidationError) as exc:
        services.engagement_update(actor=staff, engagement=e, expected_version=e.version, date=date(2025, 4, 1))
    assert "date" in _errors(exc)
    assert rows() == before


def test_attendance_is_aggregated(engagement):
    # three officials: two mayors and a vice mayor; "Hebei" and "河北" are the same province (HE), Guangdong (GD)
    with translation.override("en"):
        a = selectors.engagement_attendance(engagement=engagement)
    assert a.officials == 3
    # groups of fewer than 3 (results.MIN_GROUP) are one "other" row: "Vice mayor: 1" points at one person
    assert a.by_position == [("Other (combined so that no group of fewer than 3 shows)", 3)]
    assert a.by_province == [("Other (combined so that no group of fewer than 3 shows)", 3)]
    assert "Official" not in repr(a) and "@" not in repr(a)
    from citybridge.outreach.selectors.partners import _attendance

    with translation.override("zh-hans"):
        rows = [("mayor", "CN-HE", "")] * 3 + [("vice_mayor", "CN-GD", ""), ("mayor", "", "")]
        b = _attendance(rows, "zh-hans")
    assert b.officials == 5
    # "市长 4" beside a total of 5 would say the fifth is not a mayor: the other row is never 1 or 2, so the
    # smallest group shown joins it (complementary suppression)
    other = "其他（合并显示，不单列不足 3 人的组）"
    assert b.by_position == [(other, 5)]
    assert b.by_province == [(other, 5)]
    # worked by hand: mayors 6, vice mayors 3, bureau officers 1 → other 1 < 3, so the vice mayors (the smallest
    # shown) join it: mayors 6, other 4; provinces: Hebei 5, Guangdong 3, none recorded 2 → other 2, Guangdong joins
    rows = (
        [("mayor", "CN-HE", "")] * 5
        + [("mayor", "CN-GD", "")]
        + [("vice_mayor", "CN-GD", "")] * 2
        + [("vice_mayor", "", "")]
        + [("bureau_officer", "", "")]
    )
    c = _attendance(rows, "en")
    assert c.officials == 10
    assert c.by_position == [("Mayor", 6), ("Other (combined so that no group of fewer than 3 shows)", 4)]
    assert c.by_province == [("Hebei", 5), ("Other (combined so that no group of fewer than 3 shows)", 5)]
    # the labels follow the language asked for, not the active one ("not recorded" included)
    with translation.override("zh-hans"):
        d = _attendance([("mayor", "", "")] * 3, "en")
    assert d.by_position == [("Mayor", 3)] and d.by_province == [("not recorded", 3)]
    # every group large enough: no other row
    e = _attendance([("mayor", "CN-HE", "")] * 3 + [("vice_mayor", "CN-HE", "")] * 3, "en")
    assert e.by_position == [("Mayor", 3), ("Vice mayor", 3)] and e.by_province == [("Hebei", 6)]


def test_partner_attendance_counts_each_official_once(staff, engagement, partner, pcourse, officials):
    services.engagement_create(
        actor=staff,
        partner=partner,
        course=pcourse,
        kind="exhibition",
        title_en="Expo",
        date=date(2025, 3, 6),
        start_time=time(9),
        end_time=time(11),
        officials=officials[:2],
    )
    # officials 1 and 2 came twice, official 3 once: 3 distinct officials
    assert selectors.partner_attendance(partner=partner).officials == 3


def test_visible_to(partner_user, other_partner_user, engagement, other_engagement, staff):
    from citybridge.outreach.models import Engagement

    assert list(Engagement.objects.visible_to(partner_user)) == [engagement]
    assert list(Engagement.objects.visible_to(other_partner_user)) == [other_engagement]
    assert Engagement.objects.visible_to(staff).count() == 2


def test_agreement_with_document_bounded(staff, partner, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    a = services.agreement_add(
        actor=staff,
        partner=partner,
        title_en="MoU 2025",
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
        document=SimpleUploadedFile("mou.pdf", real_pdf()),
    )
    with a.document.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    before = rows()
    with pytest.raises(ValidationError) as exc:
        services.agreement_add(
            actor=staff,
            partner=partner,
            title_en="Fake",
            starts_on=date(2025, 1, 1),
            ends_on=date(2024, 1, 1),
            document=SimpleUploadedFile("mou.pdf", b"MZ not a pdf"),
        )
    assert {"ends_on", "document"} <= set(exc.value.message_dict)
    assert rows() == before


def test_agreement_page(client_for, staff, partner_user, partner, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    url = f"/outreach/partners/{partner.pk}/agreements/new/"
    assert client_for(partner_user).get(url).status_code == 403
    r = client_for(staff).post(
        url, {"title_en": "MoU", "starts_on": "2025-01-01", "document": SimpleUploadedFile("m.pdf", real_pdf())}
    )
    assert r.status_code == 302 and partner.agreements.get().title_en == "MoU"
