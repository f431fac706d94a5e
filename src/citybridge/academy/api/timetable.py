"""Timetable endpoints (issue #11): start a run for a course (or re-plan it, or a season: program staff), read its
status and result (progress, the objective and its parts, gap, solve time, conflicts as sentences in the caller's
language, placements with what changes), accept or discard it."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from citybridge.api.errors import body_ref
from citybridge.core.api import Id, Strict
from citybridge.core.selectors import person_get

from .. import selectors_timetable as tsel
from ..models import TimetableRun, TimetableRunKind
from ..services import timetable as svc
from ._common import _course

router = Router()


class Weights(Strict):
    preferred_days: int | None = Field(None, ge=0, le=1000)
    trips: int | None = Field(None, ge=0, le=1000)
    partner_dates: int | None = Field(None, ge=0, le=1000)
    even_load: int | None = Field(None, ge=0, le=1000)
    topic_variety: int | None = Field(None, ge=0, le=1000)
    rest_weekday: int | None = Field(None, ge=0, le=1000)
    module_breaks: int | None = Field(None, ge=0, le=1000)
    moves: int | None = Field(None, ge=0, le=1000)


class TimetableRunIn(Strict):
    #: move as few sessions of the accepted timetable as possible
    replan: bool = False
    weights: Weights | None = None
    #: re-plan: a lecturer who cancels, and the days they cannot come
    absent_lecturer_id: Id | None = None
    absent_from: date | None = None
    absent_until: date | None = None


class SeasonIn(Strict):
    season_start: date
    season_end: date
    weights: Weights | None = None


class PlacementOut(Schema):
    key: str
    course_id: int
    day: date
    slot: str
    title: str
    format: str
    lecturer_id: int | None
    locked: bool


class ChangeOut(Schema):
    course_id: int
    new: int
    moved: int
    same: int
    locked: int
    removed: int


class TimetableRunOut(Schema):
    id: int
    kind: str
    course_id: int | None
    course_ids: list[int]
    season_start: date | None
    season_end: date | None
    status: str
    status_label: str
    progress: int
    stage: str
    created_at: datetime
    created_by: str | None
    decided_by: str | None
    decided_at: datetime | None
    result: str | None = None  # 'optimal' | 'feasible' | 'infeasible' | 'unknown'
    objective: int | None = None
    objective_parts: dict[str, int] = {}
    bound: float | None = None
    gap: float | None = None
    solve_seconds: float | None = None
    moved: list[str] = []
    messages: list[str] = []
    notes: list[str] = []
    placements: list[PlacementOut] = []
    changes: list[ChangeOut] = []


def _out(run: TimetableRun, *, full: bool) -> dict:
    sol = run.solution or {}
    data = {
        "id": run.pk,
        "kind": run.kind,
        "course_id": run.course_id,
        "course_ids": sorted(c.pk for c in run.courses.all()),
        "season_start": run.season_start,
        "season_end": run.season_end,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "progress": run.progress,
        "stage": (run.progress_note or {}).get("stage", ""),
        "created_at": run.created_at,
        "created_by": run.created_by.email if run.created_by_id else None,
        "decided_by": run.decided_by.email if run.decided_by_id else None,
        "decided_at": run.decided_at,
    }
    data.update(
        result=sol.get("status") or None,
        objective=sol.get("objective"),
        objective_parts=sol.get("objective_parts") or {},
        bound=sol.get("bound"),
        gap=sol.get("gap"),
        solve_seconds=sol.get("solve_seconds"),
        moved=sol.get("moved") or [],
        messages=tsel.run_messages(run=run) if run.status in ("infeasible", "failed") else [],
        notes=tsel.run_notes(run=run),
    )
    if full and sol.get("placements"):
        names, infos = sol.get("names", {}), sol.get("sessions", {})
        data["placements"] = [
            {
                "key": k,
                "course_id": p["course"],
                "day": p["day"],
                "slot": p["slot"],
                "title": tsel._name(names, infos.get(k, {}).get("title"), _zh()),
                "format": infos.get(k, {}).get("format", ""),
                "lecturer_id": infos.get(k, {}).get("lecturer"),
                "locked": bool(infos.get(k, {}).get("locked")),
            }
            for k, p in sorted(sol["placements"].items(), key=lambda kp: (kp[1]["day"], kp[1]["slot"], kp[0]))
        ]
        if run.status in ("done", "accepted", "discarded"):
            data["changes"] = [{"course_id": p.course.pk, **p.counts} for p in tsel.run_preview(run=run)]
    return data


def _zh() -> bool:
    from django.utils.translation import get_language

    from citybridge.core.models import is_chinese

    return is_chinese(get_language())


def _run(request: HttpRequest, pk: int) -> TimetableRun:
    run = tsel.run_get(user=request.auth, pk=pk)
    if run.kind == TimetableRunKind.SEASON:
        if not request.auth.has_perm("academy.plan_season"):
            raise PermissionDenied
    elif not request.auth.has_perm("academy.plan_course", run.course):
        raise PermissionDenied
    return run


def _weights(w: Weights | None) -> dict:
    return {k: v for k, v in (w.model_dump() if w else {}).items() if v is not None}


class RunsPage(Schema):
    items: list[TimetableRunOut]
    count: int


@router.get("/courses/{id:pk}/timetable-runs", response=RunsPage)
def list_runs(
    request: HttpRequest, pk: int, page: int = Query(1, ge=1, le=100_000), page_size: int = Query(50, ge=1, le=200)
) -> dict:
    """The course's runs, newest first (?page=&page_size=, {"items", "count"}), without their placements."""
    course = _course(request, pk, "academy.plan_course")
    qs = tsel.run_list(user=request.auth, course=course).prefetch_related("courses")
    rows = list(qs[(page - 1) * page_size : page * page_size])
    return {"items": [_out(r, full=False) for r in rows], "count": qs.count()}


