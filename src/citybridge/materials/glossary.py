"""A bilingual (English / Simplified Chinese) glossary of climate and urban terms: CSV and TBX in and out, and the
terms of a glossary found in a segment (English: whole words, any case, plural ``-s``/``-es``/``-ies``, a hyphen or
a space between words alike; Chinese: the exact characters). Plain Python, no Django.

Several rows may share an English term (two accepted Chinese renderings, first = preferred): lookup and QA treat
them as one entry whose targets are all those renderings. The starter glossary is ``data/glossary_seed.csv``; its
``source`` column says where each term comes from.

CSV: UTF-8 (a BOM is fine) with a header ``en,zh,note,source`` (``note`` and ``source`` optional; ``English`` /
``Chinese`` accepted as header names). Another encoding (a GBK file saved by Excel) is refused with
``GlossaryError("encoding")`` unless the caller lists it in ``encodings``.
TBX: written as TBX v3 (ISO 30042:2019) DCA style, dialect TBX-Basic (``conceptEntry/langSec/termSec/term``,
``note`` and ``admin type="source"`` on the entry); read from TBX v3 and from TBX v2 / TBX-Basic 2008
(``martif``, ``termEntry/langSet/tig|ntig/term``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from citybridge.core.files import csv_bytes

SEED = Path(__file__).parent / "data" / "glossary_seed.csv"
MAX_TERM = 200
MAX_NOTE = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEADERS = {
    "en": "en",
    "english": "en",
    "zh": "zh",
    "chinese": "zh",
    "zh-hans": "zh",
    "note": "note",
    "source": "source",
}
TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class GlossaryError(ValueError):
    """A glossary file that cannot be read at all. ``code``: ``empty``, ``too_large``, ``encoding``, ``no_header``,
    ``too_many_rows``, ``xml_doctype``, ``not_tbx``."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}" if params else code)


@dataclass(frozen=True)
class Term:
    en: str
    zh: str
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class RowProblem:
    """A row left out of an import: ``row`` counts from 1 for the first data row (CSV) or entry (TBX)."""

    row: int
    code: str  # "missing_en", "missing_zh", "too_long", "control_characters", "duplicate"
    field: str = ""


@dataclass(frozen=True)
class TermHit:
    start: int
    end: int
    found: str  # the text as it is in the segment
    term: Term  # the first (preferred) row of the entry
    targets: tuple[str, ...]  # every accepted rendering in the other language


class Glossary:
    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = list(terms)
        self._en: dict[str, list[Term]] = {}
        self._zh: dict[str, list[Term]] = {}
        for t in self.terms:
            self._en.setdefault(t.en.casefold(), []).append(t)
            self._zh.setdefault(t.zh, []).append(t)
        en_keys = sorted(self._en, key=len, reverse=True)
        zh_keys = sorted(self._zh, key=len, reverse=True)
        self._en_keys, self._zh_keys = en_keys, zh_keys
        self._en_re = _alternation([english_pattern(k) for k in en_keys], re.IGNORECASE)
        self._zh_re = _alternation([re.escape(k) for k in zh_keys], 0)

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, text: str, lang: str = "en") -> list[TermHit]:
        """The glossary's terms in ``text`` (a plain string in ``lang``), longest first, never overlapping."""
        regex, keys, index, other = (
            (self._en_re, self._en_keys, self._en, "zh")
            if lang == "en"
            else (self._zh_re, self._zh_keys, self._zh, "en")
        )
        if regex is None:
            return []
        hits = []
        for m in regex.finditer(text):
            rows = index[keys[m.lastindex - 1]]
            targets = tuple(dict.fromkeys(getattr(r, other) for r in rows))
            hits.append(TermHit(m.start(), m.end(), m.group(0), rows[0], targets))
        return hits

    def has_target(self, text: str, target: str, lang: str) -> bool:
        """Does ``text`` (in ``lang``) contain the term ``target`` (with the same matching rules as ``find``)?"""
        if lang == "en":
            return (
                re.search(rf"(?<![\w-]){english_pattern(target.casefold())}(?![\w-])", text, re.IGNORECASE) is not None
            )
        return target in text


