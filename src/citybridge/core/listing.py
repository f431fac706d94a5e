"""Sorting and page-number windows shared by every list page.

`sort_queryset` orders a queryset by a whitelisted key from `?sort=` (`name`, `-name`); the raw parameter never
reaches `order_by`: only the database fields listed under the key are used, and `id` is appended as a stable
tie-breaker. The view passes the returned `sort` to the template, where `{% sort_header "Name" "name" %}` (from
`{% load listing %}`) draws a clickable column header with an arrow showing the direction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F, QuerySet

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from django.db.models.expressions import OrderBy
    from django.http import HttpRequest

    from .models import User


SORT_PARAM = "sort"


def _order(field: str | F, descending: bool) -> OrderBy:
    """`-field` in the whitelist means "descending when the column is ascending" (e.g. newest first)."""
    if isinstance(field, F):
        return field.desc() if descending else field.asc()
    if field.startswith("-"):
        field, descending = field[1:], not descending
    return F(field).desc() if descending else F(field).asc()


def sort_key(request: HttpRequest, allowed: dict[str, tuple[str | F, ...]], default: str) -> str:
    """The requested sort if it is whitelisted (`key` or `-key`), else `default`."""
    raw = (request.GET.get(SORT_PARAM) or "").strip()[:50]
    return raw if raw.removeprefix("-") in allowed else default


def sort_queryset(
    request: HttpRequest, qs: QuerySet, allowed: dict[str, tuple[str | F, ...]], default: str, tiebreaker: str = "id"
) -> tuple[QuerySet, str]:
    """Order `qs` by `?sort=` among `allowed` (key → database fields); returns the queryset and the sort applied.

    `tiebreaker` (a unique column, `id` unless the rows are unique by another) ends every order, so the pages of a
    list never repeat or skip a row whose sort values tie.
    """
    key = sort_key(request, allowed, default)
    return sorted_by(qs, allowed, key, tiebreaker), key


def sorted_list(
    *,
    user: User,
    selector: Callable[..., QuerySet],
    sorts: Callable[[], dict],
    sort: str,
    tiebreaker: str = "id",
    **filters: Any,
) -> QuerySet:
    """`selector(user=user, **filters)` ordered by `sort` among `sorts()`: a list page's queryset, built by
    core.views.paginate_sorted through core.paging.Kept (so `selector` must be a builder as Kept describes)."""
    return sorted_by(selector(user=user, **filters), sorts(), sort, tiebreaker)


def sorted_by(qs: QuerySet, allowed: dict[str, tuple[str | F, ...]], key: str, tiebreaker: str = "id") -> QuerySet:
    """`qs` ordered by `key` (`sort_key`'s) as sort_queryset orders it."""
    descending = key.startswith("-")
    fields = allowed[key.removeprefix("-")]
    order = [_order(f, descending) for f in fields]
    if tiebreaker not in fields:
        order.append(F(tiebreaker).asc())  # always ascending: matches the indexes that end with the id
    return qs.order_by(*order)


def page_window(number: int, num_pages: int, radius: int = 2) -> list[int]:
    """Page numbers around the current one (`radius` either side), always within 1..num_pages."""
    if num_pages < 1:
        return []
    start, end = max(1, number - radius), min(num_pages, number + radius)
    return list(range(start, end + 1))


def localized(*fields: str, language: str | None = None) -> tuple[str, ...]:
    """Per-language columns for the active language first, then the other (`name` → `name_zh_hans`, `name_en`)."""
    from .models import is_chinese

    first, second = ("zh_hans", "en") if is_chinese(language) else ("en", "zh_hans")
    return tuple(f"{f}_{first}" for f in fields) + tuple(f"{f}_{second}" for f in fields)


def name_order(
    *fields: str, prefix: str = "", pinyin: str = "pinyin_name", language: str | None = None
) -> tuple[str, ...]:
    """A name sort's columns (`prefix` for a related row's, e.g. `organisation__`): in Chinese the name in pinyin
    first (core.pinyin: 张 after 李, as Chinese users sort), then the columns as `localized` orders them."""
    from .models import is_chinese

    columns = localized(*fields, language=language)
    if is_chinese(language):
        columns = (pinyin, *columns)
    return tuple(f"{prefix}{c}" for c in columns)


def listed(items: Iterable[object], language: str | None = None) -> str:
    """Items in running text: "a, b" in English, "a、b" in Chinese (the enumeration comma, never a half-width one);
    `language` defaults to the active one. The `|listed` filter of `{% load listing %}` is this."""
    from .models import is_chinese

    return ("、" if is_chinese(language) else ", ").join(str(item) for item in items)
