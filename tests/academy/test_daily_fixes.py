"""Bugs found in daily use (issue 9, "noticed, not done"): a re-issued certificate keeps the revoked one, so the old
code still verifies as revoked; stale roster previews are removed by the worker's housekeeping; the who-is-behind
cache receivers are connected by the app, not by importing the selectors."""

from __future__ import annotations

import weakref
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from citybridge.academy import services
from citybridge.academy.models import Certificate, Enrolment, RosterUpload

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(staff, course, make_official):
    """A completed course with one official present at all of its sessions."""
    sessions = fill_timetable(course)
    official = make_official()
    enrolment = services.enrolment_create(actor=staff, course=course, official=official)
    services.course_set_status(actor=staff, course=course, status="running")
    services.attendance_record(
        actor=staff, course=course, marks=[services.Mark(official.pk, s.pk, "present") for s in sessions]
    )
    services.course_set_status(actor=staff, course=course, status="completed")
    return {"course": course, "official": official, "enrolment": Enrolment.objects.get(pk=enrolment.pk)}


def test_reissue_keeps_the_revoked_certificate_and_its_code_verifies_as_revoked(
    staff, coordinator, completed, client_for
):
    enrolment = completed["enrolment"]
    old = services.certificate_issue(actor=staff, enrolment=enrolment)
    services.certificate_revoke(actor=staff, certificate=old, reason="Issued in error")
    new = services.certificate_issue(actor=staff, enrolment=Enrolment.objects.get(pk=enrolment.pk))

    assert new.pk != old.pk and new.code != old.code
    # both rows are kept: the old one revoked, the new one valid (12 days × 2 sessions, all attended: 12 days)
    rows = {c.code: c for c in Certificate.objects.filter(enrolment=enrolment)}
    assert set(rows) == {old.code, new.code}
    assert rows[old.code].revoked_at is not None and rows[old.code].revoked_reason == "Issued in error"
    assert rows[new.code].revoked_at is None and rows[new.code].training_days == 12
    assert Enrolment.objects.get(pk=enrolment.pk).certificate.pk == new.pk  # the valid one is "the" certificate

    anonymous = client_for(None)
    response = anonymous.get(f"/academy/verify/{old.code}/")
    assert response.status_code == 200  # found, not "not found"
    assert "This certificate was revoked." in response.content.decode()
    assert "This certificate is valid." in anonymous.get(f"/academy/verify/{new.code}/").content.decode()

    # the course page links the new certificate's PDF and no longer the revoked one
    page = client_for(coordinator).get(f"/academy/courses/{completed['course'].pk}/").content.decode()
    assert f"/academy/certificates/{new.pk}/pdf/" in page and f"/academy/certificates/{old.pk}/pdf/" not in page
    # the official's history shows the valid code
    history = client_for(staff).get(f"/academy/officials/{completed['official'].pk}/").content.decode()
    assert new.code in history and old.code not in history


def test_revoked_only_certificate_is_shown_as_revoked(staff, coordinator, completed, client_for):
    old = services.certificate_issue(actor=staff, enrolment=completed["enrolment"])
    services.certificate_revoke(actor=staff, certificate=old, reason="Issued in error")
    page = client_for(coordinator).get(f"/academy/courses/{completed['course'].pk}/").content.decode()
    assert old.code in page and "Revoked" in page and f"/academy/certificates/{old.pk}/pdf/" not in page
    history = client_for(staff).get(f"/academy/officials/{completed['official'].pk}/").content.decode()
    assert old.code in history and "(Revoked)" in history


def test_database_allows_one_valid_certificate_per_enrolment(staff, completed):
    enrolment = completed["enrolment"]
    services.certificate_issue(actor=staff, enrolment=enrolment)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(enrolment=enrolment, code="SECONDVALID0000000000000"[:24], training_days=1)
    # a second revoked one is allowed next to the valid one
    Certificate.objects.create(
        enrolment=enrolment, code="OLDREVOKED00000000000000"[:24], training_days=1, revoked_at=timezone.now()
    )
    assert Certificate.objects.filter(enrolment=enrolment).count() == 2


# --------------------------------------------------------------------------- roster previews


def test_worker_housekeeping_removes_roster_previews_older_than_a_day(staff, course):
    from citybridge.core.tasks import HOUSEKEEPING, run_housekeeping

    assert "roster_previews" in HOUSEKEEPING  # registered by AcademyConfig.ready()
    now = timezone.now()
    stale = RosterUpload.objects.create(created_by=staff, course=course, filename="old.csv", data=b"a", sha256="0")
    fresh = RosterUpload.objects.create(created_by=staff, course=course, filename="new.csv", data=b"b", sha256="1")
    # 25 hours old: past the day; 23 hours old: still within it
    RosterUpload.objects.filter(pk=stale.pk).update(created_at=now - timedelta(hours=25))
    RosterUpload.objects.filter(pk=fresh.pk).update(created_at=now - timedelta(hours=23))
    assert run_housekeeping(now)["roster_previews"] == 1
    assert list(RosterUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert run_housekeeping(now + timedelta(hours=2))["roster_previews"] == 1  # the other one is now 25 hours old
    assert not RosterUpload.objects.exists()


def test_worker_beat_runs_the_housekeeping(staff, course, monkeypatch):
    """The worker's heartbeat thread runs the housekeeping on its first beat (then every REAP_EVERY_BEATS)."""
    import threading

    from citybridge.core.management.commands import worker

    stale = RosterUpload.objects.create(created_by=staff, course=course, filename="old.csv", data=b"a", sha256="0")
    RosterUpload.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=2))
    stop = threading.Event()
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # the test's connection and transaction
    real_wait = stop.wait
    monkeypatch.setattr(stop, "wait", lambda seconds: (stop.set(), real_wait(0))[1])  # one beat, then stop
    worker._beat("test-worker", stop)
    assert not RosterUpload.objects.filter(pk=stale.pk).exists()


