# ruff: noqa: F811  (pytest fixtures imported from lecturer_fixtures are redefined as test arguments)
"""Issue #11 follow-up: the engine's progress reaches the run (throttled writes that renew the lease), a run whose
lease was taken stops, and every engine conflict code / soft goal has a translated sentence or label and an API
field (so a new code cannot go untranslated)."""

from __future__ import annotations

import re
import time as _time
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from citybridge.academy import timetable as tt
from citybridge.academy import timetable_messages as msgs
from citybridge.academy.api.timetable import Weights as WeightsIn
from citybridge.academy.models import TimetableRun
from citybridge.academy.services import timetable as svc
from citybridge.academy.timetable.instances import planted

from .lecturer_fixtures import add_need, plan_course, profile  # noqa: F401

pytestmark = pytest.mark.django_db


def _claimed_run(plan_course, staff, lecturer):
    add_need(plan_course, staff, 0, format="lecture", count=2, lecturer=lecturer.person)
    add_need(plan_course, staff, 1, format="lecture", count=3)
    run = svc.timetable_run_create(actor=staff, course=plan_course)  # queued: no on-commit execution in the test
    run, lease = svc._claim(run.pk)
    assert run.status == "running" and lease is not None
    return run, lease


def test_the_solvers_progress_is_written_throttled_and_renews_the_lease(
    plan_course, profile, lecturer, staff, monkeypatch
):
    run, lease = _claimed_run(plan_course, staff, lecturer)
    first_expiry = TimetableRun.objects.get(pk=run.pk).lease_expires_at
    every = 0.05
    monkeypatch.setattr(svc, "PROGRESS_EVERY_S", every)
    written = []
    real = lease.progress

    def recording(percent, stage, figures=None):
        real(percent, stage, figures)  # the real UPDATE; keep what was written
        row = TimetableRun.objects.get(pk=run.pk)
        written.append((row.progress, dict(row.progress_note), row.lease_expires_at))

    monkeypatch.setattr(lease, "progress", recording)
    # a real engine instance: 3 courses side by side sharing 12 lecturers, at most 3 s
    problem = planted(7, courses=3, parallel=3, lecturers=12, course_days=(21, 28), time_limit_s=3.0).problem
    t0 = _time.monotonic()
    sol = svc._solve_with_progress(problem, lease)
    elapsed = _time.monotonic() - t0
    assert sol.ok
    assert written, "a solve longer than one tick reports progress"
    # throttled: one write per tick at most (ticks of 0.05 s over the elapsed time, +1 for rounding)
    assert len(written) <= elapsed / every + 1
    percents = [p for p, _n, _e in written]
    assert all(20 <= p <= 89 for p in percents) and percents == sorted(percents)
    assert all(n["stage"] == "solving" for _p, n, _e in written)
    # the engine's callback figures reach the note (objective ≥ bound for a minimisation)
    with_figures = [n for _p, n, _e in written if "objective" in n]
    assert with_figures and all(n["objective"] >= n["bound"] - 1e-6 for n in with_figures)
    # each write renews the lease: the last expiry is later than the one set when the run was claimed
    assert written[-1][2] > first_expiry


def test_a_run_whose_lease_was_taken_stops_waiting(plan_course, profile, lecturer, staff, monkeypatch):
    run, lease = _claimed_run(plan_course, staff, lecturer)
    monkeypatch.setattr(svc, "PROGRESS_EVERY_S", 0.01)
    # the reaper (or another worker) took the run away
    TimetableRun.objects.filter(pk=run.pk).update(lease_owner="someone-else:1:abc")
    problem = planted(3, courses=2, parallel=2, lecturers=10, time_limit_s=2.0).problem
    with pytest.raises(svc.LeaseLost):
        svc._solve_with_progress(problem, lease)
    row = TimetableRun.objects.get(pk=run.pk)
    assert row.lease_owner == "someone-else:1:abc" and row.progress == 5  # nothing written by the lost worker


