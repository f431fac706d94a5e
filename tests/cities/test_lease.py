"""Selection runs hold a lease: a run whose worker died is shown as stuck, marked failed by the reaper (or a
re-run), offered again, and /healthz reports it meanwhile."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from citybridge.cities import models, selection, services
from citybridge.cities.models import SelectionRun
from citybridge.core.models import WorkerHeartbeat
from citybridge.core.tasks import reap_stuck_work
from tests.chinese import has_chinese

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def params():
    return {
        "pool": "candidates",
        "criteria": [{"code": "population", "weight": 1}],
        "normalisation": "minmax",
        "missing": "penalise",
        "counts": {"CA": 2, "CN": 2},
        "max_per_province_cn": None,
        "bounds": [],
        "must_include": [],
        "must_exclude": [],
        "perturbations": 5,
        "seed": 0,
    }


@pytest.fixture
def queued_run(staff, small_registry, on_commit):
    with override_settings(TASKS=DUMMY), on_commit():
        run = services.selection_run_create(actor=staff, name="Long", parameters=params())
    assert run.status == "queued"
    return run


def _as_running(run, *, expires_in: timedelta | None, started_ago=timedelta(minutes=10)) -> SelectionRun:
    """What a worker leaves behind: the run claimed ("running") with a lease that expires ``expires_in`` from now
    (negative: already expired, the worker died)."""
    now = timezone.now()
    SelectionRun.objects.filter(pk=run.pk).update(
        status="running",
        started_at=now - started_ago,
        lease_owner="dead-host:4242:abcd1234",
        lease_expires_at=None if expires_in is None else now + expires_in,
    )
    return SelectionRun.objects.get(pk=run.pk)


def _healthz(client_for):
    WorkerHeartbeat.objects.update_or_create(name="test-worker", defaults={"last_seen": timezone.now()})
    return client_for(None).get("/healthz")


def test_dead_worker_run_is_shown_stuck_reaped_failed_and_offered_again(staff, client_for, api_for, queued_run):
    run = _as_running(queued_run, expires_in=-timedelta(minutes=1))
    client, api = client_for(staff), api_for(staff)

    # reads show it as stuck (from the expiry) and change nothing
    html = client.get(f"/cities/selection/{run.pk}/").content.decode()
    assert "stopped responding" in html and f'action="/cities/selection/{run.pk}/rerun/"' in html
    zh = client_for(staff, language="zh-hans").get(f"/cities/selection/{run.pk}/").content.decode()
    assert "停止响应" in zh
    body = api.get(f"/api/v1/cities/selection-runs/{run.pk}").json()
    assert body["status"] == "running" and body["stuck"] is True and body["lease_expires_at"]
    assert "its worker stopped responding" in client.get("/cities/selection/").content.decode()
    assert SelectionRun.objects.get(pk=run.pk).status == "running"

    # /healthz says so: 503, with the count
    health = _healthz(client_for)
    assert health.status_code == 503 and health.json()["worker"]["ok"] and health.json()["database"]["ok"]
    stuck = health.json()["stuck"]  # other apps' leased work (timetable, climate recompute) counts too: none here
    assert stuck["ok"] is False and stuck["counts"]["selection_runs"] == 1 and sum(stuck["counts"].values()) == 1

    # the worker's reaper marks it failed, with the reason in both languages
    reaped = reap_stuck_work()
    assert reaped["selection_runs"] == 1 and sum(reaped.values()) == 1
    run.refresh_from_db()
    assert run.status == "failed" and run.finished_at and run.feasible is None and run.lease_expires_at is None
    assert "stopped before it finished" in run.error["en"][0]
    assert has_chinese(run.error["zh-hans"][0])
    assert run.history.first().status == "failed"  # the state change is in the run's history
    assert set(reap_stuck_work().values()) == {0}

    health = _healthz(client_for)
    assert health.status_code == 200 and health.json()["stuck"]["ok"]
    html = client.get(f"/cities/selection/{run.pk}/").content.decode()
    assert "stopped before it finished" in html and "rerun" in html and "hx-trigger" not in html
    assert api.get(f"/api/v1/cities/selection-runs/{run.pk}").json()["stuck"] is False

    # re-run: a new run with the same parameters, computed
    with_new = client.post(f"/cities/selection/{run.pk}/rerun/")
    new = SelectionRun.objects.exclude(pk=run.pk).get()
    assert with_new["Location"] == f"/cities/selection/{new.pk}/" and new.parameters == run.parameters


def test_rerun_of_a_stuck_run_marks_the_original_failed_first(staff, client_for, queued_run, on_commit):
    run = _as_running(queued_run, expires_in=-timedelta(seconds=5))
    with on_commit():
        response = client_for(staff).post(f"/cities/selection/{run.pk}/rerun/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "failed" and "stopped before it finished" in run.error["en"][0]
    assert SelectionRun.objects.exclude(pk=run.pk).get().status == "done"


def test_a_live_lease_is_not_reaped_and_no_rerun_is_offered(staff, client_for, api_for, queued_run):
    run = _as_running(queued_run, expires_in=timedelta(minutes=1))
    assert not run.is_stuck and set(reap_stuck_work().values()) == {0}
    html = client_for(staff).get(f"/cities/selection/{run.pk}/").content.decode()
    assert "Computing since" in html and "/rerun/" not in html and 'hx-trigger="every 2s"' in html
    assert api_for(staff).get(f"/api/v1/cities/selection-runs/{run.pk}").json()["stuck"] is False
    assert _healthz(client_for).status_code == 200
    assert SelectionRun.objects.get(pk=run.pk).status == "running"


def test_a_run_claimed_before_leases_existed_counts_from_its_start(queued_run):
    old = _as_running(queued_run, expires_in=None, started_ago=models.RUN_LEASE + timedelta(seconds=1))
    assert old.is_stuck and services.selection_runs_reap() == 1
    fresh = _as_running(queued_run, expires_in=None, started_ago=timedelta(seconds=1))
    assert not fresh.is_stuck and services.selection_runs_reap() == 0


def test_the_worker_takes_a_lease_renews_it_while_computing_and_releases_it(queued_run, monkeypatch):
    seen = []
    real = selection.select_cohort

    def slow(request, *, progress):
        for _ in range(3):
            progress()
            row = SelectionRun.objects.get(pk=queued_run.pk)
            seen.append((row.status, row.lease_owner, row.lease_expires_at))
        return real(request, progress=progress)

    monkeypatch.setattr(models, "RUN_LEASE_RENEW_EVERY", timedelta(0))
    monkeypatch.setattr(services, "RUN_LEASE_RENEW_EVERY", timedelta(0))
    monkeypatch.setattr(selection, "select_cohort", slow)
    run = services.selection_run_execute(run_id=queued_run.pk)
    assert [s for s, _o, _e in seen] == ["running"] * 3
    owners = {o for _s, o, _e in seen}
    assert len(owners) == 1 and owners.pop().count(":") == 2
    expiries = [e for _s, _o, e in seen]
    assert expiries == sorted(expiries) and expiries[0] > timezone.now() + models.RUN_LEASE - timedelta(seconds=30)
    assert run.status == "done" and run.lease_expires_at is None
    assert SelectionRun.objects.get(pk=run.pk).lease_expires_at is None


def test_a_worker_that_lost_its_lease_abandons_the_run_and_keeps_the_reaped_state(queued_run, monkeypatch):
    def reaped_meanwhile(request, *, progress):
        # the worker stalled past its lease and another worker's reaper marked the run failed
        SelectionRun.objects.filter(pk=queued_run.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
        assert services.selection_runs_reap() == 1
        progress()  # the next renewal finds the run is no longer ours
        raise AssertionError("not reached")

    monkeypatch.setattr(services, "RUN_LEASE_RENEW_EVERY", timedelta(0))
    monkeypatch.setattr(selection, "select_cohort", reaped_meanwhile)
    run = services.selection_run_execute(run_id=queued_run.pk)
    assert run.status == "failed" and "stopped before it finished" in run.error["en"][0] and run.result == {}


def test_a_late_result_after_the_lease_was_reaped_is_dropped(queued_run, monkeypatch):
    real = selection.select_cohort

    def finish_after_reap(request, *, progress):
        result = real(request)
        SelectionRun.objects.filter(pk=queued_run.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
        services.selection_runs_reap()
        return result

    monkeypatch.setattr(selection, "select_cohort", finish_after_reap)
    run = services.selection_run_execute(run_id=queued_run.pk)
    assert run.status == "failed" and run.result == {}


def test_the_worker_heartbeat_loop_reaps_when_it_starts(queued_run, monkeypatch):
    from citybridge.core.management.commands import worker

    _as_running(queued_run, expires_in=-timedelta(minutes=1))

    class OneBeat(threading.Event):
        def wait(self, timeout=None):
            self.set()
            return True

    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # keep the test's transaction
    worker._beat("test-worker", OneBeat())
    assert SelectionRun.objects.get(pk=queued_run.pk).status == "failed"
    assert WorkerHeartbeat.objects.filter(name="test-worker").exists()


def test_healthz_counts_database_tasks_running_too_long(db, client_for):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    common = {
        "args_kwargs": {"args": [], "kwargs": {}},
        "task_path": "citybridge.cities.tasks.run_selection",
        "backend_name": "default",
        "queue_name": "default",
        "run_after": now,
    }
    DBTaskResult.objects.create(status="RUNNING", started_at=now - timedelta(hours=2), **common)
    DBTaskResult.objects.create(status="RUNNING", started_at=now - timedelta(minutes=2), **common)
    health = _healthz(client_for)
    assert health.status_code == 503 and health.json()["stuck"]["counts"]["tasks"] == 1
    # the worker's reaper marks the dead worker's task failed; health recovers
    assert reap_stuck_work()["tasks"] == 1
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    assert _healthz(client_for).json()["stuck"]["counts"]["tasks"] == 0
