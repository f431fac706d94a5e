"""The Government Training home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from citybridge.core.listing import localized, sort_queryset
from citybridge.core.paging import detail_urls
from citybridge.core.views import paginate

from .. import selectors
from ..models import CourseStatus


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
