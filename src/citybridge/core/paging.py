"""Page N of a list at the cost of page 1: the rows' keys through the ordering's index, the rows by those keys.

`LIMIT 50 OFFSET 9,900` on a list query makes the database build 9,950 full rows (joins, annotations) and throw
9,900 away, so deep pages grew with the data (issue 9: `/people/?page=N` 70 → 634 ms). Here the offset is walked
by a narrow query that selects only the primary key, which SQLite and PostgreSQL answer from the index of the
ordering (`core_person_name_idx` …) without touching the table, as a subquery (`WHERE id IN (SELECT id … LIMIT 50
OFFSET 9900)`) of the original query, whose joins, annotations and ordering then apply to the page's 50 rows only.
Same number of queries as the plain slice; SQLite and PostgreSQL take LIMIT inside IN (MySQL would not).
A page in the back half of a list whose order ends with the key is walked from the end instead (seek_slice),
so the deepest walk is the middle page's, half the list.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, QuerySet
from django.db.models.query import ModelIterable, ValuesIterable
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import Model

    from .rows import Row


def seekable(queryset: QuerySet) -> bool:
    """A plain queryset of model rows or of `.values()` dicts (core.rows; modeltranslation's subclasses too): no GROUP BY (aggregate annotations),
    DISTINCT or set operation, which a primary-key query would change; those are sliced as before."""
    if not isinstance(queryset, QuerySet) or not issubclass(queryset._iterable_class, (ModelIterable, ValuesIterable)):
        return False
    query = queryset.query
    return not (query.group_by or query.distinct or query.combinator or query.is_sliced)


def _has_subquery(queryset: QuerySet) -> bool:
    return any(
        getattr(node, "subquery", False)
        for annotation in queryset.query.annotations.values()
        for node in annotation.flatten()
    )


def _ends_with_key(queryset: QuerySet) -> bool:
    """Whether the ordering ends with the primary key, so no two rows tie and the reversed ordering lists exactly
    the same rows backwards (core.listing.sort_queryset ends every order so)."""
    query = queryset.query
    ordering = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if not ordering or query.extra_order_by:
        return False
    last = ordering[-1]
    if isinstance(last, OrderBy):
        last = last.expression
    if isinstance(last, F):
        last = last.name
    pk = query.get_meta().pk
    return isinstance(last, str) and last.removeprefix("-") in ("pk", pk.name, pk.attname)


def seek_slice(
    queryset: QuerySet, offset: int, limit: int, *, values: tuple[str, ...] = (), count: int | None = None
) -> QuerySet:
    """`queryset[offset:offset + limit]`, in one query: the rows whose keys are on the page (walked through the
    ordering's index), with the original joins, annotations and ordering. Also on the first page when the rows
    carry a subquery (a count per row), which is then evaluated for the page's rows only. With `values`, the rows
    are `.values(*values)` dicts; the keys are still walked on `queryset` itself, whose key query has only the joins
    its filters and ordering need (the related columns of `values` would join their tables into it too).

    With `count` (the number of rows, which a paginator knows already), a page in the back half is walked from
    the end: the keys through the reversed ordering, which the database reads from the same index backwards, so
    the last pages cost what the first ones do and the middle one is the deepest walk (half the list). Only when
    the ordering ends with the primary key: then no rows tie, and backwards is exactly the same list reversed."""
    rows = queryset.values(*values) if values else queryset
    if not seekable(queryset) or (offset <= 0 and not _has_subquery(queryset)):
        return rows[offset : offset + limit]
    if count is not None and count // 2 < offset < count and _ends_with_key(queryset):
        end = min(offset + limit, count)
        keys = queryset.reverse().values("pk")[count - end : count - offset]
    else:
        keys = queryset.values("pk")[offset : offset + limit]
    return rows.filter(pk__in=keys)


class SeekPaginator(Paginator):
    """Django's Paginator (same Page objects, same count, same orphans) whose pages are fetched by seek_slice.

    With `values` (column names), a page's rows are `.values(*values)` dicts, turned into `row_class` objects
    (core.rows) when given, while the count stays on the queryset itself: `.values()` over a related column joins
    that table, and a join makes SQLite count every row of it (30,000 people: 2.6 ms, against 0.02 ms for the
    table alone, which SQLite counts from its smallest index)."""

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        values: tuple[str, ...] = (),
        row_class: type[Row] | None = None,
        **kwargs: Any,  # noqa: ANN401 - Paginator's own keywords
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.values, self.row_class = values, row_class

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = seek_slice(self.object_list, bottom, top - bottom, values=self.values, count=self.count)
        if self.row_class is not None:
            rows = [self.row_class(values) for values in rows]
        return self._get_page(rows, number, self)


#: a primary key no table reaches (the `id` converter takes at most 18 digits), replaced by each row's own
_MARK = 987654321987654321


def detail_url_parts(viewname: str) -> tuple[str, str]:
    """What comes before and after the key in `reverse(viewname, args=[key])`: one reverse for a page of rows."""
    prefix, _, suffix = reverse(viewname, args=[_MARK]).partition(str(_MARK))
    return prefix, suffix


def detail_urls(rows: Iterable[Model], viewname: str, attr: str = "url") -> None:
    """`row.<attr> = reverse(viewname, args=[row.pk])` for each row, reversing once: only the key differs."""
    prefix, suffix = detail_url_parts(viewname)
    for row in rows:
        setattr(row, attr, f"{prefix}{row.pk}{suffix}")


def options_html(choices: Iterable[tuple[str, str]], selected: str | None) -> str:
    """The `<option>`s of a filter drop-down in one pass (a template loop costs a node render per option: the
    country list has 250)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if selected is not None and value == selected else "", label)
            for value, label in choices
        ),
    )


@functools.lru_cache(maxsize=16)
def _province_options(language: str, countries: tuple[str, ...]) -> str:
    from django.utils.translation import gettext as _

    from . import provinces

    labels = {"CN": _("China"), "US": _("United States")}  # as provinces.grouped_choices labels them
    return format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        ((labels[country], options_html(provinces.choices(country, language), None)) for country in countries),
    )


def province_options(countries: tuple[str, ...] = ("CN", "US")) -> SafeString:
    """The province `<optgroup>`s of a filter (China's, then the US's), built once per process and language: the
    85 options were a template loop on every list page that filters by province. The template marks the
    selected one with `with_selected` (core.templatetags.listing)."""
    return mark_safe(_province_options(get_language() or settings.LANGUAGE_CODE, countries))  # noqa: S308
