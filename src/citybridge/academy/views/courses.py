"""Course pages: create, edit, detail, status and the course calendar (.ics)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core.files import file_response

from .. import selectors, services
from ..forms import CourseForm, StatusForm
from ..ics import CalendarSession, timetable_ics
from ..messages import problem_message
from ..models import Academy, CourseStatus, EnrolmentStatus
from ._common import _course, _errors, _form_error, _form_page, _save


def _addable_academies(user):
    ids = [a.pk for a in selectors.academy_list(user=user) if user.has_perm("academy.add_course", a)]
    return Academy.objects.filter(pk__in=ids).select_related("organisation")


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    academies_qs = _addable_academies(request.user)
    if not academies_qs.exists():
        raise PermissionDenied
    form = CourseForm(request.POST or None, academies=academies_qs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        academy = data.pop("academy")
        modules = data.pop("modules")
        try:
            course = services.course_create(actor=request.user, academy=academy, modules=modules, **data)
            messages.success(request, _("The course was created."))
            return redirect("academy:course", pk=course.pk)
        except ValidationError as exc:
            _form_error(form, exc)
    return render(
        request, "academy/form.html", {"form": form, "title": _("New course"), "cancel_url": reverse("academy:index")}
    )


@login_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, "academy.manage_course")
    initial = {
        k: getattr(course, k)
        for k in ("title_en", "title_zh_hans", "start_date", "end_date", "location_en", "location_zh_hans")
    }
    initial["academy"] = course.academy
    initial["modules"] = list(course.modules.all())
    form = CourseForm(
        request.POST or None,
        initial=initial,
        academies=Academy.objects.filter(pk=course.academy_id),
        version=course.version,
    )

    def write(data):
        data.pop("academy")
        services.course_update(actor=request.user, course=course, modules=data.pop("modules"), **data)

    if request.method == "POST" and form.is_valid() and _save(form, write):
        messages.success(request, _("The course was saved."))
        return redirect("academy:course", pk=course.pk)
    return _form_page(request, form, _("Edit course"), reverse("academy:course", args=[course.pk]))


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    user = request.user
    can_manage = user.has_perm("academy.manage_course", course)
    enrolments = list(selectors.course_enrolments(course=course))
    if not can_manage:  # lecturers: names of the confirmed class only
        enrolments = [e for e in enrolments if e.status == EnrolmentStatus.CONFIRMED]
    problems = services.course_problems(course) if can_manage else []
    q = request.GET.get("q", "")[:100]
    candidates = []
    if can_manage and q:
        enrolled = {e.official_id for e in enrolments}
        candidates = [o for o in selectors.official_list(user=user, q=q)[:20] if o.pk not in enrolled]
    counts = {s: sum(1 for e in enrolments if e.status == s) for s in EnrolmentStatus.values}
    return render(
        request,
        "academy/course_detail.html",
        {
            "course": course,
            "can_manage": can_manage,
            "sessions": selectors.course_sessions(course=course),
            "course_modules": selectors.course_modules(course=course),
            "enrolments": enrolments,
            "counts": counts,
            "problems": [(p.severity, problem_message(p)) for p in problems],
            "next_statuses": [
                (s, CourseStatus(s).label) for s in services.course_next_statuses(actor=user, course=course)
            ]
            if can_manage
            else [],
            "reopening": course.status == CourseStatus.CANCELLED,
            "q": q,
            "candidates": candidates,
            "show_contact": can_manage,
            "is_completed": course.status == CourseStatus.COMPLETED,
        },
    )


@login_required
@require_POST
def course_status(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, "academy.manage_course")
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select a valid status."))
    else:
        try:
            reopened = course.status == CourseStatus.CANCELLED
            services.course_set_status(actor=request.user, course=course, status=form.cleaned_data["status"])
            messages.success(
                request,
                _("The course was reopened and is in planning again.")
                if reopened
                else _("The course status was changed."),
            )
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
    return redirect("academy:course", pk=course.pk)


@login_required
def course_ics(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    host = request.get_host().split(":")[0] or "citybridge"
    items = []
    for s in selectors.course_sessions(course=course):
        desc = []
        if s.lecturer_id:
            desc.append(_("Lecturer: %(name)s") % {"name": s.lecturer.display_name()})
        if s.partner_id:
            desc.append(_("Partner: %(name)s") % {"name": s.partner.display_name()})
        items.append(
            CalendarSession(
                uid=f"academy-session-{s.pk}@{host}",
                day=s.date,
                start=s.start_time,
                end=s.end_time,
                summary=f"{s.display_title()} · {s.get_format_display()}",
                location=s.site or course.location or "",
                description="\n".join(desc),
            )
        )
    data = timetable_ics(items, calendar_name=course.display_name(), tz=course.timezone)
    return file_response(data, f"course-{course.pk}.ics", "text/calendar; charset=utf-8")
