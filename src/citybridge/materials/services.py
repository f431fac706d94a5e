"""Every write of the materials app: upload, versions, workflow transitions, segment saves, glossary import, build.

Each service checks permission with ``require``, validates, runs in a transaction and records history."""

from __future__ import annotations

import datetime
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.academy.models import Module, Session
from citybridge.core.concurrency import claim_version
from citybridge.core.files import check_upload
from citybridge.core.models import User
from citybridge.core.rows import date_text
from citybridge.core.services import require

from . import messages
from .deck import DeckError, Limits, TagError, check_deck, compare, extract, translate_deck
from .glossary import GlossaryError, Term, read_csv, read_tbx
from .models import (
    DEFAULT_LEAD_DAYS,
    ORDER,
    OWNER_ROLE,
    Counter,
    FileKind,
    GlossaryTerm,
    Material,
    MaterialEvent,
    MaterialVersion,
    Segment,
    SegmentStatus,
    State,
)
from .mt import MachineTranslator
from .tm import normalise

#: (from, to) → (permission, is_return). A return needs a comment and goes back to the step that can fix it.
TRANSITIONS: dict[tuple[str, str], tuple[str, bool]] = {
    ("submitted", "adaptation"): ("materials.manage_material", False),
    ("adaptation", "translation"): ("materials.manage_material", False),
    ("adaptation", "submitted"): ("materials.manage_material", True),
    ("translation", "approval"): ("materials.edit_segments", False),
    ("translation", "adaptation"): ("materials.manage_material", True),
    ("approval", "style"): ("materials.approve_material", False),
    ("approval", "translation"): ("materials.approve_material", True),
    ("style", "ready"): ("materials.manage_material", False),
    ("style", "translation"): ("materials.manage_material", True),
    ("ready", "delivered"): ("materials.manage_material", False),
}
ATTACHMENT_KINDS = ("pptx", "pdf", "docx")

#: the longest translation of one segment, in characters (the editor and an XLIFF import alike)
MAX_TRANSLATION = 20_000


def lead_days() -> dict[str, int]:
    return {**DEFAULT_LEAD_DAYS, **getattr(settings, "CITYBRIDGE_MATERIALS_LEAD_DAYS", {})}


def due_for(material: Material, state: str) -> datetime.date | None:
    """The step's due date: the session's date less the step's lead time (none after ready)."""
    days = lead_days().get(state)
    if days is None or material.session.date is None:
        return None
    return material.session.date - datetime.timedelta(days=days)


def deck_limits() -> Limits:
    return Limits(
        max_bytes=settings.CITYBRIDGE_MAX_UPLOAD_BYTES,
        max_unzipped=settings.CITYBRIDGE_MAX_UNZIPPED_BYTES,
        max_parts=settings.CITYBRIDGE_MAX_ZIP_MEMBERS,
        max_ratio=settings.CITYBRIDGE_MAX_ZIP_RATIO,
    )


def bump_counter(name: str) -> None:
    updated = Counter.objects.filter(name=name).update(value=F("value") + 1)
    if not updated:
        Counter.objects.get_or_create(name=name, defaults={"value": 1})


def _read_upload(uploaded_file: UploadedFile) -> tuple[str, bytes, list]:
    """Bounded and typed before parsing: core.files.check_upload, then the engine's check_deck and extract."""
    try:
        kind = check_upload(uploaded_file, kinds=ATTACHMENT_KINDS)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    suffix = os.path.splitext(getattr(uploaded_file, "name", "") or "")[1].lower().lstrip(".")
    if suffix == "pptx" and kind != "pptx":  # a DOCX renamed .pptx: refused, it is not what the name says
        raise ValidationError({"file": messages.deck_error("not_pptx", {"kind": kind})})
    if suffix in ATTACHMENT_KINDS and suffix != kind:
        raise ValidationError(
            {
                "file": _("The file's content is %(kind)s, not what its name says; check the file.")
                % {"kind": kind.upper()}
            }
        )
    data = uploaded_file.read()
    uploaded_file.seek(0)
    segments: list = []
    if kind == "pptx":
        try:
            check_deck(data, deck_limits())
            segments = extract(data, deck_limits())
        except DeckError as exc:
            raise ValidationError({"file": messages.deck_error(exc.code, exc.params)}) from None
        if not segments:
            raise ValidationError({"file": messages.deck_error("no_text")})
    return kind, data, segments


