"""Government Training pages. Thin: parse input, call one service or selector, render."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from citybridge.core import provinces
from citybridge.core.concurrency import StaleEdit, current_values
from citybridge.core.files import XLSX, append, check_upload, file_response, safe_cell, xlsx_bytes
from citybridge.core.listing import localized, sort_queryset
from citybridge.core.paging import detail_urls
from citybridge.core.views import paginate

from . import charts, impact_exports, selectors, services
from .certificate import normalise_code
from .forms import (
    ATTENDANCE_CHOICES,
    CourseForm,
    EnrolForm,
    ExternalTrainingForm,
    ModuleForm,
    OfficialForm,
    RevokeForm,
    RosterForm,
    SessionForm,
    StatusForm,
    TopicForm,
)
from .ics import CalendarSession, timetable_ics
from .messages import problem_message
from .models import (
    Academy,
    Certificate,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    OfficialProfile,
    Position,
)
from .roster import template_xlsx


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _form_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc)


def _save(form, write) -> bool:
    """Call `write(data)` with the form's data, plus the `expected_version` an edit started from. Errors land on the
    form; a stale edit keeps the user's input and shows the saved values beside it."""
    data = form.data_without_version()
    if "version" in form.fields:
        data["expected_version"] = form.expected_version
    try:
        write(data)
        return True
    except StaleEdit as exc:
        form.show_stale(exc, current_values(exc.instance, form.fields))
    except ValidationError as exc:
        _form_error(form, exc)
    return False


def _form_page(request, form, title, cancel_url) -> HttpResponse:
    return render(
        request,
        "academy/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url},
        status=409 if getattr(form, "stale", False) else 200,
    )


def _course(request: HttpRequest, pk: int, perm: str = "academy.view_course") -> Course:
    try:
        course = selectors.course_get(user=request.user, pk=pk)
    except Course.DoesNotExist:
        raise Http404
    if not request.user.has_perm(perm, course):
        raise PermissionDenied
    return course


def _official(request: HttpRequest, pk: int, perm: str = "academy.view_official") -> OfficialProfile:
    try:
        official = selectors.official_get(user=request.user, pk=pk)
    except OfficialProfile.DoesNotExist:
        raise Http404
    if not request.user.has_perm(perm, official):
        raise PermissionDenied
    return official


# --------------------------------------------------------------------------- home, curriculum, academies


@login_required
def index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "") if request.GET.get("status") in CourseStatus.values else ""
    qs = selectors.course_list(user=request.user, status=status)
    qs, sort = sort_queryset(
        request,
        qs,
        {
            "title": localized("title"),
            "academy": tuple(f"academy__organisation__{f}" for f in localized("name")),
            "dates": ("start_date", "end_date"),
            "status": ("status",),
            "confirmed": ("confirmed",),
        },
        "-dates",
    )
    user = request.user
    addable = [a for a in selectors.academy_list(user=user) if user.has_perm("academy.add_course", a)]
    page = paginate(request, qs)
    # status labels translated and the course URL reversed once per page, not once per row
    status_labels = dict(CourseStatus.choices)
    for course in page["page_obj"].object_list:
        course.status_label = status_labels.get(course.status, course.status)
    detail_urls(page["page_obj"].object_list, "academy:course")
    return render(
        request,
        "academy/index.html",
        {
            **page,
            "status": status,
            "statuses": CourseStatus.choices,
            "sort": sort,
            "can_add_course": bool(addable),
            "can_see_compliance": user.has_perm("academy.view_compliance"),
            "can_see_impact": user.has_perm("academy.view_impact"),
            "can_add_official": user.has_perm("academy.add_official"),
            "my_sessions": selectors.lecturer_sessions(user=user)[:50] if user.has_role("lecturer") else [],
        },
    )


@login_required
def curriculum(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "academy/curriculum.html",
        {
            "topics": selectors.topic_list(user=request.user),
            "modules": selectors.module_list(user=request.user),
            "can_manage": request.user.has_perm("academy.manage_curriculum"),
        },
    )


