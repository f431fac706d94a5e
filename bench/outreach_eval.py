"""Outreach benchmarks: evaluation results for a lecturer (target < 200 ms) over 500,000 evaluation answers, and
"my follow-ups" (target < 100 ms) over 100,000 activities.

    .venv/bin/python bench/outreach_eval.py              # 500,000 answers, 100,000 activities
    BENCH_QUICK=1 .venv/bin/python bench/outreach_eval.py   # 20,000 answers, 5,000 activities

Data are generated with bulk_create inside a transaction that is rolled back at the end (as academy_bench.py does
for its import), in a separate SQLite database under $CITYBRIDGE_VAR_DIR (default /tmp/citybridge-bench-outreach-<hash of the migration names>)
or PostgreSQL when CITYBRIDGE_DATABASE_URL is set. Floors printed beside the figures: a bare signed-in page and
the raw SQL of the lecturer's per-year GROUP BY / of the first page of "my follow-ups".
"""

from __future__ import annotations

import os
import random
import sys
from datetime import date, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from bench.harness import QUICK, Table, install_bare_page, kept_data_dir, timed  # noqa: E402

os.environ.setdefault(
    "CITYBRIDGE_VAR_DIR", kept_data_dir("/tmp/citybridge-bench-outreach" + ("-quick" if QUICK else ""))
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citybridge.settings")
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "bench-secret-key-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

ANSWERS = int(os.environ.get("BENCH_ANSWERS", 20_000 if QUICK else 500_000))
ACTIVITIES = int(os.environ.get("BENCH_ACTIVITIES", 5_000 if QUICK else 100_000))
LECTURERS, ACADEMIES, COURSES, SESSIONS_PER_COURSE, ANSWERS_PER_EVAL = 200, 10, 800, 10, 5
ASSIGNEES = 500
TARGETS = {"lecturer results": 200.0, "my follow-ups": 100.0}  # ms, printed for reference only


def generate(rng: random.Random) -> dict:
    from citybridge.academy.models import Academy, Course, Session
    from citybridge.core.models import Organisation, Person, RoleMembership, User
    from citybridge.outreach.models import Activity, Evaluation, EvaluationAnswer

    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=f"B Academy {i}", name_en=f"B Academy {i}", type="academy", country="CN")
            for i in range(ACADEMIES)
        ]
    )
    academies = Academy.objects.bulk_create([Academy(organisation=o) for o in orgs])
    people = Person.objects.bulk_create(
        [Person(family_name=f"Lect{i}", family_name_en=f"Lect{i}", given_name_en="B") for i in range(LECTURERS)]
    )
    courses = []
    for i in range(COURSES):
        start = date(2019 + i % 8, 1 + i % 12, 1 + i % 20)
        courses.append(
            Course(
                academy=academies[i % ACADEMIES],
                title=f"C{i}",
                title_en=f"Course {i}",
                start_date=start,
                end_date=start + timedelta(days=9),
                status="completed",
            )
        )
    courses = Course.objects.bulk_create(courses)
    sessions = Session.objects.bulk_create(
        [
            Session(
                course=c,
                date=c.start_date + timedelta(days=k),
                start_time=time(9),
                end_time=time(12),
                title_en=f"S{k}",
                lecturer=people[rng.randrange(LECTURERS)],
            )
            for c in courses
            for k in range(SESSIONS_PER_COURSE)
        ]
    )
    by_course: dict[int, list] = {}
    for s in sessions:
        by_course.setdefault(s.course_id, []).append(s)
    n_evals = ANSWERS // ANSWERS_PER_EVAL
    evals = Evaluation.objects.bulk_create(
        [Evaluation(course=courses[i % COURSES], source="online") for i in range(n_evals)], batch_size=5000
    )
    course_by_id = {c.pk: c for c in courses}
    rows = []
    for ev in evals:
        course = course_by_id[ev.course_id]
        for s in rng.sample(by_course[course.pk], ANSWERS_PER_EVAL):
            rows.append(
                EvaluationAnswer(
                    evaluation_id=ev.pk,
                    session_id=s.pk,
                    lecturer_id=s.lecturer_id,
                    course_id=course.pk,
                    academy_id=course.academy_id,
                    year=s.date.year,
                    relevance=rng.randint(1, 5),
                    delivery=rng.randint(1, 5),
                    expectations=rng.randint(1, 5),
                    comment="Useful" if rng.random() < 0.05 else "",
                )
            )
        if len(rows) >= 50_000:
            EvaluationAnswer.objects.bulk_create(rows, batch_size=5000)
            rows = []
    EvaluationAnswer.objects.bulk_create(rows, batch_size=5000)
    users = User.objects.bulk_create(
        [User(email=f"bench-assignee{i}@example.org", is_active=True) for i in range(ASSIGNEES)]
    )
    RoleMembership.objects.bulk_create([RoleMembership(user=u, role="program_staff") for u in users[:1]])
    today = date.today()
    acts = [
        Activity(
            type="call",
            subject=f"Follow-up {i}",
            assignee=users[i % ASSIGNEES],
            due_date=today + timedelta(days=rng.randint(-60, 60)),
            status="open" if rng.random() < 0.6 else "done",
        )
        for i in range(ACTIVITIES)
    ]
    Activity.objects.bulk_create(acts, batch_size=5000)
    lecturer_person = people[0]
    lecturer = User.objects.create_user("bench-lecturer@example.org", "bench-password-123", person=lecturer_person)
    RoleMembership.objects.create(user=lecturer, role="lecturer")
    return {"lecturer": lecturer, "assignee": users[1], "staff": users[0]}