@router.post("/courses/{id:pk}/timetable-runs", response={202: TimetableRunOut})
def start_run(request: HttpRequest, pk: int, payload: TimetableRunIn) -> Status[dict]:
    """Queue "Generate timetable" (or a re-plan). Inputs the engine refuses are a 422 with each reason as a
    sentence in the caller's language, and nothing is saved. Poll GET /timetable-runs/{id} for the progress."""
    course = _course(request, pk, "academy.plan_course")
    absence = None
    if payload.absent_lecturer_id:
        lecturer = body_ref(person_get, "absent_lecturer_id", payload.absent_lecturer_id, user=request.auth)
        absence = {"lecturer": lecturer, "from": payload.absent_from, "until": payload.absent_until}
    run = svc.timetable_run_create(
        actor=request.auth, course=course, replan=payload.replan, weights=_weights(payload.weights), absence=absence
    )
    return Status(202, _out(run, full=False))


@router.post("/timetable-runs/season", response={202: TimetableRunOut})
def start_season(request: HttpRequest, payload: SeasonIn) -> Status[dict]:
    """All planning/open courses of the managed academies in the season's dates, in one solve (program staff)."""
    if not request.auth.has_perm("academy.plan_season"):
        raise PermissionDenied
    run = svc.timetable_run_create(
        actor=request.auth,
        season_start=payload.season_start,
        season_end=payload.season_end,
        weights=_weights(payload.weights),
    )
    return Status(202, _out(run, full=False))


@router.get("/timetable-runs/{id:pk}", response=TimetableRunOut)
def get_run(request: HttpRequest, pk: int) -> dict:
    return _out(_run(request, pk), full=True)


@router.post("/timetable-runs/{id:pk}/accept", response=TimetableRunOut)
def accept_run(request: HttpRequest, pk: int) -> dict:
    run = svc.timetable_run_accept(actor=request.auth, run=_run(request, pk))
    return _out(run, full=True)


@router.post("/timetable-runs/{id:pk}/discard", response=TimetableRunOut)
def discard_run(request: HttpRequest, pk: int) -> dict:
    run = svc.timetable_run_discard(actor=request.auth, run=_run(request, pk))
    return _out(run, full=True)
