"""Timetable app (issue 11): "Generate timetable" end to end through the service, on the database.

    .venv/bin/python bench/timetable_app.py          # the demo's course in planning + a 4-week course of
                                                     # 8 modules and 25 lecturers built through the services
    BENCH_QUICK=1 .venv/bin/python bench/timetable_app.py   # fewer repeats (CI: fails on an error, never on a time)

Per course it prints: load (services.timetable.load_problem: the course, its needs, availability, busy sessions,
holidays → the engine's Problem), solve (the engine alone on that Problem), the whole run (timetable_run_create +
timetable_run_execute: load + solve with progress + storing the solution), and the preview page
(/academy/timetable/runs/<id>/) rendered for the academy coordinator. Floors: a bare signed-in page (harness),
the engine's solve for the run. The 4-week course is the engine benchmark's COURSE instance
(instances.planted, bench/timetable.py) written into models: modules, lecturers with availability windows,
site-visit hosts' open days, session needs, partner events and academy closure days.
Data go to a separate SQLite database under $CITYBRIDGE_VAR_DIR (default /tmp/citybridge-bench-timetable-app-<hash of the migration names>);
the demo is loaded once (about a minute) and reused.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from bench.harness import QUICK, SOLVE_REPEAT, Table, install_bare_page, kept_data_dir, timed  # noqa: E402

os.environ.setdefault("CITYBRIDGE_VAR_DIR", kept_data_dir("/tmp/citybridge-bench-timetable-app"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citybridge.settings")
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "bench-secret-key-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

PLAN_TITLE = "Energy Master Planning for City Leaders"
BIG_TITLE = "Bench: 4 weeks, 8 modules, 25 lecturers"
COURSE = dict(courses=1, course_days=(28, 28), modules=(8, 8), lecturers=25, hosts=3, holidays=1)  # bench/timetable.py


def _windows(days: frozenset[date]) -> list[tuple[date, date]]:
    """Consecutive runs of days → (first, last) availability windows."""
    out: list[tuple[date, date]] = []
    for d in sorted(days):
        if out and out[-1][1] + timedelta(days=1) == d:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def build_planted_course(staff: object) -> object:
    from django.db import transaction

    with transaction.atomic():
        return _build_planted_course(staff)


def _build_planted_course(staff: object) -> object:
    """The engine benchmark's 4-week course written through the services (same inputs, so it is feasible)."""
    from citybridge.academy.models import Academy, Course, Module
    from citybridge.academy.services import course_create
    from citybridge.academy.services import lecturers as lsvc
    from citybridge.academy.services import timetable as tsvc
    from citybridge.academy.timetable.instances import planted
    from citybridge.core import services as core

    found = Course.objects.filter(title_en=BIG_TITLE).first()
    if found is not None:
        return found
    (cp,) = (p := planted(0, **COURSE).problem).courses
    org = core.organisation_create(
        actor=staff, name_en="Bench Academy", name_zh_hans="基准学院", type="academy", country="CN"
    )
    academy = Academy.objects.create(organisation=org, official=True)
    modules = {
        m.id: Module.objects.create(title_en=f"Bench module {m.id}", title_zh_hans=f"基准模块{m.id}", days=m.days)
        for m in sorted(cp.modules, key=lambda m: m.order)
    }
    course = course_create(
        actor=staff, academy=academy, modules=list(modules.values()), title_en=BIG_TITLE, title_zh_hans="基准课程",
        start_date=cp.start, end_date=cp.end,
    )  # fmt: skip
    tsvc.planning_save(actor=staff, course=course, rest_weekday=cp.rest_weekday)
    for d in cp.blackout:
        tsvc.blackout_save(actor=staff, academy=academy, day=d, reason_en="Bench closure", reason_zh_hans="基准闭馆")
    people = {}
    for lec in p.lecturers:
        person = core.person_create(actor=staff, family_name_en="Bench", given_name_en=f"Lecturer {lec.id}")
        profile = lsvc.lecturer_create(
            actor=staff, person=person, preferred_weekdays=sorted(lec.preferred_weekdays),
            max_sessions_per_day=lec.max_per_day, visiting=lec.visiting, group_sessions=lec.group_sessions,
        )  # fmt: skip
        for first, last in _windows(lec.available):
            lsvc.availability_save(actor=staff, lecturer=profile, start_date=first, end_date=last)
        people[lec.id] = person
    hosts = {}
    for h in p.hosts:
        host_org = core.organisation_create(actor=staff, name_en=f"Bench host {h.id}", type="company", country="CN")
        closed = [cp.start + timedelta(days=i) for i in range(cp.n_days)]
        tsvc.site_host_save(
            actor=staff, organisation=host_org, weekdays=[0, 1, 2, 3, 4, 5, 6], open_from=cp.start,
            open_until=cp.end, closed_dates=[d for d in closed if d not in h.open_days],
        )  # fmt: skip
        hosts[h.id] = host_org
    cms = {cm.module_id: cm for cm in course.course_modules.all()}
    fmt_of = {"discussion": "workshop"}  # the engine knows a "discussion"; the academy's formats do not
    needs = Counter(
        (s.module_id, fmt_of.get(s.format, s.format), s.lecturer_id, s.host_id, s.evening)
        for s in cp.sessions
        if s.module_id is not None
    )
    for (mid, fmt, lid, hid, evening), count in needs.items():
        tsvc.need_save(
            actor=staff, course_module=cms[modules[mid].pk], format=fmt, count=count,
            lecturer=people.get(lid), host=hosts.get(hid), evening=evening,
        )  # fmt: skip
    partner = hosts[p.hosts[0].id] if p.hosts else None
    for s in cp.sessions:
        if s.module_id is None and partner is not None:
            requested = min(s.requested_days) if s.requested_days else None
            tsvc.partner_event_save(
                actor=staff, course=course, partner=partner, format=s.format, title_en=s.title,
                requested_date=requested, evening=s.evening,
            )  # fmt: skip
    return course


