"""Rows of a list page read with `.values()` instead of model instances.

A model instance costs a list page most of its time after the template: `Model.__init__` walks every field,
sends `pre_init`/`post_init` (simple_history and modeltranslation listen), and a `select_related` row builds one
instance per joined table (a person and its organisation: two). A page of 50 people as instances took 3.1 ms of
CPU, the same 50 rows as `.values()` dicts 0.8 ms (issue 9). A `Row` keeps what the templates and views use: the
columns as attributes (`row.title_en`, `row.organisation__name_en`), `row.pk`, and the display methods of the
model it stands for, borrowed unchanged (`row_class(Person, "display_name", "full_name_en", "full_name_zh")`), so
a name is still put together by the one method that knows how.
"""

from __future__ import annotations

import functools
import html
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import dateformat, timezone, translation
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import Model


class Row:
    """One `.values()` row: its keys as attributes; `pk` is `id`."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    @property
    def pk(self) -> Any:  # noqa: ANN401 - whatever the primary key is
        return self.id

    def related(self, prefix: str, cls: type[Row]) -> Row | None:
        """The joined row under `prefix__` (e.g. `organisation`) as a `cls`; None when its key is null."""
        values = self.__dict__
        picked = {name: values[key] for key, name in _prefixed(prefix, tuple(values))}
        return cls(picked) if picked.get("id") is not None else None


@functools.lru_cache(maxsize=256)
def _prefixed(prefix: str, keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(key, key without `prefix__`) of the keys under `prefix__`: found once per list's columns, not per row (a
    page's 50 rows share them; a `startswith` per key and row was most of what `related` cost, issue 9)."""
    start = f"{prefix}__"
    return tuple((key, key.removeprefix(start)) for key in keys if key.startswith(start))


def row_class(model: type[Model], *methods: str) -> type[Row]:
    """A Row class for `model` that borrows the model's `methods` (they may read only the columns selected)."""
    return type(f"{model.__name__}Row", (Row,), {name: model.__dict__[name] for name in methods})


def rows(values: Iterable[dict[str, Any]], cls: type[Row] = Row) -> list[Row]:
    return [cls(v) for v in values]


def choice_labels(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """A choice list's labels translated once, into the active language, for a page of rows: a lazy label is
    translated again each time it is turned into text (once per row and column otherwise)."""
    return {value: str(label) for value, label in choices}


def html_rows(row_html: str, cells: Iterable[dict[str, Any]]) -> SafeString:
    """`row_html.format(**cells)` for each row, every value escaped (a SafeString stays as it is).

    A `{% for %}` over 50 rows of four `{{ }}` each was about half of a list page's template time (each variable
    goes through the template engine's lookup, localisation and escaping); the row's HTML is a constant next to
    the view that fills it."""
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(row_html.format_map({k: escaped(v) for k, v in row.items()}) for row in cells)
    )


def escaped(value: object) -> str:
    """`conditional_escape(value)`, the same text: HTML (`__html__`) as it is, anything else `str()`-ed and escaped
    by `html.escape`, as Django's `escape` does, without its lazy-argument check and SafeString per cell (a list page
    escapes 250-350 cells)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@functools.lru_cache(maxsize=4096)
def _date_text(value: date, language: str) -> str:
    return _formatted(value, "DATE_FORMAT", language)


def _formatted(value: date, format_name: str, language: str) -> str:
    """`value` in `language`'s format, with that language's month and weekday names: dateformat takes the names
    from the active language, so an English date written during a Chinese request read "十一月 30, 2026" (and,
    remembered, stayed so for every later reader)."""
    with translation.override(language):
        return dateformat.format(value, get_format(format_name, lang=language))


def date_text(value: date | None, language: str | None = None) -> str:
    """A date as `{{ value }}` shows it in `language` (DATE_FORMAT; default: the active language): 2026年11月28日,
    Nov. 28, 2026. The one helper for a date inside a sentence (messages, labels, e-mails, exports written for a
    reader; machine-read fields stay ISO). A datetime is shown in the current time zone with DATETIME_FORMAT.

    Dates are remembered per (date, language): Django's dateformat builds a formatter object and walks the format
    string on every call (40 µs; a list page has 100 dates). The same date and language always give the same text."""
    if value is None:
        return ""
    language = language or get_language() or settings.LANGUAGE_CODE
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return _formatted(value, "DATETIME_FORMAT", language)
    return _date_text(value, language)


@functools.lru_cache(maxsize=4096)
def _date_range_parts(start: date, end: date, language: str) -> tuple[str, str, str]:
    """(first, joiner, second) of a period, as each language writes one: the year and month the two ends share are
    written once. Chinese joins with 至 (2027年1月18日至31日, 2026年12月28日至2027年1月10日), English with an en
    dash (Jan. 18 – 31, 2027). Remembered per (start, end, language), as date_text is: the course list writes
    50 periods a page."""
    if language.lower().startswith("zh"):
        if (start.year, start.month) == (end.year, end.month):
            second = _formatted(end, "j日", language)
        elif start.year == end.year:
            second = _formatted(end, "MONTH_DAY_FORMAT", language)
        else:
            second = date_text(end, language)
        return date_text(start, language), "至", second
    if start.year != end.year:
        first, second = date_text(start, language), date_text(end, language)
    else:
        first = _formatted(start, "N j", language)
        second = _formatted(end, "j, Y" if start.month == end.month else "N j, Y", language)
    return first, " – ", second


def date_range_text(start: date | None, end: date | None, language: str | None = None) -> str:
    """A period from `start` to `end` (dates) in `language` (default: the active one), for text (PDFs, messages);
    one day is that date, an open end is the other date alone. Pages use `date_range_html`, which keeps each date on
    one line."""
    language = language or get_language() or settings.LANGUAGE_CODE
    if start is None or end is None or start == end:
        return date_text(start or end, language)
    first, joiner, second = _date_range_parts(start, end, language)
    return f"{first}{joiner}{second}"


def date_range_html(start: date | None, end: date | None, language: str | None = None) -> SafeString:
    """`date_range_text` for a page: each end a `nowrap` span, so a date never breaks inside itself (a Chinese date
    breaks between any two characters otherwise: 2027年1 / 月10日)."""
    return _date_range_html(start, end, language or get_language() or settings.LANGUAGE_CODE)


@functools.lru_cache(maxsize=4096)
def _date_range_html(start: date | None, end: date | None, language: str) -> SafeString:
    """Remembered per (start, end, language), as the parts are: the course list writes 50 periods a page, and
    `format_html` escapes each part anew on every call."""
    if start is None or end is None or start == end:
        return format_html('<span class="nowrap">{}</span>', date_text(start or end, language))
    first, joiner, second = _date_range_parts(start, end, language)
    return format_html('<span class="nowrap">{}</span>{}<span class="nowrap">{}</span>', first, joiner, second)