def test_a_lost_lease_stops_the_solver_itself_not_only_the_waiting(plan_course, profile, lecturer, staff, monkeypatch):
    """The abandoned solve must not keep a core busy until its time limit: the solver thread ends within moments."""
    import threading

    run, lease = _claimed_run(plan_course, staff, lecturer)
    monkeypatch.setattr(svc, "PROGRESS_EVERY_S", 0.05)
    TimetableRun.objects.filter(pk=run.pk).update(lease_owner="someone-else:1:abc")
    # a hard instance with a long limit: without the stop it would run for the whole 60 s
    problem = planted(5, courses=4, parallel=4, lecturers=14, course_days=(21, 28), time_limit_s=60.0).problem
    t0 = _time.monotonic()
    with pytest.raises(svc.LeaseLost):
        svc._solve_with_progress(problem, lease)
    assert _time.monotonic() - t0 < 20  # greedy start + model build + stop; far below the 60 s limit
    assert not [t for t in threading.enumerate() if t.name == f"timetable-run-{run.pk}" and t.is_alive()]


def test_the_engine_stops_when_asked_before_or_during_the_search():
    import threading

    problem = planted(5, courses=4, parallel=4, lecturers=14, course_days=(21, 28), time_limit_s=60.0).problem
    stop = threading.Event()
    stop.set()
    assert tt.solve(problem, stop=stop).status == "stopped"  # set before: no search at all
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    t0 = _time.monotonic()
    sol = tt.solve(problem, stop=stop)
    assert _time.monotonic() - t0 < 20
    assert sol.status in ("stopped", "feasible", "optimal")  # the best timetable so far is kept when there is one
    if sol.ok:
        assert tt.check(problem, sol) == []


def test_execute_ends_with_the_stored_solution_after_progress(plan_course, profile, lecturer, staff, monkeypatch):
    """Through timetable_run_execute (the task's body): the run finishes done at 100 % with the note 'finished'."""
    from citybridge.academy.services import lecturers as lsvc

    lsvc.availability_save(actor=lecturer, lecturer=profile, start_date=date(2026, 3, 2), end_date=date(2026, 3, 15))
    add_need(plan_course, staff, 0, format="lecture", count=2, lecturer=lecturer.person)
    add_need(plan_course, staff, 1, format="lecture", count=3)
    run = svc.timetable_run_create(actor=staff, course=plan_course)
    assert run.status == "queued"
    monkeypatch.setattr(svc, "PROGRESS_EVERY_S", 0.01)
    done = svc.timetable_run_execute(run_id=run.pk)
    assert done.status == "done", done.error
    assert len(done.solution["placements"]) == 5  # 2 + 3
    assert done.progress == 100 and done.progress_note == {"stage": "finished"}
    assert done.lease_expires_at is None and done.finished_at <= timezone.now() + timedelta(seconds=1)


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize("code", sorted(tt.CONFLICT_CODES))
def test_every_engine_conflict_code_has_a_sentence_in_both_languages(code):
    assert code in msgs.SENTENCES, f"conflict code {code!r} has no sentence in timetable_messages.SENTENCES"
    template = msgs.SENTENCES[code]
    with translation.override("en"):
        english = str(template)
    # the sentence uses only the params the engine sends with that code
    assert set(_PLACEHOLDER.findall(english)) <= set(tt.CONFLICT_CODES[code])
    params = {p: f"value-{p}" for p in tt.CONFLICT_CODES[code]}
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            sentence = msgs.conflict_sentence(code, params)
            generic = str(msgs.GENERIC) % {"code": code}
            translated = str(template)
        assert sentence != generic and "%(" not in sentence
        for p in _PLACEHOLDER.findall(english):
            assert f"value-{p}" in sentence, (lang, code, p)
        if lang == "zh-hans":
            assert translated != english and re.search(r"[\u4e00-\u9fff]", translated), code


def test_every_soft_goal_has_a_label_in_both_languages_and_an_api_field():
    fields = set(tt.Weights.__dataclass_fields__)
    assert fields == set(msgs.PART_LABELS), "PART_LABELS must name every timetable.Weights field"
    assert fields == set(WeightsIn.model_fields), "api.timetable.Weights must carry every timetable.Weights field"
    assert fields == set(svc.WEIGHT_NAMES)
    for name in fields:
        with translation.override("en"):
            english = msgs.part_label(name)
        with translation.override("zh-hans"):
            chinese = msgs.part_label(name)
        assert english != name and chinese != english and re.search(r"[\u4e00-\u9fff]", chinese), name
