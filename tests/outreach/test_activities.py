"""Follow-up services, "my follow-ups" order, reminder e-mails in the recipient's language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from citybridge.core.concurrency import StaleEdit
from citybridge.outreach import selectors, services
from citybridge.outreach.models import Activity
from citybridge.outreach.tasks import followup_reminders

from ._eval_fixtures import *  # noqa: F403
from ._eval_fixtures import snapshot

pytestmark = pytest.mark.django_db


def _new(staff, **kw):
    defaults = {"type": "call", "subject": "Call the mayor about heat pumps"}
    return services.activity_create(actor=staff, **{**defaults, **kw})


def test_create_and_chain(staff, make_user):
    u = make_user("lecturer")
    first = _new(staff, assignee=u, due_date=timezone.localdate())
    second = _new(staff, parent=first, type="site_visit", subject="Visit the plant")
    assert second.parent == first and list(first.children.all()) == [second]
    assert first.history.count() == 1


def test_due_before_created_is_refused(staff):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        _new(staff, due_date=timezone.localdate() - timedelta(days=1))
    assert "cannot be due before the day it was created" in exc.value.message_dict["due_date"][0]
    assert snapshot() == before


def test_update_due_date_before_creation_refused_but_unchanged_old_date_kept(staff):
    a = _new(staff, due_date=timezone.localdate())
    Activity.objects.filter(pk=a.pk).update(created_at=timezone.now() - timedelta(days=10))  # created 10 days ago
    a.refresh_from_db()
    # moving it to 11 days ago is before creation: refused
    with pytest.raises(ValidationError):
        services.activity_update(
            actor=staff, activity=a, expected_version=a.version, due_date=timezone.localdate() - timedelta(days=11)
        )
    a.refresh_from_db()
    assert a.version == 1 and a.due_date == timezone.localdate()
    # 5 days ago is after creation: accepted (an overdue follow-up)
    services.activity_update(
        actor=staff, activity=a, expected_version=1, due_date=timezone.localdate() - timedelta(days=5)
    )


def test_bad_type_status_empty_subject(staff):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=staff, type="fax", subject="  ", status="maybe")
    assert set(exc.value.message_dict) == {"type", "subject", "status"}
    assert not Activity.objects.exists()


def test_only_staff_create(coordinator, lecturer):
    for user in (coordinator, lecturer):
        with pytest.raises(PermissionDenied):
            services.activity_create(actor=user, type="call", subject="x")


def test_assignee_updates_status_and_outcome_only(staff, lecturer, other_lecturer):
    a = _new(staff, assignee=lecturer)
    services.activity_update(actor=lecturer, activity=a, expected_version=1, outcome="Left a message")
    with pytest.raises(PermissionDenied):
        services.activity_update(actor=lecturer, activity=a, expected_version=2, assignee=other_lecturer)
    with pytest.raises(PermissionDenied):
        services.activity_update(actor=other_lecturer, activity=a, expected_version=2, outcome="x")
    a.refresh_from_db()
    assert a.outcome == "Left a message" and a.assignee == lecturer and a.version == 2


def test_stale_update_refused(staff):
    a = _new(staff)
    services.activity_update(actor=staff, activity=a, expected_version=1, subject="First edit")
    with pytest.raises(StaleEdit):
        services.activity_update(actor=staff, activity=a, expected_version=1, subject="Second edit")
    a.refresh_from_db()
    assert a.subject == "First edit"


def test_complete_needs_outcome_and_sets_time(staff, lecturer):
    a = _new(staff, assignee=lecturer)
    with pytest.raises(ValidationError):
        services.activity_complete(actor=lecturer, activity=a, expected_version=1, outcome=" ")
    services.activity_complete(actor=lecturer, activity=a, expected_version=1, outcome="Introduced to the supplier")
    a.refresh_from_db()
    assert a.status == "done" and a.completed_at is not None


def test_parent_cycle_refused(staff):
    a = _new(staff)
    b = _new(staff, parent=a)
    with pytest.raises(ValidationError) as exc:
        services.activity_update(actor=staff, activity=a, expected_version=1, parent=b)
    assert "parent" in exc.value.message_dict


def test_my_followups_overdue_first(staff, lecturer):
    today = timezone.localdate()
    later = _new(staff, assignee=lecturer, due_date=today + timedelta(days=3), subject="later")
    nodate = _new(staff, assignee=lecturer, subject="no date")
    soon = _new(staff, assignee=lecturer, due_date=today, subject="today")
    overdue = _new(staff, assignee=lecturer, due_date=today, subject="overdue")
    Activity.objects.filter(pk=overdue.pk).update(due_date=today - timedelta(days=2))
    done = _new(staff, assignee=lecturer, due_date=today, subject="done", status="done")
    _new(staff, assignee=staff, due_date=today, subject="someone else's")
    got = [a.subject for a in selectors.my_activities(user=lecturer)]
    assert got == [overdue.subject, soon.subject, later.subject, nodate.subject]
    assert done.subject in [a.subject for a in selectors.my_activities(user=lecturer, include_closed=True)]
    # visible_to: the lecturer sees only their own
    assert set(Activity.objects.visible_to(lecturer)) == {later, nodate, soon, overdue, done}


def test_reminders_in_each_recipients_language_once_a_day(staff, make_user):
    today = date(2026, 3, 10)
    en = make_user("lecturer", email="en@example.org", preferred_language="en")
    zh = make_user("lecturer", email="zh@example.org", preferred_language="zh-hans")
    for user in (en, zh):
        a = _new(staff, assignee=user, subject=f"Call for {user.email}")
        Activity.objects.filter(pk=a.pk).update(due_date=today - timedelta(days=1))  # overdue
    far = _new(staff, assignee=en, subject="Not yet")
    Activity.objects.filter(pk=far.pk).update(due_date=today + timedelta(days=10))
    assert followup_reminders(today=today, site_url="https://cb.example") == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "1 follow-up needs your attention" in by_to["en@example.org"].subject
    assert "overdue" in by_to["en@example.org"].body and "Not yet" not in by_to["en@example.org"].body
    assert "跟进" in by_to["zh@example.org"].subject
    assert "https://cb.example/outreach/follow-ups/" in by_to["zh@example.org"].body
    # the same day again: nothing new
    assert followup_reminders(today=today, site_url="https://cb.example") == 0


def test_reminder_e_mails_are_plain_text_with_the_reader_s_punctuation(staff, make_user):
    """An e-mail is text, not HTML: a subject's apostrophe and ampersand arrive as typed (they arrived as &#x27; and
    &amp;); a Chinese e-mail's asides are in full-width parentheses (（已逾期）, not " (已逾期)")."""
    today = date(2026, 3, 10)
    for language in ("en", "zh-hans"):
        user = make_user("lecturer", email=f"{language}@example.org", preferred_language=language)
        a = _new(staff, assignee=user, subject="Introduce Baoding to GE's grid & storage team <now>")
        Activity.objects.filter(pk=a.pk).update(due_date=today - timedelta(days=1))
    assert followup_reminders(today=today, site_url="https://cb.example") == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    for body in (by_to["en@example.org"].body, by_to["zh-hans@example.org"].body):
        assert "GE's grid & storage team <now>" in body and "&#x27;" not in body and "&amp;" not in body
    assert " (overdue)" in by_to["en@example.org"].body
    assert "（已逾期）" in by_to["zh-hans@example.org"].body and " (" not in by_to["zh-hans@example.org"].body


