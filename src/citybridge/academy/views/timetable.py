"""Timetable pages (issue #11): a course's "Timetable" tab (planning inputs, Generate, Re-plan, runs), a run's
page (progress, conflicts as sentences, the preview calendar with changes highlighted, Accept / Discard) and the
season page (program staff). Every write goes through services.timetable; every object through a scoped selector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from citybridge.core.concurrency import StaleEdit
from citybridge.core.converters import whole_number
from citybridge.core.validation import add_to_form, add_to_messages
from citybridge.core.views import paginate

from .. import selectors
from .. import selectors_timetable as tsel
from ..forms_timetable import (
    BlackoutForm,
    NeedForm,
    PartnerEventForm,
    PlanningForm,
    ReplanForm,
    SeasonForm,
    SiteHostForm,
)
from ..models import Course, CoursePlanning, SessionPlan, SiteHost, TimetableRun, TimetableRunKind
from ..services import timetable as svc
from ..timetable_messages import part_label
from ._common import _course

STAGES = {
    "queued": gettext_lazy("Waiting for the background worker"),
    "loading": gettext_lazy("Loading the courses, lecturers and holidays"),
    "solving": gettext_lazy("Searching for the best timetable"),
    "storing": gettext_lazy("Storing the result"),
    "finished": gettext_lazy("Finished"),
}


def _plan_course(request: HttpRequest, pk: int) -> Course:
    return _course(request, pk, "academy.plan_course")


def _tab(request: HttpRequest, course: Course, *, status: int = 200, **forms) -> HttpResponse:
    cms = list(selectors.course_modules(course=course))
    inputs = tsel.course_planning(course=course)
    planning = inputs["planning"]
    ctx = {
        "course": course,
        "inputs": inputs,
        "plannable": course.status in svc.PLANNABLE,
        "can_blackout": request.user.has_perm("academy.plan_course", course.academy),
        "need_form": forms.get("need_form") or NeedForm(course_modules=cms),
        "event_form": forms.get("event_form") or PartnerEventForm(),
        "planning_form": forms.get("planning_form")
        or PlanningForm(
            initial={"rest_weekday": planning.rest_weekday if planning else None},
            version=planning.version if planning else None,
            weights=planning.weights if planning else None,
        ),
        "blackout_form": forms.get("blackout_form") or BlackoutForm(),
        "replan_form": forms.get("replan_form") or ReplanForm(),
        "generate_errors": forms.get("generate_errors") or [],
        "runs": tsel.run_list(user=request.user, course=course)[:20],
        "sessions": tsel.course_sessions_with_locks(course=course),
        "has_accepted": SessionPlan.objects.filter(session__course=course).exclude(key="").exists(),
    }
    return render(request, "academy/course_timetable.html", ctx, status=status)


@login_required
def course_timetable(request: HttpRequest, pk: int) -> HttpResponse:
    return _tab(request, _plan_course(request, pk))


@login_required
@require_POST
def timetable_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate (or, with ``replan``, re-plan) the course's timetable: bad input is shown as sentences and nothing
    is saved; otherwise the run is queued and its page shows the progress."""
    course = _plan_course(request, pk)
    replan = request.POST.get("replan") == "1"
    form = ReplanForm(request.POST if replan else None)
    if replan and not form.is_valid():
        return _tab(request, course, status=422, replan_form=form)
    try:
        run = svc.timetable_run_create(
            actor=request.user, course=course, replan=replan, absence=form.absence() if replan else None
        )
    except ValidationError as exc:
        if replan:
            add_to_form(form, exc)
        return _tab(
            request, course, status=422, replan_form=form if replan else None, generate_errors=list(exc.messages)
        )
    return redirect("academy:timetable-run", pk=run.pk)


