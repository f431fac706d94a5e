"""Fixtures of the materials app's tests (test_app_*.py): an academy with a course, a session taught by a lecturer,
a translator, coordinators of this and another academy; decks built with python-pptx."""

from __future__ import annotations

import io
from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pptx import Presentation
from pptx.util import Inches


def deck_bytes(sentences: list[str]) -> bytes:
    """One slide per sentence list item, in a text box (a real PPTX)."""
    prs = Presentation()
    for text in sentences:
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        box = slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(8), Inches(1.5))
        box.text_frame.text = text
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def upload(data: bytes, name: str = "deck.pptx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def world(db, make_user, staff):
    from citybridge.academy.models import Academy, Course, Session
    from citybridge.core.models import Organisation, Person

    org = Organisation.objects.create(
        name="NAMC", name_en="NAMC", name_zh_hans="全国市长研修学院", type="academy", country="CN"
    )
    other_org = Organisation.objects.create(
        name="CELAP", name_en="CELAP", name_zh_hans="浦东干部学院", type="academy", country="CN"
    )
    academy = Academy.objects.create(organisation=org, official=True, managed_by_program=True)
    Academy.objects.create(organisation=other_org, official=True, managed_by_program=True)
    course = Course.objects.create(
        academy=academy,
        title="Energy",
        title_en="Energy",
        title_zh_hans="能源",
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 13),
        status="open",
    )
    person = Person.objects.create(family_name="Hammer", family_name_en="Hammer", given_name_en="Steve")
    other_person = Person.objects.create(family_name="Lee", family_name_en="Lee", given_name_en="Ann")
    session = Session.objects.create(
        course=course, date=date(2026, 3, 2), start_time=time(9), end_time=time(12), lecturer=person
    )
    other_session = Session.objects.create(
        course=course, date=date(2026, 3, 3), start_time=time(9), end_time=time(12), lecturer=other_person
    )
    return {
        "staff": staff,
        "session": session,
        "other_session": other_session,
        "lecturer": make_user("lecturer", person=person, email="lect@example.org"),
        "other_lecturer": make_user("lecturer", person=other_person, email="lect2@example.org"),
        "translator": make_user("translator", email="tr@example.org"),
        "other_translator": make_user("translator", email="tr2@example.org"),
        "coordinator": make_user("academy_coordinator", organisation=org, email="co@example.org"),
        "other_coordinator": make_user("academy_coordinator", organisation=other_org, email="co2@example.org"),
    }


@pytest.fixture(autouse=True)
def _fresh_caches():
    """The per-process TM and glossary caches hold the generation counters of a database that each test rolls back:
    start every test empty, as a new process would."""
    from citybridge.materials import selectors

    selectors._TM.value = None
    selectors._GLOSSARY.value = None
    yield
