"""Demo data of the materials app: the seed glossary (data/glossary_seed.csv, each term's source cited there), and a
translator with a deck to translate: the demo lecturer's deck for his next session, built with python-pptx, taken by
program staff through adaptation review to translation and assigned to the translator (all through the services,
so the deck's history says who did what)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from .glossary import SEED, read_csv
from .models import Material, State
from .services import glossary_seed, material_assign_translator, material_create, material_transition

if TYPE_CHECKING:
    from citybridge.core.models import User

TRANSLATOR_EMAIL = "translator@citybridge.local"
STAFF_EMAIL = "staff@citybridge.local"
DECK_TITLE = "Retrofitting public buildings: what a city can do in five years"
#: one slide each: the kind of sentences a lecturer's deck holds (the translator's segments)
DECK_SLIDES = [
    "Retrofitting public buildings: what a city can do in five years",
    "Buildings use about a third of a city's final energy.",
    "Start with an energy audit of the hundred largest public buildings.",
    "Energy performance contracts let a company pay for the retrofit from the savings.",
    "Publish each building's energy use every year.",
]


def _deck() -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    for text in DECK_SLIDES:
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(9), Inches(1.5)).text_frame.text = text
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _translator(staff: User) -> User:
    from citybridge.core.demo import DEMO_PASSWORD
    from citybridge.core.models import Person, Role, RoleMembership, User
    from citybridge.core.services import person_create

    user = User.objects.filter(email=TRANSLATOR_EMAIL).first()
    if user is None:
        person = Person.objects.filter(family_name_en="Wang", given_name_en="Fang", email=TRANSLATOR_EMAIL).first()
        if person is None:
            person = person_create(
                actor=staff,
                family_name_en="Wang",
                given_name_en="Fang",
                family_name_zh_hans="王",
                given_name_zh_hans="芳",
                email=TRANSLATOR_EMAIL,
                title_en="Translator (demo)",
                title_zh_hans="译员（演示）",
            )
        user = User.objects.create_user(TRANSLATOR_EMAIL, DEMO_PASSWORD, person=person)
    RoleMembership.objects.get_or_create(user=user, role=Role.TRANSLATOR, organisation=None)
    return user


@transaction.atomic
def _deck_in_translation(staff: User, translator: User) -> Material | None:
    """The demo lecturer's deck for his next session, at the translation step with the translator; None when the
    academy demo left him no session still to come (or the deck is there already)."""
    from citybridge.academy.models import Session

    if Material.objects.filter(title=DECK_TITLE).exists():
        return None
    session = (
        Session.objects.filter(lecturer__family_name_en="Hammer", date__gte=timezone.localdate())
        .order_by("date", "start_time", "id")
        .first()
    )
    if session is None:
        return None
    upload = SimpleUploadedFile("retrofitting-public-buildings.pptx", _deck())
    material = material_create(actor=staff, title=DECK_TITLE, session=session, uploaded_file=upload)
    # each step claims the version the one before left on `material` (core.concurrency.claim_version)
    material_transition(actor=staff, material=material, to_state=State.ADAPTATION, expected_version=material.version)
    material_assign_translator(actor=staff, material=material, translator=translator, expected_version=material.version)
    material_transition(actor=staff, material=material, to_state=State.TRANSLATION, expected_version=material.version)
    return material


def load(stdout: TextIO | None = None) -> None:
    from citybridge.core.models import User

    terms, _problems = read_csv(SEED.read_bytes())
    n = glossary_seed(terms)
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    deck = None
    if staff is not None:
        deck = _deck_in_translation(staff, _translator(staff))
    if stdout is not None:
        stdout.write(
            f"materials: {n} glossary terms added ({len(terms)} in the seed)"
            + (f"; a deck in translation for {TRANSLATOR_EMAIL}" if deck else "")
            + "\n"
        )
