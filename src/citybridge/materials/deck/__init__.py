"""PPTX text in and out, plain Python (python-pptx + lxml), no Django.

segments = extract(data, Limits(max_bytes=...))          # list[Segment], raises DeckError
out = write_translation(data, {seg.id: "<b>…</b> …"})    # bytes, raises TagError / DeckError
result = translate_deck(data, translations)              # .data, .overflows (heuristic), .applied, .unknown
"""

from .extract import Segment, extract
from .safety import DeckError, Limits, check_deck
from .sentences import split as split_sentences
from .tags import Tag, TagError, compare, plain, tag_list
from .write import Overflow, TranslatedDeck, check_translations, translate_deck, write_translation

__all__ = [
    "DeckError",
    "Limits",
    "Overflow",
    "Segment",
    "Tag",
    "TagError",
    "TranslatedDeck",
    "check_deck",
    "check_translations",
    "compare",
    "extract",
    "plain",
    "split_sentences",
    "tag_list",
    "translate_deck",
    "write_translation",
]
