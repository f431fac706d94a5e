"""A translated deck: each paragraph with a translated sentence is rebuilt from its runs, the rest left untouched.

A sentence's target text is parsed into pieces; each piece becomes a run whose properties (``a:rPr``) are copied
from a source run of the same paragraph with the same tags, so size, font and everything the tags do not say are
kept; where no source run has that combination of tags, the sentence's first run is copied and its bold, italic,
underline, colour and link set from the tags. Fields come back as the source's own elements, the white space and
line breaks between sentences as they were. Chinese runs get an East Asian font (``a:ea``) and ``lang="zh-CN"``.

After writing, each text box is checked for likely overflow (``Overflow``): **a heuristic** that estimates the
text's height from character counts (a CJK character ≈ 1 em wide, a Latin letter ≈ 0.5 em, lines 1.2 em high) and
the box's size and font size. It has no font metrics and does not know the layout's inherited sizes; treat it as
"look at this slide", not as a measurement.
"""

from __future__ import annotations

import copy
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from . import tags as T
from .extract import Sentence, open_presentation, paragraph_sentences
from .safety import DeckError, Limits
from .walk import CJK_RE, EMU_PER_PT, Atom, Block, Box, atoms, has_cjk, q, walk

_RPR_ORDER = [
    q(t)
    for t in (
        "a:ln a:noFill a:solidFill a:gradFill a:blipFill a:pattFill a:grpFill a:effectLst a:effectDag a:highlight "
        "a:uLnTx a:uLn a:uFillTx a:uFill a:latin a:ea a:cs a:sym a:hlinkClick a:hlinkMouseOver a:rtl a:extLst"
    ).split()
]
_FILLS = {q(t) for t in ("a:noFill", "a:solidFill", "a:gradFill", "a:blipFill", "a:pattFill", "a:grpFill")}
# XML 1.0 refuses these; a translator's paste may carry them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEX = re.compile(r"[0-9A-F]{6}")


@dataclass(frozen=True)
class Overflow:
    """A text box whose translated text likely overflows (heuristic, see the module's docstring).

    ``source_fill`` / ``target_fill``: estimated text height ÷ the box's usable height (1.0 = just fits)."""

    slide: int
    shape: str
    context: str
    source_fill: float
    target_fill: float
    autofit: str


@dataclass
class TranslatedDeck:
    data: bytes
    overflows: list[Overflow] = field(default_factory=list)
    applied: int = 0  # segments whose translation was written
    unknown: list[str] = field(default_factory=list)  # ids in the translations that the deck does not have


def check_translations(data: bytes, translations: Mapping[str, str], limits: Limits | None = None) -> list[T.TagError]:
    """Every tag problem of ``translations`` against the deck's segments (for an editor to show), none raised."""
    from .extract import extract

    problems: list[T.TagError] = []
    for seg in extract(data, limits):
        target = translations.get(seg.id)
        if target:
            try:
                T.compare(seg.source, target, seg.id)
            except T.TagError as e:
                e.segment_id = seg.id
                problems.append(e)
    return problems


def write_translation(
    deck_bytes: bytes,
    translations: Mapping[str, str],
    *,
    limits: Limits | None = None,
    east_asian_font: str | None = "Microsoft YaHei",
) -> bytes:
    """The deck with ``translations`` (segment id → tagged target text) written in; see ``translate_deck``."""
    return translate_deck(deck_bytes, translations, limits=limits, east_asian_font=east_asian_font).data


def translate_deck(
    deck_bytes: bytes,
    translations: Mapping[str, str],
    *,
    limits: Limits | None = None,
    east_asian_font: str | None = "Microsoft YaHei",
) -> TranslatedDeck:
    """Write ``translations`` into the deck. A segment without a translation (or with an empty one) keeps its
    source. Raises ``TagError`` (``code`` tag_missing / tag_extra / tag_unbalanced / tag_malformed / tag_unknown,
    ``segment_id`` set) when a target's tags do not match its source's, ``DeckError`` for a bad deck."""
    prs = open_presentation(deck_bytes, limits)
    try:
        return _translate(prs, translations, east_asian_font)
    except (T.TagError, DeckError):
        raise
    except Exception:  # noqa: BLE001 - a part python-pptx opens lazily (a chart, a diagram) may still be broken
        raise DeckError("corrupt")