def _staff_form(request, form_cls, initial, write, title, success, redirect_to, version=None):
    if not request.user.has_perm("academy.manage_curriculum"):
        raise PermissionDenied
    form = form_cls(request.POST or None, initial=initial, version=version)
    if request.method == "POST" and form.is_valid() and _save(form, write):
        messages.success(request, success)
        return redirect(redirect_to)
    return _form_page(request, form, title, reverse("academy:curriculum"))


@login_required
def topic_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    topic = selectors.topic_get(user=request.user, pk=pk) if pk else None
    initial = {}
    if topic:
        initial = {
            k: getattr(topic, k)
            for k in (
                "slug",
                "name_en",
                "name_zh_hans",
                "description_en",
                "description_zh_hans",
                "motivations",
                "order",
            )
        }
    return _staff_form(
        request,
        TopicForm,
        initial,
        lambda d: services.topic_save(actor=request.user, topic=topic, **d),
        _("Edit topic") if topic else _("New topic"),
        _("The topic was saved."),
        "academy:curriculum",
        version=topic.version if topic else None,
    )


@login_required
def module_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    module = selectors.module_get(user=request.user, pk=pk) if pk else None
    initial = {}
    if module:
        initial = {
            k: getattr(module, k)
            for k in ("title_en", "title_zh_hans", "objectives_en", "objectives_zh_hans", "days", "formats")
        }
        initial["topics"] = list(module.topics.all())
    return _staff_form(
        request,
        ModuleForm,
        initial,
        lambda d: services.module_save(actor=request.user, module=module, **d),
        _("Edit module") if module else _("New module"),
        _("The module was saved."),
        "academy:curriculum",
        version=module.version if module else None,
    )


@login_required
def academies(request: HttpRequest) -> HttpResponse:
    can_manage = request.user.has_perm("academy.manage_curriculum")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        academy = selectors.academy_get(user=request.user, pk=request.POST.get("academy"))
        version = request.POST.get("version", "")
        try:
            services.academy_save(
                actor=request.user,
                organisation=academy.organisation,
                official=bool(request.POST.get("official")),
                managed_by_program=bool(request.POST.get("managed_by_program")),
                expected_version=int(version) if version.isdigit() else None,
            )
            messages.success(request, _("The academy was saved."))
        except StaleEdit:
            messages.error(
                request,
                _(
                    "Someone else saved this academy while you were editing it; its saved values "
                    "are shown below. Review them and save again."
                ),
            )
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
        return redirect("academy:academies")
    rows = list(selectors.academy_list(user=request.user))
    coordinators: dict[int, list[str]] = {}
    if can_manage:
        from citybridge.core.models import RoleMembership

        for m in RoleMembership.objects.filter(role="academy_coordinator").select_related("user"):
            coordinators.setdefault(m.organisation_id, []).append(m.user.email)
    for a in rows:
        a.coordinator_emails = coordinators.get(a.organisation_id, [])
    return render(
        request,
        "academy/academies.html",
        {
            "academies": rows,
            "can_manage": can_manage,
            "managed_count": sum(1 for a in rows if a.managed_by_program),
            "official_count": sum(1 for a in rows if a.official),
        },
    )


# --------------------------------------------------------------------------- courses


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
def session_edit(request: HttpRequest, pk: int | None = None, course_pk: int | None = None) -> HttpResponse:
    """A new session of course `course_pk`, or session `pk` edited: the same form and the same service."""
    session = selectors.session_get(user=request.user, pk=pk) if pk else None
    course = _course(request, session.course_id if session else course_pk, "academy.manage_course")
    if session:
        initial = {
            "date": session.date,
            "start_time": session.start_time,
            "end_time": session.end_time,
            "format": session.format,
            "module": session.module_id,
            "title_en": session.title_en,
            "title_zh_hans": session.title_zh_hans,
            "lecturer": session.lecturer_id,
            "site": session.site,
            "partner": session.partner_id,
        }
    else:
        initial = {"date": course.start_date}
    form = SessionForm(
        request.POST or None, course=course, initial=initial, version=session.version if session else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda d: services.session_save(actor=request.user, course=course, session=session, **d))
    ):
        messages.success(request, _("The session was saved.") if session else _("The session was added."))
        return redirect("academy:course", pk=course.pk)
    return _form_page(
        request, form, _("Edit session") if session else _("New session"), reverse("academy:course", args=[course.pk])
    )