def english_pattern(term: str) -> str:
    """``eco-city`` → matches eco-city, eco city, Eco-Cities; ``green building`` → green buildings."""
    words = [re.escape(w) for w in re.split(r"[\s\-]+", term.strip()) if w]
    if not words:
        return "(?!)"
    last = words[-1]
    if last.endswith("y") and len(last) > 1:
        last = f"(?:{last}|{last[:-1]}ies)"
    else:
        last = f"{last}(?:s|es)?"
    return r"[\s\-]+".join(words[:-1] + [last])


def _alternation(patterns: Sequence[str], flags: int) -> re.Pattern | None:
    if not patterns:
        return None
    body = "|".join(f"({p})" for p in patterns)
    if flags & re.IGNORECASE:  # English: whole words only
        body = rf"(?<![\w-])(?:{body})(?![\w-])"
    return re.compile(body, flags)


def load_seed() -> Glossary:
    terms, _problems = read_csv(SEED.read_bytes())
    return Glossary(terms)


# --------------------------------------------------------------------------- CSV


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    return _clean(row[columns[name]]) if name in columns and columns[name] < len(row) else ""


def _check(row: int, en: str, zh: str, note: str, source: str) -> RowProblem | None:
    if not en:
        return RowProblem(row, "missing_en", "en")
    if not zh:
        return RowProblem(row, "missing_zh", "zh")
    for name, value, limit in (
        ("en", en, MAX_TERM),
        ("zh", zh, MAX_TERM),
        ("note", note, MAX_NOTE),
        ("source", source, MAX_NOTE),
    ):
        if len(value) > limit:
            return RowProblem(row, "too_long", name)
        if _CONTROL.search(value):
            return RowProblem(row, "control_characters", name)
    return None


def read_csv(
    data: bytes, *, encodings: Sequence[str] = ("utf-8",), max_bytes: int = 5 * 1024 * 1024, max_rows: int = 20_000
) -> tuple[list[Term], list[RowProblem]]:
    """Terms and the rows left out (with why). Raises ``GlossaryError`` when the file cannot be read at all."""
    if not data:
        raise GlossaryError("empty")
    if len(data) > max_bytes:
        raise GlossaryError("too_large", max=max_bytes)
    text = None
    for enc in encodings:
        try:
            text = data.decode("utf-8-sig" if enc.lower().replace("_", "-") == "utf-8" else enc)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        raise GlossaryError("encoding", tried=", ".join(encodings))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise GlossaryError("no_header")
    columns = {
        _HEADERS.get(h.strip().casefold()): i for i, h in enumerate(header) if _HEADERS.get(h.strip().casefold())
    }
    if "en" not in columns or "zh" not in columns:
        raise GlossaryError("no_header")
    terms: list[Term] = []
    problems: list[RowProblem] = []
    seen: set[tuple[str, str]] = set()
    try:
        for n, row in enumerate(reader, 1):
            if n > max_rows:
                raise GlossaryError("too_many_rows", max=max_rows)
            if not any(cell.strip() for cell in row):
                continue
            en, zh, note, source = (_cell(row, columns, name) for name in ("en", "zh", "note", "source"))
            if en.startswith("'") and en[1:2] in ("=", "+", "-", "@"):
                en = en[1:]  # our own export neutralised a formula-like cell; take the text back
            problem = _check(n, en, zh, note, source)
            if problem is None and (en.casefold(), zh) in seen:
                problem = RowProblem(n, "duplicate", "en")
            if problem:
                problems.append(problem)
                continue
            seen.add((en.casefold(), zh))
            terms.append(Term(en, zh, note, source))
    except csv.Error:
        problems.append(RowProblem(reader.line_num, "malformed"))
    return terms, problems


def write_csv(terms: Iterable[Term]) -> bytes:
    """UTF-8 with a BOM (Excel reads the Chinese), every cell through ``core.files.safe_cell``."""
    return csv_bytes([["en", "zh", "note", "source"]] + [[t.en, t.zh, t.note, t.source] for t in terms])


# --------------------------------------------------------------------------- TBX


