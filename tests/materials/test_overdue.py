"""Overdue reminders: each owner of an overdue step gets one e-mail a day in their language, sent by the worker's
daily tick (core.tasks.run_daily), recorded so that it is not repeated."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from citybridge.core.models import DailyRun
from citybridge.core.tasks import run_daily
from citybridge.materials.models import Material, OverdueNotice
from citybridge.materials.services import overdue_reminders
from tests.chinese import has_chinese

from .test_xliff import _in_translation

pytestmark = pytest.mark.django_db

# the session is on 2026-03-02; translation is due 21 days before (2026-02-09), submitted 42 days before
# (2026-01-19); on 2026-02-12 the translation step is 3 days overdue
DAY = date(2026, 2, 12)


def _setup(world):
    m = _in_translation(world)
    assert str(m.due_date) == "2026-02-09"
    world["translator"].preferred_language = "zh-hans"
    world["translator"].save(update_fields=["preferred_language"])
    mail.outbox.clear()
    return m


def test_the_translator_of_an_overdue_deck_gets_one_email_a_day_in_chinese(world):
    m = _setup(world)
    assert overdue_reminders(today=DAY, site_url="https://cb.example") == 1
    (msg,) = mail.outbox
    assert msg.to == ["tr@example.org"]
    assert has_chinese(msg.subject) and "逾期" in msg.body
    assert "Heat" in msg.body and f"https://cb.example/materials/{m.pk}/" in msg.body
    assert "逾期 3 天" in msg.body  # 2026-02-12 − 2026-02-09 = 3 days
    assert list(OverdueNotice.objects.values_list("recipient_id", "day", "materials")) == [
        (world["translator"].pk, DAY, [m.pk])
    ]
    # the same day again (a second run, a second worker): nothing more
    assert overdue_reminders(today=DAY) == 0 and len(mail.outbox) == 1
    # the next day: again
    assert overdue_reminders(today=date(2026, 2, 13)) == 1 and len(mail.outbox) == 2


def test_not_yet_due_and_delivered_materials_send_nothing(world):
    _setup(world)
    assert overdue_reminders(today=date(2026, 2, 9)) == 0  # due that day: not overdue yet
    Material.objects.update(state="delivered")
    assert overdue_reminders(today=DAY) == 0
    assert mail.outbox == []


def test_each_step_goes_to_its_owner_in_their_language(world):
    m = _setup(world)
    m2 = Material.objects.create(
        title="Water", lecturer=m.lecturer, session=m.session, state="approval", due_date=date(2026, 2, 1)
    )
    m3 = Material.objects.create(
        title="Grid", lecturer=m.lecturer, session=m.session, state="submitted", due_date=date(2026, 1, 19)
    )
    assert overdue_reminders(today=DAY) == 3
    by_to = {msg.to[0]: msg for msg in mail.outbox}
    # approval → the coordinator of the course's academy (not the other academy's); other steps → program staff
    assert set(by_to) == {"tr@example.org", "co@example.org", world["staff"].email}
    assert "Water" in by_to["co@example.org"].body and "Heat" not in by_to["co@example.org"].body
    assert "Grid" in by_to[world["staff"].email].body and "Water" not in by_to[world["staff"].email].body
    assert not has_chinese(by_to["co@example.org"].subject)  # English speakers get English
    assert {n.recipient_id: n.materials for n in OverdueNotice.objects.all()}[world["coordinator"].pk] == [m2.pk]
    assert m3.pk in {n.recipient_id: n.materials for n in OverdueNotice.objects.all()}[world["staff"].pk]


def test_a_failed_send_gives_the_claim_back(world, monkeypatch):
    _setup(world)
    import django.core.mail

    def boom(*a, **k):
        raise OSError("smtp down")

    monkeypatch.setattr(django.core.mail, "send_mail", boom)
    with pytest.raises(OSError):
        overdue_reminders(today=DAY)
    assert not OverdueNotice.objects.exists()
    monkeypatch.undo()
    assert overdue_reminders(today=DAY) == 1


def test_the_worker_daily_tick_sends_them(world):
    """MaterialsConfig.ready registers the job; run_daily (the worker's beat) queues the task, which runs inline in
    tests; a second beat the same day does nothing."""
    _setup(world)
    from django.utils import timezone

    now = timezone.now()  # any day after 2026-02-09: the translation step is overdue
    done = run_daily(now)
    assert "materials_overdue_reminders" in done
    assert [m.to for m in mail.outbox] == [["tr@example.org"]]
    assert run_daily(now) == {} and len(mail.outbox) == 1
    assert DailyRun.objects.filter(name="materials_overdue_reminders", day=timezone.localdate(now)).count() == 1
