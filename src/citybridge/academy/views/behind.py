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
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core import provinces
from citybridge.core.files import XLSX, file_response
from citybridge.core.listing import localized, sort_queryset
from citybridge.core.models import Person, bilingual
from citybridge.core.paging import detail_url_parts, province_options, seek_slice
from citybridge.core.rows import Row, html_rows, row_class

from .. import behind_exports, selectors, services
from ..models import Position

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.safestring import SafeString

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


_PersonRow = row_class(Person, "display_name", "full_name_en", "full_name_zh")
BEHIND_ROW_FIELDS = (
    "id",
    "official_id",
    "official__position",
    "official__province",
    "official__province_code",
    "official__person__id",
    *(f"official__person__{f}" for f in localized("family_name", "given_name", language="en")),
    *(f"official__person__organisation__{f}" for f in localized("name", language="en")),
    "total_days",
    "required_days",
    "shortfall",
    "window_start",
    "window_days",
    "window_required",
    "window_gap",
)
BEHIND_ROW_HTML = (
    '<tr><td><a href="{url}">{name}</a></td><td>{position}</td><td>{organisation}</td><td>{province}</td>'
    "\n    <td>{total_days} / {required_days}</td><td><strong>{shortfall}</strong></td>"
    '\n    <td>{window}\n      <details class="why" hx-get="{why_url}" hx-trigger="toggle once" hx-target="find .why-body">'
    '<summary>{why_label}</summary><div class="why-body"><a href="{why_url}">{why_open}</a></div></details></td></tr>'
)


def _window_cell(s: Row, at_risk: str) -> SafeString | str:
    """The five-year window's days (integers), and the days at risk when there are any."""
    if not s.window_start:
        return "–"
    risk = f' <small class="at-risk">{escape(at_risk % {"n": s.window_gap})}</small>' if s.window_gap else ""
    return mark_safe(f"{int(s.window_days)} / {int(s.window_required)}{risk}")  # noqa: S308 - integers, escaped text


def _behind_rows_html(summaries: list[Row]) -> SafeString:
    """What each row shows, worked out here once per page instead of by template lookups per row: names in the
    request's language, the position's label, and the two URLs (reversed once), the rows' HTML in one pass
    (core.rows.html_rows; the rows are values, not a summary, official, person and organisation instance each). The
    explanation of the figures is not rendered here: the row's <details> loads it when opened (behind_why)."""
    language = get_language()
    positions = {value: str(label) for value, label in Position.choices}
    official_prefix, official_suffix = detail_url_parts("academy:official")
    why_prefix, why_suffix = detail_url_parts("academy:behind-why")
    why_label, why_open = _("How these figures are counted"), _("Show the courses and training these days come from")
    at_risk = _("(at risk: %(n)s days beyond the annual pace)")
    return html_rows(
        BEHIND_ROW_HTML,
        (
            {
                "url": f"{official_prefix}{s.official_id}{official_suffix}",
                "name": s.related("official__person", _PersonRow).display_name(language),
                "position": positions.get(s.official__position, s.official__position),
                "organisation": bilingual(s, "official__person__organisation__name", language),
                "province": provinces.province_name(s.official__province_code, language) or s.official__province,
                "total_days": s.total_days,
                "required_days": s.required_days,
                "shortfall": s.shortfall,
                "window": _window_cell(s, at_risk),
                "why_url": f"{why_prefix}{s.id}{why_suffix}",
                "why_label": why_label,
                "why_open": why_open,
            }
            for s in summaries
        ),
    )


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
    chunk = (
        [Row(v) for v in seek_slice(qs, (number - 1) * size, size + 1, values=BEHIND_ROW_FIELDS)]
        if qs is not None
        else []
    )
    rows = chunk[:size]
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    return render(
        request,
        "academy/behind.html",
        {
            "rows": rows,
            "rows_html": _behind_rows_html(rows),
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
