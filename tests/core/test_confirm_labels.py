"""Every confirmation dialog's buttons are in the page's language: each `data-confirm` carries its own translated
`data-confirm-no` (the dialog's safe answer), and confirm.js has no words of its own: without a label it leaves the
question to the browser's confirm() (issue 9: a hard-coded "Cancel" could show on Chinese pages)."""

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


def test_the_dialog_has_no_words_of_its_own():
    """Without a translated label the script leaves the question to the browser's own confirm(), in the browser's
    language: it never writes an English word on a Chinese page."""
    source = (SRC / "core" / "static" / "core" / "confirm.js").read_text("utf-8")
    script = re.sub(r"//[^\n]*", "", source)  # the code, without its comments (they show an example label)
    assert '"Cancel"' not in script and '"Go back"' not in script
    assert "!el.dataset.confirmNo" in script and "window.confirm(el.dataset.confirm)" in script
