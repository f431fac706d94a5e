"""`{{ text|quoted_markdown }}`: a source quoted from the shared facts sheet (EMISSION_FACTORS.md) keeps its light
Markdown (**bold**, *italic*, numbered lines). Shown as it is, the reader sees asterisks; this renders those three
things, after escaping everything, and nothing else (no links, no HTML from the text).

`{{ unit|unit_words }}`: a unit with the registry's codes in words in the page's language (kg/US gallon, kg/美制加仑;
climate.labels.unit_words); `{{ value|factor_number:6 }}`: an emission factor's value to at most that many decimals,
grouped, without trailing zeros (10.21, not 10.210000)."""

from __future__ import annotations

import re

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from citybridge.climate import labels

register = template.Library()

unit_words = register.filter("unit_words", labels.unit_words)


@register.filter
def factor_number(value: object, places: int = 6) -> str:
    text = floatformat(value, f"-{int(places)}g")
    if "." in text:  # floatformat writes "." in both languages here (FORMAT_MODULE_PATH: zh_Hans's decimal point)
        text = text.rstrip("0").rstrip(".")
    return text


_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")


@register.filter
def quoted_markdown(text: object) -> SafeString:
    html = escape("" if text is None else str(text))
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    return mark_safe("<br>".join(html.splitlines()))  # noqa: S308 - escaped above; only the three tags added