def _event(
    material: Material,
    actor: User | None,
    action: str,
    from_state: str,
    to_state: str,
    comment: str = "",
    assignee: User | None = None,
) -> None:
    MaterialEvent.objects.create(
        material=material,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        assignee=assignee,
    )


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the material a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("The title is longer than 200 characters.")})
    return title


def material_create(
    *, actor: User, title: str, session: Session, uploaded_file: UploadedFile, module: Module | None = None
) -> Material:
    """A lecturer's new material for one of their sessions (staff: any session with a lecturer), first version."""
    require(actor, "materials.upload_material")
    title = _clean_title(title)
    if session.lecturer_id is None:
        raise ValidationError({"session_id": _("The session has no lecturer yet.")})
    if not actor.is_program_staff and session.lecturer_id != actor.person_id:
        raise ValidationError({"session_id": _("Select a valid choice.")})
    kind, data, segments = _read_upload(uploaded_file)
    with transaction.atomic():
        material = Material(
            title=title,
            lecturer_id=session.lecturer_id,
            session=session,
            module=module or session.module,
            created_by=actor,
        )
        material.due_date = due_for(material, State.SUBMITTED)
        material.save()
        _event(material, actor, "submit", "", State.SUBMITTED)
        _store_version(material, actor, uploaded_file, kind, data, segments)
    return material


def material_version_add(*, actor: User, material: Material, uploaded_file: UploadedFile) -> MaterialVersion:
    """A new version of the deck: its segments, with the targets of unchanged segments carried over."""
    require(actor, "materials.upload_version", material)
    if material.state == State.DELIVERED:
        raise ValidationError({"file": _("The material has been delivered; it takes no new version.")})
    kind, data, segments = _read_upload(uploaded_file)
    with transaction.atomic():
        version = _store_version(material, actor, uploaded_file, kind, data, segments)
        from_state, comment = material.state, _("Version %(n)s") % {"n": version.number}
        if ORDER.index(from_state) > ORDER.index(State.TRANSLATION):
            # the academy approved another deck: the new one is translated (what changed) and approved again
            material.state = State.TRANSLATION
            material.due_date = due_for(material, State.TRANSLATION)
            material.version = F("version") + 1
            material.save(update_fields=["state", "due_date", "version"])
            material.refresh_from_db(fields=["version"])
            comment = _("Version %(n)s: back to translation, for the academy to approve the new deck.") % {
                "n": version.number
            }
        _event(material, actor, "upload", from_state, material.state, comment)
    return version


def _store_version(
    material: Material, actor: User, uploaded_file: UploadedFile, kind: str, data: bytes, segments: list
) -> MaterialVersion:
    last = material.versions.order_by("-number").first()
    previous = (
        MaterialVersion.objects.filter(material=material, kind=FileKind.PPTX).order_by("-number").first()
        if kind == FileKind.PPTX
        else None
    )
    name = os.path.basename(getattr(uploaded_file, "name", "") or f"deck.{kind}")[:200]
    version = MaterialVersion(
        material=material,
        number=(last.number + 1) if last else 1,
        kind=kind,
        original_name=name,
        size=len(data),
        uploaded_by=actor,
    )
    version.file.save(f"{material.pk}-v{version.number}.{kind}", ContentFile(data), save=False)
    version.save()
    if segments:
        before: dict[str, tuple[str, str, str]] = {}
        by_source: dict[str, tuple[str, str]] = {}
        if previous is not None:
            for sid, source, target, status in previous.segments.values_list("sid", "source", "target", "status"):
                before[sid] = (source, target, status)
                if target:
                    by_source.setdefault(normalise(source), (target, status))
        rows = []
        for n, seg in enumerate(segments):
            old = before.get(seg.id)
            target, status, changed = "", SegmentStatus.UNTRANSLATED, previous is not None
            if old is not None and old[0] == seg.source:
                target, status, changed = old[1], old[2], False
            elif previous is not None and normalise(seg.source) in by_source:
                # the same sentence moved elsewhere in the deck: an exact match of the previous version's memory
                target, status = by_source[normalise(seg.source)]
                changed = False
            rows.append(
                Segment(
                    doc_version=version,
                    sid=seg.id,
                    position=n,
                    source=seg.source,
                    target=target,
                    status=status,
                    context=seg.context,
                    slide=seg.slide,
                    changed=changed,
                )
            )
        Segment.objects.bulk_create(rows, batch_size=500)
        if any(r.status == SegmentStatus.REVIEWED for r in rows):
            bump_counter("tm_add")
    return version


