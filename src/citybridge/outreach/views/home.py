"""The Outreach home page: one link per section the user may open. A new section: one entry in SECTIONS."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from citybridge.academy.models import Course

from .. import selectors

#: (label, url name, who sees the link); each page checks its own permission again
SECTIONS: list[tuple[str, str, Callable]] = [
    (_("Evaluation results"), "outreach:results", lambda u: u.has_perm("outreach.view_results")),
    (_("My follow-ups"), "outreach:my-activities", lambda u: u.is_authenticated),
    (_("All follow-ups"), "outreach:activities", lambda u: u.has_perm("outreach.manage_activities")),
]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    links = [(label, reverse(name)) for label, name, may in SECTIONS if may(request.user)]
    courses, awaiting = [], []
    user = request.user
    if user.is_program_staff or user.scoped_organisation_ids("academy_coordinator"):
        courses = list(
            Course.objects.visible_to(user)
            .exclude(status__in=["planning", "cancelled"])
            .order_by("-start_date", "id")[:30]
        )
        # comments their lecturer cannot read until staff translate them, per course (staff and coordinators)
        awaiting = selectors.awaiting_translation_by_course(user=user)
    return render(
        request,
        "outreach/index.html",
        {"links": links, "courses": courses, "awaiting": awaiting, "awaiting_total": sum(n for _c, n in awaiting)},
    )


urlpatterns = [path("", index, name="index")]

# partners, events and the public record (views/partners.py, events.py, public.py)
SECTIONS += [
    (
        _("Partners"),
        "outreach:partners",
        lambda u: u.has_perm("outreach.manage_partners") or bool(u.scoped_organisation_ids("partner")),
    ),
    (
        _("Engagements"),
        "outreach:engagements",
        lambda u: u.has_perm("outreach.manage_partners") or bool(u.scoped_organisation_ids("partner")),
    ),
    (_("Forums and events"), "outreach:events", lambda u: u.is_authenticated),
    (_("Public record"), "outreach:record", lambda u: u.has_perm("outreach.manage_public_record")),
    (_("Our impact"), "outreach:impact", lambda u: True),
]
