"""Who-is-behind pages: the list, its export and asking for a year to be prepared."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from html import escape  # Django's escape is this plus a lazy-text wrapper and a SafeString per call
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core import provinces
from citybridge.core import selectors as core_selectors
from citybridge.core.converters import whole_number
from citybridge.core.files import XLSX, file_response
from citybridge.core.listing import localized, name_order, sort_queryset
from citybridge.core.models import Person, is_chinese
from citybridge.core.paging import (
    detail_url_parts,
    options_html,
    province_options,
    read_keys,
    rows_by_keys,
)
from citybridge.core.rows import row_class
from citybridge.core.templatetags.listing import province_select, with_selected

from .. import behind_exports, selectors, services
from ..compliance import ComplianceRules
from ..models import Position, TrainingSummary

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.safestring import SafeString

    from citybridge.core.models import User


def _behind_params(request: HttpRequest) -> dict:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        if year not in services.preparable_years(today):
            year = today.year
    except ValueError:
        year = today.year

    position = request.GET.get("position", "") if request.GET.get("position") in Position.values else ""
    rule = request.GET.get("rule", "any") if request.GET.get("rule") in selectors.BEHIND_RULES else "any"
    return {
        "year": year,
        "academy": whole_number(request.GET.get("academy")) or None,
        "organisation": whole_number(request.GET.get("organisation")) or None,
        "organisation_q": request.GET.get("organisation_q", "").strip()[:100],
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


@dataclass(frozen=True)
class _FixedOptions:
    """The `<option>`s of the drop-downs whose choices are a fixed vocabulary, none selected (the template marks the
    request's with `with_selected`)."""

    rules: str
    years: str
    positions: str
    province_select: str  # the whole <select> ({% province_select %}), China's provinces


@functools.lru_cache(maxsize=8)
def _fixed_options(language: str, this_year: int) -> _FixedOptions:
    """Built once per process, language and calendar year (called with `language` active): the rules, the years
    from next year back ten, the positions, China's provinces. Four template loops of 30 options and an include on
    every request before."""
    return _FixedOptions(
        rules=options_html(_behind_rule_choices(), None),
        years=options_html(((y, y) for y in range(this_year + 1, this_year - 10, -1)), None),
        positions=options_html(Position.choices, None),
        province_select=province_select("province", "", province_options(("CN",))),
    )


_FILTER_SLOTS = ("rules", "years", "academies", "organisations", "provinces", "positions", "sort")


@functools.lru_cache(maxsize=8)
def _filters_skeleton(language: str) -> tuple[str, ...]:
    """academy/_behind_filters.html rendered once per process and language (called with `language` active), cut at
    its slots (_FILTER_SLOTS): (text, slot name, text, …, text). Its ten labels were template nodes on every
    request."""
    html = render_to_string(
        "academy/_behind_filters.html", {slot: mark_safe(f"\x00{slot}\x00") for slot in _FILTER_SLOTS}
    )
    return tuple(html.split("\x00"))


def _filters_html(language: str, slots: dict[str, str]) -> SafeString:
    """The filter form: the skeleton's texts with each slot's HTML (escaped, or built from escaped parts) between
    them; the slots' contents are never searched, whatever they hold."""
    pieces = _filters_skeleton(language)
    return mark_safe("".join(slots[p] if i % 2 else p for i, p in enumerate(pieces)))  # noqa: S308 - see above


@functools.lru_cache(maxsize=8)
def _counting_rules_html(language: str, rules: ComplianceRules) -> SafeString:
    """The page's explanation of how days are counted: a dozen translated paragraphs that depend only on the language
    and the rules (settings), rendered once per process and language instead of on every request."""
    return mark_safe(render_to_string("academy/_counting_rules.html", {"rules": rules}))  # noqa: S308 - a template


def behind_sorts() -> dict[str, tuple[str, ...]]:
    """The list's sorts in the request's language (names in Chinese by pinyin, core.listing.name_order)."""
    return {
        "official": name_order("sort_family_name", "sort_given_name", prefix="official__", pinyin="sort_pinyin_name"),
        "position": ("official__position",),
        "organisation": name_order("name", prefix="official__person__organisation__"),
        "province": ("official__province_code", "official__province"),
        "days": ("total_days",),
        "shortfall": ("shortfall",),
        "gap": ("window_gap",),
    }


_PersonRow = row_class(Person, "display_name", "full_name_en", "full_name_zh")
_PERSON = "official__person__"
_PERSON_NAMES = tuple(f"{_PERSON}{f}" for f in localized("family_name", "given_name", language="en"))
_ORGANISATION_EN, _ORGANISATION_ZH = (f"{_PERSON}organisation__{f}" for f in localized("name", language="en"))
BEHIND_ROW_FIELDS = (
    "id",
    "official_id",
    "official__position",
    "official__province",
    "official__province_code",
    *_PERSON_NAMES,
    _ORGANISATION_EN,
    _ORGANISATION_ZH,
    "total_days",
    "required_days",
    "shortfall",
    "window_start",
    "window_days",
    "window_required",
    "window_gap",
    "behind_days",  # the "either rule" order's key (a page's Next and Previous carry it)
)
BEHIND_ROW_HTML = (
    '<tr><td><a href="{url}">{name}</a></td><td>{position}</td><td>{organisation}</td><td>{province}</td>'
    "\n    <td>{total_days} / {required_days}</td><td><strong>{shortfall}</strong></td>"
    '\n    <td>{window}\n      <details class="why" hx-get="{why_url}" hx-trigger="toggle once" hx-target="find .why-body">'
    '<summary>{why_label}</summary><div class="why-body"><a href="{why_url}">{why_open}</a></div></details></td></tr>'
)


@dataclass(frozen=True)
class _RowTexts:
    """What every row of a page shares, in one language, escaped once."""

    positions: dict[str, str]
    why_label: str
    why_open: str
    at_risk: str  # "(at risk: %(n)s days …)", escaped after the number is put in


@functools.lru_cache(maxsize=8)
def _row_texts(language: str) -> _RowTexts:
    """Built once per process and language (called with `language` active): fixed vocabulary only."""
    return _RowTexts(
        positions={value: escape(str(label)) for value, label in Position.choices},
        why_label=escape(_("How these figures are counted")),
        why_open=escape(_("Show the courses and training these days come from")),
        at_risk=_("(at risk: %(n)s days beyond the annual pace)"),
    )


def _behind_rows_html(rows: list[dict[str, Any]]) -> SafeString:
    """The rows' HTML (BEHIND_ROW_HTML) in one pass over the page's `.values()` dicts: the texts every row shares
    escaped once per process and language (_row_texts), the two URLs reversed once per page, a province or
    organisation name escaped once per page, numbers written as they are (digits need no escaping); only the
    official's name is escaped per row. The explanation of the figures is not rendered here: the row's <details>
    loads it when opened (behind_why).

    Before: html_rows over Row objects escaped all 12 cells of every row through Django's lazy-aware escape and
    copied each row's person columns into a second Row: 3.6 ms of CPU for 50 rows."""
    language = get_language()
    zh = is_chinese(language)
    texts = _row_texts(language)
    official_prefix, official_suffix = detail_url_parts("academy:official")
    why_prefix, why_suffix = detail_url_parts("academy:behind-why")
    provinces_seen: dict[tuple[str, str], str] = {}
    organisations_seen: dict[tuple[str | None, str | None], str] = {}
    windows_seen: dict[tuple[bool, int, int, int], str] = {}
    family_en, given_en, family_zh, given_zh = _PERSON_NAMES
    out = []
    for r in rows:
        person = _PersonRow(
            {
                "family_name_en": r[family_en],
                "given_name_en": r[given_en],
                "family_name_zh_hans": r[family_zh],
                "given_name_zh_hans": r[given_zh],
            }
        )
        key = (r["official__province_code"], r["official__province"])
        if (province := provinces_seen.get(key)) is None:
            province = provinces_seen[key] = escape(provinces.province_name(key[0], language) or key[1])
        names = (r[_ORGANISATION_EN], r[_ORGANISATION_ZH])
        if (organisation := organisations_seen.get(names)) is None:
            en, zh_name = names[0] or "", names[1] or ""
            organisation = organisations_seen[names] = escape((zh_name or en) if zh else (en or zh_name))
        window = (r["window_start"] is not None, r["window_days"], r["window_required"], r["window_gap"])
        if (cell := windows_seen.get(window)) is None:
            cell = windows_seen[window] = _window_cell(*window, texts.at_risk)
        position = r["official__position"]
        why_url = f"{why_prefix}{r['id']}{why_suffix}"
        out.append(
            BEHIND_ROW_HTML.format(
                url=f"{official_prefix}{r['official_id']}{official_suffix}",
                name=escape(person.display_name(language)),
                position=texts.positions.get(position) or escape(str(position)),
                organisation=organisation,
                province=province,
                total_days=r["total_days"],
                required_days=r["required_days"],
                shortfall=r["shortfall"],
                window=cell,
                why_url=why_url,
                why_label=texts.why_label,
                why_open=texts.why_open,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every text escaped above, the rest are numbers and our URLs


def _window_cell(has_window: bool, days: int, required: int, gap: int, at_risk: str) -> str:
    """The five-year window's days (integers), and the days at risk when there are any."""
    if not has_window:
        return "–"
    risk = f' <small class="at-risk">{escape(at_risk % {"n": gap})}</small>' if gap else ""
    return f"{int(days)} / {int(required)}{risk}"


def _organisation_filter(params: dict, user: User) -> SafeString:
    """The organisation filter: a search by part of the name, in either language (there are thousands of
    organisations: a drop-down could only offer some). An organisation picked by key (`?organisation=`, a link)
    is shown chosen, with "All" beside it to drop it."""
    if params["organisation"]:
        try:
            organisation = core_selectors.organisation_get(user=user, pk=params["organisation"])
        except Http404:
            organisation = None
        if organisation is not None:
            return format_html(
                '<select name="organisation"><option value="">{}</option><option value="{}" selected>{}</option>'
                "</select>",
                _("All"),
                organisation.pk,
                organisation.display_name(),
            )
    return format_html(
        '<input type="search" name="organisation_q" value="{}" maxlength="100" placeholder="{}">',
        params["organisation_q"],
        _("Part of the name, in English or Chinese"),
    )


PAGE_SIZE = 50


def _cursor(value: str | None) -> tuple[int, int] | None:
    """`?after=` or `?before=`: "<the rule's key value>,<official>" of the row a page starts after or ends before;
    None when it is anything else (the page is then found by its number)."""
    value, _, official = (value or "").partition(",")
    value, official = whole_number(value), whole_number(official)
    return None if value is None or official is None else (value, official)


def _rows_by_keys(qs: QuerySet[TrainingSummary], offset: int, limit: int) -> list[dict[str, Any]]:
    """`qs[offset:offset + limit]` as BEHIND_ROW_FIELDS dicts, for a page past the first or sorted by a column
    (`?sort=`, no index for it under the rule's filter): the page's keys are found by a narrow query, then the rows
    are read by key only (core.paging.rows_by_keys, a query compiled once per process):
    - kept on the rows' query, the year and rule filters made SQLite walk the rule's index again from the top and
      test every row against the keys (page 399 of 20,000 officials: 9 ms of SQL, against 2 ms by key);
    - sorted by a column, the database sorts every behind row's key and sort value instead of every row with its
      17 columns and joins (sorted by shortfall, days or window: 2-3 times faster; by name, organisation or
      province, the sort needs the joins either way and costs the same).
    The keys carry every filter, the user's scope and the order (core.paging.read_keys)."""
    keys = read_keys(qs, offset, limit)
    return rows_by_keys(qs.db, TrainingSummary, BEHIND_ROW_FIELDS, keys)


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
    if not request.user.has_perm("academy.view_compliance"):
        raise PermissionDenied
    params = _behind_params(request)
    choices = selectors.behind_filter_choices(user=request.user)
    prepared = params["year"] in choices["prepared_years"]  # a year nobody prepared yet lists nothing
    # no COUNT(*): at 200,000 officials a filtered count costs more than the page itself; fetch one row more
    # than a page to know whether there is a next one
    try:
        number = max(1, min(int(request.GET.get("page", "1")), 100_000))
    except ValueError:
        number = 1
    size, sort, chunk = PAGE_SIZE, "", []
    after, before = _cursor(request.GET.get("after")), _cursor(request.GET.get("before"))
    sorted_by = prepared and bool(request.GET.get("sort"))
    seeking = prepared and not sorted_by and number > 1 and bool(after or before)
    backwards = seeking and after is None
    if sorted_by:  # no index for a column under the rule's filter: keys by offset
        qs = selectors.behind_list(user=request.user, **params)
        qs, sort = sort_queryset(request, qs, behind_sorts(), "-shortfall", tiebreaker="official_id")
        chunk = _rows_by_keys(qs, (number - 1) * size, size + 1)
    elif seeking:  # Next or Previous: from the row they were clicked beside
        chunk = selectors.behind_seek(
            user=request.user,
            **params,
            columns=BEHIND_ROW_FIELDS,
            cursor=after or before,
            limit=size + 1,
            backwards=backwards,
        )
    elif prepared and number > 1:  # a page asked for by its number: its keys walked by offset
        chunk = _rows_by_keys(selectors.behind_list(user=request.user, **params), (number - 1) * size, size + 1)
    elif prepared:
        chunk = selectors.behind_first(user=request.user, **params, columns=BEHIND_ROW_FIELDS, limit=size + 1)
    if backwards:  # read backwards: the extra row says whether a page comes before
        rows, has_previous, has_next = chunk[-size:], len(chunk) > size, True
    else:
        rows, has_previous, has_next = chunk[:size], number > 1, len(chunk) > size
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    pages = f"?{query.urlencode()}&" if query else "?"
    previous_url, next_url = f"{pages}page={number - 1}", f"{pages}page={number + 1}"
    if rows and not sort:  # the first or last row's cursor: the next step reads only its own rows (behind_seek)
        key, first, last = selectors.behind_key(params["rule"]), rows[0], rows[-1]
        if number > 2:
            previous_url += f"&before={first[key]},{first['official_id']}"
        next_url += f"&after={last[key]},{last['official_id']}"
    rules = selectors.compliance_rules()
    language = get_language()
    fixed = _fixed_options(language, timezone.localdate().year)
    return render(
        request,
        "academy/behind.html",
        {
            "rows": rows,
            "rows_html": _behind_rows_html(rows),
            "page_number": number,
            "sort": sort,
            "has_next": has_next,
            "has_previous": has_previous,
            "previous_url": previous_url,
            "next_url": next_url,
            "querystring_without_page": f"{query.urlencode()}&" if query else "",
            **params,
            "filters_html": _filters_html(
                language,
                {
                    "rules": with_selected(fixed.rules, params["rule"]),
                    "years": with_selected(fixed.years, params["year"]),
                    "academies": with_selected(choices["academy_options"], params["academy"]),
                    "organisations": _organisation_filter(params, request.user),
                    "provinces": with_selected(fixed.province_select, params["province"]),
                    "positions": with_selected(fixed.positions, params["position"]),
                    "sort": format_html('<input type="hidden" name="sort" value="{}">', sort) if sort else "",
                },
            ),
            "prepared": prepared,
            "can_prepare": request.user.is_program_staff,
            **choices,
            "rules": rules,
            "counting_rules_html": _counting_rules_html(language, rules),
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