def material_transition(
    *, actor: User, material: Material, to_state: str, comment: str = "", expected_version: int | None = None
) -> Material:
    """Move the material one step (or return it with a comment) if the actor owns that step."""
    rule = TRANSITIONS.get((material.state, to_state))
    if rule is None:
        raise ValidationError({"to_state": _("The material cannot go from this step to that one.")})
    perm, is_return = rule
    require(actor, perm, material)
    comment = (comment or "").strip()
    if len(comment) > 4000:
        raise ValidationError({"comment": _("The comment is longer than 4,000 characters.")})
    if is_return and not comment:
        raise ValidationError({"comment": _("Say why the material is returned.")})
    if to_state == State.TRANSLATION and not is_return and material.translator_id is None:
        raise ValidationError({"to_state": _("Assign a translator first.")})
    if to_state == State.DELIVERED and material.session.date > timezone.localdate():
        raise ValidationError(
            {
                "to_state": _("The session is on %(date)s: a deck is delivered on that day or after it.")
                % {"date": date_text(material.session.date)}
            }
        )
    if material.state == State.TRANSLATION and to_state == State.APPROVAL:
        latest = material.versions.filter(kind=FileKind.PPTX).order_by("-number").first()
        if latest is not None and latest.segments.filter(target="").exists():
            raise ValidationError({"to_state": _("Translate every segment of the latest deck first.")})
    with transaction.atomic():
        claim_version(material, expected_version)
        from_state = material.state
        material.state = to_state
        material.due_date = due_for(material, to_state)
        material.save(update_fields=["state", "due_date", "version"])
        _event(material, actor, "return" if is_return else "advance", from_state, to_state, comment)
    return material


#: MaterialEvent actions written by material_evaluation_verdict (outreach evaluations of the session)
EVALUATION_MET, EVALUATION_FLAG = "evaluation_met", "evaluation_flag"


def material_evaluation_verdict(*, session_id: int, met: bool, comment: str) -> int:
    """The officials' evaluations of a session reached a verdict (computed by outreach.expectations): each material
    of that session gets a history entry with the figures. Met: a material at the "style and acceptability" step is
    closed (moved to "ready", with its new due date); not met: the entry flags it for review (state unchanged).
    Called by the outreach app's task, not by a user (no actor). Idempotent: a material whose latest verdict entry
    says the same is left alone. Returns the number of materials that got an entry."""
    action = EVALUATION_MET if met else EVALUATION_FLAG
    touched = 0
    with transaction.atomic():
        for material in Material.objects.select_for_update().filter(session_id=session_id).order_by("id"):
            last = material.events.filter(action__in=(EVALUATION_MET, EVALUATION_FLAG)).order_by("-at", "-id").first()
            if last is not None and last.action == action and last.comment == comment:
                continue
            from_state = material.state
            if met and from_state == State.STYLE:
                material.state = State.READY
                material.due_date = due_for(material, State.READY)
                material.version = F("version") + 1
                material.save(update_fields=["state", "due_date", "version"])
            _event(material, None, action, from_state, material.state, comment[:4000])
            touched += 1
    return touched


def material_assign_translator(
    *, actor: User, material: Material, translator: User | None, expected_version: int | None = None
) -> Material:
    require(actor, "materials.manage_material", material)
    if translator is None or not translator.is_active or not translator.has_role("translator"):
        raise ValidationError({"translator_id": _("Select a valid choice.")})
    with transaction.atomic():
        claim_version(material, expected_version)
        material.translator = translator
        material.save(update_fields=["translator", "version"])
        _event(material, actor, "assign", material.state, material.state, assignee=translator)
    return material