@login_required
@require_POST
def need_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = _plan_course(request, pk)
    cms = list(selectors.course_modules(course=course))
    form = NeedForm(request.POST, course_modules=cms)
    if form.is_valid():
        data = dict(form.cleaned_data)
        cm_id = data.pop("course_module")
        cm = next(cm for cm in cms if cm.pk == cm_id)
        try:
            svc.need_save(actor=request.user, course_module=cm, **data)
            messages.success(request, _("The need was added."))
            return redirect("academy:course-timetable", pk=course.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _tab(request, course, status=422, need_form=form)


@login_required
@require_POST
def need_delete(request: HttpRequest, pk: int) -> HttpResponse:
    need = tsel.need_get(user=request.user, pk=pk)
    course = _plan_course(request, need.course_module.course_id)
    try:
        svc.need_delete(actor=request.user, need=need)
        messages.success(request, _("The need was removed."))
    except ValidationError as exc:
        add_to_messages(request, exc)
    return redirect("academy:course-timetable", pk=course.pk)


@login_required
@require_POST
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = _plan_course(request, pk)
    form = PartnerEventForm(request.POST)
    if form.is_valid():
        try:
            svc.partner_event_save(actor=request.user, course=course, **form.cleaned_data)
            messages.success(request, _("The partner event was added."))
            return redirect("academy:course-timetable", pk=course.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _tab(request, course, status=422, event_form=form)


@login_required
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = tsel.partner_event_get(user=request.user, pk=pk)
    course = _plan_course(request, event.course_id)
    try:
        svc.partner_event_delete(actor=request.user, event=event)
        messages.success(request, _("The partner event was removed."))
    except ValidationError as exc:
        add_to_messages(request, exc)
    return redirect("academy:course-timetable", pk=course.pk)


@login_required
@require_POST
def timetable_settings(request: HttpRequest, pk: int) -> HttpResponse:
    course = _plan_course(request, pk)
    planning = CoursePlanning.objects.filter(course=course).first()
    form = PlanningForm(
        request.POST, version=planning.version if planning else None, weights=planning.weights if planning else None
    )
    if form.is_valid():
        try:
            svc.planning_save(
                actor=request.user,
                course=course,
                rest_weekday=form.cleaned_data["rest_weekday"],
                weights=form.weights(),
                expected_version=form.expected_version,
            )
            messages.success(request, _("The timetable settings were saved."))
            return redirect("academy:course-timetable", pk=course.pk)
        except StaleEdit as exc:
            form.show_stale(exc, {"rest_weekday": exc.instance.rest_weekday})
            return _tab(request, course, status=409, planning_form=form)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _tab(request, course, status=422, planning_form=form)


@login_required
@require_POST
def blackout_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = _plan_course(request, pk)
    form = BlackoutForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.blackout_save(
                actor=request.user,
                academy=course.academy,
                day=d["date"],
                reason_en=d["reason_en"],
                reason_zh_hans=d["reason_zh_hans"],
            )
            messages.success(request, _("The blackout date was added."))
            return redirect("academy:course-timetable", pk=course.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _tab(request, course, status=422, blackout_form=form)


@login_required
@require_POST
def blackout_delete(request: HttpRequest, pk: int) -> HttpResponse:
    blackout = tsel.blackout_get(user=request.user, pk=pk)
    if not request.user.has_perm("academy.plan_course", blackout.academy):
        raise PermissionDenied
    svc.blackout_delete(actor=request.user, blackout=blackout)
    messages.success(request, _("The blackout date was removed."))
    if (course_id := whole_number(request.POST.get("course"))) is not None:
        return redirect("academy:course-timetable", pk=course_id)
    return redirect("academy:index")


@login_required
@require_POST
def session_lock(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    course = _plan_course(request, session.course_id)
    try:
        svc.session_lock(actor=request.user, session=session, locked=request.POST.get("locked") == "1")
    except ValidationError as exc:
        add_to_messages(request, exc)
    return redirect("academy:course-timetable", pk=course.pk)


def _run(request: HttpRequest, pk: int) -> TimetableRun:
    run = tsel.run_get(user=request.user, pk=pk)  # outside the user's scope: 404
    if run.kind == TimetableRunKind.SEASON:
        if not request.user.has_perm("academy.plan_season"):
            raise PermissionDenied
    elif not request.user.has_perm("academy.plan_course", run.course):
        raise PermissionDenied
    return run


def _run_context(run: TimetableRun, partial: bool = False) -> dict:
    return {
        "run": run,
        "stage_label": STAGES.get((run.progress_note or {}).get("stage", "queued"), ""),
        "partial": partial,
    }


@login_required
def timetable_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    figures = tsel.run_figures(run=run)
    return render(
        request,
        "academy/timetable_run.html",
        {
            **_run_context(run),
            "figures": figures,
            "parts": [(part_label(k), v) for k, v in sorted(figures["objective_parts"].items())],
            "weights": [(part_label(k), v) for k, v in sorted((run.solution or {}).get("weights", {}).items())],
            "messages_list": tsel.run_messages(run=run) if run.status in ("infeasible", "failed") else [],
            "notes": tsel.run_notes(run=run),
            "preview": tsel.run_preview(run=run) if run.status in ("done", "accepted", "discarded") else [],
            "can_decide": True,
        },
    )


@login_required
def timetable_run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the run page polls (htmx) until the run is finished."""
    run = _run(request, pk)
    return render(request, "academy/_timetable_run_status.html", _run_context(run, partial=True))


@login_required
@require_POST
def timetable_run_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    run = _run(request, pk)
    try:
        if action == "accept":
            svc.timetable_run_accept(actor=request.user, run=run)
            messages.success(request, _("The timetable was accepted and its sessions written."))
        else:
            svc.timetable_run_discard(actor=request.user, run=run)
            messages.success(request, _("The timetable was discarded; the sessions are unchanged."))
    except ValidationError as exc:
        add_to_messages(request, exc)
    return redirect("academy:timetable-run", pk=run.pk)


@login_required
def timetable_season(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("academy.plan_season"):
        raise PermissionDenied
    form = SeasonForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            run = svc.timetable_run_create(actor=request.user, **form.cleaned_data)
            return redirect("academy:timetable-run", pk=run.pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_to_form(form, exc)
            else:
                errors = list(exc.messages)
    ctx = paginate(request, tsel.season_runs(user=request.user))
    status = 422 if request.method == "POST" else 200
    return render(
        request, "academy/timetable_season.html", {**ctx, "form": form, "generate_errors": errors}, status=status
    )


@login_required
def site_hosts(request: HttpRequest) -> HttpResponse:
    """Site-visit hosts and the days they receive a class (program staff): a list and a form that adds a host or
    replaces an existing host's days."""
    if not request.user.has_perm("academy.manage_site_hosts"):
        raise PermissionDenied
    form = SiteHostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        existing = SiteHost.objects.filter(organisation=d["organisation"]).first()
        try:
            svc.site_host_save(
                actor=request.user,
                organisation=d["organisation"],
                weekdays=d["weekdays"],
                open_from=d["open_from"],
                open_until=d["open_until"],
                expected_version=existing.version if existing else None,
            )
            messages.success(request, _("The site-visit host was saved."))
            return redirect("academy:site-hosts")
        except ValidationError as exc:
            add_to_form(form, exc)
    ctx = paginate(request, tsel.site_host_list(user=request.user))
    status = 422 if request.method == "POST" else 200
    return render(request, "academy/site_hosts.html", {**ctx, "form": form}, status=status)
