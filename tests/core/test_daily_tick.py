"""core.tasks.run_daily: each registered job runs once per local day, however many workers beat."""

from datetime import UTC, datetime, timedelta

import pytest

from citybridge.core import tasks
from citybridge.core.models import DailyRun

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def daily(monkeypatch):
    jobs = {}
    monkeypatch.setattr(tasks, "DAILY", jobs)
    return jobs


def test_a_job_runs_once_a_day_and_again_the_next_day(daily):
    calls = []
    tasks.register_daily("count", lambda today: calls.append(today) or len(calls))
    assert tasks.run_daily(NOON) == {"count": 1}
    assert tasks.run_daily(NOON + timedelta(minutes=5)) == {}  # the next beat, same day: nothing
    assert len(calls) == 1
    assert tasks.run_daily(NOON + timedelta(days=1)) == {"count": 2}
    assert list(DailyRun.objects.order_by("day").values_list("name", "result")) == [("count", "1"), ("count", "2")]


def test_a_job_another_worker_claimed_first_is_skipped(daily):
    """The race: this worker read no claim for 'b', but another worker inserts it before this one does (here job
    'a' plays the other worker). The unique constraint refuses the second claim: 'b' is not run twice."""
    ran = []

    def a(today):
        DailyRun.objects.create(name="b", day=today)
        ran.append("a")

    tasks.register_daily("a", a)
    tasks.register_daily("b", lambda today: ran.append("b"))
    assert set(tasks.run_daily(NOON)) == {"a"}
    assert ran == ["a"]
    assert DailyRun.objects.filter(name="b").count() == 1


def test_a_failing_job_gives_its_claim_back_and_does_not_stop_the_others(daily):
    attempts = []

    def flaky(today):
        attempts.append(today)
        if len(attempts) == 1:
            raise RuntimeError("mail server down")
        return "sent"

    tasks.register_daily("flaky", flaky)
    tasks.register_daily("steady", lambda today: 7)
    assert tasks.run_daily(NOON) == {"steady": 7}
    assert not DailyRun.objects.filter(name="flaky").exists()
    assert tasks.run_daily(NOON + timedelta(seconds=30)) == {"flaky": "sent"}  # the next beat retries it
    assert tasks.run_daily(NOON + timedelta(seconds=60)) == {}


def test_the_worker_beat_runs_the_daily_jobs(daily, monkeypatch):
    import threading

    from citybridge.core.management.commands import worker

    tasks.register_daily("beat", lambda today: "ok")
    stop = threading.Event()
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # the test's connection and transaction
    real_wait = stop.wait
    monkeypatch.setattr(stop, "wait", lambda seconds: (stop.set(), real_wait(0))[1])  # one beat, then stop
    worker._beat("test-worker", stop)
    assert DailyRun.objects.filter(name="beat", result="ok").count() == 1
