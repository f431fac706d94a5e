# ruff: noqa: F811  (pytest fixtures imported from lecturer_fixtures are redefined as test arguments)
"""The timetable service (issue #11): loading a course into the engine's Problem, refusing bad input with a
translated sentence and saving nothing, the run end to end with the ImmediateBackend (tests' task backend),
accept / discard, re-plan with few moves, season mode, the stuck-run reaper."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from citybridge.academy import selectors_timetable as tsel
from citybridge.academy import timetable as tt
from citybridge.academy.models import (
    Course,
    CourseModule,
    Module,
    Session,
    SessionPlan,
    TimetableRun,
)
from citybridge.academy.services import lecturers as lsvc
from citybridge.academy.services import timetable as svc

from .lecturer_fixtures import add_need, generate, other_lecturer, plan_course, profile  # noqa: F401

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        TimetableRun.objects.count(),
        list(Session.objects.order_by("id").values_list("id", "version", "date", "start_time")),
        SessionPlan.objects.count(),
    )


def test_problem_holds_modules_needs_availability_busy_and_holidays(plan_course, profile, lecturer, staff, academy):
    """Course 2 – 15 March 2026. Steve is available Mon/Wed/Fri in 2 – 8 March only: 2, 4, 6 March = 3 days.
    He is booked in another course on 4 March morning: one Busy. The academy closes on 10 March."""
    lsvc.availability_save(
        actor=lecturer, lecturer=profile, start_date=date(2026, 3, 2), end_date=date(2026, 3, 8), weekdays=[0, 2, 4]
    )
    add_need(plan_course, staff, 0, lecturer=lecturer.person, count=2)
    add_need(plan_course, staff, 1, count=3)
    other = Course.objects.create(
        academy=academy, title_en="Other", start_date=date(2026, 3, 1), end_date=date(2026, 3, 20), status="open"
    )
    Session.objects.create(
        course=other, date=date(2026, 3, 4), start_time=time(9), end_time=time(12), lecturer=lecturer.person
    )
    svc.blackout_save(actor=staff, academy=academy, day=date(2026, 3, 10), reason_en="Staff day")
    loaded = svc.load_problem([plan_course])
    p = loaded.problem
    (c,) = p.courses
    assert [m.days for m in c.modules] == [3, 4]
    assert len(c.sessions) == 5  # 2 + 3
    (lec,) = p.lecturers
    assert sorted(lec.available) == [date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 6)]
    assert p.busy == (tt.Busy(lecturer.person.pk, date(2026, 3, 4), tt.Slot.MORNING),)
    assert date(2026, 3, 10) in c.blackout
    assert loaded.names[f"lecturer:{lecturer.person.pk}"]["en"] == "Steve Hammer"
    assert loaded.names[f"module:{c.modules[0].id}"]["zh-hans"] == "绿色金融"


def test_spring_festival_with_too_few_working_days_is_refused_and_nothing_saved(academy, staff):
    """12 – 25 Feb 2026 (14 days). Public holidays 15 – 23 Feb (9 days, chinesecalendar); 14 Feb is an adjusted
    working day. Left: 12, 13, 14, 24, 25 Feb = 5 days, and 7 teaching days are needed (modules of 3 + 4)."""
    course = Course.objects.create(
        academy=academy,
        title_en="Winter course",
        title_zh_hans="冬季班",
        start_date=date(2026, 2, 12),
        end_date=date(2026, 2, 25),
        status="planning",
    )
    for i, days in enumerate((3, 4)):
        m = Module.objects.create(title_en=f"M{i}", title_zh_hans=f"模块{i}", days=days)
        cm = CourseModule.objects.create(course=course, module=m, order=i)
        svc.need_save(actor=staff, course_module=cm, format="lecture", count=1)
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        svc.timetable_run_create(actor=staff, course=course)
    (msg,) = exc.value.messages
    assert "Winter course" in msg and "needs 7 teaching days" in msg and "9 of its days" in msg
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        svc.timetable_run_create(actor=staff, course=course)
    assert "冬季班" in exc.value.messages[0] and "7" in exc.value.messages[0]
    assert _snapshot() == before


def test_a_module_longer_than_the_course_is_refused(academy, staff):
    course = Course.objects.create(
        academy=academy, title_en="Short", start_date=date(2026, 5, 11), end_date=date(2026, 5, 14), status="planning"
    )
    m = Module.objects.create(title_en="Long module", days=6)
    cm = CourseModule.objects.create(course=course, module=m, order=0)
    svc.need_save(actor=staff, course_module=cm, count=1)
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        svc.timetable_run_create(actor=staff, course=course)
    assert any("“Long module” needs 6 days but course “Short” lasts only 4 days" in m for m in exc.value.messages)
    assert _snapshot() == before


def test_a_lecturer_in_two_locked_sessions_at_once_is_refused(plan_course, academy, lecturer, profile, staff):
    """Season mode: two courses, each with a session of Steve locked on 3 March at 9:00."""
    add_need(plan_course, staff, 0, count=1)
    add_need(plan_course, staff, 1, count=1)
    second = Course.objects.create(
        academy=academy, title_en="Second", start_date=date(2026, 3, 2), end_date=date(2026, 3, 15), status="open"
    )
    cm = CourseModule.objects.create(course=second, module=Module.objects.create(title_en="Water", days=3))
    svc.need_save(actor=staff, course_module=cm, count=1)
    for c, title in ((plan_course, "Opening lecture"), (second, "Keynote")):
        s = Session.objects.create(
            course=c,
            date=date(2026, 3, 3),
            start_time=time(9),
            end_time=time(12),
            lecturer=lecturer.person,
            title_en=title,
        )
        svc.session_lock(actor=staff, session=s, locked=True)
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        svc.timetable_run_create(actor=staff, season_start=date(2026, 3, 1), season_end=date(2026, 3, 31))
    assert any(
        m.startswith("Steve Hammer is in two locked sessions at once") and "Opening lecture" in m and "Keynote" in m
        for m in exc.value.messages
    ), exc.value.messages
    assert _snapshot() == before


def test_only_planners_may_generate(plan_course, staff, other_coordinator, lecturer, coordinator):
    add_need(plan_course, staff, 0, count=1)
    for user in (other_coordinator, lecturer):
        with pytest.raises(PermissionDenied):
            svc.timetable_run_create(actor=user, course=plan_course)
    with pytest.raises(PermissionDenied):  # a season spans academies: staff only
        svc.timetable_run_create(actor=coordinator, season_start=date(2026, 3, 1), season_end=date(2026, 3, 31))
    assert not TimetableRun.objects.exists()


def _plan(course, staff, lecturer):
    add_need(course, staff, 0, format="lecture", count=2, lecturer=lecturer.person)
    add_need(course, staff, 0, format="workshop", count=1)
    add_need(course, staff, 1, format="lecture", count=3)


def test_generate_preview_accept_end_to_end(plan_course, profile, lecturer, staff, coordinator, generate):
    """The ImmediateBackend runs the task on commit: the run is done when create returns."""
    lsvc.availability_save(actor=lecturer, lecturer=profile, start_date=date(2026, 3, 2), end_date=date(2026, 3, 15))
    _plan(plan_course, staff, lecturer)
    Session.objects.create(
        course=plan_course, date=date(2026, 3, 2), start_time=time(9), end_time=time(12), title_en="Typed by hand"
    )
    run = generate(actor=coordinator, course=plan_course)
    assert run.status == "done", run.error
    assert run.progress == 100
    sol = run.solution
    assert len(sol["placements"]) == 6  # 2 + 1 + 3
    assert sol["status"] in ("optimal", "feasible") and sol["solve_seconds"] >= 0
    # the independent checker agrees with what was stored
    problem = svc.load_problem([plan_course]).problem
    placements = {
        k: tt.Placement(v["course"], date.fromisoformat(v["day"]), tt.Slot(v["slot"]))
        for k, v in sol["placements"].items()
    }
    solution = tt.Solution(
        status=sol["status"],
        placements=placements,
        module_days={
            tuple(int(x) for x in k.split(":")): tuple(date.fromisoformat(d) for d in v)
            for k, v in sol["module_days"].items()
        },
        off_days={int(k): tuple(date.fromisoformat(d) for d in v) for k, v in sol["off_days"].items()},
        objective=sol["objective"],
        objective_parts=sol["objective_parts"],
        bound=sol["bound"],
        gap=sol["gap"],
        solve_seconds=sol["solve_seconds"],
    )
    assert tt.check(problem, solution) == []
    (preview,) = tsel.run_preview(run=run)
    assert preview.counts["new"] == 6 and preview.counts["removed"] == 1  # the hand-typed session goes
    assert preview.removed == ["Typed by hand"]
    svc.timetable_run_accept(actor=coordinator, run=run)
    run.refresh_from_db()
    assert run.status == "accepted" and run.decided_by == coordinator
    assert run.history.filter(status="accepted").first().history_user == coordinator
    sessions = list(plan_course.sessions.select_related("plan"))
    assert len(sessions) == 6 and all(s.plan.key for s in sessions)
    assert sum(1 for s in sessions if s.lecturer_id == lecturer.person.pk) == 2
    assert all(plan_course.start_date <= s.date <= plan_course.end_date for s in sessions)
    with pytest.raises(ValidationError):  # once only
        svc.timetable_run_accept(actor=coordinator, run=run)


def test_a_session_with_a_lecturer_s_material_stays_where_it_is(
    plan_course, profile, lecturer, staff, coordinator, generate
):
    """A session with a deck tied to it is kept in place like one with attendance (Material.session is
    protected: accepting a timetable that removed it was a server error)."""
    from citybridge.materials.models import Material

    lsvc.availability_save(actor=lecturer, lecturer=profile, start_date=date(2026, 3, 2), end_date=date(2026, 3, 15))
    _plan(plan_course, staff, lecturer)
    typed = Session.objects.create(
        course=plan_course, date=date(2026, 3, 2), start_time=time(9), end_time=time(12), title_en="Deck in progress"
    )
    Material.objects.create(title="Deck", lecturer=lecturer.person, session=typed)
    run = generate(actor=coordinator, course=plan_course)
    assert run.status == "done", run.error
    (preview,) = tsel.run_preview(run=run)
    assert preview.counts["removed"] == 0 and preview.counts["new"] == 6
    svc.timetable_run_accept(actor=coordinator, run=run)
    typed.refresh_from_db()
    assert (typed.date, typed.start_time, typed.end_time) == (date(2026, 3, 2), time(9), time(12))
    assert plan_course.sessions.count() == 7


def test_accept_refuses_when_sessions_changed_meanwhile(plan_course, profile, lecturer, staff, generate):
    _plan(plan_course, staff, lecturer)
    run = generate(actor=staff, course=plan_course)
    Session.objects.create(course=plan_course, date=date(2026, 3, 3), start_time=time(9), end_time=time(12))
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        svc.timetable_run_accept(actor=staff, run=run)
    assert "changed after this timetable was generated" in exc.value.messages[0]
    assert _snapshot() == before


def test_discard_keeps_the_sessions(plan_course, profile, lecturer, staff, generate):
    _plan(plan_course, staff, lecturer)
    run = generate(actor=staff, course=plan_course)
    before = _snapshot()
    svc.timetable_run_discard(actor=staff, run=run)
    run.refresh_from_db()
    assert run.status == "discarded" and run.decided_by == staff
    assert _snapshot()[1:] == before[1:]


def test_infeasible_run_explains_in_both_languages_then_relaxing_solves(
    plan_course, profile, lecturer, staff, generate
):
    """Steve is available on 1 day (Mon 2 March) but his module needs 3 of his sessions, at most 2 a day: the
    run is refused at once with the sentence; a wider window makes it solvable."""
    w = lsvc.availability_save(actor=lecturer, lecturer=profile, start_date=date(2026, 3, 2), end_date=date(2026, 3, 2))
    add_need(plan_course, staff, 0, count=3, lecturer=lecturer.person)
    add_need(plan_course, staff, 1, count=1)
    with pytest.raises(ValidationError) as exc:
        svc.timetable_run_create(actor=staff, course=plan_course)
    assert any("Steve Hammer is available on 1 days" in m for m in exc.value.messages), exc.value.messages
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        svc.timetable_run_create(actor=staff, course=plan_course)
    assert any("史蒂夫" in m or "Steve Hammer" in m for m in exc.value.messages)
    lsvc.availability_save(
        actor=lecturer,
        lecturer=profile,
        window=w,
        expected_version=1,
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 15),
    )
    run = generate(actor=staff, course=plan_course)
    assert run.status == "done"


def test_replan_after_a_lecturer_cancels_moves_few_sessions(plan_course, profile, lecturer, staff, generate):
    _plan(plan_course, staff, lecturer)
    run = generate(actor=staff, course=plan_course)
    svc.timetable_run_accept(actor=staff, run=run)
    his_days = sorted({s.date for s in plan_course.sessions.filter(lecturer=lecturer.person)})
    absence = {"lecturer": lecturer.person, "from": his_days[0], "until": his_days[0]}
    replan = generate(actor=staff, course=plan_course, replan=True, absence=absence)
    assert replan.kind == "replan" and replan.status == "done", replan.error
    placed = replan.solution["placements"]
    his_keys = [k for k, v in replan.solution["sessions"].items() if v["lecturer"] == lecturer.person.pk]
    assert all(placed[k]["day"] != his_days[0].isoformat() for k in his_keys)
    (preview,) = tsel.run_preview(run=replan)
    assert preview.counts["moved"] == len(replan.solution["moved"]) >= 1
    assert preview.counts["new"] == 0 and preview.counts["removed"] == 0
    assert preview.counts["moved"] + preview.counts["same"] == 6


def test_season_run_plans_courses_of_several_academies_with_shared_lecturer(
    plan_course, other_academy, profile, lecturer, staff, generate
):
    _plan(plan_course, staff, lecturer)
    second = Course.objects.create(
        academy=other_academy, title_en="Second", start_date=date(2026, 3, 2), end_date=date(2026, 3, 15), status="open"
    )
    cm = CourseModule.objects.create(course=second, module=Module.objects.create(title_en="Water", days=3))
    svc.need_save(actor=staff, course_module=cm, count=4, lecturer=lecturer.person)
    run = generate(actor=staff, season_start=date(2026, 3, 1), season_end=date(2026, 3, 31))
    assert run.kind == "season" and run.status == "done", run.error
    assert set(run.courses.values_list("pk", flat=True)) == {plan_course.pk, second.pk}
    his = [
        (v["day"], v["slot"])
        for k, v in run.solution["placements"].items()
        if run.solution["sessions"][k]["lecturer"] == lecturer.person.pk
    ]
    assert len(his) == 6 and len(set(his)) == 6  # never in two places at once across the academies


def test_a_stuck_run_is_reaped(plan_course, staff, lecturer, profile, generate):
    _plan(plan_course, staff, lecturer)
    run = generate(actor=staff, course=plan_course)
    TimetableRun.objects.filter(pk=run.pk).update(
        status="running", lease_expires_at=timezone.now() - timedelta(minutes=5)
    )
    from citybridge.core.tasks import count_stuck_work, reap_stuck_work

    assert count_stuck_work()["timetable_runs"] == 1
    assert reap_stuck_work()["timetable_runs"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and "stopped before it finished" in run.error["en"][0]


def test_lock_and_blackout_and_need_guards(plan_course, staff, other_coordinator, academy):
    s = Session.objects.create(course=plan_course, date=date(2026, 3, 3), start_time=time(9), end_time=time(12))
    with pytest.raises(PermissionDenied):
        svc.session_lock(actor=other_coordinator, session=s, locked=True)
    with pytest.raises(PermissionDenied):
        svc.blackout_save(actor=other_coordinator, academy=academy, day=date(2026, 3, 3))
    svc.blackout_save(actor=staff, academy=academy, day=date(2026, 3, 3))
    with pytest.raises(ValidationError):
        svc.blackout_save(actor=staff, academy=academy, day=date(2026, 3, 3))
    cm = plan_course.course_modules.first()
    with pytest.raises(ValidationError) as exc:
        svc.need_save(
            actor=staff, course_module=cm, format="lecture", count=0, evening=False, host=academy.organisation
        )
    assert {"count", "host"} <= set(exc.value.message_dict)
    assert not cm.needs.exists()


def test_a_run_the_solver_finds_infeasible_stores_the_explanation_in_both_languages(
    plan_course, academy, profile, lecturer, staff, generate
):
    """Steve is free on the course's days (no window), but his sessions in another course fill every morning and
    afternoon of 2 – 15 March except 2 March: his 3 lecture sessions of "Green finance" (at most 2 a day) cannot
    all be held. The input checks pass (they do not look at other courses), the solver proves it impossible, and
    the run keeps the reason as sentences that name him."""
    add_need(plan_course, staff, 0, count=3, lecturer=lecturer.person)
    add_need(plan_course, staff, 1, count=1)
    other = Course.objects.create(
        academy=academy, title_en="Elsewhere", start_date=date(2026, 3, 1), end_date=date(2026, 3, 20), status="open"
    )
    for i in range(1, 14):  # 3 – 15 March, morning and afternoon
        for start, end in ((time(9), time(12)), (time(14), time(17))):
            Session.objects.create(
                course=other,
                date=date(2026, 3, 2) + timedelta(days=i),
                start_time=start,
                end_time=end,
                lecturer=lecturer.person,
            )
    run = generate(actor=staff, course=plan_course)
    assert run.status == "infeasible"
    assert run.solution["conflicts"], run.solution
    assert any("Steve Hammer" in m for m in run.error["en"]), run.error
    assert any("Steve Hammer" in m for m in run.error["zh-hans"])
    assert not any("lecturer:" in m for m in run.error["en"] + run.error["zh-hans"])  # no token left unnamed
    with translation.override("zh-hans"):
        assert tsel.run_messages(run=run) == run.error["zh-hans"]
    before = _snapshot()
    with pytest.raises(ValidationError):
        svc.timetable_run_accept(actor=staff, run=run)
    assert _snapshot() == before
