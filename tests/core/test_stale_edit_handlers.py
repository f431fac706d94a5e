"""Every view that catches an edit made from a stale version also catches the service's other refusals: a missing or
unreadable `version` is a ValidationError (core.concurrency.VersionMissing) like any bad input, and a view that
caught only StaleEdit answered it with a server error (found by a hostile-input walk: retiring a catalogue measure
with no version)."""

from __future__ import annotations

import ast
from pathlib import Path

import citybridge

SRC = Path(citybridge.__file__).parent


def _names(handler: ast.ExceptHandler) -> set[str]:
    node = handler.type
    items = node.elts if isinstance(node, ast.Tuple) else [node] if node is not None else []
    return {item.id if isinstance(item, ast.Name) else getattr(item, "attr", "") for item in items}


def test_every_view_catching_stale_edits_also_catches_validation_errors():
    views = [p for p in SRC.rglob("*.py") if "views" in p.name or p.parent.name == "views"]
    checked, missing = 0, []
    for path in views:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            caught = set().union(*(_names(h) for h in node.handlers))
            if "StaleEdit" in caught:
                checked += 1
                if not caught & {"ValidationError", "Exception"}:
                    missing.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert checked >= 10  # the walk finds the views that catch stale edits
    assert missing == []
