"""`citybridge demo` loads outreach data: every outreach page has something to show, through the services (so the
rules hold), deterministic, idempotent and fast."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.django_db


def test_outreach_demo_populates_every_page_and_is_idempotent(client_for, django_capture_on_commit_callbacks):
    from citybridge.academy import demo as academy_demo
    from citybridge.core import demo as core_demo
    from citybridge.core.models import User
    from citybridge.outreach import demo
    from citybridge.outreach.models import (
        Activity,
        Agreement,
        Contribution,
        Engagement,
        Evaluation,
        EvaluationAnswer,
        Event,
        PressMention,
        Registration,
        Supporter,
        Testimonial,
    )

    core_demo.load()
    academy_demo.load()
    cpu, wall = time.process_time(), time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        demo.load()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"outreach demo: {cpu:.2f} s CPU, {wall:.2f} s wall")
    assert cpu < 10
    counts = {
        m.__name__: m.objects.count()
        for m in (Evaluation, EvaluationAnswer, Activity, Agreement, Contribution, Engagement, Event, PressMention)
    }
    assert counts["Evaluation"] > 60 and counts["EvaluationAnswer"] > 500
    assert counts["Engagement"] == 3 and counts["Agreement"] == 2 and counts["Contribution"] == 2
    assert counts["Event"] == 1 and counts["PressMention"] == 2
    assert Activity.objects.filter(engagements__isnull=False).count() == 1  # the dinner's follow-up
    assert Supporter.objects.count() == 2
    assert Testimonial.objects.filter(published=True, consent=True).count() == 2
    assert not Testimonial.objects.filter(published=True, consent=False).exists()
    assert Registration.objects.filter(attended=True).count() >= 10
    # an engagement is a session of its course's timetable unless the course was completed (closed), within the
    # course's dates
    for e in Engagement.objects.select_related("course", "session"):
        if e.course.status == "completed":
            assert e.session is None
        else:
            assert e.session is not None and e.session.course_id == e.course_id
        assert e.course.start_date <= e.date <= e.course.end_date
    assert Engagement.objects.filter(session__isnull=False).count() == 1  # the workshop of the coming course
    # idempotent
    demo.load()
    assert Engagement.objects.count() == 3 and EvaluationAnswer.objects.count() == counts["EvaluationAnswer"]

    staff = User.objects.get(email="staff@citybridge.local")
    client = client_for(staff)
    for url, shown in (
        ("/outreach/partners/", "Philips Lighting"),
        ("/outreach/engagements/", "GE service centre visit"),
        ("/outreach/follow-ups/mine/", "Call the Baoding vice mayor"),
        ("/outreach/follow-ups/", "Send LED retrofit case studies"),
        ("/outreach/events/", "China Energy Forum"),
        ("/outreach/record/", "City Energy Review"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert shown in response.content.decode(), url
    impact = client_for(None).get("/outreach/impact/")
    assert impact.status_code == 200
    partner = User.objects.get(email="philips@citybridge.local")
    html = client_for(partner).get("/outreach/engagements/").content.decode()
    assert "Philips dinner" in html and "GE service centre" not in html
