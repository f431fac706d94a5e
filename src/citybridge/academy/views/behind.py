"""Who-is-behind pages: the list, its export and asking for a year to be prepared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core import provinces
from citybridge.core.files import XLSX, file_response
from citybridge.core.listing import sort_queryset
from citybridge.core.paging import detail_urls, province_options, seek_slice

from .. import behind_exports, selectors, services
from ..models import Position

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ..models import TrainingSummary


def _behind_params(request: HttpRequest) -> dict:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        if year not in services.preparable_years(today):
            year = today.year
    except ValueError:
        year = today.year

    def int_or_none(name: str) -> int | None:
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


def _behind_queryset(request: HttpRequest, params: dict) -> QuerySet[TrainingSummary] | None:
    """Read only: a year nobody prepared yet lists nothing (the page says so and offers staff to prepare it)."""
    if not request.user.has_perm("academy.view_compliance"):
        raise PermissionDenied
    if not selectors.training_year_prepared(params["year"]):
        return None
    return selectors.behind_list(user=request.user, **params)


def _behind_rule_choices() -> list[tuple[str, str]]:
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


def _behind_page_rows(summaries: list) -> list:
    """What each row shows, worked out here once per page instead of by template lookups per row: names in the
    request's language, the position's label, and the two URLs (reversed once). The explanation of the figures
    is not rendered here: the row's <details> loads it when opened (behind_why)."""
    language = get_language()
    positions = {value: str(label) for value, label in Position.choices}
    detail_urls([s.official for s in summaries], "academy:official")
    detail_urls(summaries, "academy:behind-why", attr="why_url")
    for s in summaries:
        o = s.official
        s.official_name = o.person.display_name(language)
        s.organisation_name = o.person.organisation.display_name(language) if o.person.organisation_id else ""
        s.position_label = positions.get(o.position, o.position)
        s.province_name = o.display_province(language)
    return summaries


@login_required
def behind_why(request: HttpRequest, pk: int) -> HttpResponse:
    """How one row's figures are counted (the courses and external training its days come from): the fragment
    the row's <details> loads when opened, or a page of its own without JavaScript."""
    if not request.user.has_perm("academy.view_compliance"):
        raise PermissionDenied
    row = selectors.behind_summary_get(user=request.user, pk=pk)  # Http404 outside the user's scope
    template = "academy/_behind_why.html" if request.headers.get("HX-Request") else "academy/behind_why.html"
    return render(request, template, {"r": row})


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
    # seek_slice: the page's keys walked through the rule's index, the rows (and their joins) for those only
    chunk = list(seek_slice(qs, (number - 1) * size, size + 1)) if qs is not None else []
    rows = _behind_page_rows(chunk[:size])
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
            "province_options": province_options(("CN",)),
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
    params = _behind_params(request)
    qs = _behind_queryset(request, params)
    summaries = list(qs[: behind_exports.MAX_ROWS]) if qs is not None else []
    data = behind_exports.behind_xlsx(selectors.behind_rows(summaries))
    return file_response(data, f"behind-{params['year']}.xlsx", XLSX)
