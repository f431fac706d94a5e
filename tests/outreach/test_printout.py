"""The paper evaluation form keeps every line within the page: a session heading with its lecturer ran off the
right edge of A4 ("… — Steve Hamme"); headings now wrap, English between words and Chinese between characters."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from citybridge.outreach.printout import PrintForm, PrintItem, form_pdf, wrap


def test_wrap_breaks_words_and_characters_within_the_width():
    assert wrap("Eco-cities and Climate Resilience", len, 12) == ["Eco-cities", "and Climate", "Resilience"]
    assert wrap("生态城市与气候韧性", len, 4) == ["生态城市", "与气候韧", "性"]
    assert wrap("Pneumonoultramicroscopic", len, 10) == ["Pneumonoul", "tramicrosc", "opic"]
    assert wrap("", len, 10) == []
    for line in wrap("4月13日 生态城市与气候韧性——史蒂夫·海默 / April 13, 2023 Eco-cities — Steve Hammer", len, 20):
        assert len(line) <= 20


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (make test installs it)")
def test_a_long_heading_is_printed_whole(tmp_path):
    heading_en = (
        "April 13, 2023 Eco-cities and Climate Resilience: planning for heat, floods and drought — Steve Hammer"
    )
    heading_zh = "4月13日 生态城市与气候韧性：应对高温、洪水与干旱的规划——史蒂夫·海默"
    form = PrintForm("Energy Smart Cities", "能源智慧城市", "2023", [PrintItem(heading_en, heading_zh)], [], "")
    path = tmp_path / "form.pdf"
    path.write_bytes(form_pdf(form))
    text = subprocess.run(["pdftotext", "-cropbox", str(path), "-"], capture_output=True, check=True, text=True).stdout
    flat = " ".join(text.split())
    assert "Steve Hammer" in flat and "史蒂夫·海默" in flat.replace(" ", "")
