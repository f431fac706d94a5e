"""Where a deck's text lives, found the same way by the extractor and the writer.

Every place with paragraphs is a ``Block``: a shape's text body (slides and notes, placeholders included, groups
walked recursively), a table cell, a chart title (chart, axis and legend titles under ``c:title``), a SmartArt node
(``dgm:pt/dgm:t`` in the diagram data part). A block's ``key`` is stable for a given file: slide number, the shape's
index path in the shape tree (``2.1.0`` = third shape, its second child, its first child), then the cell, the
chart title or the diagram node index. Paragraphs are read as ``Atom``s: runs with their formatting as tags, line
breaks, fields and anything else a paragraph may hold (kept as it is).
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from pptx.oxml import parse_xml

from .tags import Tag

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "dgm": "http://schemas.openxmlformats.org/drawingml/2006/diagram",
    "dsp": "http://schemas.microsoft.com/office/drawing/2008/diagram",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}


@functools.cache
def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


SHAPE_TAGS = frozenset(q(t) for t in ("p:sp", "p:grpSp", "p:graphicFrame", "p:cxnSp", "p:pic", "p:contentPart"))
ALTERNATE = q("mc:AlternateContent")
URI_TABLE = "http://schemas.openxmlformats.org/drawingml/2006/table"
URI_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
URI_DIAGRAM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
FIELD_CHAR = "\ue000"  # stands for a field or any other non-text child of a paragraph while splitting sentences
EMU_PER_PT = 12700


@dataclass
class Atom:
    """One child of a paragraph: ``kind`` "text" (an ``a:r``), "br" or "fld" (a field or anything else kept)."""

    kind: str
    text: str
    elm: etree._Element
    tags: frozenset[Tag] = frozenset()
    index: int = -1  # fields: their number in the paragraph


@dataclass
class Box:
    """A text box's size and settings, for the overflow heuristic (EMU)."""

    width: int
    height: int
    insets: tuple[int, int, int, int] = (91440, 91440, 45720, 45720)  # left, right, top, bottom (OOXML defaults)
    wrap: bool = True
    autofit: str = ""  # "shrink" (normAutofit), "grow" (spAutoFit) or ""
    default_size_pt: float = 18.0


@dataclass
class Block:
    slide: int
    context: str
    key: str  # segment ids start with it
    shape: str
    part: object  # the python-pptx part that holds the paragraphs (its relationships resolve hyperlinks)
    paragraphs: list[etree._Element]
    box: Box | None = None
    mirror: bool = False  # SmartArt's cached drawing: written like its node, never extracted
    hidden: bool = False


@dataclass
class Walk:
    """The blocks of a presentation, and the generic parts (SmartArt) parsed here that must be written back."""

    blocks: list[Block] = field(default_factory=list)
    loose_parts: dict[int, tuple[object, etree._Element]] = field(default_factory=dict)

    def parsed(self, part: object) -> etree._Element:
        """The XML of a part python-pptx keeps as bytes, parsed once with python-pptx's parser (no entities)."""
        if id(part) not in self.loose_parts:
            self.loose_parts[id(part)] = (part, parse_xml(part.blob))
        return self.loose_parts[id(part)][1]

    def flush(self) -> None:
        for part, root in self.loose_parts.values():
            part.blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def walk(prs: object) -> Walk:
    w = Walk()
    for n, slide in enumerate(prs.slides, 1):
        hidden = slide._element.get("show") in ("0", "false")
        tree = slide.shapes._spTree
        _tree(w, tree, slide.part, n, "slide", f"s{n}", "", hidden)
        if slide.has_notes_slide:
            notes = slide.notes_slide
            _tree(w, notes.shapes._spTree, notes.part, n, "notes", f"s{n}/notes", "", hidden)
    return w


def _shape_children(container: etree._Element) -> Iterator[etree._Element]:
    for child in container:
        if child.tag in SHAPE_TAGS:
            yield child
        elif child.tag == ALTERNATE:  # the first choice's shape stands for the whole alternative
            choice = child.find(q("mc:Choice"))
            if choice is None:
                choice = child.find(q("mc:Fallback"))
            inner = next((c for c in choice if c.tag in SHAPE_TAGS), None) if choice is not None else None
            if inner is not None:
                yield inner


def _tree(
    w: Walk, container: etree._Element, part: object, n: int, context: str, prefix: str, base: str, hidden: bool
) -> None:
    for i, elm in enumerate(_shape_children(container)):
        path = f"{base}{i}"
        key = f"{prefix}/sh{path}"
        tag = etree.QName(elm).localname
        if tag == "sp":
            body = elm.find(q("p:txBody"))
            if body is not None:
                w.blocks.append(
                    Block(n, context, key, path, part, body.findall(q("a:p")), _box(elm, body, part), hidden=hidden)
                )
        elif tag == "grpSp":
            _tree(w, elm, part, n, context, prefix, f"{path}.", hidden)
        elif tag == "graphicFrame":
            data = elm.find(f"{q('a:graphic')}/{q('a:graphicData')}")
            if data is None:
                continue
            uri = data.get("uri")
            if uri == URI_TABLE:
                _table(w, elm, data, part, n, key, path, hidden)
            elif uri == URI_CHART:
                _chart(w, data, part, n, key, path, hidden)
            elif uri == URI_DIAGRAM:
                _diagram(w, data, part, n, key, path, hidden)


