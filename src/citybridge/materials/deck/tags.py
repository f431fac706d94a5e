"""Inline tags: how run formatting travels inside a segment's text, and how it is checked on the way back.

A segment's text is plain text with a few XML-like tags (the text itself escapes ``& < >`` as ``&amp; &lt; &gt;``):

    <b>…</b>                bold (``a:rPr/@b="1"``)
    <i>…</i>                italic (``@i="1"``)
    <u>…</u>                underline (``@u`` other than "none")
    <c val="FF0000">…</c>   colour: an sRGB hex value, or a theme colour name (``accent1``, ``tx1`` …)
    <a href="https://…">…</a>  an external hyperlink (``a:hlinkClick`` whose relationship is external)
    <fld id="0"/>           a field (slide number, date …) kept as it is; ``id`` numbers the paragraph's fields
    <br/>                   a line break inside a sentence (rare: line breaks usually end a segment)

Tags nest in a fixed order (``a`` outermost, then ``c``, ``b``, ``i``, ``u``) when the extractor writes them;
a translation may nest them differently, as long as every tag of the source is there once and is balanced.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

#: canonical nesting order, outermost first
ORDER = ("a", "c", "b", "i", "u")
PAIRED = frozenset(ORDER)
EMPTY = frozenset({"fld", "br"})
_ATTR = {"a": "href", "c": "val", "fld": "id"}

_TOKEN_RE = re.compile(r"<(/?)([a-z]+)((?:\s+[a-z]+=\"[^\"<>]*\")*)\s*(/?)>")
_ATTR_RE = re.compile(r"\s+([a-z]+)=\"([^\"<>]*)\"")
_COLOUR_RE = re.compile(r"[0-9A-F]{6}|[a-zA-Z][a-zA-Z0-9]{0,15}")


class TagError(ValueError):
    """Tagged text that cannot be parsed, or whose tags do not match the source's. ``code`` is one of
    ``tag_malformed``, ``tag_unbalanced``, ``tag_unknown``, ``tag_missing``, ``tag_extra``;
    ``tag`` names the offending tag (``<b>``, ``<a href="…">``) where there is one."""

    def __init__(self, code: str, tag: str = "", segment_id: str = "") -> None:
        self.code = code
        self.tag = tag
        self.segment_id = segment_id
        super().__init__(f"{code}: {tag}" + (f" in {segment_id}" if segment_id else ""))


@dataclass(frozen=True)
class Tag:
    """One tag: its name and its one attribute value ("" when it has none)."""

    name: str
    value: str = ""

    def open(self) -> str:
        attr = _ATTR.get(self.name)
        if self.name in EMPTY:
            return f'<{self.name} {attr}="{escape_attr(self.value)}"/>' if attr else f"<{self.name}/>"
        return f'<{self.name} {attr}="{escape_attr(self.value)}">' if attr else f"<{self.name}>"

    def close(self) -> str:
        return f"</{self.name}>"


@dataclass(frozen=True)
class Piece:
    """Parsed tagged text: a run of text with the set of paired tags around it, or one empty tag."""

    text: str
    tags: frozenset[Tag] = frozenset()
    empty: Tag | None = None


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


_ENTITY_RE = re.compile(r"&(amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def unescape(text: str) -> str:
    if "&" in _ENTITY_RE.sub("", text) or "<" in text or ">" in text:
        raise TagError("tag_malformed", text[:40])
    return _ENTITY_RE.sub(lambda m: _ENTITIES[m.group(1)], text)


def _tag_of(name: str, attrs: str) -> Tag:
    found = dict(_ATTR_RE.findall(attrs))
    want = _ATTR.get(name)
    if set(found) != ({want} if want else set()):
        raise TagError("tag_malformed", f"<{name}{attrs}>")
    value = unescape(found[want]) if want else ""
    if name == "c" and not _COLOUR_RE.fullmatch(value):
        raise TagError("tag_malformed", f"<{name}{attrs}>")
    if name == "a" and not value:
        raise TagError("tag_malformed", f"<{name}{attrs}>")
    return Tag(name, value)


def parse(tagged: str) -> list[Piece]:
    """Tagged text → pieces. Raises ``TagError`` on an unknown tag, a bad attribute, a stray ``<`` or ``&``,
    a closing tag that does not close the innermost open tag, or a tag left open."""
    return list(_parse_cached(tagged))


@lru_cache(maxsize=8192)
def _parse_cached(tagged: str) -> tuple[Piece, ...]:
    """``parse``, remembered: a deck's rebuild parses each target several times (compare, rewrite, text);
    pieces are frozen, so sharing them is safe. A failing text raises each time (exceptions are not cached)."""
    return tuple(_parse(tagged))


def _parse(tagged: str) -> list[Piece]:
    pieces: list[Piece] = []
    stack: list[Tag] = []
    pos = 0
    for m in _TOKEN_RE.finditer(tagged):
        if m.start() > pos:
            text = unescape(tagged[pos : m.start()])
            pieces.append(Piece(text, frozenset(stack)))
        pos = m.end()
        closing, name, attrs, selfclosing = m.group(1), m.group(2), m.group(3), m.group(4)
        if name not in PAIRED and name not in EMPTY:
            raise TagError("tag_unknown", m.group(0))
        if name in EMPTY:
            if closing or not selfclosing:
                raise TagError("tag_malformed", m.group(0))
            pieces.append(Piece("", frozenset(stack), empty=_tag_of(name, attrs)))
            continue
        if selfclosing:
            raise TagError("tag_malformed", m.group(0))
        if closing:
            if attrs:
                raise TagError("tag_malformed", m.group(0))
            if not stack or stack[-1].name != name:
                raise TagError("tag_unbalanced", m.group(0))
            stack.pop()
        else:
            tag = _tag_of(name, attrs)
            if any(t.name == name for t in stack):  # <b><b>…</b></b> says nothing a run can hold
                raise TagError("tag_malformed", m.group(0))
            stack.append(tag)
    if pos < len(tagged):
        pieces.append(Piece(unescape(tagged[pos:]), frozenset(stack)))
    if stack:
        raise TagError("tag_unbalanced", stack[-1].open())
    return pieces


def plain(tagged: str) -> str:
    """The text without tags (fields and line breaks dropped); lenient: never raises."""
    if "<" not in tagged and "&" not in tagged:
        return tagged
    try:
        return "".join(p.text for p in parse(tagged))
    except TagError:
        return _ENTITY_RE.sub(lambda m: _ENTITIES[m.group(1)], _TOKEN_RE.sub("", tagged))


def tag_list(tagged: str) -> list[Tag]:
    """Every tag in order of opening (paired tags once, at their start; empty tags where they are)."""
    if "<" not in tagged:
        return []
    return list(_tag_list_cached(tagged))


@lru_cache(maxsize=8192)
def _tag_list_cached(tagged: str) -> tuple[Tag, ...]:
    out: list[Tag] = []
    for m in _TOKEN_RE.finditer(tagged):
        if m.group(1):
            continue
        name = m.group(2)
        try:
            out.append(_tag_of(name, m.group(3)))
        except TagError:
            out.append(Tag(name, m.group(3).strip()))
    return tuple(out)


def compare(source: str, target: str, segment_id: str = "") -> None:
    """Raise ``TagError`` unless ``target`` parses and carries exactly the tags of ``source`` (any order)."""
    try:
        parse(target)
    except TagError as e:
        e.segment_id = segment_id
        raise
    src = Counter(tag_list(source))
    tgt = Counter(tag_list(target))
    missing = src - tgt
    if missing:
        raise TagError("tag_missing", next(iter(missing)).open(), segment_id)
    extra = tgt - src
    if extra:
        raise TagError("tag_extra", next(iter(extra)).open(), segment_id)


def render(pieces: list[Piece]) -> str:
    """Pieces → tagged text, tags opened and closed as few times as the canonical nesting allows."""
    out: list[str] = []
    open_stack: list[Tag] = []
    for piece in pieces:
        if not piece.text and piece.empty is None:
            continue
        wanted = sorted(piece.tags, key=lambda t: ORDER.index(t.name))
        keep = 0
        while keep < len(open_stack) and keep < len(wanted) and open_stack[keep] == wanted[keep]:
            keep += 1
        for tag in reversed(open_stack[keep:]):
            out.append(tag.close())
        for tag in wanted[keep:]:
            out.append(tag.open())
        open_stack = wanted
        out.append(piece.empty.open() if piece.empty else escape(piece.text))
    for tag in reversed(open_stack):
        out.append(tag.close())
    return "".join(out)


def retag(tagged: str, source_tags: list[Tag], new_tags: list[Tag]) -> str:
    """``tagged`` with each tag of ``source_tags`` replaced by the tag at the same position in ``new_tags``
    (same names, other attributes: another link address or colour). Closing tags are unchanged."""
    mapping: dict[Tag, Tag] = {}
    for old, new in zip(source_tags, new_tags, strict=True):
        mapping.setdefault(old, new)

    def sub(m: re.Match) -> str:
        if m.group(1):
            return m.group(0)
        try:
            tag = _tag_of(m.group(2), m.group(3))
        except TagError:
            return m.group(0)
        return mapping[tag].open() if tag in mapping else m.group(0)

    return _TOKEN_RE.sub(sub, tagged)
