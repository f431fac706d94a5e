"""Reads of the materials app, scoped by Material.objects.visible_to(user)."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from citybridge.core.models import User

from . import messages
from .glossary import Glossary, Term
from .models import Counter, FileKind, GlossaryTerm, Material, MaterialVersion, Segment, SegmentStatus
from .qa import check_segment
from .tm import TranslationMemory

M = TypeVar("M")


def _get(qs: QuerySet[M], pk: int) -> M:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def material_list(*, user: User, state: str = "") -> QuerySet[Material]:
    qs = Material.objects.visible_to(user).select_related("lecturer", "session__course", "translator")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


def material_get(*, user: User, pk: int) -> Material:
    return _get(
        Material.objects.visible_to(user).select_related(
            "lecturer", "session__course__academy", "module", "translator"
        ),
        pk,
    )


def version_get(*, user: User, pk: int) -> MaterialVersion:
    return _get(
        MaterialVersion.objects.filter(material__in=Material.objects.visible_to(user)).select_related(
            "material__session__course__academy"
        ),
        pk,
    )


def segment_get(*, user: User, pk: int) -> Segment:
    return _get(
        Segment.objects.filter(doc_version__material__in=Material.objects.visible_to(user)).select_related(
            "doc_version__material__session__course__academy"
        ),
        pk,
    )


def latest_deck(material: Material) -> MaterialVersion | None:
    return material.versions.filter(kind=FileKind.PPTX).order_by("-number").first()


def version_segments(*, version: MaterialVersion, status: str = "") -> QuerySet[Segment]:
    qs = Segment.objects.filter(doc_version=version)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("position", "id")


def progress(version: MaterialVersion) -> dict:
    counts = Segment.objects.filter(doc_version=version).aggregate(
        total=Count("id"),
        untranslated=Count("id", filter=Q(status=SegmentStatus.UNTRANSLATED)),
        draft=Count("id", filter=Q(status=SegmentStatus.DRAFT)),
        reviewed=Count("id", filter=Q(status=SegmentStatus.REVIEWED)),
    )
    total = counts["total"] or 0
    counts["percent"] = round(100 * (counts["draft"] + counts["reviewed"]) / total) if total else 0
    return counts


# --------------------------------------------------------------------------- per-process caches


@dataclass
class _Cached:
    generation: int = -1
    value: object = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_TM = _Cached()
_GLOSSARY = _Cached()


def _generation(name: str) -> int:
    return Counter.objects.filter(name=name).values_list("value", flat=True).first() or 0


def _reviewed_rows(since: datetime.datetime | None = None) -> Iterator[tuple[int, str, str, datetime.datetime]]:
    qs = Segment.objects.filter(status=SegmentStatus.REVIEWED).exclude(target="")
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    return qs.order_by("id").values_list("pk", "source", "target", "updated_at").iterator(chunk_size=2000)


def project_tm() -> TranslationMemory:
    """The translation memory of every reviewed segment, cached per process.

    Two counters say what changed since this process built it: ``tm`` (a reviewed segment was changed or
    un-reviewed: rebuild from scratch) and ``tm_add`` (segments became reviewed: add those updated since the last
    build, with a 60 s overlap for transactions that committed late; rows already in are skipped by id). When
    neither moved, this costs one query."""
    gens = dict(Counter.objects.filter(name__in=("tm", "tm_add")).values_list("name", "value"))
    full, add = gens.get("tm", 0), gens.get("tm_add", 0)
    with _TM.lock:
        state = _TM.value
        if state is None or state["full"] != full:
            tm, seen, latest = TranslationMemory(), set(), None
            pairs: set[tuple[str, str]] = set()
            for pk, source, target, updated in _reviewed_rows():
                seen.add(pk)
                latest = updated if latest is None or updated > latest else latest
                if (source, target) not in pairs:
                    pairs.add((source, target))
                    tm.add(source, target, key=pk)
            _TM.value = {"tm": tm, "full": full, "add": add, "seen": seen, "pairs": pairs, "latest": latest}
        elif state["add"] != add:
            since = state["latest"] - datetime.timedelta(seconds=60) if state["latest"] else None
            for pk, source, target, updated in _reviewed_rows(since):
                if pk in state["seen"]:
                    continue
                state["seen"].add(pk)
                state["latest"] = updated if state["latest"] is None or updated > state["latest"] else state["latest"]
                if (source, target) not in state["pairs"]:
                    state["pairs"].add((source, target))
                    state["tm"].add(source, target, key=pk)
            state["add"] = add
        return _TM.value["tm"]


def project_glossary() -> Glossary:
    gen = _generation("glossary")
    with _GLOSSARY.lock:
        if _GLOSSARY.generation != gen or _GLOSSARY.value is None:
            _GLOSSARY.value = Glossary(
                Term(en, zh, note, source)
                for en, zh, note, source in GlossaryTerm.objects.order_by("id").values_list(
                    "en", "zh", "note", "source"
                )
            )
            _GLOSSARY.generation = gen
        return _GLOSSARY.value


def glossary_list(*, q: str = "") -> QuerySet[GlossaryTerm]:
    qs = GlossaryTerm.objects.all()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(en__icontains=q) | Q(zh__icontains=q))
    return qs.order_by("en", "id")


def tm_lookup(query: str, *, limit: int = 3) -> list[dict]:
    return [
        {"source": m.entry.source, "target": m.target, "score": m.score, "exact": m.exact}
        for m in project_tm().lookup(query, limit=limit)
    ]


def qa_of(source: str, target: str, glossary: Glossary) -> list[dict]:
    if not target:
        return []
    return [
        {"code": i.code, "severity": i.severity, "message": messages.qa_message(i.code, i.detail)}
        for i in check_segment(source, target, glossary=glossary)
    ]


def editor_rows(segments: list[Segment], *, with_tm: bool = True) -> list[dict]:
    """Each segment of the page with its TM suggestions, glossary hits and QA results."""
    tm = project_tm() if with_tm else None
    glossary = project_glossary()
    rows = []
    for seg in segments:
        from .deck import plain

        text = plain(seg.source)
        rows.append(
            {
                "segment": seg,
                "suggestions": [
                    {"target": m.target, "score": m.score, "exact": m.exact, "source": m.entry.source}
                    for m in (tm.lookup(seg.source, limit=3) if tm is not None else [])
                    if m.entry.key != seg.pk
                ],
                "terms": [{"found": h.found, "targets": " / ".join(h.targets)} for h in glossary.find(text, "en")],
                "qa": qa_of(seg.source, seg.target, glossary),
            }
        )
    return rows


def version_xliff(*, version: MaterialVersion) -> bytes:
    """The version's segments as an XLIFF 2.0 document (the export; a read, nothing written)."""
    from .xliff import Unit, export

    units = [
        Unit(sid, source, target, status, slide, context)
        for sid, source, target, status, slide, context in Segment.objects.filter(doc_version=version)
        .order_by("position", "id")
        .values_list("sid", "source", "target", "status", "slide", "context")
    ]
    return export(units, deck_key=xliff_key(version), original=xliff_filename(version).replace(".xlf", ".pptx"))


def xliff_key(version: MaterialVersion) -> str:
    """The XLIFF file id of a deck version: names the material and the version, so a file for another is refused."""
    return f"material-{version.material_id}-version-{version.pk}"


def xliff_filename(version: MaterialVersion) -> str:
    return f"material-{version.material_id}-v{version.number}.xlf"
