"""`{{ text|quoted_markdown }}`: a source quoted from the shared facts sheet (EMISSION_FACTORS.md) keeps its light
Markdown (**bold**, *italic*, numbered lines). Shown as it is, the reader sees asterisks; this renders those three
things, after escaping everything, and nothing else (no links, no HTML from the text)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")


@register.filter
def quoted_markdown(text: object) -> SafeString:
    html = escape("" if text is None else str(text))
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    return mark_safe("<br>".join(html.splitlines()))  # noqa: S308 - escaped above; only the three tags added