def _translate(prs: object, translations: Mapping[str, str], east_asian_font: str | None) -> TranslatedDeck:
    w = walk(prs)
    seen: set[str] = set()
    applied: set[str] = set()
    overflows: list[Overflow] = []
    for block in w.blocks:
        source_paragraphs = [atoms(p, block.part) for p in block.paragraphs]
        changed = False
        target_texts: list[str] = []
        for p_index, (paragraph, items) in enumerate(zip(block.paragraphs, source_paragraphs, strict=True)):
            sentences = paragraph_sentences(block, p_index, items)
            seen.update(s.id for s in sentences)
            targets: dict[str, str] = {}
            for s in sentences:
                target = translations.get(s.id)
                if target and target != s.tagged:
                    T.compare(s.tagged, target, s.id)
                    targets[s.id] = target
            if targets:
                _rewrite(paragraph, items, sentences, targets, block, east_asian_font)
                applied.update(targets)
                changed = True
            target_texts.append(_paragraph_text(items, sentences, targets))
        if changed and block.box is not None and not block.mirror:
            src = _fill([("".join(a.text for a in items)) for items in source_paragraphs], block)
            tgt = _fill(target_texts, block)
            if tgt > 1.0 and tgt > src * 1.05:
                overflows.append(Overflow(block.slide, block.shape, block.context, src, tgt, block.box.autofit))
    w.flush()
    buf = io.BytesIO()
    prs.save(buf)
    unknown = sorted(k for k in translations if k not in seen)
    return TranslatedDeck(buf.getvalue(), overflows, len(applied), unknown)


# --------------------------------------------------------------------------- rebuilding a paragraph


def _paragraph_text(items: list[Atom], sentences: list[Sentence], targets: dict[str, str]) -> str:
    text = "".join(a.text for a in items)
    out, pos = [], 0
    for s in sentences:
        out.append(text[pos : s.start])
        out.append(T.plain(targets[s.id]) if s.id in targets else text[s.start : s.end])
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def _rewrite(
    paragraph: etree._Element,
    items: list[Atom],
    sentences: list[Sentence],
    targets: dict[str, str],
    block: Block,
    ea_font: str | None,
) -> None:
    # every source run's properties by its tag set (first wins), links by address, fields by number
    by_tags: dict[frozenset, etree._Element | None] = {}
    links: dict[str, etree._Element] = {}
    fields: dict[str, etree._Element] = {}
    for a in items:
        if a.kind == "text":
            by_tags.setdefault(a.tags, a.elm.find(q("a:rPr")))
            for t in a.tags:
                if t.name == "a":
                    links.setdefault(t.value, a.elm.find(q("a:rPr")).find(q("a:hlinkClick")))
        elif a.kind == "fld":
            fields[str(a.index)] = a.elm
    new: list[etree._Element] = []
    pos = 0
    for s in sentences:
        new.extend(_slice(items, pos, s.start))
        if s.id in targets:
            first = next((a for a in _atoms_in(items, s.start, s.end) if a.kind == "text"), None)
            base = first.elm.find(q("a:rPr")) if first is not None else None
            for piece in T.parse(targets[s.id]):
                if piece.empty is not None:
                    if piece.empty.name == "fld":
                        new.append(copy.deepcopy(fields[piece.empty.value]))
                    else:
                        new.append(etree.Element(q("a:br")))
                    continue
                if not piece.text:
                    continue
                new.append(_run(piece, by_tags, base, links, ea_font))
        else:
            new.extend(_slice(items, s.start, s.end))
        pos = s.end
    new.extend(_slice(items, pos, sum(len(a.text) for a in items)))
    for a in items:
        paragraph.remove(a.elm)
    end = paragraph.find(q("a:endParaRPr"))
    for elm in new:
        if end is not None:
            end.addprevious(elm)
        else:
            paragraph.append(elm)


def _atoms_in(items: list[Atom], start: int, end: int) -> list[Atom]:
    out, pos = [], 0
    for a in items:
        if pos < end and pos + len(a.text) > start:
            out.append(a)
        pos += len(a.text)
    return out


def _slice(items: list[Atom], start: int, end: int) -> list[etree._Element]:
    """Copies of the source's children covering text[start:end] (runs cut at the edges)."""
    out: list[etree._Element] = []
    if end <= start:
        return out
    pos = 0
    for a in items:
        a0, a1 = pos, pos + len(a.text)
        pos = a1
        if a1 <= start or a0 >= end:
            continue
        elm = copy.deepcopy(a.elm)
        if a.kind == "text" and (a0 < start or a1 > end):
            t = elm.find(q("a:t"))
            t.text = a.text[max(start, a0) - a0 : min(end, a1) - a0]
        out.append(elm)
    return out


