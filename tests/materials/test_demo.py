"""The demo gives the translator role a sign-in and a deck to translate (the demo had no translator to try)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_translator_with_a_deck_to_translate(client_for):
    from citybridge.academy import demo as academy_demo
    from citybridge.core import demo as core_demo
    from citybridge.materials import demo
    from citybridge.materials.models import Material, State

    core_demo.load()
    academy_demo.load()
    demo.load()
    demo.load()  # a second run adds nothing
    (deck,) = Material.objects.filter(title=demo.DECK_TITLE)
    assert deck.state == State.TRANSLATION and deck.translator.email == demo.TRANSLATOR_EMAIL
    assert deck.lecturer.family_name_en == "Hammer"
    assert ("Translator", demo.TRANSLATOR_EMAIL) in core_demo.sign_ins()
    # the translator signs in with the demo password and opens the deck's segments from the real PPTX
    translator = deck.translator
    assert translator.check_password(core_demo.DEMO_PASSWORD)
    segments = deck.versions.get().segments.values_list("source", flat=True)
    assert set(segments) >= set(demo.DECK_SLIDES)
    page = client_for(translator).get(f"/materials/{deck.pk}/")
    assert page.status_code == 200 and demo.DECK_TITLE in page.content.decode()