@login_required
@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    course = _course(request, session.course_id, "academy.manage_course")
    try:
        services.session_delete(actor=request.user, session=session)
        messages.success(request, _("The session was deleted."))
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


# --------------------------------------------------------------------------- enrolment


@login_required
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, "academy.manage_course")
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            official = selectors.official_list(user=request.user).get(pk=form.cleaned_data["official"])
        except OfficialProfile.DoesNotExist:
            raise Http404
        try:
            e = services.enrolment_create(
                actor=request.user, course=course, official=official, waitlist=form.cleaned_data["waitlist"]
            )
            if e.status == EnrolmentStatus.WAITLISTED:
                messages.success(request, _("%(name)s was put on the waitlist.") % {"name": official.person})
            else:
                messages.success(request, _("%(name)s was enrolled.") % {"name": official.person})
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
    return redirect("academy:course", pk=course.pk)


def _enrolment(request, pk) -> Enrolment:
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    _course(request, enrolment.course_id, "academy.manage_course")
    return enrolment


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    try:
        promoted = services.enrolment_withdraw(actor=request.user, enrolment=enrolment)
        messages.success(request, _("%(name)s was withdrawn.") % {"name": enrolment.official.person})
        if promoted:
            messages.success(
                request, _("%(name)s moved from the waitlist into the class.") % {"name": promoted.official.person}
            )
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("academy:course", pk=enrolment.course_id)


@login_required
@require_POST
def enrolment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    try:
        services.enrolment_confirm(actor=request.user, enrolment=enrolment)
        messages.success(request, _("%(name)s was enrolled.") % {"name": enrolment.official.person})
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("academy:course", pk=enrolment.course_id)


