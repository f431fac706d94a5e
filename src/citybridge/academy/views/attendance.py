"""Attendance pages: record a course's attendance and print the sign-in sheet."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from citybridge.core.files import XLSX, check_upload, file_response
from citybridge.core.models import is_chinese
from citybridge.core.validation import add_to_messages

from .. import selectors, services
from ..forms import ATTENDANCE_CHOICES
from ..models import CourseStatus
from ._common import _course


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
            add_to_messages(request, exc)
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
    from ..attendance_sheet import SheetOfficial, SheetSession, attendance_xlsx

    course = _course(request, pk, "academy.manage_course")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose the filled-in attendance sheet to upload."))
            return redirect("academy:attendance", pk=course.pk)
        try:
            check_upload(upload, kinds=("xlsx",))
        except ValidationError as exc:
            add_to_messages(request, exc)
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
        chinese=is_chinese(get_language()),
    )
    return file_response(data, f"attendance-{course.pk}.xlsx", XLSX)
