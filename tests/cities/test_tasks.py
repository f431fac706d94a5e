"""Selection runs compute in a background task: queued → running → done / failed, polled by the run page."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.utils import translation

from citybridge.cities import selection, services
from citybridge.cities.models import SelectionRun
from tests.chinese import has_chinese

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def params(**over):
    p = {
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
    p.update(over)
    return p


def solver_only_conflict():
    """Passes every counting argument (so it is accepted and queued), yet no cohort exists: the only large and
    the only medium Chinese city are both in Anhui, and at most one city per province is allowed."""
    return params(
        max_per_province_cn=1,
        bounds=[
            {"attribute": "size_class", "value": "large", "group": "CN", "min": 1},
            {"attribute": "size_class", "value": "medium", "group": "CN", "min": 1},
        ],
    )


def test_form_run_is_computed_by_the_task_and_the_page_shows_the_result(staff, client_for, small_registry, on_commit):
    client = client_for(staff)
    with on_commit():
        response = client.post(
            "/cities/selection/",
            {
                "name": "Background",
                "pool": "candidates",
                "normalisation": "minmax",
                "missing": "penalise",
                "count_ca": 2,
                "count_cn": 2,
                "perturbations": 5,
                "seed": 0,
                "weight_population": 1,
            },
        )
    run = SelectionRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cities/selection/{run.pk}/"
    assert run.status == "done" and run.feasible and run.started_at <= run.finished_at
    html = client.get(response["Location"]).content.decode()
    assert "Selected cities and why" in html and "hx-trigger" not in html
    fragment = client.get(f"/cities/selection/{run.pk}/status/", headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"  # finished: htmx reloads the page, which shows the result


@override_settings(TASKS=DUMMY)
def test_queued_run_page_polls_and_api_shows_the_state(staff, client_for, api_for, small_registry, on_commit):
    from django_tasks import default_task_backend

    client, api = client_for(staff), api_for(staff)
    with on_commit():
        created = api.post(
            "/api/v1/cities/selection-runs",
            json.dumps(
                {"name": "Queued", "criteria": [{"code": "population", "weight": 1}], "counts": {"CA": 1, "CN": 1}}
            ),
            content_type="application/json",
        )
    assert created.status_code == 202
    body = created.json()
    assert body["status"] == "queued" and body["result"] == {} and body["feasible"] is None
    assert body["started_at"] is None and body["errors"] == []
    [enqueued] = default_task_backend.results
    assert enqueued.task.name == "run_selection" and enqueued.kwargs == {"run_id": body["id"]}

    run_id = body["id"]
    assert api.get(f"/api/v1/cities/selection-runs/{run_id}").json()["status"] == "queued"
    assert api.get("/api/v1/cities/selection-runs").json()["items"][0]["status"] == "queued"
    html = client.get(f"/cities/selection/{run_id}/").content.decode()
    assert f'hx-get="/cities/selection/{run_id}/status/"' in html and 'hx-trigger="every 2s"' in html
    assert "Queued: the selection will be computed in the background" in html
    assert "Selected cities and why" not in html and "<script>" not in html
    zh = client_for(staff, language="zh-hans").get(f"/cities/selection/{run_id}/").content.decode()
    assert "排队" in zh
    fragment = client.get(f"/cities/selection/{run_id}/status/", headers={"HX-Request": "true"})
    assert "HX-Refresh" not in fragment and 'hx-trigger="every 2s"' in fragment.content.decode()
    # nothing to export or compare before it is done
    for url in (
        f"/cities/selection/{run_id}/export.xlsx",
        f"/cities/selection/{run_id}/memo.pdf",
        f"/cities/selection/compare/?a={run_id}&b={run_id}",
    ):
        assert client.get(url).status_code == 404, url
    cmp = api.get(f"/api/v1/cities/selection-runs/compare?a={run_id}&b={run_id}")
    assert cmp.status_code == 422 and "finished" in cmp.json()["detail"] + json.dumps(cmp.json()["errors"])

    # a worker picks it up
    services.selection_run_execute(run_id=run_id)
    done = api.get(f"/api/v1/cities/selection-runs/{run_id}").json()
    assert done["status"] == "done" and len(done["result"]["selected"]) == 2 and done["finished_at"]
    fragment = client.get(f"/cities/selection/{run_id}/status/", headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true" and "hx-trigger" not in fragment.content.decode()
    # a second delivery of the same task leaves the finished run alone
    before = SelectionRun.objects.get(pk=run_id).finished_at
    assert services.selection_run_execute(run_id=run_id).finished_at == before
    assert services.selection_run_execute(run_id=10**9) is None


@override_settings(TASKS=DUMMY)
def test_bad_input_is_still_refused_at_once_and_nothing_is_queued(staff, api_for, small_registry, on_commit):
    from django_tasks import default_task_backend

    with on_commit():
        response = api_for(staff, language="zh-hans").post(
            "/api/v1/cities/selection-runs",
            json.dumps(
                {"name": "Too many", "criteria": [{"code": "population", "weight": 1}], "counts": {"CA": 9, "CN": 1}}
            ),
            content_type="application/json",
        )
    assert response.status_code == 422 and any("只有 3 个符合条件" in e["message"] for e in response.json()["errors"])
    assert SelectionRun.objects.count() == 0 and default_task_backend.results == []


def test_conflict_only_the_solver_finds_fails_the_run_with_a_bilingual_error(
    staff, client_for, api_for, small_registry, create_run
):
    run = create_run(actor=staff, name="Conflict", parameters=solver_only_conflict())
    assert run.status == "failed" and run.feasible is False and run.result == {}
    assert "cannot all hold together" in " ".join(run.error["en"])
    assert "the maximum number of cities per province" in " ".join(run.error["en"])
    assert has_chinese(run.error["zh-hans"])
    with translation.override("zh-hans"):
        assert run.error_messages() == run.error["zh-hans"]
    zh = client_for(staff, language="zh-hans").get(f"/cities/selection/{run.pk}/").content.decode()
    assert run.error["zh-hans"][1] in zh and 'role="alert"' in zh and "hx-trigger" not in zh
    body = api_for(staff).get(f"/api/v1/cities/selection-runs/{run.pk}").json()
    assert body["status"] == "failed" and body["errors"] == run.error["en"]
    assert client_for(staff).get(f"/cities/selection/{run.pk}/export.xlsx").status_code == 404


def test_unexpected_error_in_the_task_fails_the_run_without_losing_it(
    staff, small_registry, create_run, monkeypatch, caplog
):
    def boom(request, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(selection, "select_cohort", boom)
    run = create_run(actor=staff, name="Crash", parameters=params())
    assert run.status == "failed" and run.feasible is None and run.finished_at
    assert "unexpected error" in run.error["en"][0] and "solver crashed" not in json.dumps(run.error)
    assert "solver crashed" in caplog.text  # the traceback goes to the log, not to the user


def test_demo_style_run_computes_in_the_caller(staff, small_registry):
    run = services.selection_run_create(actor=staff, name="Inline", parameters=params(), background=False)
    assert run.status == "done" and len(run.result["selected"]) == 4


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_status_labels_are_translated(staff, client_for, small_registry, create_run, language):
    create_run(actor=staff, name="Listed", parameters=params())
    html = client_for(staff, language=language).get("/cities/selection/").content.decode()
    assert ("Done" if language == "en" else "已完成") in html
