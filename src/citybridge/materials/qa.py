"""Quality checks on one translated segment (English ↔ Chinese), plain Python.

Codes (``severity`` "error" blocks a rebuild in the app, "warning" is shown to the translator):

- ``empty_target`` (error): nothing but white space or tags.
- ``tag_missing`` / ``tag_extra`` / ``tag_unbalanced`` / ``tag_malformed`` / ``tag_unknown`` (error): the target's
  tags do not match the source's (``deck.tags.compare``, the check ``write_translation`` applies).
- ``tag_reordered`` (warning): the same tags in another order (often right in Chinese, worth a look).
- ``number_mismatch`` (error): the numbers differ. ``1,000`` = ``1000``; ``1.2万`` = ``12,000``; ``3亿`` =
  ``300 million``; ``5千`` = ``5 thousand``; full-width digits count. Not understood: numbers written in Chinese
  characters (三十) or words (thirty), percentages spelled out (百分之三十), dates in different calendars. English month names (capitalised) count as their number, so
  ``28 November 2026`` = ``2026年11月28日``.
- ``glossary_missing`` (warning): a glossary term of the source whose target term(s) the target lacks.
- ``untranslated`` (warning): the target's text equals the source's (case, width and spacing aside).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .deck.tags import TagError, compare, plain, tag_list
from .glossary import Glossary

_MULTIPLIERS = {
    "万亿": Decimal(10) ** 12,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
    "千": Decimal(10) ** 3,
    "百万": Decimal(10) ** 6,
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
}
_NUMBER_RE = re.compile(
    r"(?<![A-Za-z0-9_.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(万亿|亿|百万|万|千|thousand|million|billion|trillion)(?![a-z]))?",
    re.IGNORECASE,
)


_MONTHS = "January February March April May June July August September October November December".split()
# a capitalised English month name counts as its number, so "28 November 2026" matches "2026年11月28日"
_MONTH_RE = re.compile(r"\b(" + "|".join(m + "|" + m[:3] + r"\.?" for m in _MONTHS if m != "May") + r"|May)\b")
_MONTH_NUMBER = {m: i for i, m in enumerate(_MONTHS, 1)} | {m[:3]: i for i, m in enumerate(_MONTHS, 1)}


@dataclass(frozen=True)
class QAIssue:
    code: str
    severity: str  # "error" | "warning"
    detail: str = ""


def numbers(text: str) -> Counter:
    """The numbers of a plain text as exact values (``Decimal``), with Chinese and English multipliers applied."""
    out: Counter = Counter()
    for m in _NUMBER_RE.finditer(unicodedata.normalize("NFKC", text)):
        try:
            value = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
        except InvalidOperation:
            continue
        if m.group(3):
            value *= _MULTIPLIERS[m.group(3).lower()]
        out[value.normalize()] += 1
    for m in _MONTH_RE.finditer(text):
        out[Decimal(_MONTH_NUMBER[m.group(1).rstrip(".")])] += 1
    return out


def _same_text(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip().casefold()  # noqa: E731
    return norm(a) == norm(b)


def check_segment(
    source: str,
    target: str,
    *,
    source_lang: str = "en",
    target_lang: str = "zh",
    glossary: Glossary | None = None,
) -> list[QAIssue]:
    """Every issue of ``target`` (tagged) as a translation of ``source`` (tagged); [] when it passes."""
    issues: list[QAIssue] = []
    src_plain, tgt_plain = plain(source), plain(target)
    if not tgt_plain.strip():
        return [QAIssue("empty_target", "error")]
    try:
        compare(source, target)
        src_names = [t.open() for t in tag_list(source)]
        tgt_names = [t.open() for t in tag_list(target)]
        if src_names != tgt_names:
            issues.append(QAIssue("tag_reordered", "warning", " ".join(tgt_names)))
    except TagError as e:
        issues.append(QAIssue(e.code, "error", e.tag))
    src_numbers, tgt_numbers = numbers(src_plain), numbers(tgt_plain)
    if src_numbers != tgt_numbers:
        missing = sorted(f"{v:f}" for v in (src_numbers - tgt_numbers).elements())
        extra = sorted(f"{v:f}" for v in (tgt_numbers - src_numbers).elements())
        issues.append(QAIssue("number_mismatch", "error", f"missing {missing} extra {extra}"))
    if glossary is not None:
        for hit in glossary.find(src_plain, source_lang):
            if not any(glossary.has_target(tgt_plain, t, target_lang) for t in hit.targets):
                issues.append(QAIssue("glossary_missing", "warning", f"{hit.found} → {' / '.join(hit.targets)}"))
    if any(ch.isalpha() for ch in src_plain) and _same_text(src_plain, tgt_plain):
        issues.append(QAIssue("untranslated", "warning"))
    return issues
