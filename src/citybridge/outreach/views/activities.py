"""Follow-up pages: my follow-ups (overdue first), all follow-ups (staff), new, one follow-up (edit with version,
complete). One follow-up's page says what it concerns (due date, engagement, person, partner, course) and has one
form with one outcome: "Save" keeps the chosen status, "Mark as done" closes it with that outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core.concurrency import StaleEdit, current_values
from citybridge.core.validation import add_to_form
from citybridge.core.views import paginate

from .. import selectors, services
from ..forms import ActivityForm
from ..models import ActivityStatus, ActivityType
from ._common import error_dict, int_or_raw


def _labels(rows: list) -> None:
    types, statuses = dict(ActivityType.choices), dict(ActivityStatus.choices)
    today = timezone.localdate()
    for a in rows:
        a.type_label = types.get(a.type, a.type)
        a.status_label = statuses.get(a.status, a.status)
        a.is_overdue = a.status == ActivityStatus.OPEN and a.due_date is not None and a.due_date < today


@login_required
def my_activities(request: HttpRequest) -> HttpResponse:
    closed = request.GET.get("closed") == "1"
    page = paginate(request, selectors.my_activities(user=request.user, include_closed=closed))
    _labels(page["page_obj"].object_list)
    return render(
        request,
        "outreach/activity_list.html",
        {
            **page,
            "title": _("My follow-ups"),
            "mine": True,
            "closed": closed,
            "show_officials": request.user.has_perm("outreach.view_official_data"),
        },
    )


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("outreach.manage_activities"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    page = paginate(
        request,
        selectors.activity_list(
            user=request.user,
            status=status,
            unassigned=request.GET.get("unassigned") == "1",
            overdue=request.GET.get("overdue") == "1",
        ),
    )
    _labels(page["page_obj"].object_list)
    return render(
        request,
        "outreach/activity_list.html",
        {
            **page,
            "title": _("All follow-ups"),
            "mine": False,
            "statuses": ActivityStatus.choices,
            "status": status,
            "show_officials": True,
        },
    )


def _form_page(
    request: HttpRequest, form: ActivityForm, title: str, activity: object = None, status: int = 200
) -> HttpResponse:
    manager = request.user.has_perm("outreach.manage_activities")
    return render(
        request,
        "outreach/activity_form.html",
        {
            "form": form,
            "title": title,
            "activity": activity,
            "show_officials": request.user.has_perm("outreach.view_official_data"),
            "back": "outreach:activities" if manager else "outreach:my-activities",
        },
        status=status,
    )


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("outreach.add_activity"):
        raise PermissionDenied
    official_ids = [int(v) for v in request.GET.getlist("official")[:20] if v.isascii() and v.isdigit() and len(v) < 10]
    form = ActivityForm(
        request.POST or None, manager=True, official_ids=official_ids, initial={"officials": official_ids}
    )
    if request.method == "POST" and form.is_valid():
        data = form.data_without_version()
        try:
            activity = services.activity_create(actor=request.user, **{**data, "officials": list(data["officials"])})
            messages.success(request, _("The follow-up was saved."))
            return redirect("outreach:activity", pk=activity.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form_page(request, form, _("New follow-up"), status=422 if form.errors else 200)


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One follow-up; staff edit everything, the assignee its status and outcome. "Mark as done" (`done` posted)
    saves the same form as done, with the outcome required (services.activity_complete)."""
    activity = selectors.activity_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.change_activity", activity):
        raise PermissionDenied
    manager = request.user.has_perm("outreach.manage_activities")
    initial = {
        name: getattr(activity, name)
        for name in ("type", "subject", "due_date", "status", "outcome", "assignee", "person", "organisation", "parent")
    }
    initial["officials"] = list(activity.officials.all()) if manager else []
    form = ActivityForm(
        request.POST or None, manager=manager, instance=activity, initial=initial, version=activity.version
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.data_without_version()
            if "officials" in data:
                data["officials"] = list(data["officials"])
            done = request.POST.get("done") == "1"
            if done:
                data.pop("status", None)
            save = services.activity_complete if done else services.activity_update
            try:
                save(actor=request.user, activity=activity, expected_version=form.expected_version, **data)
                messages.success(request, _("The follow-up is done.") if done else _("The follow-up was saved."))
                return redirect("outreach:activity", pk=activity.pk)
            except StaleEdit as exc:
                form.show_stale(exc, current_values(exc.instance, form.fields))
                status = 409
            except ValidationError as exc:
                add_to_form(form, exc)
        if status == 200:
            status = 422
    _labels([activity])
    activity.visible_children = list(selectors.activity_list(user=request.user).filter(parent=activity))
    # the engagements it follows: named for the assignee, a link for whoever may open them
    activity.shown_engagements = [
        (e, request.user.has_perm("outreach.view_partner", e))
        for e in activity.engagements.select_related("partner").order_by("date", "id")
    ]
    return _form_page(request, form, _("Follow-up"), activity=activity, status=status)


@login_required
@require_POST
def activity_complete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.change_activity", activity):
        raise PermissionDenied
    try:
        services.activity_complete(
            actor=request.user,
            activity=activity,
            expected_version=int_or_raw(request.POST.get("version")),
            outcome=request.POST.get("outcome", "")[:5000],
        )
        messages.success(request, _("The follow-up is done."))
    except ValidationError as exc:
        for msgs in error_dict(exc).values():
            for m in msgs:
                messages.error(request, m)
    return redirect("outreach:activity", pk=activity.pk)


urlpatterns = [
    path("follow-ups/", activity_list, name="activities"),
    path("follow-ups/mine/", my_activities, name="my-activities"),
    path("follow-ups/new/", activity_create, name="activity-create"),
    path("follow-ups/<id:pk>/", activity_detail, name="activity"),
    path("follow-ups/<id:pk>/complete/", activity_complete, name="activity-complete"),
]
