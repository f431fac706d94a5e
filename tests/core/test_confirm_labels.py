"""Every confirmation dialog's buttons are in the page's language: each `data-confirm` carries its own translated
`data-confirm-no` (the dialog's safe answer), and confirm.js falls back to the page's language, never to English on
a Chinese page (issue 9: "Cancel" showed on Chinese pages)."""

from __future__ import annotations

import re
from pathlib import Path

import citybridge

SRC = Path(citybridge.__file__).parent
TAG = re.compile(r"<(?:button|a|input)\b[^>]*\bdata-confirm=[^>]*>", re.S)


def test_every_confirmation_names_its_safe_answer_in_a_translated_label():
    tags = [
        (path.relative_to(SRC), tag) for path in SRC.rglob("*.html") for tag in TAG.findall(path.read_text("utf-8"))
    ]
    assert len(tags) >= 10  # the scan finds the confirmations
    missing = [(str(path), tag[:120]) for path, tag in tags if 'data-confirm-no="{% translate' not in tag]
    assert missing == []


def test_the_dialog_falls_back_to_the_page_language():
    script = (SRC / "core" / "static" / "core" / "confirm.js").read_text("utf-8")
    assert '"Cancel"' not in script
    assert "document.documentElement.lang" in script and "返回" in script
