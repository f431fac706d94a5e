"""XLIFF 2.0 export and import of one deck version's segments, plain Python (lxml), no Django.

Why lxml and not translate-toolkit: the Translate Toolkit reads and writes XLIFF 1.x only (its XLIFF 2 support is
an open request, translate/translate#3369), so the document is built and read with lxml's ElementTree API — never
by string concatenation — and parsed with a hardened parser (no DTD, no entities, no network, no huge trees).

Shape of the file (one ``<file>`` per deck version, one ``<unit>`` per segment, one ``<segment>`` per unit)::

    <xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="zh-CN">
      <file id="deck-42" original="material-7-v3.pptx">
        <unit id="s3_sh2.1_p0_s1" name="s3/sh2.1/p0/s1">
          <notes><note category="location">slide 3 · slide</note></notes>
          <originalData><data id="d1">&lt;b&gt;</data><data id="d1e">&lt;/b&gt;</data></originalData>
          <segment state="translated">
            <source>Cut <pc id="1" type="fmt" subType="xlf:b" dataRefStart="d1" dataRefEnd="d1e">energy</pc> use.</source>
            <target>减少<pc id="1" …>能源</pc>使用。</target>
          </segment>
        </unit>

Inline tags (``deck.tags``): ``<b> <i> <u>`` → ``<pc type="fmt" subType="xlf:b|i|u">``, a colour ``<c>`` →
``<pc type="fmt">``, a link ``<a>`` → ``<pc type="link">``, a field ``<fld/>`` → ``<ph type="ui" subType="xlf:var">``,
a line break ``<br/>`` → ``<ph type="fmt" subType="xlf:lb">``. The inline ``id`` is the tag's position (from 1) in
the source's tag list; the native code travels in ``<originalData>``. On import only the id matters: an id maps back
to the *source's* tag, so a tool cannot smuggle in another link address or colour.

States: untranslated ↔ ``initial``, draft ↔ ``translated``, reviewed ↔ ``reviewed`` (``final`` is read as reviewed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .deck.tags import EMPTY, Tag, TagError, compare, escape, parse, tag_list

NS = "urn:oasis:names:tc:xliff:document:2.0"
X = f"{{{NS}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

STATE_OUT = {"untranslated": "initial", "draft": "translated", "reviewed": "reviewed"}
STATE_IN = {"initial": "untranslated", "translated": "draft", "reviewed": "reviewed", "final": "reviewed"}

_SUBTYPE = {"b": "xlf:b", "i": "xlf:i", "u": "xlf:u"}
_NMTOKEN_BAD = re.compile(r"[^A-Za-z0-9._:-]")
_SPACES = re.compile(r"\s+")


class XliffError(ValueError):
    """The file as a whole is refused. ``code``: ``malformed`` (not well-formed XML, or a DTD / entity),
    ``not_xliff`` (not an XLIFF 2 document), ``version`` (XLIFF 1.x or another 2.x), ``structure`` (a required
    element or attribute is missing; ``params['where']`` says which), ``other_deck`` (the file is another deck's or
    another version's: ``params['found']``, ``params['expected']``), ``languages`` (source or target language is not
    the deck's), ``too_large``."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


@dataclass(frozen=True)
class Unit:
    """One segment as exported: its stable id, tagged source and target, status and where it is."""

    sid: str
    source: str
    target: str = ""
    status: str = "untranslated"
    slide: int = 0
    context: str = ""


@dataclass(frozen=True)
class UnitProblem:
    """A unit refused on import. ``code``: ``unknown_unit``, ``duplicate_unit``, ``source_changed``,
    ``no_segment``, ``bad_state``, ``inline_unknown`` (an inline id the source does not have, or a ``pc``/``ph``
    of the wrong kind), ``inline_unsupported`` (``sc``/``ec``/other inline elements), or a ``TagError`` code
    (``tag_missing``, ``tag_extra`` …); ``detail`` names the tag or element."""

    unit: str
    code: str
    detail: str = ""


@dataclass(frozen=True)
class ImportedUnit:
    sid: str
    target: str  # tagged, as the editor stores it
    status: str
    reordered: bool = False  # the same tags in another order (a QA warning, as in the editor)


@dataclass
class ImportResult:
    units: list[ImportedUnit] = field(default_factory=list)
    problems: list[UnitProblem] = field(default_factory=list)


def unit_id(sid: str) -> str:
    """An XLIFF id (an NMTOKEN: no ``/``) from a segment id: ``s3/sh2.1/p0/s1`` → ``s3_sh2.1_p0_s1``."""
    return _NMTOKEN_BAD.sub("_", sid)


def file_id(deck_key: str) -> str:
    return unit_id(deck_key)


# --------------------------------------------------------------------------- export


def _inline(parent: etree._Element, tagged: str, ids: dict[Tag, list[int]]) -> None:
    """Tagged text → text and ``pc``/``ph`` children of ``parent``. ``ids`` maps each source tag to its inline ids
    (a tag may occur twice: each occurrence takes the next id)."""
    used: dict[Tag, int] = {}

    def next_id(tag: Tag) -> str:
        n = used.get(tag, 0)
        used[tag] = n + 1
        return str(ids[tag][min(n, len(ids[tag]) - 1)])

    pieces = parse(tagged)
    stack: list[tuple[Tag, etree._Element]] = []  # open pc elements, outermost first

    def append_text(el: etree._Element, text: str) -> None:
        if not text:
            return
        if len(el):
            el[-1].tail = (el[-1].tail or "") + text
        else:
            el.text = (el.text or "") + text

    for piece in pieces:
        wanted = sorted(piece.tags, key=lambda t: ("a", "c", "b", "i", "u").index(t.name))
        keep = 0
        while keep < len(stack) and keep < len(wanted) and stack[keep][0] == wanted[keep]:
            keep += 1
        del stack[keep:]
        for tag in wanted[keep:]:
            host = stack[-1][1] if stack else parent
            n = next_id(tag)
            attrs = {"id": n, "dataRefStart": f"d{n}", "dataRefEnd": f"d{n}e"}
            if tag.name == "a":
                attrs["type"] = "link"
            else:
                attrs["type"] = "fmt"
                if tag.name in _SUBTYPE:
                    attrs["subType"] = _SUBTYPE[tag.name]
            stack.append((tag, etree.SubElement(host, f"{X}pc", attrs)))
        host = stack[-1][1] if stack else parent
        if piece.empty is not None:
            n = next_id(piece.empty)
            if piece.empty.name == "br":
                attrs = {"id": n, "type": "fmt", "subType": "xlf:lb", "dataRef": f"d{n}"}
            else:
                attrs = {"id": n, "type": "ui", "subType": "xlf:var", "dataRef": f"d{n}"}
            etree.SubElement(host, f"{X}ph", attrs)
        else:
            append_text(host, piece.text)


def _tag_ids(source: str) -> tuple[list[Tag], dict[Tag, list[int]]]:
    tags = tag_list(source)
    ids: dict[Tag, list[int]] = {}
    for n, tag in enumerate(tags, start=1):
        ids.setdefault(tag, []).append(n)
    return tags, ids


def export(units: list[Unit], *, deck_key: str, original: str, src_lang: str = "en", trg_lang: str = "zh-CN") -> bytes:
    """The XLIFF 2.0 document of one deck version (UTF-8, with an XML declaration)."""
    root = etree.Element(f"{X}xliff", {"version": "2.0", "srcLang": src_lang, "trgLang": trg_lang}, nsmap={None: NS})
    f = etree.SubElement(root, f"{X}file", {"id": file_id(deck_key), "original": original})
    for u in units:
        tags, ids = _tag_ids(u.source)
        unit = etree.SubElement(f, f"{X}unit", {"id": unit_id(u.sid), "name": u.sid})
        notes = etree.SubElement(unit, f"{X}notes")
        etree.SubElement(notes, f"{X}note", {"category": "location"}).text = f"slide {u.slide} · {u.context}"
        if tags:
            data = etree.SubElement(unit, f"{X}originalData")
            for n, tag in enumerate(tags, start=1):
                etree.SubElement(data, f"{X}data", {"id": f"d{n}"}).text = tag.open()
                if tag.name not in EMPTY:
                    etree.SubElement(data, f"{X}data", {"id": f"d{n}e"}).text = tag.close()
        state = STATE_OUT.get(u.status, "initial") if u.target else "initial"
        seg = etree.SubElement(unit, f"{X}segment", {"state": state})
        _inline(etree.SubElement(seg, f"{X}source"), u.source, ids)
        if u.target:
            _inline(etree.SubElement(seg, f"{X}target"), u.target, ids)
        # one unit a line; never pretty_print, which would indent inside <source>/<target> and change the text
        unit.tail = "\n"
    f.text, f.tail = "\n", "\n"
    root.text = "\n"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# --------------------------------------------------------------------------- import


def parser() -> etree.XMLParser:
    """No DTD loaded or validated, no entity expanded, no network, no huge trees, no processing instructions kept."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
    )


def _parse(data: bytes, max_bytes: int) -> etree._Element:
    if len(data) > max_bytes:
        raise XliffError("too_large", max=max_bytes)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # XLIFF never needs one; refuse before parsing
        raise XliffError("malformed", line=0)
    if not head.startswith(b"<"):
        raise XliffError("not_xliff")
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        raise XliffError("malformed", line=exc.lineno or 0) from None
    return root


class _Inline:
    """A ``<target>``'s children → tagged text, each inline id mapped back to the source's tag."""

    def __init__(self, tags: list[Tag]) -> None:
        self.tags = tags
        self.problem: tuple[str, str] | None = None

    def text(self, el: etree._Element) -> str:
        out = [escape(el.text or "")]
        for child in el:
            if not isinstance(child.tag, str):  # a comment or PI the parser kept
                out.append(escape(child.tail or ""))
                continue
            name = etree.QName(child).localname if child.tag.startswith(X) else child.tag
            if child.tag.startswith(X) and name in ("pc", "ph"):
                tag = self._tag(child.get("id", ""), paired=name == "pc", element=name)
                if tag is None:
                    return ""
                if name == "pc":
                    inner = self.text(child)
                    if self.problem:
                        return ""
                    out.append(tag.open() + inner + tag.close())
                else:
                    if len(child) or (child.text or "").strip():
                        self.problem = ("inline_unsupported", "ph")
                        return ""
                    out.append(tag.open())
            elif child.tag.startswith(X) and name == "mrk":  # a tool's annotation: its content is the text
                inner = self.text(child)
                if self.problem:
                    return ""
                out.append(inner)
            else:
                self.problem = ("inline_unsupported", name)
                return ""
            out.append(escape(child.tail or ""))
        return "".join(out)

    def _tag(self, raw_id: str, *, paired: bool, element: str) -> Tag | None:
        if not (raw_id.isascii() and raw_id.isdigit()) or not 1 <= int(raw_id) <= len(self.tags):
            self.problem = ("inline_unknown", f'<{element} id="{raw_id[:20]}">')
            return None
        tag = self.tags[int(raw_id) - 1]
        if (tag.name not in EMPTY) != paired:
            self.problem = ("inline_unknown", f'<{element} id="{raw_id}">')
            return None
        return tag


def read(
    data: bytes,
    *,
    deck_key: str,
    sources: dict[str, str],
    src_lang: str = "en",
    trg_lang: str = "zh-CN",
    max_bytes: int = 10 * 1024 * 1024,
) -> ImportResult:
    """Parse an XLIFF 2.0 file for the deck ``deck_key`` whose segments are ``sources`` (segment id → tagged source).

    Raises ``XliffError`` when the file as a whole is refused; returns every unit's translation and every unit's
    problem otherwise (the caller stores nothing unless ``problems`` is empty). A unit without a target is skipped
    (nothing to import); a target that is present but empty clears the translation."""
    root = _parse(data, max_bytes)
    if not isinstance(root.tag, str) or etree.QName(root).localname != "xliff":
        raise XliffError("not_xliff")
    version = root.get("version", "")
    if etree.QName(root).namespace != NS:
        if (etree.QName(root).namespace or "").startswith("urn:oasis:names:tc:xliff:document:1"):
            raise XliffError("version", found=version or "1.x")
        raise XliffError("not_xliff")
    if version != "2.0" and not version.startswith("2."):
        raise XliffError("version", found=version[:10])
    if root.get("srcLang") is None:
        raise XliffError("structure", where="xliff/@srcLang")
    if root.get("srcLang", "").lower() != src_lang.lower() or (root.get("trgLang") or "").lower() != trg_lang.lower():
        raise XliffError("languages", found=f"{root.get('srcLang', '')[:20]} → {(root.get('trgLang') or '')[:20]}")
    files = root.findall(f"{X}file")
    if len(files) != 1:
        raise XliffError("structure", where="xliff/file")
    found = files[0].get("id", "")
    if found != file_id(deck_key):
        raise XliffError("other_deck", found=found[:60], expected=file_id(deck_key))
    by_uid = {unit_id(sid): sid for sid in sources}
    result = ImportResult()
    seen: set[str] = set()
    for unit in files[0].iter(f"{X}unit"):
        uid = unit.get("id", "")
        label = unit.get("name") or uid
        sid = by_uid.get(uid)
        if sid is None:
            result.problems.append(UnitProblem(label[:200], "unknown_unit"))
            continue
        if uid in seen:
            result.problems.append(UnitProblem(sid, "duplicate_unit"))
            continue
        seen.add(uid)
        segments = unit.findall(f"{X}segment")
        if len(segments) != 1:
            result.problems.append(UnitProblem(sid, "no_segment"))
            continue
        seg = segments[0]
        source_el, target_el = seg.find(f"{X}source"), seg.find(f"{X}target")
        if source_el is None:
            result.problems.append(UnitProblem(sid, "no_segment"))
            continue
        source = sources[sid]
        tags = tag_list(source)
        reader = _Inline(tags)
        if _SPACES.sub(" ", reader.text(source_el)).strip() != _SPACES.sub(" ", source).strip() and not reader.problem:
            result.problems.append(UnitProblem(sid, "source_changed"))
            continue
        if target_el is None:
            continue
        state = seg.get("state", "initial")
        if state not in STATE_IN:
            result.problems.append(UnitProblem(sid, "bad_state", state[:20]))
            continue
        reader = _Inline(tags)
        target = reader.text(target_el).strip()
        if reader.problem is not None:
            result.problems.append(UnitProblem(sid, *reader.problem))
            continue
        if target:
            try:
                compare(source, target, sid)
            except TagError as exc:
                result.problems.append(UnitProblem(sid, exc.code, exc.tag))
                continue
        status = STATE_IN[state] if target else "untranslated"
        if target and status == "untranslated":
            status = "draft"
        reordered = [t.name for t in tag_list(target)] != [t.name for t in tags] if target else False
        result.units.append(ImportedUnit(sid, target, status, reordered))
    return result


__all__ = [
    "STATE_IN",
    "STATE_OUT",
    "ImportResult",
    "ImportedUnit",
    "Unit",
    "UnitProblem",
    "XliffError",
    "export",
    "parser",
    "read",
    "unit_id",
]