@login_required
def roster_import(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Upload → preview (per row: new, already enrolled, changed details, errors; nothing imported) → confirm."""
    course = _course(request, pk, "academy.manage_course") if pk else None
    if course is None and not request.user.has_perm("academy.add_official"):
        raise PermissionDenied
    if request.method == "POST" and "upload" in request.POST:
        return _roster_confirm(request, course)
    form = RosterForm(request.POST or None, request.FILES or None)
    report = upload = None
    status = 200
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]  # bounded and typed by RosterForm (check_upload)
        data = file.read()
        overflow = form.cleaned_data["overflow_to_waitlist"]
        report = services.roster_import(
            actor=request.user,
            data=data,
            filename=file.name,
            course=course,
            overflow_to_waitlist=overflow,
            dry_run=True,
        )
        if report.ok:
            upload = services.roster_upload_store(
                actor=request.user, data=data, filename=file.name, course=course, overflow_to_waitlist=overflow
            )
        else:
            status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "academy/roster_import.html",
        {"form": form, "course": course, "report": report, "upload": upload},
        status=status,
    )


def _roster_confirm(request: HttpRequest, course) -> HttpResponse:
    upload = selectors.roster_upload(user=request.user, pk=request.POST["upload"], course=course)
    if upload is None:
        messages.error(request, _("This preview has expired or was already imported: upload the file again."))
        return redirect(request.path)
    confirmed = set(request.POST.getlist("change"))
    try:
        report = services.roster_upload_confirm(
            actor=request.user, upload=upload, sha256=request.POST.get("sha256", ""), apply_changes=confirmed
        )
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
        return redirect(request.path)
    if not report.ok:
        return render(
            request,
            "academy/roster_import.html",
            {"form": RosterForm(), "course": course, "report": report},
            status=422,
        )
    messages.success(
        request,
        _("Imported %(rows)s officials: %(created)s new, %(matched)s already known.")
        % {"rows": report.created + report.matched, "created": report.created, "matched": report.matched},
    )
    applied = sum(1 for row in report.rows for c in row["changes"] if c["key"] in confirmed)
    if report.skipped or applied:
        messages.info(
            request,
            _("%(skipped)s already enrolled (left as they were); %(changes)s changed details applied.")
            % {"skipped": report.skipped, "changes": applied},
        )
    return redirect("academy:course", pk=course.pk) if course else redirect("academy:officials")


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("academy.add_official"):
        raise PermissionDenied
    return file_response(template_xlsx(), "citybridge-roster-template.xlsx", XLSX)


# --------------------------------------------------------------------------- attendance


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, "academy.manage_course")
    all_sessions = list(course.sessions.select_related("module"))
    weeks = max(1, (course.days + 6) // 7)
    try:
        week = min(max(int(request.GET.get("week", "1")), 1), weeks)
    except ValueError:
        week = 1
    first = course.start_date + timedelta(days=7 * (week - 1))
    sessions = [s for s in all_sessions if 0 <= (s.date - first).days < 7]
    if request.method == "POST":
        marks = []
        valid_sessions = {s.pk for s in sessions}
        # the grid's script sends the changed cells as one field, "m-<official>-<session>=<status>;…", so that a
        # week of a full class stays under the request's field limit; without the script, one field per cell
        packed = [p.partition("=") for p in request.POST.get("marks", "").split(";") if p]
        for key, value in [(k, v) for k, _eq, v in packed] + list(request.POST.items()):
            if not key.startswith("m-"):
                continue
            try:
                _m, off, sid = key.split("-")
                off, sid = int(off), int(sid)
            except ValueError:
                continue
            if sid in valid_sessions:
                marks.append(services.Mark(off, sid, value))
        try:
            n = services.attendance_record(actor=request.user, course=course, marks=marks)
            messages.success(request, _("Attendance saved (%(n)s changes).") % {"n": n})
            return redirect(f"{reverse('academy:attendance', args=[course.pk])}?week={week}")
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
    rows = selectors.attendance_grid(course=course, sessions=sessions)
    days = []
    for s in sessions:
        if not days or days[-1]["date"] != s.date:
            days.append({"date": s.date, "sessions": []})
        days[-1]["sessions"].append(s)
    grid = [{"enrolment": r.enrolment, "cells": [(s, r.marks.get(s.pk, "")) for s in sessions]} for r in rows]
    today = timezone.localdate()
    for s in sessions:
        s.future = s.date > today  # the service refuses marks for these: shown disabled
    for d in days:
        d["future"] = d["date"] > today
    return render(
        request,
        "academy/attendance.html",
        {
            "course": course,
            "sessions": sessions,
            "days": days,
            "grid": grid,
            "choices": ATTENDANCE_CHOICES,
            "week": week,
            "weeks": range(1, weeks + 1),
            "first": first,
            "last": first + timedelta(days=min(6, (date.max - first).days)),
            "can_record": course.status in (CourseStatus.OPEN, CourseStatus.RUNNING, CourseStatus.COMPLETED),
        },
    )


@login_required
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the course's attendance as a pre-filled XLSX. POST: import a filled-in sheet (all or nothing)."""
    from .attendance_sheet import SheetOfficial, SheetSession, attendance_xlsx

    course = _course(request, pk, "academy.manage_course")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose the filled-in attendance sheet to upload."))
            return redirect("academy:attendance", pk=course.pk)
        try:
            check_upload(upload, kinds=("xlsx",))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            return redirect("academy:attendance", pk=course.pk)
        report = services.attendance_import(actor=request.user, course=course, data=upload.read())
        if report.ok:
            messages.success(request, _("Attendance saved (%(n)s changes).") % {"n": report.enrolled})
        else:
            for e in report.errors[:50]:
                line = e["line"]
                messages.error(
                    request,
                    (_("Line %(line)s: %(message)s") % {"line": line, "message": e["message"]})
                    if line
                    else e["message"],
                )
        return redirect("academy:attendance", pk=course.pk)
    sessions = list(course.sessions.select_related("module"))
    rows = selectors.attendance_grid(course=course, sessions=sessions)
    data = attendance_xlsx(
        [SheetOfficial(r.enrolment.official_id, r.enrolment.official.person.display_name()) for r in rows],
        [SheetSession(s.pk, s.date, s.start_time, s.display_title()) for s in sessions],
        {(r.enrolment.official_id, sid): st for r in rows for sid, st in r.marks.items()},
        title=course.display_name(),
    )
    return file_response(data, f"attendance-{course.pk}.xlsx", XLSX)


# --------------------------------------------------------------------------- certificates


@login_required
@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, "academy.manage_course")
    try:
        issued, skipped = services.certificate_issue_all(actor=request.user, course=course)
        messages.success(
            request,
            _("%(issued)s certificates issued; %(skipped)s officials without a training day were skipped.")
            % {"issued": issued, "skipped": skipped},
        )
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("academy:course", pk=course.pk)