def main() -> int:
    from citybridge.academy import demo
    from citybridge.academy import timetable as tt
    from citybridge.academy.models import Course
    from citybridge.academy.services import timetable as svc
    from citybridge.core import demo as core_demo
    from citybridge.core.models import User

    call_command("migrate", verbosity=0)
    if not Course.objects.filter(title_en=PLAN_TITLE).exists():
        print("loading the demo once …", flush=True)
        core_demo.load()
        demo.load()
    staff = User.objects.get(email="staff@citybridge.local")
    coordinator = User.objects.get(email="namc@citybridge.local")
    big = build_planted_course(staff)
    bare = install_bare_page()
    table = Table("Generate timetable through the service (load → solve → store) and the preview page")
    for course, user in ((Course.objects.get(title_en=PLAN_TITLE), coordinator), (big, staff)):
        loaded = svc.load_problem([course])
        n = sum(len(c.sessions) for c in loaded.problem.courses)
        label = f"{course.title_en[:28]} ({n} sessions, {len(loaded.problem.lecturers)} lecturers)"
        print(label, flush=True)
        load_t = timed(lambda course=course: svc.load_problem([course]), repeat=SOLVE_REPEAT * 2, warmup=1)
        solve_t = timed(lambda loaded=loaded: tt.solve(loaded.problem), repeat=SOLVE_REPEAT, warmup=0)
        runs = []

        def generate(course: Course = course, user: User = user, runs: list = runs) -> None:
            run = svc.timetable_run_create(actor=user, course=course)
            runs.append(svc.timetable_run_execute(run_id=run.pk))

        run_t = timed(generate, repeat=SOLVE_REPEAT, warmup=0)
        run = runs[-1]
        sol = run.solution
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        url = f"/academy/timetable/runs/{run.pk}/"
        assert client.get(url).status_code == 200
        page_t = timed(lambda client=client, url=url: client.get(url), repeat=10 if QUICK else 30)
        bare_t = timed(lambda client=client: client.get(bare), repeat=10 if QUICK else 30)
        table.row("  load_problem", load_t)
        table.row("  engine solve alone", solve_t)
        table.row("  whole run (load + solve + store)", run_t, "engine solve", solve_t)
        table.row("  preview page", page_t, "bare page", bare_t)
        print(
            f"  run: {run.status}, engine {sol.get('status')} in {sol.get('solve_seconds')} s, objective "
            f"{sol.get('objective')} (bound {sol.get('bound')}), {len(sol.get('placements', {}))} placed; "
            f"store ≈ whole run − load − solve = {run_t.median_ms - load_t.median_ms - solve_t.median_ms:.0f} ms",
            flush=True,
        )
        svc.timetable_run_discard(actor=user, run=run)
        for r in runs[:-1]:
            svc.timetable_run_discard(actor=user, run=r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
