"""Chinese characters in text: one definition for the whole project (an engine: no Django).

A character is Chinese when it is a CJK unified ideograph (the basic block or extension A) or a compatibility
ideograph. Kana, Hangul, and full-width punctuation are not. `materials.deck.walk.CJK_RE` is a different question
(which characters a slide sets in East Asian width) and keeps its own, wider, set.
"""

from __future__ import annotations

import re

HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_han(text: str | None) -> bool:
    """Whether `text` holds a Chinese character (one regex search, not a loop per character)."""
    return bool(text) and HAN_RE.search(text) is not None


def han_count(text: str | None) -> int:
    return len(HAN_RE.findall(text)) if text else 0
