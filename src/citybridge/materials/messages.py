"""The engine's stable codes (DeckError, TagError, QA, GlossaryError, row problems) as translated sentences."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def deck_error(code: str, params: dict | None = None) -> str:
    params = params or {}
    kind = str(params.get("kind", "")).upper()
    messages = {
        "empty": _("The file is empty."),
        "too_large": _("The deck is too large; the limit is %(max)s.") % {"max": filesizeformat(params.get("max", 0))},
        "encrypted": _("The deck is password-protected or a legacy .ppt file; save it as an unprotected .pptx."),
        "not_zip": _("The file is not a PowerPoint deck (.pptx)."),
        "too_many_parts": _("The deck holds too many parts; it cannot be opened safely."),
        "ratio": _("The deck is compressed too much; it cannot be opened safely."),
        "unzipped_too_large": _("The deck unpacks to too much data; it cannot be opened safely."),
        "not_pptx": _("The file is a %(kind)s file renamed; upload a PowerPoint deck (.pptx).") % {"kind": kind}
        if kind
        else _("The file is not a PowerPoint deck (.pptx)."),
        "xml_doctype": _("The deck declares a document type, which decks never need; it cannot be opened safely."),
        "corrupt": _("The deck is damaged and cannot be read."),
        "no_text": _("The deck has no text to translate."),
    }
    return messages.get(code, _("The deck cannot be read."))


def tag_error(code: str, tag: str = "") -> str:
    messages = {
        "tag_malformed": _("A formatting tag is malformed: %(tag)s"),
        "tag_unbalanced": _("A formatting tag is opened and not closed (or the reverse): %(tag)s"),
        "tag_unknown": _("This formatting tag is not known: %(tag)s"),
        "tag_missing": _("A formatting tag of the source is missing: %(tag)s"),
        "tag_extra": _("The translation has a formatting tag the source does not have: %(tag)s"),
    }
    return messages.get(code, _("The formatting tags do not match the source: %(tag)s")) % {"tag": tag}


def qa_message(code: str, detail: str = "") -> str:
    if code.startswith("tag_") and code != "tag_reordered":
        return tag_error(code, detail)
    if code == "empty_target":
        return _("The translation is empty.")
    if code == "tag_reordered":
        return _("The formatting tags are in another order than in the source: %(detail)s") % {"detail": detail}
    if code == "number_mismatch":
        return _("The numbers differ from the source's: %(detail)s") % {"detail": detail}
    if code == "glossary_missing":
        return _("A glossary term's translation is missing: %(detail)s") % {"detail": detail}
    if code == "untranslated":
        return _("The translation is the same as the source.")
    return _("The translation has a problem: %(detail)s") % {"detail": code}


def glossary_error(code: str, params: dict | None = None) -> str:
    params = params or {}
    messages = {
        "empty": _("The file is empty."),
        "too_large": _("The glossary file is too large."),
        "encoding": _("The file is not UTF-8 (it may be GBK, as Excel saves it); save it as CSV UTF-8."),
        "no_header": _("The first row must name the columns en and zh (note and source are optional)."),
        "too_many_rows": _("The glossary file has too many rows; the limit is %(max)s.") % {"max": params.get("max")},
        "xml_doctype": _("The file declares a document type, which TBX never needs; it cannot be opened safely."),
        "not_tbx": _("The file is not a TBX glossary."),
        "not_type": _("Upload a CSV or TBX file."),
    }
    return messages.get(code, _("The glossary file cannot be read."))


def row_problem(code: str, field: str = "") -> str:
    messages = {
        "missing_en": _("The English term is missing."),
        "missing_zh": _("The Chinese term is missing."),
        "too_long": _("The value of %(field)s is too long.") % {"field": field},
        "control_characters": _("The value of %(field)s holds control characters.") % {"field": field},
        "duplicate": _("This term appears twice in the file."),
        "malformed": _("This row cannot be read."),
    }
    return messages.get(code, _("This row cannot be read."))


def xliff_error(code: str, params: dict | None = None) -> str:
    """A whole XLIFF file refused (``xliff.XliffError`` codes)."""
    params = params or {}
    messages = {
        "malformed": _("The file is not well-formed XML (or declares a document type or entities); it cannot be read."),
        "not_xliff": _("The file is not an XLIFF 2 document."),
        "version": _("The file is XLIFF version %(found)s; export the deck again and use XLIFF 2.0.")
        % {"found": params.get("found", "")},
        "structure": _("The XLIFF file lacks a required part: %(where)s") % {"where": params.get("where", "")},
        "other_deck": _(
            "The XLIFF file belongs to another deck or another version (%(found)s, this one is %(expected)s); "
            "export this version's file and translate that."
        )
        % {"found": params.get("found", ""), "expected": params.get("expected", "")},
        "languages": _("The file's languages are %(found)s; this deck is translated from English to Chinese.")
        % {"found": params.get("found", "")},
        "too_large": _("The XLIFF file is too large; the limit is %(max)s.")
        % {"max": filesizeformat(params.get("max", 0))},
    }
    return messages.get(code, _("The XLIFF file cannot be read."))


def xliff_unit_problem(code: str, detail: str = "") -> str:
    """One unit of an XLIFF file refused (``xliff.UnitProblem`` codes, and the tag codes)."""
    if code.startswith("tag_"):
        return tag_error(code, detail)
    messages = {
        "unknown_unit": _("This unit is not a segment of this deck version."),
        "duplicate_unit": _("This unit appears twice in the file."),
        "source_changed": _("The unit's source text is not the deck's; translate the exported file as it is."),
        "no_segment": _("The unit must hold exactly one segment with its source."),
        "bad_state": _("The segment's state is not an XLIFF 2 state: %(detail)s") % {"detail": detail},
        "inline_unknown": _("An inline code is not one of the source's: %(detail)s") % {"detail": detail},
        "inline_unsupported": _("This inline element cannot be imported: %(detail)s") % {"detail": detail},
    }
    return messages.get(code, _("This unit cannot be imported."))