def material_update_adaptation(
    *,
    actor: User,
    material: Material,
    adaptation_notes: str,
    local_examples: str,
    case_links: str,
    expected_version: int | None = None,
) -> Material:
    """The adaptation review's notes: applicability to China, local examples and data, links to cases."""
    require(actor, "materials.manage_material", material)
    fields = {"adaptation_notes": adaptation_notes, "local_examples": local_examples, "case_links": case_links}
    for name, value in fields.items():
        limit = 4000 if name == "case_links" else 10000
        if len(value or "") > limit:
            raise ValidationError({name: _("The text is longer than %(max)s characters.") % {"max": limit}})
    with transaction.atomic():
        claim_version(material, expected_version)
        for name, value in fields.items():
            setattr(material, name, (value or "").strip())
        material.save(update_fields=[*fields, "version"])
    return material


def segment_save(
    *, actor: User, segment: Segment, target: str, status: str, expected_version: int | None = None
) -> Segment:
    """The translator's save of one segment: tags checked against the source, the version it started from."""
    material = segment.doc_version.material
    require(actor, "materials.edit_segments", material)
    if status not in SegmentStatus.values:
        raise ValidationError({"status": _("Select a valid choice.")})
    target = (target or "").strip()
    if len(target) > MAX_TRANSLATION:
        raise ValidationError({"target": _("The translation is longer than 20,000 characters.")})
    latest = material.versions.filter(kind=FileKind.PPTX).order_by("-number").values_list("pk", flat=True).first()
    if segment.doc_version_id != latest:
        raise ValidationError({"target": _("This segment belongs to an older version of the deck.")})
    if target:
        try:
            compare(segment.source, target, segment.sid)
        except TagError as exc:
            raise ValidationError({"target": messages.tag_error(exc.code, exc.tag)}) from None
    else:
        if status != SegmentStatus.UNTRANSLATED:
            raise ValidationError({"target": _("An empty translation can only be untranslated.")})
    if target and status == SegmentStatus.UNTRANSLATED:
        status = SegmentStatus.DRAFT
    with transaction.atomic():
        was_reviewed = segment.status == SegmentStatus.REVIEWED
        claim_version(segment, expected_version)
        if target != segment.target:  # a person edited the text: it is theirs now, no longer the machine's
            segment.machine = False
        segment.target, segment.status = target, status
        segment.save(update_fields=["target", "status", "machine", "version", "updated_at"])
        if was_reviewed:  # a reviewed unit changed or left the memory: each process rebuilds it
            bump_counter("tm")
        elif status == SegmentStatus.REVIEWED:  # a new reviewed unit: each process adds it
            bump_counter("tm_add")
    return segment


def mt_backend() -> MachineTranslator | None:
    """The configured machine-translation backend (``CITYBRIDGE_MT_BACKEND``, a dotted path), or None."""
    path = getattr(settings, "CITYBRIDGE_MT_BACKEND", None)
    if not path:
        return None
    from django.utils.module_loading import import_string

    backend = import_string(path)()
    if not isinstance(backend, MachineTranslator):
        raise TypeError(f"{path} has no translate(texts, *, source_lang, target_lang) method")
    return backend


def segment_machine_translate(*, actor: User, segment: Segment, expected_version: int | None = None) -> Segment:
    """Ask the machine-translation backend for one segment: the answer (plain text, escaped) becomes the target as a
    *draft* marked ``machine``; a reviewed segment is left alone. Nothing is stored when the backend fails."""
    from .mt import MTError, suggest

    material = segment.doc_version.material
    require(actor, "materials.edit_segments", material)
    backend = mt_backend()
    if backend is None:
        raise ValidationError({"target": _("No machine translation is configured.")})
    latest = material.versions.filter(kind=FileKind.PPTX).order_by("-number").values_list("pk", flat=True).first()
    if segment.doc_version_id != latest:
        raise ValidationError({"target": _("This segment belongs to an older version of the deck.")})
    if segment.status == SegmentStatus.REVIEWED:
        raise ValidationError({"target": _("The segment is reviewed; a machine translation would not replace it.")})
    try:
        (suggestion,) = suggest(backend, [segment.source])
    except MTError as exc:
        if exc.code == "bad_answer":
            raise ValidationError({"target": _("The machine translation service gave an unusable answer.")}) from None
        raise ValidationError(
            {"target": _("The machine translation service did not answer; try again later.")}
        ) from None
    if not suggestion.target:
        raise ValidationError({"target": _("The machine translation service gave an unusable answer.")})
    with transaction.atomic():
        claim_version(segment, expected_version)
        segment.target, segment.status, segment.machine = suggestion.target, SegmentStatus.DRAFT, True
        segment.save(update_fields=["target", "status", "machine", "version", "updated_at"])
    return segment


