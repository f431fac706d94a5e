"""Decks the project did not make (python-pptx's PowerPoint-made test files, MIT, see fixtures/python-pptx/):
extract, translate, write, extract again; a real SmartArt diagram among them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation

from citybridge.materials.deck import extract, translate_deck, write_translation

from .test_deck import upper

FIXTURES = Path(__file__).parent / "fixtures" / "python-pptx"
DECKS = sorted(FIXTURES.glob("*.pptx"))


@pytest.mark.parametrize("path", DECKS, ids=[p.name for p in DECKS])
def test_foreign_deck_round_trips(path):
    data = path.read_bytes()
    segs = extract(data)
    assert segs, "every fixture has text"
    assert extract(write_translation(data, {s.id: s.source for s in segs})) == segs
    result = translate_deck(data, {s.id: upper(s.source) for s in segs})
    assert result.applied == len([s for s in segs if upper(s.source) != s.source])
    back = extract(result.data)
    assert [(s.id, s.source) for s in back] == [(s.id, upper(s.source)) for s in segs]
    Presentation(io.BytesIO(result.data))  # python-pptx opens what was written


def test_powerpoint_smartart_and_theme_colours():
    data = (FIXTURES / "shp-shapes.pptx").read_bytes()
    by_id = {s.id: s for s in extract(data)}
    assert (by_id["s1/sh5/dm7/p0/s0"].context, by_id["s1/sh5/dm7/p0/s0"].text) == ("smartart", "Smart Art")
    assert by_id["s1/sh4/chart0/p0/s0"].context == "chart"
    assert by_id["s1/sh3/r0c0/p0/s0"].context == "table"
    out = write_translation(data, {"s1/sh5/dm7/p0/s0": "智能图形"})
    prs = Presentation(io.BytesIO(out))
    blobs = [p.blob for p in prs.part.package.iter_parts() if "/diagrams/" in str(p.partname)]
    assert any("智能图形".encode() in b for b in blobs)
    assert not any(b"Smart Art" in b for b in blobs if b"dataModel" in b)
    colours = {s.text: s.source for s in extract((FIXTURES / "font-color.pptx").read_bytes())}
    assert colours["text with theme color 25% darker"] == '<c val="accent4">text with theme color 25% darker</c>'
    assert colours["text with RGB color"] == '<c val="FF6600">text with RGB color</c>'