def _table(
    w: Walk, frame: etree._Element, data: etree._Element, part: object, n: int, key: str, path: str, hidden: bool
) -> None:
    tbl = data.find(q("a:tbl"))
    if tbl is None:
        return
    widths = [_int(g.get("w")) for g in tbl.iter(q("a:gridCol"))]
    for r, tr in enumerate(tbl.findall(q("a:tr"))):
        height = _int(tr.get("h"))
        for c, tc in enumerate(tr.findall(q("a:tc"))):
            body = tc.find(q("a:txBody"))
            if body is None:
                continue
            span = max(1, _int(tc.get("gridSpan")) or 1)
            width = sum(widths[c : c + span]) if c < len(widths) else 0
            box = Box(width, height, _tc_insets(tc), autofit="grow") if width and height else None
            w.blocks.append(
                Block(n, "table", f"{key}/r{r}c{c}", path, part, body.findall(q("a:p")), box, hidden=hidden)
            )


def _chart(w: Walk, data: etree._Element, part: object, n: int, key: str, path: str, hidden: bool) -> None:
    ref = data.find(q("c:chart"))
    rid = ref.get(q("r:id")) if ref is not None else None
    rel = part.rels.get(rid) if rid else None
    if rel is None or rel.is_external:
        return
    chart_part = rel.target_part
    root = getattr(chart_part, "_element", None)
    if root is None:
        root = w.parsed(chart_part)
    for k, title in enumerate(root.iter(q("c:title"))):
        rich = title.find(f"{q('c:tx')}/{q('c:rich')}")
        if rich is not None:
            w.blocks.append(
                Block(n, "chart", f"{key}/chart{k}", path, chart_part, rich.findall(q("a:p")), None, hidden=hidden)
            )


def _diagram(w: Walk, data: etree._Element, part: object, n: int, key: str, path: str, hidden: bool) -> None:
    ids = data.find(q("dgm:relIds"))
    rid = ids.get(q("r:dm")) if ids is not None else None
    rel = part.rels.get(rid) if rid else None
    if rel is None or rel.is_external:
        return
    data_part = rel.target_part
    root = w.parsed(data_part)
    drawing = {}
    ext = root.find(f".//{q('dsp:dataModelExt')}")
    drel = part.rels.get(ext.get("relId")) if ext is not None and ext.get("relId") else None
    if drel is not None and not drel.is_external:
        droot = w.parsed(drel.target_part)
        for sp in droot.iter(q("dsp:sp")):
            body = sp.find(q("dsp:txBody"))
            if body is not None and sp.get("modelId"):
                drawing[sp.get("modelId")] = (drel.target_part, body.findall(q("a:p")))
    pts = root.find(q("dgm:ptLst"))
    if pts is None:
        return
    for k, pt in enumerate(pts.findall(q("dgm:pt"))):
        t = pt.find(q("dgm:t"))
        if t is None:
            continue
        block_key = f"{key}/dm{k}"
        paragraphs = t.findall(q("a:p"))
        w.blocks.append(Block(n, "smartart", block_key, path, data_part, paragraphs, None, hidden=hidden))
        if pt.get("modelId") in drawing:
            dpart, paras = drawing[pt.get("modelId")]
            # the cached drawing is written like its node only when it shows the same text (else ids would not match)
            if [_text(p) for p in paras] == [_text(p) for p in paragraphs]:
                w.blocks.append(Block(n, "smartart", block_key, path, dpart, paras, None, mirror=True, hidden=hidden))


def _text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(q("a:t")))


def _int(value: str | None) -> int:
    try:
        return max(0, int(value)) if value is not None else 0
    except ValueError:
        return 0


def _tc_insets(tc: etree._Element) -> tuple[int, int, int, int]:
    pr = tc.find(q("a:tcPr"))
    get = lambda a, d: _int(pr.get(a)) if pr is not None and pr.get(a) is not None else d  # noqa: E731
    return get("marL", 91440), get("marR", 91440), get("marT", 45720), get("marB", 45720)


_PH_SIZES = {"title": 44.0, "ctrTitle": 44.0, "subTitle": 24.0, "body": 28.0, "obj": 28.0}