# --------------------------------------------------------------------------- glossary


class ImportReport:
    def __init__(self) -> None:
        self.created = 0
        self.skipped = 0
        self.errors: list[dict] = []

    @property
    def ok(self) -> bool:
        return not self.errors


def glossary_import(*, actor: User, uploaded_file: UploadedFile) -> ImportReport:
    """CSV (UTF-8) or TBX: all rows or none; each refused row with its number, field and message."""
    require(actor, "materials.manage_glossary")
    report = ImportReport()
    try:
        check_upload(uploaded_file, kinds=("csv",))
    except ValidationError as exc:
        report.errors.append({"row": 0, "field": "file", "message": " ".join(exc.messages)})
        return report
    data = uploaded_file.read()
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    try:
        if head.startswith(b"<"):
            terms, problems = read_tbx(data, max_bytes=settings.CITYBRIDGE_MAX_UPLOAD_BYTES)
        else:
            terms, problems = read_csv(data, max_bytes=settings.CITYBRIDGE_MAX_UPLOAD_BYTES)
    except GlossaryError as exc:
        report.errors.append({"row": 0, "field": "file", "message": messages.glossary_error(exc.code, exc.params)})
        return report
    for p in problems:
        report.errors.append({"row": p.row, "field": p.field, "message": messages.row_problem(p.code, p.field)})
    if report.errors:
        return report
    if not terms:
        report.errors.append({"row": 0, "field": "file", "message": _("The file holds no terms.")})
        return report
    existing = set(GlossaryTerm.objects.values_list("en", "zh"))
    new = [t for t in terms if (t.en, t.zh) not in existing]
    report.skipped = len(terms) - len(new)
    with transaction.atomic():
        GlossaryTerm.objects.bulk_create(
            [GlossaryTerm(en=t.en, zh=t.zh, note=t.note, source=t.source) for t in new], batch_size=500
        )
        bump_counter("glossary")
    report.created = len(new)
    return report


def glossary_seed(terms: list[Term]) -> int:
    """The demo's starter glossary (no actor: called by demo.load)."""
    existing = set(GlossaryTerm.objects.values_list("en", "zh"))
    new = [GlossaryTerm(en=t.en, zh=t.zh, note=t.note, source=t.source) for t in terms if (t.en, t.zh) not in existing]
    with transaction.atomic():
        GlossaryTerm.objects.bulk_create(new)
        bump_counter("glossary")
    return len(new)


# --------------------------------------------------------------------------- XLIFF


class XliffReport:
    """What an XLIFF import did: ``updated`` segments, ``unchanged`` ones, ``errors`` (one per refused unit, or
    one for the file: ``{"unit", "slide", "message"}``) and ``warnings`` (tags in another order)."""

    def __init__(self) -> None:
        self.updated = 0
        self.unchanged = 0
        self.errors: list[dict] = []
        self.warnings: list[dict] = []

    @property
    def ok(self) -> bool:
        return not self.errors


