"""Segments out of a deck: every sentence of every paragraph of every block, with its formatting as inline tags."""

from __future__ import annotations

import io
from dataclasses import dataclass

from .safety import DeckError, Limits, check_deck
from .sentences import spans
from .tags import Piece, Tag, plain, render
from .walk import Atom, Block, Walk, atoms, walk


@dataclass(frozen=True)
class Segment:
    """One sentence to translate.

    ``id`` is stable across extraction runs of the same file: ``s3/sh2.1/p0/s1`` = slide 3, shape path 2.1,
    paragraph 0, sentence 1; notes ``s3/notes/sh1/p0/s0``; a table cell ``s3/sh4/r1c2/p0/s0``; a chart title
    ``s3/sh5/chart0/p0/s0``; a SmartArt node ``s3/sh6/dm4/p0/s0``. ``source`` is tagged text (see ``tags``)."""

    id: str
    source: str
    context: str  # 'slide' | 'notes' | 'table' | 'chart' | 'smartart'
    slide: int
    shape: str
    paragraph: int
    sentence: int
    hidden: bool = False

    @property
    def text(self) -> str:
        return plain(self.source)


@dataclass
class Sentence:
    """A sentence of a paragraph as the writer needs it: where it is in the paragraph's text and its atoms."""

    id: str
    start: int
    end: int
    tagged: str


def open_presentation(data: bytes, limits: Limits | None = None) -> object:
    """Check, then open, a deck with python-pptx; every refusal is a ``DeckError``."""
    check_deck(data, limits)
    from pptx import Presentation

    try:
        return Presentation(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-pptx raises many kinds (KeyError, XMLSyntaxError …) on a broken file
        raise DeckError("corrupt")


def translatable(text: str) -> bool:
    """A sentence worth translating has a letter (Latin or Chinese); bare numbers, dates, symbols and fields stay."""
    return any(ch.isalpha() for ch in text)


def paragraph_sentences(block: Block, p_index: int, items: list[Atom]) -> list[Sentence]:
    text = "".join(a.text for a in items)
    out: list[Sentence] = []
    for s_index, (start, end) in enumerate(spans(text)):
        pieces = pieces_between(items, start, end)
        tagged = render(pieces)
        if translatable("".join(p.text for p in pieces)):
            out.append(Sentence(f"{block.key}/p{p_index}/s{s_index}", start, end, tagged))
    return out


def pieces_between(items: list[Atom], start: int, end: int) -> list[Piece]:
    pieces: list[Piece] = []
    pos = 0
    for atom in items:
        a, b = pos, pos + len(atom.text)
        pos = b
        if b <= start or a >= end:
            continue
        if atom.kind == "text":
            pieces.append(Piece(atom.text[max(start, a) - a : min(end, b) - a], atom.tags))
        elif atom.kind == "fld":
            pieces.append(Piece("", atom.tags, empty=Tag("fld", str(atom.index))))
        else:
            pieces.append(Piece("", atom.tags, empty=Tag("br")))
    return pieces


def segments_of(w: Walk) -> list[Segment]:
    out: list[Segment] = []
    for block in w.blocks:
        if block.mirror:
            continue
        for p_index, paragraph in enumerate(block.paragraphs):
            for s in paragraph_sentences(block, p_index, atoms(paragraph, block.part)):
                s_index = int(s.id.rsplit("/s", 1)[1])
                out.append(
                    Segment(s.id, s.tagged, block.context, block.slide, block.shape, p_index, s_index, block.hidden)
                )
    return out


def extract(data: bytes, limits: Limits | None = None) -> list[Segment]:
    """Every segment of a deck, in reading order (slide, then its shapes, then its notes).

    Raises ``DeckError`` for anything that is not a sound PPTX within ``limits``. A deck with no text gives []."""
    prs = open_presentation(data, limits)
    try:
        return segments_of(walk(prs))
    except DeckError:
        raise
    except Exception:  # noqa: BLE001 - a part python-pptx opened lazily may still be broken
        raise DeckError("corrupt")
