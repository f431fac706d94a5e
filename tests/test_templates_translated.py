"""No literal English in templates: every visible text and every user-facing attribute goes through gettext.

Complements test_translations.py (which checks that the strings gettext knows are translated): this one finds text
that never reached gettext at all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "citybridge"
TEMPLATES = sorted(p for p in SRC.glob("*/templates/**/*.html"))

#: words that are the same in both languages (names, acronyms, units, formats)
ALLOWED = {
    "CityBridge",
    "API",
    "XLSX",
    "CSV",
    "PDF",
    "ICS",
    "GPC",
    "CDP",
    "CEADs",
    "GeoNames",
    "Nangini",
    "ICLEI",
    "NAMC",
    "CELAP",
    "OpenAPI",
    "SOE",
    "CO2",
    "tCO2",
    "tCO2e",
    "GHG",
    "ISO",
    "ID",
    "URL",
    "OR",
    "Tools",
    "CP",
    "SAT",
    "Vega",
    "Lite",
    "PANGAEA",
    "BY",
    "CC",
    "doi",
    "km2",
    "ha",
    "YYYY",
    "MM",
    "DD",
    "utf",
    "Bearer",
    "cb",
}
USER_ATTRS = ("placeholder", "title", "aria-label", "alt", "data-confirm", "value")

BLOCK = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
RAW = re.compile(r"<(script|style|pre|code)\b.*?</\1>", re.S | re.I)
ATTR = re.compile(r"""\b(""" + "|".join(USER_ATTRS) + r""")\s*=\s*("[^"]*"|'[^']*')""", re.I)
HTML_TAG = re.compile(r"<[^>]+>", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
DJANGO_COMMENT = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)  # never rendered
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def literal_words(text: str) -> list[str]:
    words = []
    for word in WORD.findall(text):
        if word not in ALLOWED and not word.isupper():
            words.append(word)
    return words


def untranslated(source: str) -> list[str]:
    source = COMMENT.sub(" ", BLOCK.sub(" ", RAW.sub(" ", DJANGO_COMMENT.sub(" ", source))))
    found = []
    for match in ATTR.finditer(source):
        value = TAG.sub(" ", match.group(2)[1:-1])
        if match.group(1).lower() == "value" and not re.search(r"\s", value.strip()):
            continue  # single-token values are codes, not text
        found += literal_words(value)
    text = HTML_TAG.sub(" ", TAG.sub(" ", source))
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    found += literal_words(text)
    return found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_template_has_no_literal_english(template):
    words = untranslated(template.read_text(encoding="utf-8"))
    assert not words, f"wrap these in {{% translate %}}: {sorted(set(words))}"


def test_the_check_catches_literal_text():
    assert untranslated("<h1>Hello world</h1>") == ["Hello", "world"]
    # a {% comment %} block is never rendered; text after it still counts
    assert untranslated("{% comment %}Notes for developers{% endcomment %}<p>Hello</p>") == ["Hello"]
    assert untranslated('<input placeholder="Search here">') == ["Search", "here"]
    assert untranslated('<h1>{% translate "Hello" %}</h1>{{ name }}') == []
    assert untranslated("{% blocktranslate %}Hello {{ x }}{% endblocktranslate %}") == []