def version_xliff_import(*, actor: User, version: MaterialVersion, uploaded_file: UploadedFile) -> XliffReport:
    """Translations from an XLIFF 2.0 file (an outside translator's, a CAT tool's) into the deck version's segments.

    All units or none: a file for another deck or version, malformed XML, an unknown unit, lost or extra tags — the
    report lists every problem (per unit) and nothing is written. Segments are locked while written and each one's
    ``version`` moves on, so an editor open on them gets a stale-edit answer rather than overwriting the import."""
    from .selectors import xliff_key
    from .xliff import XliffError, read

    material = version.material
    require(actor, "materials.edit_segments", material)
    report = XliffReport()
    latest = material.versions.filter(kind=FileKind.PPTX).order_by("-number").values_list("pk", flat=True).first()
    if version.kind != FileKind.PPTX or version.pk != latest:
        report.errors.append(
            {"unit": "", "slide": None, "message": _("Import translations into the latest deck version only.")}
        )
        return report
    try:
        check_upload(uploaded_file, kinds=("csv",))  # size and "a text file", before any parser sees it
    except ValidationError as exc:
        report.errors.append({"unit": "", "slide": None, "message": " ".join(exc.messages)})
        return report
    data = uploaded_file.read()
    rows = {
        sid: (pk, source, target, status, slide)
        for pk, sid, source, target, status, slide in version.segments.values_list(
            "pk", "sid", "source", "target", "status", "slide"
        )
    }
    try:
        result = read(
            data,
            deck_key=xliff_key(version),
            sources={sid: row[1] for sid, row in rows.items()},
            max_bytes=settings.CITYBRIDGE_MAX_UPLOAD_BYTES,
        )
    except XliffError as exc:
        report.errors.append({"unit": "", "slide": None, "message": messages.xliff_error(exc.code, exc.params)})
        return report
    for p in result.problems:
        slide = rows[p.unit][4] if p.unit in rows else None
        report.errors.append({"unit": p.unit, "slide": slide, "message": messages.xliff_unit_problem(p.code, p.detail)})
    for unit in result.units:  # as the editor's save (segment_save) allows
        if len(unit.target) > MAX_TRANSLATION:
            report.errors.append(
                {
                    "unit": unit.sid,
                    "slide": rows[unit.sid][4],
                    "message": _("The translation is longer than 20,000 characters."),
                }
            )
    if report.errors:
        return report
    changes = {}
    for unit in result.units:
        _pk, _source, target, status, slide = rows[unit.sid]
        if unit.reordered:
            report.warnings.append(
                {"unit": unit.sid, "slide": slide, "message": messages.qa_message("tag_reordered", "")}
            )
        if (unit.target, unit.status) == (target, status):
            report.unchanged += 1
        else:
            changes[rows[unit.sid][0]] = unit
    with transaction.atomic():
        touched_reviewed = made_reviewed = False
        current = Segment.objects.select_for_update().filter(pk__in=list(changes))
        rows = []
        now = Segment._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
        for pk, status, target, machine in current.values_list("pk", "status", "target", "machine"):
            unit = changes[pk]
            touched_reviewed |= status == SegmentStatus.REVIEWED
            made_reviewed |= unit.status == SegmentStatus.REVIEWED
            rows.append((unit.target, unit.status, machine and unit.target == target, now, pk))
        # one prepared UPDATE for all rows (Django's bulk_update builds a CASE per field and row: seconds for 2,000)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Segment._meta.db_table} SET target = %s, status = %s, machine = %s, "
                "version = version + 1, updated_at = %s WHERE id = %s",
                rows,
            )
        segments = rows
        if touched_reviewed:
            bump_counter("tm")
        elif made_reviewed:
            bump_counter("tm_add")
        report.updated = len(segments)
        _event(
            material,
            actor,
            "xliff",
            material.state,
            material.state,
            _("XLIFF import: %(n)s segments updated") % {"n": report.updated},
        )
    return report


# --------------------------------------------------------------------------- translated deck


def version_build_request(*, actor: User, version: MaterialVersion) -> None:
    """Queue the translated deck's build (worker task) for a PPTX version."""
    require(actor, "materials.edit_segments", version.material)
    if version.kind != FileKind.PPTX:
        raise ValidationError({"version": _("Only a PowerPoint deck can be translated.")})
    from .tasks import build_translated_deck

    version.build_report = {"state": "queued"}
    version.save(update_fields=["build_report"])
    transaction.on_commit(lambda: build_translated_deck.enqueue(version_id=version.pk))


