"""A deck is bounded and typed before any parser sees it (the ideas of ``core/files.py`` ``check_upload``, with the
limits passed in so this stays free of Django settings).

Order of checks, cheapest first, nothing inflated until the central directory says it is safe:
size → magic bytes (an OLE2 file is a password-protected OOXML or a legacy .ppt) → ZIP central directory
(member count, declared uncompressed total, per-member ratio) → ``[Content_Types].xml`` and
``ppt/presentation.xml`` present, main content type a presentation (a DOCX or XLSX renamed .pptx is told apart)
→ no XML part declares a DOCTYPE (no entity expansion can happen; OOXML never needs one).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

MB = 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SMALL_MEMBER = MB  # a member this small may compress beyond the ratio without harm (as core/files.py)
_PRESENTATION_TYPES = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
)
_OTHER_KINDS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
_DOCTYPE_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class DeckError(ValueError):
    """Why a deck cannot be read or written. ``code`` (stable, for the app to translate) is one of:

    ``empty``, ``too_large``, ``encrypted`` (password-protected, or a legacy binary .ppt), ``not_zip``,
    ``too_many_parts``, ``ratio``, ``unzipped_too_large``, ``not_pptx`` (``params["kind"]`` says "docx" or "xlsx"
    when it is another Office file), ``xml_doctype``, ``corrupt`` (the parser refused it).
    ``params`` carry the limit that was hit."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}" if params else code)


@dataclass(frozen=True)
class Limits:
    """Bounds for an uploaded deck; the app passes its settings here."""

    max_bytes: int = 50 * MB
    max_unzipped: int = 300 * MB
    max_parts: int = 5000
    max_ratio: int = 100


def check_deck(data: bytes, limits: Limits | None = None) -> None:
    """Raise ``DeckError`` unless ``data`` is a PPTX within ``limits``. Reads only the central directory and the
    XML parts' first bytes' worth of each part (after the declared sizes passed)."""
    limits = limits or Limits()
    if not data:
        raise DeckError("empty")
    if len(data) > limits.max_bytes:
        raise DeckError("too_large", max=limits.max_bytes)
    if data.startswith(_OLE2):
        raise DeckError("encrypted")
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise DeckError("not_zip")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > limits.max_parts:
                raise DeckError("too_many_parts", max=limits.max_parts)
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > _SMALL_MEMBER and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                    raise DeckError("ratio", max=limits.max_ratio)
            if total > limits.max_unzipped:
                raise DeckError("unzipped_too_large", max=limits.max_unzipped)
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "ppt/presentation.xml" not in names:
                kind = next((k for n, k in _OTHER_KINDS.items() if n in names), "")
                raise DeckError("not_pptx", kind=kind)
            content_types = z.read("[Content_Types].xml")
            if not any(t.encode() in content_types for t in _PRESENTATION_TYPES):
                raise DeckError("not_pptx", kind="")
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")) and _declares_doctype(z, info):
                    raise DeckError("xml_doctype", part=info.filename)
    except DeckError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        # NotImplementedError: a compression method zipfile does not know; RuntimeError is an encrypted member
        raise DeckError("corrupt")
    except RuntimeError:
        raise DeckError("encrypted")


def _declares_doctype(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """A DOCTYPE must come before the root element: the prolog is read, at most 64 KiB, in UTF-8 or UTF-16."""
    with z.open(info) as f:
        head = f.read(64 * 1024)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    root = re.search(rb"<[A-Za-z_]", head)
    return _DOCTYPE_RE.search(head[: root.start()] if root else head) is not None
