"""The Government Training home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from citybridge.core.listing import localized, name_order
from citybridge.core.models import bilingual
from citybridge.core.paging import detail_url_parts, options_html
from citybridge.core.rows import choice_labels, date_range_html, html_rows, row_class
from citybridge.core.views import paginate_sorted

from .. import selectors
from ..models import Course, CourseStatus

_CourseRow = row_class(Course, "display_name")
COURSE_ROW_FIELDS = (
    "id",
    *localized("title", language="en"),
    "start_date",
    "end_date",
    "status",
    "confirmed_count",
    *(f"academy__organisation__{f}" for f in localized("name", language="en")),
)
COURSE_ROW_HTML = (
    '<tr><td><a href="{url}">{name}</a></td><td>{academy}</td><td>{dates}</td><td>{status}</td>'
    "<td>{confirmed}</td></tr>"
)


def _course_sorts() -> dict[str, tuple[str, ...]]:
    return {
        "title": name_order("title"),  # in Chinese by the title in pinyin (Course.pinyin_name)
        "academy": name_order("name", prefix="academy__organisation__"),
        "dates": ("start_date", "end_date"),
        "status": ("status",),
        "confirmed": ("confirmed_count",),  # kept by the database (academy/confirmed_count.py)
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "") if request.GET.get("status") in CourseStatus.values else ""
    user = request.user
    # whether any academy takes a new course from this user: program staff any academy at all (one EXISTS); others
    # the first academy the rule allows (read one by one, not all built first)
    academies = selectors.academy_list(user=user).select_related(None).only("organisation_id")  # what the rule reads
    if user.is_program_staff:  # academy.add_course: program staff for any academy (academy.rules)
        can_add_course = academies.exists()
    else:
        can_add_course = any(user.has_perm("academy.add_course", a) for a in academies.iterator(chunk_size=100))
    page = paginate_sorted(
        request,
        selectors.course_list,
        {"status": status},
        _course_sorts,
        "-dates",
        values=COURSE_ROW_FIELDS,
        row_class=_CourseRow,
    )
    rows = page["page_obj"].object_list
    # status labels translated and the course URL reversed once per page, not once per row; the rows are values
    # (core.rows: no Course, Academy and Organisation instance per row) and their HTML one pass
    status_labels = choice_labels(CourseStatus.choices)
    language = get_language()
    url_prefix, url_suffix = detail_url_parts("academy:course")
    rows_html = html_rows(
        COURSE_ROW_HTML,
        (
            {
                "url": f"{url_prefix}{c.id}{url_suffix}",
                "name": c.display_name(language),
                "academy": bilingual(c, "academy__organisation__name", language),
                "dates": date_range_html(c.start_date, c.end_date, language),
                "status": status_labels.get(c.status, c.status),
                "confirmed": c.confirmed_count,
            }
            for c in rows
        ),
    )
    return render(
        request,
        "academy/index.html",
        {
            **page,
            "rows_html": rows_html,
            "status": status,
            "status_options": options_html(CourseStatus.choices, status),
            "can_add_course": can_add_course,
            "can_see_compliance": user.has_perm("academy.view_compliance"),
            "can_see_impact": user.has_perm("academy.view_impact"),
            "can_add_official": user.has_perm("academy.add_official"),
            # the sessions still to teach, soonest first (every one since 2019, undated by year, hid the next one)
            "my_sessions": list(
                selectors.lecturer_sessions(user=user)
                .filter(date__gte=timezone.localdate())
                .order_by("date", "start_time", "id")[:50]
            )
            if user.person_id and user.has_role("lecturer")
            else [],
        },
    )