def version_build(*, version_id: int) -> dict:
    """The worker's part: the targets written into the deck (translate_deck), stored as a file, overflows kept."""
    version = MaterialVersion.objects.get(pk=version_id)
    translations = dict(version.segments.exclude(target="").values_list("sid", "target"))
    with version.file.open("rb") as f:
        data = f.read()
    try:
        result = translate_deck(data, translations, limits=deck_limits())
    except TagError as exc:
        report = {"state": "failed", "code": exc.code, "tag": exc.tag, "segment": exc.segment_id}
    except DeckError as exc:
        report = {"state": "failed", "code": exc.code}
    else:
        version.translated_file.save(
            f"{version.material_id}-v{version.number}-zh.pptx", ContentFile(result.data), save=False
        )
        version.translated_at = timezone.now()
        report = {
            "state": "done",
            "applied": result.applied,
            "overflows": [
                {"slide": o.slide, "shape": o.shape, "context": o.context, "fill": round(o.target_fill, 2)}
                for o in result.overflows
            ],
        }
    version.build_report = report
    version.save(update_fields=["translated_file", "translated_at", "build_report"])
    return report


__all__ = ["OWNER_ROLE", "TRANSITIONS"]


# --------------------------------------------------------------------------- overdue reminders (the daily tick's job)


def overdue_owners(today: datetime.date) -> dict[User, list[Material]]:
    """Who owns each overdue step (a material whose step's due date is before ``today``, not delivered): the assigned
    translator for translation (staff when none is assigned), the coordinators of the course's academy for academy
    approval, program staff for the other steps. Active users with an e-mail address only."""
    from collections import defaultdict

    from citybridge.core.models import RoleMembership, User

    from .models import Material, State

    overdue = list(
        Material.objects.filter(due_date__lt=today)
        .exclude(state=State.DELIVERED)
        .select_related("translator", "session__course__academy")
        .order_by("due_date", "id")
    )
    if not overdue:
        return {}
    active = User.objects.filter(is_active=True).exclude(email="")
    staff = list(active.filter(role_memberships__role="program_staff").distinct())
    orgs = {m.session.course.academy.organisation_id for m in overdue if m.state == State.APPROVAL}
    coordinators: dict[int, list[User]] = defaultdict(list)
    for membership in RoleMembership.objects.filter(
        role="academy_coordinator", organisation_id__in=orgs, user__in=active
    ).select_related("user"):
        coordinators[membership.organisation_id].append(membership.user)
    owners: dict[User, list[Material]] = defaultdict(list)
    for m in overdue:
        if m.state == State.TRANSLATION and m.translator is not None and m.translator.is_active and m.translator.email:
            to = [m.translator]
        elif m.state == State.APPROVAL:
            to = coordinators.get(m.session.course.academy.organisation_id) or staff
        else:
            to = staff
        for user in to:
            owners[user].append(m)
    return owners


def overdue_reminders(*, today: datetime.date | None = None, site_url: str = "") -> int:
    """One e-mail per owner of overdue steps, in the owner's language, at most one a day: the ``OverdueNotice`` row
    (unique per recipient and day) is claimed first; a second run the same day, or a second worker, skips that
    owner. A failed send gives the claim back so the next run tries again. Returns the number of e-mails sent."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import IntegrityError, transaction
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from citybridge.core.tasks import site_url_of

    from .models import OverdueNotice, State

    today = today or timezone.localdate()
    site_url = site_url_of(site_url)
    labels = dict(State.choices)
    sent = 0
    for user, items in overdue_owners(today).items():
        try:
            with transaction.atomic():
                notice = OverdueNotice.objects.create(recipient=user, day=today, materials=[m.pk for m in items])
        except IntegrityError:  # already reminded today
            continue
        with translation.override(user.preferred_language or "en"):
            rows = [{"material": m, "state": str(labels[m.state]), "days": (today - m.due_date).days} for m in items]
            context = {"rows": rows, "site_url": site_url, "today": today}
            subject = "".join(render_to_string("materials/email/overdue_subject.txt", context).splitlines())
            body = render_to_string("materials/email/overdue_email.txt", context)
        try:
            sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:
            OverdueNotice.objects.filter(pk=notice.pk).delete()
            raise
    return sent
