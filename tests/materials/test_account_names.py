"""Who did or does something is named, not shown by e-mail (issue 9: "by" shows a person's name): the deck's
translator and its history lines by name, the translator drop-down by name with the sign-in e-mail beside it (it
tells namesakes apart), the e-mail alone only for an account that belongs to nobody."""

from __future__ import annotations

import pytest

from citybridge.materials import services

from .conftest import deck_bytes, upload

pytestmark = pytest.mark.django_db


def test_deck_page_names_the_translator_and_who_moved_it(world, client_for):
    from citybridge.core.models import Person

    translator = world["translator"]
    translator.person = Person.objects.create(
        family_name_en="Wang", given_name_en="Fang", family_name_zh_hans="王", given_name_zh_hans="芳"
    )
    translator.save()
    material = services.material_create(
        actor=world["lecturer"], title="Deck", session=world["session"], uploaded_file=upload(deck_bytes(["Hi."]))
    )
    material.translator = translator
    material.save()
    material.events.create(actor=translator, from_state="translation", to_state="review", action="advance")
    material.events.create(
        actor=world["other_translator"], from_state="review", to_state="translation", action="return"
    )

    html = client_for(world["staff"], "zh-hans").get(f"/materials/{material.pk}/").content.decode()
    assert "<dd>王芳</dd>" in html  # the translator
    assert "· 王芳 ·" in html and "· Steve Hammer ·" in html  # history: the lecturer who uploaded, the translator
    assert "· tr2@example.org ·" in html  # an account that belongs to nobody: its e-mail is all there is
    assert ">王芳（tr@example.org）</option>" in html
    assert "tr@example.org</dd>" not in html and "· tr@example.org ·" not in html
    english = client_for(world["staff"]).get(f"/materials/{material.pk}/").content.decode()
    assert "<dd>Fang Wang</dd>" in english and ">Fang Wang (tr@example.org)</option>" in english


def test_an_assignment_names_the_translator_in_the_reader_language(world, client_for):
    """Assigned by staff reading English, the history line names the translator as the reader's language does, and
    never with the e-mail (it was stored as "Fang Wang (tr@example.org)", in the assigner's language)."""
    from citybridge.core.models import Person

    translator = world["translator"]
    translator.person = Person.objects.create(
        family_name_en="Wang", given_name_en="Fang", family_name_zh_hans="王", given_name_zh_hans="芳"
    )
    translator.save()
    material = services.material_create(
        actor=world["lecturer"], title="Deck", session=world["session"], uploaded_file=upload(deck_bytes(["Hi."]))
    )
    services.material_assign_translator(
        actor=world["staff"], material=material, translator=translator, expected_version=material.version
    )
    zh = client_for(world["staff"], "zh-hans").get(f"/materials/{material.pk}/").content.decode()
    assert "已指派译员：王芳</li>" in zh
    en = client_for(world["staff"]).get(f"/materials/{material.pk}/").content.decode()
    assert "Translator assigned: Fang Wang</li>" in en
    assert "tr@example.org</li>" not in zh + en


def test_the_migration_reads_stored_labels_back_to_their_accounts(world):
    """materials 0004: an earlier assignment's stored label is read back to the account by its e-mail (either
    language's brackets); a label whose account is gone is kept as written."""
    import importlib
    from types import SimpleNamespace

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migration = importlib.import_module("citybridge.materials.migrations.0004_event_assignee")
    material = services.material_create(
        actor=world["lecturer"], title="Deck", session=world["session"], uploaded_file=upload(deck_bytes(["Hi."]))
    )
    labels = ["Fang Wang (tr@example.org)", "王芳（TR2@example.org）", "Gone Person (gone@example.org)"]
    events = [material.events.create(action="assign", to_state="submitted", comment=label) for label in labels]
    apps = MigrationExecutor(connection).loader.project_state(("materials", "0004_event_assignee")).apps
    migration.assignees_from_labels(apps, SimpleNamespace(connection=connection))
    for event in events:
        event.refresh_from_db()
    assert [(e.assignee, e.comment) for e in events] == [
        (world["translator"], ""),
        (world["other_translator"], ""),
        (None, "Gone Person (gone@example.org)"),
    ]
