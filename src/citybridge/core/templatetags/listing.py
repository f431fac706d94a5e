"""`{% sort_header label key %}`: a sortable column header; `{% page_links %}`: numbered pagination links;
`{{ items|listed }}`: a list in running text; `{% money amount code %}` and `{{ code|currency_word }}`;
`{% colon %}` after a label; `{% comma %}` between
the items of a list written out in a loop; `{% lparen %}…{% rparen %}` around an aside — each with Chinese
punctuation in Chinese."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from citybridge.core import listing
from citybridge.core.history import actor_name
from citybridge.core.listing import SORT_PARAM, page_window
from citybridge.core.rows import date_range_html

if TYPE_CHECKING:
    from datetime import date

    from django.http import HttpRequest
    from django.template import Context

    from citybridge.core.models import User

register = template.Library()


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


@register.filter
def actor(user: User | None) -> str:
    """`{{ user|actor }}`: who did or does something, by name (core.history.actor_name); never an e-mail when the
    account belongs to a person."""
    return actor_name(user)


#: currencies as Chinese text names them (150,000.00元, 以美元计); other codes stay ISO 4217 codes
_CURRENCY_ZH = {"CNY": "元", "RMB": "元", "USD": "美元", "EUR": "欧元", "GBP": "英镑", "HKD": "港元", "JPY": "日元"}


@register.filter
def currency_word(code: str | None) -> str:
    """A currency as a sentence names it: 美元 in Chinese ("以美元计"), the ISO code (USD) in English."""
    code = (code or "").upper()
    if _chinese() and code in _CURRENCY_ZH:
        return "人民币" if _CURRENCY_ZH[code] == "元" else _CURRENCY_ZH[code]
    return code


@register.simple_tag
def money(amount: object, code: str | None) -> str:
    """An amount with its currency as a reader writes it: “150,000.00元”, “1,200.00美元” in Chinese, “CNY 150,000.00”
    in English; nothing when there is no amount."""
    from django.template.defaultfilters import floatformat

    if amount is None or amount == "":
        return ""
    number, code = floatformat(amount, "2g"), (code or "").upper()
    if _chinese() and code in _CURRENCY_ZH:
        return f"{number}{_CURRENCY_ZH[code]}"
    return f"{code} {number}".strip()


@register.filter
def percent(fraction: object, digits: int = 1) -> str:
    """A rate or share kept as a fraction (0.0314) as a reader writes it: "3.1 %" (`|percent:0`: "97 %"), the number
    and its unit joined by a no-break space so that a narrow column never splits them; "—" when there is none."""
    if fraction is None or fraction == "":
        return "—"
    try:
        return f"{float(fraction) * 100:.{int(digits)}f}\u00a0%"
    except (TypeError, ValueError):
        return "—"


listed = register.filter("listed", listing.listed)  # `{{ items|listed }}`: "a, b" / "a、b"


@register.simple_tag
def colon() -> str:
    """After a label ("Course: …"): the full-width colon in Chinese (课程：…), ": " in English."""
    return "：" if _chinese() else ": "


@register.simple_tag
def comma(kind: str = "list") -> str:
    """Between list items written out one by one (links): "、" in Chinese, ", " in English (as `listed`);
    `{% comma "clause" %}` between parts of a phrase that are not a list (西藏，86,280 人): "，"."""
    if _chinese():
        return "，" if kind == "clause" else "、"
    return ", "


@register.simple_tag
def semicolon() -> str:
    """Between the parts of a line that are lists themselves (topics; technologies): "；" in Chinese, "; " in
    English."""
    return "；" if _chinese() else "; "


@register.simple_tag
def lparen() -> str:
    """An aside's opening parenthesis: "（" in Chinese, " (" in English; `{% rparen %}` closes it."""
    return "（" if _chinese() else " ("


@register.simple_tag
def rparen() -> str:
    return "）" if _chinese() else ")"


@register.simple_tag
def sentence_space() -> str:
    """Between two sentences: a space in English; nothing in Chinese, whose "。" carries its own width (a space
    after it reads as a stray gap: "从不手工填写。 最近计算"). The sentences go on one template line, so that no
    line break adds the space back."""
    return "" if _chinese() else " "


@functools.lru_cache(maxsize=8)
def _page_link_words(language: str) -> dict[str, str]:
    """The pagination's words, translated and escaped once per process and language (called with `language` active):
    nine lookups and escapes on every list page before."""
    words = {
        "first": _("First"),
        "first_page": _("First page"),
        "previous": _("Previous"),
        "next": _("Next"),
        "last": _("Last"),
        "last_page": _("Last page"),
        "status": _("Page %(number)s of %(total)s"),  # escaped before the numbers go in: digits need no escaping
        "pages": _("Pages"),
    }
    return {key: escape(word) for key, word in words.items()}


