"""The machine-translation hook of the deck editor: an interface, no backend bundled, no network call by default.

A backend is any class with a no-argument constructor and a ``translate`` method (``MachineTranslator``); the
setting ``CITYBRIDGE_MT_BACKEND`` names it by dotted path (empty = the feature is hidden). It receives the plain text
of each segment (the inline formatting tags removed: an outside service never sees or returns markup) and returns
one plain string per input. The app escapes what comes back, stores it as a draft marked "machine translation",
and never marks it reviewed: a person does that. Plain Python, no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from .deck.tags import escape, plain

#: an answer longer than this per segment is refused (the segment's target column holds 20,000 characters)
MAX_CHARS = 20000


@runtime_checkable
class MachineTranslator(Protocol):
    """What a backend implements. ``texts`` are plain sentences; the answer has one plain string per text, in order.
    Raise any exception when the service fails: the caller reports it and stores nothing."""

    def translate(self, texts: list[str], *, source_lang: str, target_lang: str) -> list[str]: ...


class MTError(RuntimeError):
    """The backend failed or answered something unusable. ``code``: ``failed`` (it raised), ``bad_answer`` (not one
    string per input, or too long)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class Suggestion:
    source: str  # tagged, as stored
    target: str  # tagged text ready to store: the backend's plain answer, escaped, no tags


def suggest(
    backend: MachineTranslator, sources: list[str], *, source_lang: str = "en", target_lang: str = "zh-CN"
) -> list[Suggestion]:
    """Ask ``backend`` for the tagged ``sources`` (sent as plain text); answers come back escaped (``<`` → ``&lt;``)
    so nothing the service returns can become a formatting tag or markup."""
    texts = [plain(s) for s in sources]
    try:
        answers = backend.translate(texts, source_lang=source_lang, target_lang=target_lang)
    except Exception:  # noqa: BLE001 - a backend is outside code; any failure is reported the same way
        raise MTError("failed") from None
    if not isinstance(answers, list) or len(answers) != len(texts):
        raise MTError("bad_answer")
    out = []
    for source, answer in zip(sources, answers, strict=True):
        if not isinstance(answer, str) or len(answer) > MAX_CHARS:
            raise MTError("bad_answer")
        cleaned = "".join(ch for ch in answer if ch in "\t\n" or (ch >= " " and ch != "\x7f")).strip()
        out.append(Suggestion(source, escape(cleaned)))
    return out
