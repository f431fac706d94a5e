"""Who-is-behind pages: the list, its export and asking for a year to be prepared."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core import provinces
from citybridge.core.files import XLSX, file_response
from citybridge.core.listing import sort_queryset

from .. import behind_exports, selectors, services
from ..models import Position


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
    params = _behind_params(request)
    qs = _behind_queryset(request, params)
    summaries = list(qs[: behind_exports.MAX_ROWS]) if qs is not None else []
    data = behind_exports.behind_xlsx(selectors.behind_rows(summaries))
    return file_response(data, f"behind-{params['year']}.xlsx", XLSX)