@register.simple_tag(takes_context=True)
def page_links(context: Context) -> SafeString:
    """The numbered pagination of a list (`page_obj`, `querystring_without_page` from core.views.paginate): first,
    previous, the page numbers around the current one, next, last and "page N of M"; nothing for a single page.
    Built in one pass (as a template it cost a node render per link on every list page)."""
    page = context.get("page_obj")
    if page is None or page.paginator.num_pages <= 1:
        return mark_safe("")  # noqa: S308 - empty
    query = conditional_escape(context.get("querystring_without_page", ""))
    number, last = page.number, page.paginator.num_pages
    words = _page_link_words(get_language() or settings.LANGUAGE_CODE)

    def link(target: int, text: str, extra: str = "") -> str:
        return f'<li><a href="?{query}page={target}"{extra}>{text}</a></li>'

    items = []
    if number > 1:
        items.append(link(1, f"« {words['first']}", f' aria-label="{words["first_page"]}"'))
        items.append(link(number - 1, f"‹ {words['previous']}", ' rel="prev"'))
    window = page_window(number, last)
    gap = '<li><span aria-hidden="true">…</span></li>'
    if window[0] > 1:
        items.append(gap)
    for n in window:
        items.append(f'<li><a aria-current="page" class="current">{n}</a></li>' if n == number else link(n, str(n)))
    if window[-1] < last:
        items.append(gap)
    if number < last:
        items.append(link(number + 1, f"{words['next']} ›", ' rel="next"'))
        items.append(link(last, f"{words['last']} »", f' aria-label="{words["last_page"]}"'))
    status = words["status"] % {"number": int(number), "total": int(last)}
    items.append(f'<li><span class="muted">{status}</span></li>')
    return mark_safe(f'<nav class="pagination" aria-label="{words["pages"]}"><ul>{"".join(items)}</ul></nav>')  # noqa: S308 - every part escaped above


def _sort_query_parts(request: HttpRequest) -> tuple[str, str]:
    """The request's query string without `page`, encoded once per request and cut where `sort` stands (at the end
    when there is none): each sortable column's link puts its own `sort` between the two parts, so that it reads as
    `QueryDict.urlencode()` writes the query with `sort` set and `page` dropped. A page has up to seven sortable
    columns; a QueryDict copy per column was a deepcopy each."""
    parts = request.__dict__.get("_sort_query_parts")
    if parts is None:
        before: list[str] = []
        after: list[str] = []
        seen = False
        for key, values in request.GET.lists():
            if key == SORT_PARAM:
                seen = True
            elif key != "page":
                (after if seen else before).extend(urlencode({key: value}) for value in values)
        parts = request.__dict__["_sort_query_parts"] = ("&".join(before), "&".join(after))
    return parts


@register.simple_tag(takes_context=True)
def sort_header(context: Context, label: str, key: str) -> SafeString:
    """A `<th>` with a link that sorts by `key`; the current column shows ▲ / ▼ and `aria-sort`.

    A second click reverses the direction; any other column starts ascending. The link keeps the filters and
    drops `page` (a new order starts at page one).
    """
    current = context.get("sort") or ""
    active = current.removeprefix("-") == key
    descending = active and current.startswith("-")
    target = (key if descending else f"-{key}") if active else key
    before, after = _sort_query_parts(context["request"])
    href = escape("?" + "&".join(part for part in (before, urlencode({SORT_PARAM: target}), after) if part))
    label = conditional_escape(label)
    if active:
        arrow = "▼" if descending else "▲"
        state = escape(_("sorted descending") if descending else _("sorted ascending"))
        aria = "descending" if descending else "ascending"
        return mark_safe(  # noqa: S308 - the link and every text escaped above
            f'<th scope="col" aria-sort="{aria}"><a href="{href}" class="sort-link active">{label} '
            f'<span aria-hidden="true">{arrow}</span><span class="visually-hidden">{lparen()}{state}{rparen()}</span>'
            "</a></th>"
        )
    return mark_safe(f'<th scope="col"><a href="{href}" class="sort-link">{label}</a></th>')  # noqa: S308 - escaped


@register.filter
def with_selected(options: str, value: object) -> SafeString:
    """`{{ options|with_selected:value }}`: options_html rendered without a selection (e.g. cached), with the option
    whose value is `value` marked selected (a string replacement, not a new pass over every option)."""
    html = str(options)
    if value not in (None, ""):
        key = f'<option value="{conditional_escape(str(value))}"'
        html = html.replace(f"{key}>", f"{key} selected>", 1)
    return mark_safe(html)  # noqa: S308 - options_html escaped every value and label


@register.simple_tag
def province_select(name: str, selected: str, options: str) -> SafeString:
    """`{% province_select "province" selected options %}`: a filter's province drop-down (the options from
    core.paging.province_options, `selected` marked), with its label and "all" option; a tag, not an included
    template (an include looked the template up and rendered its nodes on every list page that filters by it)."""
    return format_html(
        '<select name="{}" aria-label="{}"><option value="">{}</option>{}</select>',
        name,
        _("Province or state"),
        _("All provinces and states"),
        with_selected(options, selected),
    )


@register.filter
def date_range(start: date | None, end: date | None) -> SafeString:
    """`{{ start|date_range:end }}`: the period as core.rows.date_range_html writes it (至 in Chinese, one year and
    month where both ends share them, no break inside a date)."""
    return date_range_html(start, end)
