"""Issue #8: reads never write. GET pages and endpoints create no rows; years are prepared and the impact snapshot
recomputed by background tasks (run inline here by the immediate task backend once the transaction commits)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citybridge.academy import services
from citybridge.academy.models import Course, ImpactSnapshot, TrainingSummary, TrainingYear

pytestmark = pytest.mark.django_db
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def _writes(fn):
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    # the academy's tables (sign-in bookkeeping and the access log are not the page's doing)
    return response, [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"]) and '"academy_' in q["sql"]]


def test_behind_for_an_unprepared_year_writes_nothing(staff, coordinator, make_official, client_for, api_for):
    """Before: /behind/?year=2099 gave every official a row and made 2099 a prepared year."""
    for _ in range(3):
        make_official()
    for url in ("/academy/behind/?year=2099", "/academy/behind/?year=2025", "/academy/behind.xlsx?year=2025"):
        r, writes = _writes(lambda url=url: client_for(staff).get(url))
        assert r.status_code == 200 and writes == []
    r, writes = _writes(lambda: api_for(coordinator).get("/api/v1/academy/behind?year=2099"))
    assert r.status_code == 409 and writes == [] and "2099" in r.json()["detail"]
    assert not TrainingSummary.objects.exists() and not TrainingYear.objects.exists()
    html = client_for(staff).get("/academy/behind/?year=2025").content.decode()
    assert 'data-testid="not-prepared"' in html and "Prepare this year" in html
    html = client_for(coordinator).get("/academy/behind/?year=2025").content.decode()
    assert 'data-testid="not-prepared"' in html and "Prepare this year" not in html


def test_staff_prepare_a_year_through_the_background_task(
    staff, coordinator, make_official, client_for, api_for, django_capture_on_commit_callbacks
):
    officials = [make_official() for _ in range(3)]
    assert client_for(coordinator).post("/academy/behind/prepare/", {"year": 2025}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(staff).post("/academy/behind/prepare/", {"year": 2025})
    assert r.status_code == 302 and TrainingYear.objects.filter(year=2025).exists()
    assert TrainingSummary.objects.filter(year=2025).count() == 3
    html = client_for(coordinator).get("/academy/behind/?year=2025").content.decode()
    assert 'data-testid="not-prepared"' not in html
    # outside the sane range: refused, nothing queued
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client_for(staff).post("/academy/behind/prepare/", {"year": 2099})
    assert callbacks == [] and not TrainingYear.objects.filter(year=2099).exists()
    r = api_for(staff).post("/api/v1/academy/behind/prepare", {"year": 2099}, content_type="application/json")
    assert r.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        r = api_for(staff).post("/api/v1/academy/behind/prepare", {"year": 2024}, content_type="application/json")
    assert r.status_code == 202 and TrainingSummary.objects.filter(year=2024).count() == len(officials)
    assert (
        api_for(coordinator)
        .post("/api/v1/academy/behind/prepare", {"year": 2023}, content_type="application/json")
        .status_code
        == 403
    )


def test_the_command_prepares_a_year(make_official):
    from django.core.management import call_command

    make_official()
    call_command("prepare_training_year", "--year", "2025", stdout=open("/dev/null", "w"))
    assert TrainingYear.objects.filter(year=2025).exists() and TrainingSummary.objects.filter(year=2025).count() == 1


def test_impact_page_shows_the_stored_snapshot_and_never_recomputes(
    staff, course, make_official, client_for, api_for, django_capture_on_commit_callbacks
):
    """Before: a GET after a change recomputed the report and saved it."""
    r, writes = _writes(lambda: client_for(staff).get("/academy/impact/"))
    assert r.status_code == 200 and writes == [] and not ImpactSnapshot.objects.exists()
    assert "computed for the first time" in r.content.decode()
    services.impact_refresh()
    computed_at = ImpactSnapshot.objects.get(key="all").computed_at
    o = make_official()
    services.enrolment_create(actor=staff, course=course, official=o)  # on_commit not run: the task is pending
    assert ImpactSnapshot.objects.get(key="all").stale
    r, writes = _writes(lambda: client_for(staff).get("/academy/impact/"))
    assert writes == [] and "Being updated" in r.content.decode()
    r, writes = _writes(lambda: api_for(staff).get("/api/v1/academy/impact"))
    assert writes == [] and r.json()["stale"] is True
    snap = ImpactSnapshot.objects.get(key="all")
    assert (snap.computed_at, snap.stale) == (computed_at, True)
    # the write's commit queues the background refresh
    Course.objects.filter(pk=course.pk).update(status="running")
    course.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.course_set_status(actor=staff, course=course, status="completed")
    snap = ImpactSnapshot.objects.get(key="all")
    assert not snap.stale and snap.computed_at > computed_at and snap.data["total"]["officials"] == 1
    assert "Being updated" not in client_for(staff).get("/academy/impact/").content.decode()


def test_selectors_do_not_import_services():
    import ast
    from pathlib import Path

    import citybridge.academy.selectors as sel

    tree = ast.parse(Path(sel.__file__).read_text())
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(m and (m == "services" or m.startswith("services.") or ".services" in m) for m in modules)
    assert date  # keeps the import list stable
