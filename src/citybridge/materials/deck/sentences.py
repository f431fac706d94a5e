"""Sentence splitting for English and Chinese slide text.

A paragraph's text is cut into sentences after ``. ! ?`` (followed by white space, then something that may begin
a sentence), after Chinese ``。！？`` and ``……`` (no space needed), with closing quotes and brackets kept on the
sentence they close, and at every line break. Common English abbreviations (``e.g.``, ``Dr.``, ``U.S.``) and
decimals (``1.5``) do not end a sentence. The white space between sentences belongs to no sentence.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs cf dr mr mrs ms prof st no fig approx dept est inc ltd co corp jr sr u.s u.k p.r.c a.m p.m".split()
)
_CLOSERS = "\"'”’)）」』】》"
# a Chinese sentence end (with closing quotes); an English one needs white space after it
_ZH_END = re.compile(r"(?:[。！？]+|…{1,2}|\.{3})[" + re.escape(_CLOSERS) + r"]*")
_EN_END = re.compile(r"[.!?]+[" + re.escape(_CLOSERS) + r"]*(?=\s+[\"'“‘(（A-Z0-9\u4e00-\u9fff])")
LINE_BREAK = "\n"


def _abbreviation_before(text: str, dot: int) -> bool:
    """Is the ``.`` at ``dot`` the end of an abbreviation or initial (``Dr.``, ``U.S.``, ``J.``)?"""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha() and text[start].isupper())


def spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence in ``text``: no leading or trailing white space, never empty."""
    cuts: set[int] = set()
    for m in _ZH_END.finditer(text):
        cuts.add(m.end())
    for m in _EN_END.finditer(text):
        if text[m.start()] == "." and m.end() - m.start() == 1 and _abbreviation_before(text, m.start()):
            continue
        cuts.add(m.end())
    for i, ch in enumerate(text):
        if ch == LINE_BREAK:
            cuts.add(i)
            cuts.add(i + 1)
    out: list[tuple[int, int]] = []
    start = 0
    for cut in sorted(cuts) + [len(text)]:
        if cut <= start:
            continue
        a, b = start, cut
        while a < b and (text[a].isspace()):
            a += 1
        while b > a and (text[b - 1].isspace()):
            b -= 1
        if a < b:
            out.append((a, b))
        start = cut
    return out


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in spans(text)]
