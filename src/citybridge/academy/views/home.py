"""The Government Training home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from citybridge.core.listing import localized, sort_queryset
from citybridge.core.models import bilingual
from citybridge.core.paging import detail_url_parts
from citybridge.core.rows import date_text, html_rows, row_class
from citybridge.core.views import paginate

from .. import selectors
from ..models import Course, CourseStatus

_CourseRow = row_class(Course, "display_name")
COURSE_ROW_FIELDS = (
    "id",
    *localized("title", language="en"),
    "start_date",
    "end_date",
    "status",
    "confirmed",
    *(f"academy__organisation__{f}" for f in localized("name", language="en")),
)
COURSE_ROW_HTML = (
    '<tr><td><a href="{url}">{name}</a></td><td>{academy}</td><td>{dates}</td><td>{status}</td>'
    "<td>{confirmed}</td></tr>"
)


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
    # whether any academy takes a new course from this user: stops at the first one (the academies are read one by
    # one, not all built first)
    can_add_course = any(
        user.has_perm("academy.add_course", a) for a in selectors.academy_list(user=user).iterator(chunk_size=100)
    )
    page = paginate(request, qs, values=COURSE_ROW_FIELDS, row_class=_CourseRow)
    # status labels translated and the course URL reversed once per page, not once per row; the rows are values
    # (core.rows: no Course, Academy and Organisation instance per row) and their HTML one pass
    status_labels = {value: str(label) for value, label in CourseStatus.choices}  # translated once, not per row
    language = get_language()
    url_prefix, url_suffix = detail_url_parts("academy:course")
    rows_html = html_rows(
        COURSE_ROW_HTML,
        (
            {
                "url": f"{url_prefix}{c.id}{url_suffix}",
                "name": c.display_name(language),
                "academy": bilingual(c, "academy__organisation__name", language),
                "dates": f"{date_text(c.start_date, language)} – {date_text(c.end_date, language)}",
                "status": status_labels.get(c.status, c.status),
                "confirmed": c.confirmed,
            }
            for c in page["page_obj"].object_list
        ),
    )
    return render(
        request,
        "academy/index.html",
        {
            **page,
            "rows_html": rows_html,
            "status": status,
            "statuses": CourseStatus.choices,
            "sort": sort,
            "can_add_course": can_add_course,
            "can_see_compliance": user.has_perm("academy.view_compliance"),
            "can_see_impact": user.has_perm("academy.view_impact"),
            "can_add_official": user.has_perm("academy.add_official"),
            "my_sessions": selectors.lecturer_sessions(user=user)[:50] if user.has_role("lecturer") else [],
        },
    )