# --------------------------------------------------------------------------- who-is-behind cache receivers


def _receiver_modules(signal, sender) -> set[str]:
    """The modules of the functions connected to `signal` for `sender` (Django keeps (key, ref, is_async) rows,
    key = (receiver id, sender id), ref a weak reference unless connected with weak=False)."""
    modules = set()
    for (_receiver_id, sender_id), ref, *_rest in signal.receivers:
        if sender_id != id(sender):
            continue
        func = ref() if isinstance(ref, weakref.ReferenceType) else ref
        if func is not None:
            modules.add(func.__module__)
    return modules


def test_behind_cache_receivers_live_in_the_app_signals_module():
    from citybridge.academy import selectors
    from citybridge.academy.models import Academy, Jurisdiction, TrainingYear
    from citybridge.core.models import Organisation

    for sender in (Organisation, Academy, TrainingYear):
        for signal in (post_save, post_delete):
            modules = _receiver_modules(signal, sender)
            assert "citybridge.academy.signals" in modules
            assert "citybridge.academy.selectors" not in modules
    # jurisdictions no longer feed the cached lists (provinces are the controlled list): saving one drops nothing
    assert "citybridge.academy.signals" not in _receiver_modules(post_save, Jurisdiction)
    assert not hasattr(selectors, "_behind_filters_changed")


# --------------------------------------------------------------------------- who is behind: explanation on demand


@pytest.fixture
def behind_world(completed):
    """The completed course's official: 12 days in 2025, at risk in the window 2025–2029 (12 + 4 × 12 = 60 of 78);
    summaries prepared for 2025 (the background task's work)."""
    services.compliance_prepare_year(year=2025)
    return completed


def test_the_official_page_writes_a_window_to_its_last_day_as_who_is_behind_does(behind_world, staff, client_for):
    """A window is [start, start + 5 years): the pages write its last day, Dec. 31, 2029, not the exclusive end (the
    official's page wrote Jan. 1, 2030 where who-is-behind, its XLSX and its explanation wrote Dec. 31, 2029)."""
    from citybridge.academy.models import TrainingSummary

    official = behind_world["official"]
    page = client_for(staff).get(f"/academy/officials/{official.pk}/").content.decode()
    why = TrainingSummary.objects.get(official=official, year=2025).pk
    explanation = client_for(staff).get(f"/academy/behind/{why}/why/", HTTP_HX_REQUEST="true").content.decode()
    period = '<span class="nowrap">Jan. 1, 2025</span> – <span class="nowrap">Dec. 31, 2029</span>'
    assert period in page and "Jan. 1, 2030" not in page
    assert "Jan. 1, 2025 – Dec. 31, 2029" in explanation
    zh = client_for(staff, "zh-hans").get(f"/academy/officials/{official.pk}/").content.decode()
    assert '五年周期：<span class="nowrap">2025年1月1日</span>至<span class="nowrap">2029年12月31日</span>' in zh


def test_behind_list_loads_each_rows_explanation_only_when_opened(
    behind_world, coordinator, other_coordinator, client_for
):
    from citybridge.academy.models import TrainingSummary

    course_name = "Energy Smart Cities (March 3, 2025)"  # the course named by its start, as the pages write dates
    client = client_for(coordinator)
    html = client.get("/academy/behind/?year=2025&rule=window").content.decode()
    summary = TrainingSummary.objects.get(official=behind_world["official"], year=2025)
    why = f"/academy/behind/{summary.pk}/why/"
    # the row carries the link (htmx loads it into the <details> on first opening), not the explanation itself
    assert f'hx-get="{why}"' in html and f'href="{why}"' in html and course_name not in html

    fragment = client.get(why, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body
    # 6 days × 2 sessions from 2025-03-03 (a rest day on the 7th): all attended, 12 training days in 2025
    assert f"{course_name}: 12 days" in body and "2025: 12 training days (12 at academies, 0 external)" in body
    page = client.get(why)  # without JavaScript: a page of its own, in the site's frame
    assert page.status_code == 200 and "<html" in page.content.decode() and course_name in page.content.decode()
    zh = client_for(coordinator, "zh-hans").get(why, HTTP_HX_REQUEST="true").content.decode()
    assert "能源智慧城市" in zh or "Energy Smart Cities" in zh

    # another academy's coordinator: not found (as the list leaves the row out)
    assert client_for(other_coordinator).get(why).status_code == 404
    assert client_for(None).get(why).status_code == 302  # sign in first