#: inherited placeholder sizes per layout part (weakly held: gone with the presentation), keyed by the
#: placeholder's type and index; python-pptx finds a layout's placeholder with an XPath per shape, which was most of
#: a 100-slide deck's walk
_INHERITED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _inherited_size(sp: etree._Element, ph: etree._Element, part: object) -> tuple[int, int]:
    try:
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT

        layout = part.part_related_by(RT.SLIDE_LAYOUT)
        sizes = _INHERITED.setdefault(layout, {})
    except Exception:  # noqa: BLE001 - a notes page, a broken relationship: no cache, compute it
        layout, sizes = None, {}
    key = (ph.get("type") or "body", ph.get("idx") or "0", ph.get("orient") or "", ph.get("sz") or "")
    if key not in sizes:
        try:
            from pptx.shapes.shapetree import SlideShapeFactory

            shape = SlideShapeFactory(sp, None)
            shape._parent = type("P", (), {"part": part})()
            sizes[key] = (int(shape.width or 0), int(shape.height or 0))
        except Exception:  # noqa: BLE001 - geometry is only for a heuristic; a hostile layout must not stop it
            sizes[key] = (0, 0)
    return sizes[key]


def _box(sp: etree._Element, body: etree._Element, part: object) -> Box | None:
    ext = sp.find(f"{q('p:spPr')}/{q('a:xfrm')}/{q('a:ext')}")
    ph = sp.find(f"{q('p:nvSpPr')}/{q('p:nvPr')}/{q('p:ph')}")
    width = height = 0
    if ext is not None:
        width, height = _int(ext.get("cx")), _int(ext.get("cy"))
    elif ph is not None:  # a placeholder inherits its position from its layout placeholder
        width, height = _inherited_size(sp, ph, part)
    if not width or not height:
        return None
    pr = body.find(q("a:bodyPr"))
    attr = lambda a, d: _int(pr.get(a)) if pr is not None and pr.get(a) is not None else d  # noqa: E731
    insets = (attr("lIns", 91440), attr("rIns", 91440), attr("tIns", 45720), attr("bIns", 45720))
    autofit = ""
    if pr is not None:
        if pr.find(q("a:normAutofit")) is not None:
            autofit = "shrink"
        elif pr.find(q("a:spAutoFit")) is not None:
            autofit = "grow"
    ph_type = (ph.get("type") or "body") if ph is not None else ""
    return Box(
        width,
        height,
        insets,
        wrap=pr is None or pr.get("wrap") != "none",
        autofit=autofit,
        default_size_pt=_PH_SIZES.get(ph_type, 18.0),
    )


# --------------------------------------------------------------------------- paragraphs


def atoms(paragraph: etree._Element, part: object) -> list[Atom]:
    out: list[Atom] = []
    fields = 0
    for child in paragraph:
        name = child.tag
        if name in (q("a:pPr"), q("a:endParaRPr")) or not isinstance(name, str):
            continue
        if name == q("a:r"):
            t = child.find(q("a:t"))
            out.append(Atom("text", (t.text or "") if t is not None else "", child, run_tags(child, part)))
        elif name == q("a:br"):
            out.append(Atom("br", "\n", child))
        else:
            out.append(Atom("fld", FIELD_CHAR, child, run_tags(child, part), index=fields))
            fields += 1
    return out


def run_tags(run: etree._Element, part: object) -> frozenset[Tag]:
    rpr = run.find(q("a:rPr"))
    if rpr is None:
        return frozenset()
    tags = set()
    if rpr.get("b") in ("1", "true"):
        tags.add(Tag("b"))
    if rpr.get("i") in ("1", "true"):
        tags.add(Tag("i"))
    if rpr.get("u") not in (None, "none"):
        tags.add(Tag("u"))
    colour = colour_of(rpr)
    if colour:
        tags.add(Tag("c", colour))
    href = href_of(rpr, part)
    if href:
        tags.add(Tag("a", href))
    return frozenset(tags)


def colour_of(rpr: etree._Element) -> str:
    fill = rpr.find(q("a:solidFill"))
    if fill is None or len(fill) == 0:
        return ""
    clr = fill[0]
    value = clr.get("val") or ""
    local = etree.QName(clr).localname
    if local == "srgbClr":
        value = value.upper()
        return value if len(value) == 6 and all(ch in "0123456789ABCDEF" for ch in value) else ""
    if local in ("schemeClr", "prstClr", "sysClr") and value.isalnum() and value[:1].isalpha() and len(value) <= 16:
        return value
    return ""


def href_of(rpr: etree._Element, part: object) -> str:
    link = rpr.find(q("a:hlinkClick"))
    rid = link.get(q("r:id")) if link is not None else None
    if not rid:
        return ""
    rel = part.rels.get(rid)
    if rel is None or not rel.is_external:
        return ""
    target = rel.target_ref or ""
    return target if '"' not in target and "<" not in target and ">" not in target else ""


# wide and full-width characters (Unicode East Asian Width W/F): Hangul, CJK, kana, full-width forms
CJK_RE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def is_cjk(ch: str) -> bool:
    return CJK_RE.match(ch) is not None


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None