def write_tbx(terms: Iterable[Term]) -> bytes:
    root = etree.Element(f"{{{TBX_NS}}}tbx", nsmap={None: TBX_NS})
    root.set("type", "TBX-Basic")
    root.set("style", "dca")
    root.set(XML_LANG, "en")
    header = etree.SubElement(root, f"{{{TBX_NS}}}tbxHeader")
    desc = etree.SubElement(etree.SubElement(header, f"{{{TBX_NS}}}fileDesc"), f"{{{TBX_NS}}}sourceDesc")
    etree.SubElement(desc, f"{{{TBX_NS}}}p").text = "CityBridge glossary of climate and urban terms"
    body = etree.SubElement(etree.SubElement(root, f"{{{TBX_NS}}}text"), f"{{{TBX_NS}}}body")
    groups: dict[str, list[Term]] = {}
    for t in terms:
        groups.setdefault(t.en.casefold(), []).append(t)
    for n, rows in enumerate(groups.values(), 1):
        entry = etree.SubElement(body, f"{{{TBX_NS}}}conceptEntry", id=f"c{n}")
        if rows[0].source:
            etree.SubElement(entry, f"{{{TBX_NS}}}admin", type="source").text = rows[0].source
        if rows[0].note:
            etree.SubElement(entry, f"{{{TBX_NS}}}note").text = rows[0].note
        for lang, values in (("en", [rows[0].en]), ("zh-Hans", list(dict.fromkeys(r.zh for r in rows)))):
            sec = etree.SubElement(entry, f"{{{TBX_NS}}}langSec")
            sec.set(XML_LANG, lang)
            for value in values:
                etree.SubElement(etree.SubElement(sec, f"{{{TBX_NS}}}termSec"), f"{{{TBX_NS}}}term").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _local(elm: etree._Element) -> str:
    return etree.QName(elm).localname if isinstance(elm.tag, str) else ""


def read_tbx(
    data: bytes, *, max_bytes: int = 10 * 1024 * 1024, max_rows: int = 20_000
) -> tuple[list[Term], list[RowProblem]]:
    """Terms from TBX v3 (``conceptEntry``/``langSec``/``termSec``) or v2 (``termEntry``/``langSet``/``tig``).
    A DOCTYPE is refused before parsing (no entity can expand); the parser resolves no entities and no network."""
    if not data:
        raise GlossaryError("empty")
    if len(data) > max_bytes:
        raise GlossaryError("too_large", max=max_bytes)
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    if re.search(rb"<!\s*(DOCTYPE|ENTITY)", head, re.IGNORECASE) or re.search(rb"<!\s*ENTITY", data, re.IGNORECASE):
        raise GlossaryError("xml_doctype")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise GlossaryError("not_tbx")
    if _local(root) not in ("tbx", "martif"):
        raise GlossaryError("not_tbx")
    terms: list[Term] = []
    problems: list[RowProblem] = []
    seen: set[tuple[str, str]] = set()
    entries = [e for e in root.iter() if _local(e) in ("conceptEntry", "termEntry")]
    if len(entries) > max_rows:
        raise GlossaryError("too_many_rows", max=max_rows)
    for n, entry in enumerate(entries, 1):
        by_lang: dict[str, list[str]] = {"en": [], "zh": []}
        note = source = ""
        for child in entry.iter():
            name = _local(child)
            if name == "note" and not note:
                note = _clean("".join(child.itertext()))
            elif name in ("admin", "descrip", "xref") and child.get("type") == "source" and not source:
                source = _clean("".join(child.itertext()))
            elif name in ("langSec", "langSet"):
                lang = (child.get(XML_LANG) or child.get("lang") or "").casefold()
                key = "zh" if lang.startswith("zh") else "en" if lang.startswith("en") else None
                if key:
                    by_lang[key].extend(_clean("".join(t.itertext())) for t in child.iter() if _local(t) == "term")
        en = next((v for v in by_lang["en"] if v), "")
        zhs = [v for v in by_lang["zh"] if v] or [""]
        for zh in zhs:
            problem = _check(n, en, zh, note, source)
            if problem is None and (en.casefold(), zh) in seen:
                problem = RowProblem(n, "duplicate", "en")
            if problem:
                problems.append(problem)
                continue
            seen.add((en.casefold(), zh))
            terms.append(Term(en, zh, note, source))
    return terms, problems