def test_worker_daily_tick_sends_reminders_once_a_day_without_cron(staff, make_user):
    """The outreach reminders are registered with core's daily tick: the worker's beat (run_daily) sends them on
    the first beat of the day; a second beat (or a second worker) the same day sends nothing more."""
    from citybridge.core.models import DailyRun
    from citybridge.core.tasks import DAILY, run_daily

    assert "outreach_followup_reminders" in DAILY
    user = make_user("lecturer", email="tick@example.org", preferred_language="en")
    a = _new(staff, assignee=user, subject="Call the vice mayor")
    Activity.objects.filter(pk=a.pk).update(due_date=timezone.localdate() - timedelta(days=2))  # overdue
    now = timezone.now()
    done = run_daily(now)
    assert "outreach_followup_reminders" in done
    assert [m.to for m in mail.outbox] == [["tick@example.org"]]
    assert DailyRun.objects.filter(name="outreach_followup_reminders", day=timezone.localdate(now)).count() == 1
    assert "outreach_followup_reminders" not in run_daily(now)  # the same day: claimed already
    assert len(mail.outbox) == 1


def test_assignees_are_named_not_shown_by_email(staff, make_user, client_for):
    """The follow-up list names the assignee; the assignee drop-downs show the name with the sign-in e-mail beside
    it (namesakes), and the e-mail alone only for an account that belongs to nobody (issue 9)."""
    from citybridge.core.models import Person

    person = Person.objects.create(
        family_name_en="Chen", given_name_en="Lin", family_name_zh_hans="陈", given_name_zh_hans="琳"
    )
    named = make_user("lecturer", email="chen@example.org", person=person)
    _new(staff, assignee=named, subject="Call the mayor")
    _new(staff, assignee=make_user("lecturer", email="nobody@example.org"), subject="Send the cases")

    html = client_for(staff, "zh-hans").get("/outreach/follow-ups/").content.decode()
    assert '<td data-label="负责人">陈琳</td>' in html and '<td data-label="负责人">nobody@example.org</td>' in html
    assert "chen@example.org" not in html
    assert '<td data-label="Assignee">Lin Chen</td>' in client_for(staff).get("/outreach/follow-ups/").content.decode()
    for url in (
        "/outreach/follow-ups/new/",
        f"/outreach/follow-ups/{Activity.objects.get(subject='Call the mayor').pk}/",
    ):
        form = client_for(staff, "zh-hans").get(url).content.decode()
        assert ">陈琳（chen@example.org）</option>" in form, url
        assert ">nobody@example.org</option>" in form, url