def _run(
    piece: T.Piece,
    by_tags: dict[frozenset, etree._Element | None],
    base: etree._Element | None,
    links: dict[str, etree._Element],
    ea_font: str | None,
) -> etree._Element:
    run = etree.Element(q("a:r"))
    if piece.tags in by_tags:
        rpr = by_tags[piece.tags]
        rpr = copy.deepcopy(rpr) if rpr is not None else None
    else:
        rpr = copy.deepcopy(base) if base is not None else etree.Element(q("a:rPr"))
        _apply_tags(rpr, piece.tags, links)
    text = _NOT_XML.sub("", piece.text)
    if ea_font and has_cjk(text):
        if rpr is None:
            rpr = etree.Element(q("a:rPr"))
        rpr.set("lang", "zh-CN")
        ea = rpr.find(q("a:ea"))
        if ea is None:
            ea = etree.Element(q("a:ea"))
            _insert(rpr, ea)
        ea.set("typeface", ea_font)
    if rpr is not None:
        run.append(rpr)
    t = etree.SubElement(run, q("a:t"))
    t.text = text
    return run


def _apply_tags(rpr: etree._Element, tags: frozenset[T.Tag], links: dict[str, etree._Element]) -> None:
    names = {t.name: t.value for t in tags}
    for flag in ("b", "i"):
        if flag in names:
            rpr.set(flag, "1")
        elif rpr.get(flag) is not None:
            rpr.set(flag, "0")
    if "u" in names:
        if rpr.get("u") in (None, "none"):
            rpr.set("u", "sng")
    elif rpr.get("u") is not None:
        rpr.set("u", "none")
    for child in list(rpr):
        if child.tag in _FILLS and "c" in names:
            rpr.remove(child)
        if child.tag == q("a:hlinkClick"):
            rpr.remove(child)
    if "c" in names:
        fill = etree.Element(q("a:solidFill"))
        value = names["c"]
        clr = etree.SubElement(fill, q("a:srgbClr") if _HEX.fullmatch(value) else q("a:schemeClr"))
        clr.set("val", value)
        _insert(rpr, fill)
    if "a" in names and names["a"] in links:
        _insert(rpr, copy.deepcopy(links[names["a"]]))


def _insert(rpr: etree._Element, child: etree._Element) -> None:
    """Put ``child`` where the schema wants it among ``a:rPr``'s children."""
    rank = _RPR_ORDER.index(child.tag)
    for existing in rpr:
        if existing.tag in _RPR_ORDER and _RPR_ORDER.index(existing.tag) > rank:
            existing.addprevious(child)
            return
    rpr.append(child)


# --------------------------------------------------------------------------- overflow heuristic


_SPACE_RE = re.compile(r"\s")
_WIDE_LATIN_RE = re.compile(r"[A-Zmw]")


def _width_em(text: str) -> float:
    """CJK 1 em, capitals and m/w 0.65 em, spaces 0.28 em, anything else 0.5 em."""
    cjk = len(CJK_RE.findall(text))
    spaces = len(_SPACE_RE.findall(text))
    wide = len(_WIDE_LATIN_RE.findall(text))
    return cjk + 0.28 * spaces + 0.65 * wide + 0.5 * (len(text) - cjk - spaces - wide)


def _size_pt(block: Block) -> float:
    sizes = []
    for p in block.paragraphs:
        for r in p.iter(q("a:rPr"), q("a:endParaRPr"), q("a:defRPr")):
            sz = r.get("sz")
            if sz and sz.isdigit() and 100 <= int(sz) <= 400000:
                sizes.append(int(sz) / 100)
    return max(sizes) if sizes else block.box.default_size_pt


def _fill(paragraph_texts: list[str], block: Block) -> float:
    box: Box = block.box
    size = _size_pt(block) * EMU_PER_PT
    usable_w = max(box.width - box.insets[0] - box.insets[1], 1)
    usable_h = max(box.height - box.insets[2] - box.insets[3], 1)
    lines = 0
    widest = 0.0
    for text in paragraph_texts:
        for line in text.split("\n"):
            width = _width_em(line) * size
            widest = max(widest, width)
            lines += max(1, math.ceil(width / usable_w)) if box.wrap else 1
    # without word wrap (python-pptx's text boxes) a long line runs out of the box sideways
    return round(max(lines * size * 1.2 / usable_h, 0.0 if box.wrap else widest / usable_w), 2)