def main() -> int:
    from django.db import connection, transaction

    from citybridge.outreach import selectors, services
    from citybridge.outreach.models import Activity, EvaluationAnswer

    call_command("migrate", verbosity=0)
    bare = install_bare_page()
    rng = random.Random(14)
    with transaction.atomic():
        print(
            f"generating {ANSWERS} evaluation answers and {ACTIVITIES} activities (rolled back at the end) …",
            flush=True,
        )
        who = generate(rng)
        services.program_totals_rebuild()  # bulk_create bypassed the services that keep the per-year totals
        with connection.cursor() as cur:
            cur.execute("ANALYZE") if connection.vendor == "sqlite" else cur.execute(
                "ANALYZE outreach_evaluationanswer"
            )
        lecturer, assignee, staff = who["lecturer"], who["assignee"], who["staff"]
        mine_n = Activity.objects.filter(assignee=assignee, status="open").count()
        lect_n = EvaluationAnswer.objects.filter(lecturer_id=lecturer.person_id).count()
        print(
            f"data: {EvaluationAnswer.objects.count()} answers ({lect_n} about the lecturer), "
            f"{Activity.objects.count()} activities ({mine_n} open for the assignee), {connection.vendor}",
            flush=True,
        )

        def client(user):
            c = Client(SERVER_NAME="localhost")
            c.force_login(user, backend="citybridge.core.auth.EmailBackend")
            return c

        cl, ca, cs = client(lecturer), client(assignee), client(staff)

        def get(c, url):
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code)

        def raw_lecturer():
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT year, COUNT(*), AVG(relevance), AVG(delivery), AVG(expectations) FROM "
                    "outreach_evaluationanswer WHERE lecturer_id = %s GROUP BY year",
                    [lecturer.person_id],
                )
                return cur.fetchall()

        def raw_mine():
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT id FROM outreach_activity WHERE assignee_id = %s AND status = 'open' "
                    "ORDER BY due_date, id LIMIT 50",
                    [assignee.pk],
                )
                return cur.fetchall()

        floor_page = timed(lambda: get(cl, bare))
        t = Table(f"Outreach ({EvaluationAnswer.objects.count()} answers, {Activity.objects.count()} activities)")
        t.row("bare signed-in page", floor_page)
        floor_sql = timed(raw_lecturer)
        t.row("raw SQL: a lecturer's per-year GROUP BY", floor_sql)
        t.row(
            "results_for(lecturer) selector, as the lecturer",
            timed(lambda: selectors.results_for(user=lecturer, kind="lecturer", pk=lecturer.person_id)),
            "raw SQL",
            floor_sql,
        )
        url = f"/outreach/results/lecturer/{lecturer.person_id}/"
        t.row(
            f"GET results page, as the lecturer (target {TARGETS['lecturer results']:.0f})",
            timed(lambda: get(cl, url)),
            "bare page",
            floor_page,
        )
        t.row("GET results page, as staff", timed(lambda: get(cs, url)), "bare page", floor_page)
        t.row(
            "GET API results, as the lecturer",
            timed(lambda: get(cl, f"/api/v1/outreach/evaluations/results/lecturer/{lecturer.person_id}")),
            "bare page",
            floor_page,
        )
        floor_mine = timed(raw_mine)
        t.row("raw SQL: first 50 of my open follow-ups", floor_mine)
        t.row(
            f"GET my follow-ups (target {TARGETS['my follow-ups']:.0f})",
            timed(lambda: get(ca, "/outreach/follow-ups/mine/")),
            "bare page",
            floor_page,
        )
        t.row(
            "GET API my follow-ups", timed(lambda: get(ca, "/api/v1/outreach/activities/mine")), "bare page", floor_page
        )
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