def _certificate(request, pk) -> Certificate:
    cert = selectors.certificate_get(user=request.user, pk=pk)
    _course(request, cert.enrolment.course_id, "academy.manage_course")
    return cert


@login_required
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    cert = _certificate(request, pk)
    url = request.build_absolute_uri(reverse("academy:verify-code", args=[cert.code]))
    return file_response(services.certificate_pdf(cert, url), f"certificate-{cert.code}.pdf", "application/pdf")


@login_required
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    cert = _certificate(request, pk)
    if not request.user.has_perm("academy.revoke_certificate", cert):
        raise PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(actor=request.user, certificate=cert, reason=form.cleaned_data["reason"])
            messages.success(request, _("The certificate was revoked."))
            return redirect("academy:course", pk=cert.enrolment.course_id)
        except ValidationError as exc:
            _form_error(form, exc)
    return render(
        request,
        "academy/form.html",
        {
            "form": form,
            "title": _("Revoke certificate %(code)s") % {"code": cert.code},
            "submit_label": _("Revoke the certificate"),
            "submit_class": "outline secondary",
            "confirm_message": _(
                "Revoke this certificate? Verification will show it as revoked; this cannot be undone."
            ),
            "cancel_url": reverse("academy:course", args=[cert.enrolment.course_id]),
        },
    )


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: anyone holding a code can confirm a certificate (name, course, academy, dates, validity)."""
    typed = code or request.GET.get("code", "")
    typed = typed[:40]
    normal = normalise_code(typed) if typed else None
    cert = selectors.certificate_by_code(normal) if normal else None
    return render(
        request,
        "academy/verify.html",
        {
            "typed": typed,
            "certificate": cert,
            "malformed": bool(typed) and normal is None,
            "not_found": bool(normal) and cert is None,
        },
        status=404 if typed and cert is None else 200,
    )


# --------------------------------------------------------------------------- officials


@login_required
def official_list(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_program_staff or request.user.has_perm("academy.view_compliance")):
        raise PermissionDenied
    q = request.GET.get("q", "")[:100]
    qs, sort = sort_queryset(
        request,
        selectors.official_list(user=request.user, q=q),
        {
            "name": tuple(f"person__{f}" for f in localized("family_name", "given_name")),
            "position": ("position",),
            "organisation": tuple(f"person__organisation__{f}" for f in localized("name")),
            "jurisdiction": tuple(f"jurisdiction__{f}" for f in localized("name")),
        },
        "name",
    )
    return render(
        request,
        "academy/official_list.html",
        {
            **paginate(request, qs),
            "q": q,
            "sort": sort,
            "can_add": request.user.has_perm("academy.add_official"),
        },
    )


@login_required
def official_create(request: HttpRequest) -> HttpResponse:
    """Staff add officials anywhere; coordinators add them to one of their courses (?course=…), so that the new
    official is enrolled at their academy and stays visible to them."""
    if not request.user.has_perm("academy.add_official"):
        raise PermissionDenied
    course = None
    if request.GET.get("course", "").isdigit():
        course = _course(request, int(request.GET["course"]), "academy.manage_course")
    elif not request.user.is_program_staff:
        raise PermissionDenied
    form = OfficialForm(request.POST or None)
    if not request.user.is_program_staff:
        form.fields.pop("organisation")
    if request.method == "POST" and form.is_valid():
        try:
            official = services.official_create_with_person(actor=request.user, course=course, **form.cleaned_data)
            messages.success(request, _("The official was created."))
            if course is not None:
                return redirect("academy:course", pk=course.pk)
            return redirect("academy:official", pk=official.pk)
        except ValidationError as exc:
            _form_error(form, exc)
    cancel = reverse("academy:course", args=[course.pk]) if course else reverse("academy:officials")
    return render(request, "academy/form.html", {"form": form, "title": _("New official"), "cancel_url": cancel})


@login_required
def official_detail(request: HttpRequest, pk: int) -> HttpResponse:
    official = _official(request, pk)
    form = ExternalTrainingForm()
    can_change = request.user.has_perm("academy.change_official", official)
    if request.method == "POST":
        if not request.user.has_perm("academy.add_external_training", official):
            raise PermissionDenied
        form = ExternalTrainingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.external_training_create(actor=request.user, official=official, **form.cleaned_data)
                messages.success(request, _("The external training was recorded."))
                return redirect("academy:official", pk=official.pk)
            except ValidationError as exc:
                _form_error(form, exc)
    history = selectors.official_history(official=official)
    return render(
        request,
        "academy/official_detail.html",
        {
            "official": official,
            "person": official.person,
            "history": history,
            "show_contact": request.user.has_perm("academy.view_official_contact", official),
            "can_change": can_change,
            "form": form,
            "rules": services.compliance_rules(),
        },
        status=422 if request.method == "POST" else 200,
    )


def _official_initial(official: OfficialProfile) -> dict:
    person = official.person
    j = official.jurisdiction
    return {
        "family_name_en": person.family_name_en,
        "given_name_en": person.given_name_en,
        "family_name_zh_hans": person.family_name_zh_hans,
        "given_name_zh_hans": person.given_name_zh_hans,
        "organisation": person.organisation,
        "email": person.email,
        "phone": person.phone,
        "position": official.position,
        "jurisdiction": j.display_name() if j else "",
        "province": (j.province_en or j.province_zh_hans) if j else "",
        "company": official.company,
        "company_employees": official.company_employees,
        "service_start": official.service_start,
    }


@login_required
def official_edit(request: HttpRequest, pk: int) -> HttpResponse:
    official = _official(request, pk, "academy.change_official")
    form = OfficialForm(
        request.POST or None,
        initial=_official_initial(official),
        version=official.version,
        person_version=official.person.version,
    )
    if not request.user.is_program_staff:
        form.fields.pop("organisation")
    if request.method == "POST" and form.is_valid():
        data = form.data_without_version()
        try:
            services.official_update_with_person(
                actor=request.user,
                official=official,
                expected_version=form.expected_version,
                expected_person_version=data.pop("person_version", None),
                **data,
            )
            messages.success(request, _("The official was saved."))
            return redirect("academy:official", pk=official.pk)
        except StaleEdit:
            fresh = OfficialProfile.objects.select_related("person", "jurisdiction").get(pk=official.pk)
            form.show_stale(StaleEdit(fresh, form.expected_version), _official_initial(fresh))
            form.data["person_version"] = fresh.person.version
        except ValidationError as exc:
            _form_error(form, exc)
    return _form_page(request, form, _("Edit official"), reverse("academy:official", args=[official.pk]))


@login_required
@require_POST
def external_training_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.external_training_get(user=request.user, pk=pk)
    official = _official(request, record.official_id, "academy.change_official")
    if not request.user.has_perm("academy.delete_external_training", record):
        raise PermissionDenied
    services.external_training_delete(actor=request.user, record=record)
    messages.success(request, _("The external training was deleted."))
    return redirect("academy:official", pk=official.pk)


# --------------------------------------------------------------------------- who is behind


def _behind_params(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        if year not in services.preparable_years(today):
            year = today.year
    except ValueError:
        year = today.year

    def int_or_none(name):
        try:
            return int(request.GET.get(name, "")) or None
        except ValueError:
            return None

    position = request.GET.get("position", "") if request.GET.get("position") in Position.values else ""
    rule = request.GET.get("rule", "any") if request.GET.get("rule") in selectors.BEHIND_RULES else "any"
    return {
        "year": year,
        "academy": int_or_none("academy"),
        "organisation": int_or_none("organisation"),
        "province": request.GET.get("province", "") if request.GET.get("province") in provinces.BY_CODE else "",
        "position": position,
        "rule": rule,
    }


def _behind_queryset(request, params):
    """Read only: a year nobody prepared yet lists nothing (the page says so and offers staff to prepare it)."""
    if not request.user.has_perm("academy.view_compliance"):
        raise PermissionDenied
    if not selectors.training_year_prepared(params["year"]):
        return None
    return selectors.behind_list(user=request.user, **params)


def _behind_rule_choices():
    return [
        ("any", _("Behind on either rule")),
        ("annual", _("Behind this year")),
        ("window", _("At risk in the 5-year window")),
        ("both", _("Behind on both rules")),
    ]


BEHIND_SORTS = {
    "official": ("official__person__family_name_en", "official__person__given_name_en"),
    "position": ("official__position",),
    "organisation": ("official__person__organisation__name_en",),
    "province": ("official__province_code", "official__province"),
    "days": ("total_days",),
    "shortfall": ("shortfall",),
    "gap": ("window_gap",),
}


@login_required
def behind(request: HttpRequest) -> HttpResponse:
    params = _behind_params(request)
    qs, sort = _behind_queryset(request, params), ""
    if qs is not None and request.GET.get("sort"):  # else the rule's own order, which its index serves
        qs, sort = sort_queryset(request, qs, BEHIND_SORTS, "-shortfall", tiebreaker="official_id")
    # no COUNT(*): at 200,000 officials a filtered count costs more than the page itself; fetch one row more
    # than a page to know whether there is a next one
    try:
        number = max(1, min(int(request.GET.get("page", "1")), 100_000))
    except ValueError:
        number = 1
    size = 50
    chunk = list(qs[(number - 1) * size : number * size + 1]) if qs is not None else []
    rows = selectors.behind_rows(chunk[:size])
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    return render(
        request,
        "academy/behind.html",
        {
            "rows": rows,
            "page_number": number,
            "sort": sort,
            "has_next": len(chunk) > size,
            "has_previous": number > 1,
            "querystring_without_page": f"{query.urlencode()}&" if query else "",
            **params,
            "positions": Position.choices,
            "rules_choices": _behind_rule_choices(),
            "prepared": qs is not None,
            "can_prepare": request.user.is_program_staff,
            **selectors.behind_filter_choices(user=request.user),
            "province_choices": [provinces.grouped_choices()[0]],
            "years": range(today.year + 1, today.year - 10, -1),
            "rules": selectors.compliance_rules(),
        },
    )


@login_required
@require_POST
def behind_prepare(request: HttpRequest) -> HttpResponse:
    """Staff ask for a year's summaries; the background worker prepares them."""
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    try:
        services.training_year_request(actor=request.user, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("academy:behind")
    messages.success(request, _("The year %(year)s is being prepared; reload the page in a minute.") % {"year": year})
    return redirect(f"{reverse('academy:behind')}?year={year}")


@login_required
def behind_export(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    params = _behind_params(request)
    qs = _behind_queryset(request, params)
    summaries = list(qs[:20000]) if qs is not None else []
    rows = selectors.behind_rows(summaries)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Who is behind"))
    header = [
        pgettext("person", "Name (English)"),
        pgettext("person", "Name (Chinese)"),
        _("Position"),
        _("Organisation"),
        _("Province"),
        _("Year"),
        _("Training days"),
        _("Required"),
        _("Shortfall"),
        _("Five-year window"),
        _("Days in window"),
        _("Window requirement"),
        _("Window gap at the annual pace"),
    ]
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for h in header:
        c = WriteOnlyCell(ws, value=safe_cell(h))
        c.font = Font(bold=True)
        cells.append(c)
    ws.append(cells)
    for r in rows:
        s, o = r.summary, r.summary.official
        append(
            ws,
            [
                o.person.full_name_en(),
                o.person.full_name_zh(),
                o.get_position_display(),
                o.person.organisation.display_name() if o.person.organisation_id else "",
                o.province,
                s.year,
                s.total_days,
                s.required_days,
                s.shortfall,
                f"{s.window_start} – {r.window_last_day}" if s.window_start else "",
                s.window_days if s.window_start else None,
                s.window_required if s.window_start else None,
                s.window_gap if s.window_start else None,
            ],
        )
    return file_response(xlsx_bytes(wb), f"behind-{params['year']}.xlsx", XLSX)


# --------------------------------------------------------------------------- impact


def _impact_filter(request: HttpRequest) -> selectors.ImpactFilter:
    """The filter from the query string, held to what the user may see (a coordinator: their academies)."""
    if not request.user.has_perm("academy.view_impact"):
        raise PermissionDenied

    def int_or_none(name, low=1, high=10**9):
        try:
            value = int(request.GET.get(name, ""))
        except ValueError:
            return None
        return value if low <= value <= high else None

    return selectors.impact_filter_for(
        user=request.user,
        year=int_or_none("year", 1990, 2100),
        academy=int_or_none("academy"),
        topic=int_or_none("topic"),
        province=request.GET.get("province", ""),
    )


@login_required
def impact(request: HttpRequest) -> HttpResponse:
    flt = _impact_filter(request)
    # unfiltered: the stored snapshot (the worker recomputes it after a change); filtered: from records, cached
    ctx = selectors.impact_dashboard(flt)
    data = ctx["data"]
    query = request.GET.urlencode()
    return render(
        request,
        "academy/impact.html",
        {
            **ctx,
            "total": data["total"],
            "specs": charts.impact_specs(ctx),
            "by_year": sorted(data["by_year"].items()),
            "by_academy": sorted(
                ((ctx["academy_names"].get(k, k), f) for k, f in data["by_academy"].items()),
                key=lambda kv: -kv[1]["officials"],
            ),
            "by_topic": sorted(
                ((ctx["topic_names"].get(k, k), f) for k, f in data["by_topic"].items()),
                key=lambda kv: -kv[1]["officials"],
            ),
            **{f"choice_{k}": v for k, v in selectors.impact_filter_choices(user=request.user, dashboard=ctx).items()},
            "selected_academy": flt.academies[0] if flt.academies and len(flt.academies) == 1 else None,
            "can_pick_any_academy": request.user.is_program_staff,
            "export_query": f"?{query}" if query else "",
        },
    )


@login_required
def impact_export(request: HttpRequest, fmt: str) -> HttpResponse:
    flt = _impact_filter(request)
    ctx = selectors.impact_dashboard(flt)
    name = f"impact-{flt.year or 'all'}"
    if fmt == "xlsx":
        return file_response(impact_exports.impact_xlsx(ctx, flt), f"{name}.xlsx", XLSX)
    if fmt == "png":
        return file_response(impact_exports.impact_png(ctx, flt), f"{name}.png", "image/png")
    return file_response(impact_exports.impact_pdf(ctx, flt), f"{name}.pdf", "application/pdf")


# --------------------------------------------------------------------------- possible duplicates (program staff)


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("academy.manage_duplicates"):
        raise PermissionDenied
    return render(request, "academy/duplicates.html", paginate(request, selectors.duplicate_list(user=request.user)))


@login_required
@require_POST
def duplicate_resolve(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    dup = selectors.duplicate_get(user=request.user, pk=pk)
    if not request.user.has_perm("academy.manage_duplicates"):
        raise PermissionDenied
    try:
        if action == "merge":
            services.duplicate_merge(actor=request.user, duplicate=dup)
            messages.success(request, _("The two officials were merged."))
        else:
            services.duplicate_dismiss(actor=request.user, duplicate=dup)
            messages.success(request, _("The possible duplicate was dismissed."))
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("academy:duplicates")
