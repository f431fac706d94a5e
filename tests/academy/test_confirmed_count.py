"""Issue 9, "Fast at any depth": a course's confirmed enrolments are a column of the course (`Course.confirmed_count`)
kept by database triggers (academy/confirmed_count.py), so the course list reads and sorts by it without counting.
A stale count would show a class size that is not the roster's, so every path that confirms, withdraws, moves,
inserts or deletes an enrolment, and every write of the count itself, is tried here against a recount."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.db.models import Count, Q

from citybridge.academy import confirmed_count, services
from citybridge.academy.models import Course, Enrolment, EnrolmentStatus

pytestmark = pytest.mark.django_db


def stale() -> list[tuple[int, int, int]]:
    """(course, kept count, recount) of every course whose count is wrong (empty when all are right)."""
    rows = Course.objects.annotate(n=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.CONFIRMED)))
    return [(c.pk, c.confirmed_count, c.n) for c in rows if c.confirmed_count != c.n]


def kept(course: Course) -> int:
    return Course.objects.values_list("confirmed_count", flat=True).get(pk=course.pk)


@pytest.fixture
def other_course(course):
    return Course.objects.create(
        academy=course.academy, title_en="Low-carbon Cities", start_date=date(2025, 5, 5), end_date=date(2025, 5, 9)
    )


@pytest.fixture
def officials(make_official):
    return [make_official() for _ in range(6)]


def test_the_status_the_triggers_count_is_the_models():
    assert confirmed_count.CONFIRMED == EnrolmentStatus.CONFIRMED


def test_the_services_enrol_withdraw_promote_and_confirm(course, officials, staff):
    a, b, c = officials[:3]
    ea = services.enrolment_create(actor=staff, course=course, official=a)
    eb = services.enrolment_create(actor=staff, course=course, official=b)
    ec = services.enrolment_create(actor=staff, course=course, official=c, waitlist=True)
    assert kept(course) == 2 and stale() == []
    services.enrolment_withdraw(actor=staff, enrolment=ea, promote_waitlist=False)
    assert kept(course) == 1 and stale() == []
    services.enrolment_confirm(actor=staff, enrolment=ec)
    assert kept(course) == 2 and stale() == []
    services.enrolment_withdraw(actor=staff, enrolment=eb)
    assert stale() == []


def test_bulk_paths_raw_sql_moves_and_deletes(course, other_course, officials):
    Enrolment.objects.bulk_create(
        [Enrolment(course=course, official=o, position="mayor", status=EnrolmentStatus.CONFIRMED) for o in officials]
    )
    assert kept(course) == 6 and stale() == []
    Enrolment.objects.filter(official__in=officials[:2]).update(status=EnrolmentStatus.WITHDRAWN)
    assert kept(course) == 4 and stale() == []
    Enrolment.objects.filter(official=officials[2]).update(course=other_course)  # moved: both courses recounted
    assert (kept(course), kept(other_course)) == (3, 1) and stale() == []
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE academy_enrolment SET status = %s WHERE official_id = %s", ["waitlisted", officials[3].pk]
        )
    assert kept(course) == 2 and stale() == []
    Enrolment.objects.filter(official=officials[4]).delete()
    Enrolment.objects.get(official=officials[5]).delete()
    assert kept(course) == 0 and stale() == []
    unchanged = Enrolment.objects.get(official=officials[2])
    unchanged.save()  # a save that changes neither status nor course leaves the counts alone
    assert (kept(course), kept(other_course)) == (0, 1) and stale() == []


def test_writing_the_count_itself_is_recounted(course, officials):
    Enrolment.objects.create(course=course, official=officials[0], position="mayor")
    stale_copy = Course.objects.get(pk=course.pk)
    Enrolment.objects.create(course=course, official=officials[1], position="mayor")
    stale_copy.title_en = "Renamed"
    stale_copy.save()  # Django's save writes every column, the count as the object held it (1)
    assert kept(course) == 2 and stale() == []
    Course.objects.filter(pk=course.pk).update(confirmed_count=99)
    assert kept(course) == 2
    made = Course.objects.create(
        academy=course.academy,
        title_en="New",
        start_date=date(2026, 1, 5),
        end_date=date(2026, 1, 6),
        confirmed_count=7,
    )
    assert kept(made) == 0 and stale() == []


def test_a_dropped_trigger_is_installed_again_after_migrate_and_the_counts_caught_up(course, officials):
    kept_columns = confirmed_count.KEPT
    assert kept_columns.installed(connection) == set(kept_columns.triggers(connection))
    assert kept_columns.ensure(using="default") is False  # nothing missing: nothing done
    victim = (
        "academy_confirmed_enrolment_insert" if connection.vendor == "sqlite" else "academy_confirmed_enrolment_recount"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER {victim}" + (" ON academy_enrolment" if connection.vendor == "postgresql" else "")
        )
    Enrolment.objects.create(course=course, official=officials[0], position="mayor")
    assert stale() == [(course.pk, 0, 1)]  # without the trigger the count went stale: what this guards against
    assert kept_columns.ensure(using="default") is True
    assert kept_columns.installed(connection) == set(kept_columns.triggers(connection))
    assert stale() == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL alters tables in place: no rebuild")
@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_both_tables_runs_and_leaves_no_stale_count(course, officials):
    """A SQLite table rebuild (new table, copy, DROP, RENAME) fails while a trigger on the other table names the
    dropped one: `migrate` drops the triggers first and post_migrate installs them again and recounts."""
    kept_columns = confirmed_count.KEPT
    Enrolment.objects.create(course=course, official=officials[0], position="mayor")
    kept_columns.drop_before_migrate(using="default", plan=[("academy", "a migration")])
    assert kept_columns.installed(connection) == set()
    with connection.schema_editor() as editor:
        editor._remake_table(Course)
        editor._remake_table(Enrolment)
    Enrolment.objects.create(course=course, official=officials[1], position="mayor")
    assert stale() == [(course.pk, 1, 2)]  # no trigger while migrating: stale until post_migrate
    assert kept_columns.ensure(using="default") is True
    assert stale() == []


def test_the_list_shows_and_sorts_by_the_count_in_html_and_api(course, other_course, officials, staff, client_for):
    Enrolment.objects.bulk_create(
        [Enrolment(course=course, official=o, position="mayor") for o in officials[:1]]
        + [Enrolment(course=other_course, official=o, position="mayor") for o in officials[1:4]]
    )
    for language in ("en", "zh-hans"):
        html = client_for(staff, language).get("/academy/?sort=-confirmed").content.decode()
        assert re.findall(r"<td>(\d+)</td></tr>", html) == ["3", "1"], language
        html = client_for(staff, language).get("/academy/?sort=confirmed").content.decode()
        assert re.findall(r"<td>(\d+)</td></tr>", html) == ["1", "3"], language
    api = client_for(staff).get("/api/v1/academy/courses").json()
    assert {row["id"]: row["confirmed"] for row in api["items"]} == {course.pk: 1, other_course.pk: 3}
    assert client_for(staff).get(f"/api/v1/academy/courses/{course.pk}").json()["confirmed"] == 1
