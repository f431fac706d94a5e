"""The machine-translation hook: hidden and never called without a backend; with one (a real class defined here,
set with override_settings) the call path, escaping, the "machine translation" mark and that MT output is never
stored as reviewed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from citybridge.materials import mt, services
from citybridge.materials.models import Segment

from .test_xliff import _in_translation

CALLS: list[tuple[list[str], str, str]] = []


class ReverseWords:
    """A test backend: each sentence's words in reverse order; a sentence holding "script" comes back as markup."""

    def translate(self, texts: list[str], *, source_lang: str, target_lang: str) -> list[str]:
        CALLS.append((texts, source_lang, target_lang))
        return [
            '<script>alert("x")</script> & <b>bold</b>' if "script" in t else " ".join(reversed(t.split()))
            for t in texts
        ]


class Broken:
    def translate(self, texts: list[str], *, source_lang: str, target_lang: str) -> list[str]:
        raise ConnectionError("service down")


class WrongCount:
    def translate(self, texts: list[str], *, source_lang: str, target_lang: str) -> list[str]:
        return []


BACKEND = "tests.materials.test_mt.ReverseWords"


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def test_engine_sends_plain_text_and_escapes_the_answer():
    assert isinstance(ReverseWords(), mt.MachineTranslator)  # the Protocol is what a backend implements
    out = mt.suggest(ReverseWords(), ["Cut <b>energy</b> use.", "A script tag."])
    assert CALLS == [(["Cut energy use.", "A script tag."], "en", "zh-CN")]  # tags removed before sending
    assert out[0].target == "use. energy Cut"
    # markup in the answer is text, escaped: it cannot become a formatting tag or HTML
    assert out[1].target == '&lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;'


def test_engine_failures_are_errors_with_codes():
    with pytest.raises(mt.MTError) as e:
        mt.suggest(Broken(), ["A."])
    assert e.value.code == "failed"
    with pytest.raises(mt.MTError) as e:
        mt.suggest(WrongCount(), ["A."])
    assert e.value.code == "bad_answer"


@pytest.mark.django_db
def test_without_a_backend_the_button_is_hidden_and_nothing_is_called(world, client_for, api_for, settings):
    assert settings.CITYBRIDGE_MT_BACKEND is None  # the default: no backend, no network call
    m = _in_translation(world)
    seg = Segment.objects.filter(doc_version__material=m).order_by("position").first()
    page = client_for(world["translator"]).get(f"/materials/{m.pk}/editor/").content.decode()
    assert "MT suggestion" not in page and "data-mt" not in page
    r = api_for(world["translator"]).post(
        f"/api/v1/materials/segments/{seg.pk}/machine-translation", {}, content_type="application/json"
    )
    assert r.status_code == 422 and "No machine translation" in r.json()["errors"][0]["message"]
    assert CALLS == []


@pytest.mark.django_db
@override_settings(CITYBRIDGE_MT_BACKEND=BACKEND)
def test_with_a_backend_the_editor_offers_it_and_stores_a_marked_draft(world, client_for):
    m = _in_translation(world)
    seg = Segment.objects.filter(doc_version__material=m).order_by("position").first()
    c = client_for(world["translator"], "zh-hans")
    page = c.get(f"/materials/{m.pk}/editor/").content.decode()
    assert "data-mt" in page and "机器翻译建议" in page
    r = c.post(f"/materials/segments/{seg.pk}/mt/", {"version": seg.version}, HTTP_ACCEPT="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["target"] == "carbon. most emit Cities" and r.json()["status"] == "draft" and r.json()["machine"]
    seg.refresh_from_db()
    assert (seg.target, seg.status, seg.machine) == ("carbon. most emit Cities", "draft", True)
    assert CALLS == [(["Cities emit most carbon."], "en", "zh-CN")]
    page = c.get(f"/materials/{m.pk}/editor/").content.decode()
    assert '<small class="machine">机器翻译</small>' in page  # marked as such on the page
    # a person reviews it unchanged: allowed (a person did it), still marked as the machine's text
    services.segment_save(
        actor=world["translator"], segment=seg, target=seg.target, status="reviewed", expected_version=seg.version
    )
    seg.refresh_from_db()
    assert (seg.status, seg.machine) == ("reviewed", True)
    # MT never replaces a reviewed segment
    with pytest.raises(ValidationError):
        services.segment_machine_translate(actor=world["translator"], segment=seg, expected_version=seg.version)
    # a person's edit makes the text theirs
    services.segment_save(
        actor=world["translator"],
        segment=seg,
        target="城市排放最多的碳。",
        status="draft",
        expected_version=seg.version,
    )
    seg.refresh_from_db()
    assert seg.machine is False


@pytest.mark.django_db
@override_settings(CITYBRIDGE_MT_BACKEND=BACKEND)
def test_markup_from_the_service_is_escaped_in_the_store_and_on_the_page(world, client_for, api_for):
    m = _in_translation(world)
    seg = Segment.objects.filter(doc_version__material=m).order_by("position").first()
    Segment.objects.filter(pk=seg.pk).update(source="A script sentence.")
    r = api_for(world["translator"]).post(
        f"/api/v1/materials/segments/{seg.pk}/machine-translation",
        {"version": seg.version},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["machine"] is True and r.json()["status"] == "draft"
    seg.refresh_from_db()
    assert seg.target.startswith("&lt;script&gt;")
    page = client_for(world["translator"]).get(f"/materials/{m.pk}/editor/").content.decode()
    assert "<script>alert" not in page and "&amp;lt;script&amp;gt;" in page


@pytest.mark.django_db
@override_settings(CITYBRIDGE_MT_BACKEND="tests.materials.test_mt.Broken")
def test_a_failing_backend_is_a_clear_error_and_stores_nothing(world, client_for):
    m = _in_translation(world)
    seg = Segment.objects.filter(doc_version__material=m).order_by("position").first()
    r = client_for(world["translator"], "zh-hans").post(
        f"/materials/segments/{seg.pk}/mt/", {"version": seg.version}, HTTP_ACCEPT="application/json"
    )
    assert r.status_code == 422 and "机器翻译服务" in r.json()["detail"]
    seg.refresh_from_db()
    assert (seg.target, seg.status, seg.machine, seg.version) == ("", "untranslated", False, 1)


@pytest.mark.django_db
@override_settings(CITYBRIDGE_MT_BACKEND=BACKEND)
def test_who_may_ask_for_machine_translation(world, client_for):
    m = _in_translation(world)
    seg = Segment.objects.filter(doc_version__material=m).first()
    assert client_for(world["lecturer"]).post(f"/materials/segments/{seg.pk}/mt/").status_code == 403
    assert client_for(world["other_translator"]).post(f"/materials/segments/{seg.pk}/mt/").status_code == 404
    assert CALLS == []
