"""The materials app end to end: upload a real PPTX, the workflow through every state with the right roles and
refusals for the wrong ones, scope (404), hostile uploads, the editor's stale save, TM across decks, glossary
import, the translated deck re-opened with python-pptx."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pptx import Presentation

from citybridge.core.concurrency import StaleEdit
from citybridge.materials import selectors, services
from citybridge.materials.models import Material, MaterialEvent, Segment

from .conftest import deck_bytes, upload

pytestmark = pytest.mark.django_db

SENTENCES = ["Cities emit most of the world's carbon.", "District heating cuts coal use by 30 percent."]


def _create(world, sentences=SENTENCES, user="lecturer") -> Material:
    return services.material_create(
        actor=world[user], title="Heat", session=world["session"], uploaded_file=upload(deck_bytes(sentences))
    )


def _move(world, m, user, to, comment=""):
    m.refresh_from_db()
    return services.material_transition(
        actor=world[user], material=m, to_state=to, comment=comment, expected_version=m.version
    )


def test_upload_extracts_segments_into_rows(world):
    m = _create(world)
    v = m.versions.get()
    assert v.kind == "pptx" and v.number == 1
    rows = list(v.segments.order_by("position").values_list("sid", "source", "status"))
    assert [r[1] for r in rows] == SENTENCES
    assert rows[0][0].startswith("s1/") and rows[1][0].startswith("s2/")
    assert {r[2] for r in rows} == {"untranslated"}
    assert m.lecturer_id == world["session"].lecturer_id and m.state == "submitted"
    # due date back-scheduled: session 2026-03-02 less 42 days for the submitted step = 2026-01-19
    assert str(m.due_date) == "2026-01-19"


def test_lecturer_cannot_upload_for_another_lecturers_session(world):
    with pytest.raises(ValidationError) as e:
        services.material_create(
            actor=world["lecturer"],
            title="X",
            session=world["other_session"],
            uploaded_file=upload(deck_bytes(["A b."])),
        )
    assert "session_id" in e.value.message_dict
    assert Material.objects.count() == 0


def test_workflow_through_every_state_with_refusals(world):
    m = _create(world)
    # wrong roles refused on the first step
    for user in ("lecturer", "translator", "coordinator"):
        with pytest.raises(PermissionDenied):
            _move(world, m, user, "adaptation")
    _move(world, m, "staff", "adaptation")
    with pytest.raises(ValidationError):  # no translator yet
        _move(world, m, "staff", "translation")
    m.refresh_from_db()
    services.material_assign_translator(
        actor=world["staff"], material=m, translator=world["translator"], expected_version=m.version
    )
    _move(world, m, "staff", "translation")
    # translator: segments must be translated before approval
    with pytest.raises(ValidationError):
        _move(world, m, "translator", "approval")
    with pytest.raises(PermissionDenied):
        _move(world, m, "other_translator", "approval")
    for seg in Segment.objects.filter(doc_version__material=m):
        services.segment_save(
            actor=world["translator"],
            segment=seg,
            target="城市。" if "Cities" in seg.source else "区域供热使燃煤减少30 percent。",
            status="reviewed",
            expected_version=seg.version,
        )
    _move(world, m, "translator", "approval")
    # the other academy's coordinator does not even see it; this academy's coordinator returns it with a comment
    assert not Material.objects.visible_to(world["other_coordinator"]).filter(pk=m.pk).exists()
    with pytest.raises(ValidationError) as e:
        _move(world, m, "coordinator", "translation")  # a return needs a comment
    assert "comment" in e.value.message_dict
    _move(world, m, "coordinator", "translation", "Use 区域供热 consistently.")
    _move(world, m, "translator", "approval")
    with pytest.raises(PermissionDenied):
        _move(world, m, "translator", "style")
    _move(world, m, "coordinator", "style")
    with pytest.raises(PermissionDenied):
        _move(world, m, "coordinator", "ready")
    _move(world, m, "staff", "ready")
    with pytest.raises(ValidationError):
        _move(world, m, "staff", "submitted")  # not an allowed transition
    # delivered on the session's day or after it, never before
    from citybridge.academy.models import Session

    held_on = world["session"].date
    Session.objects.filter(pk=world["session"].pk).update(date=timezone.localdate() + timedelta(days=30))
    with pytest.raises(ValidationError) as e:
        _move(world, m, "staff", "delivered")
    assert "to_state" in e.value.message_dict
    Session.objects.filter(pk=world["session"].pk).update(date=held_on)
    _move(world, m, "staff", "delivered")
    m.refresh_from_db()
    assert m.state == "delivered" and m.due_date is None
    # the translator's assignment reads as one, by name, not as a move from a step to itself
    assigned = MaterialEvent.objects.get(material=m, action="assign")
    assert assigned.assignee == world["translator"] and assigned.comment == ""
    history = list(MaterialEvent.objects.filter(material=m).values_list("from_state", "to_state", "action"))
    assert history[0] == ("", "submitted", "submit")
    assert ("approval", "translation", "return") in history
    assert history[-1] == ("ready", "delivered", "advance")
    returned = MaterialEvent.objects.get(material=m, action="return")
    assert returned.actor == world["coordinator"] and "区域供热" in returned.comment


def test_stale_transition_refused(world):
    m = _create(world)
    old = m.version
    _move(world, m, "staff", "adaptation")
    with pytest.raises(StaleEdit):
        services.material_transition(
            actor=world["staff"], material=m, to_state="submitted", comment="x", expected_version=old
        )


def test_visibility_per_role(world):
    m = _create(world)
    sees = lambda u: Material.objects.visible_to(world[u]).filter(pk=m.pk).exists()  # noqa: E731
    assert sees("staff") and sees("lecturer") and sees("coordinator")
    assert not sees("other_lecturer") and not sees("other_coordinator") and not sees("translator")
    m.translator = world["translator"]
    m.state = "translation"
    m.save()
    assert sees("translator") and not sees("other_translator")
    m.state = "approval"
    m.save()
    assert not sees("translator")  # only while in translation


def test_pages_and_api_404_for_wrong_user(world, client_for, api_for):
    m = _create(world)
    v = m.versions.get()
    seg = v.segments.first()
    for user in ("other_lecturer", "other_coordinator", "translator"):
        c = client_for(world[user])
        for url in (f"/materials/{m.pk}/", f"/materials/{m.pk}/editor/", f"/materials/versions/{v.pk}/original/"):
            assert c.get(url).status_code == 404, (user, url)
        assert c.post(f"/materials/{m.pk}/transition/", {"to_state": "adaptation", "version": 1}).status_code == 404
        assert (
            c.post(f"/materials/segments/{seg.pk}/save/", {"target": "x", "status": "draft", "version": 1}).status_code
            == 404
        )
        api = api_for(world[user])
        assert api.get(f"/api/v1/materials/materials/{m.pk}").status_code == 404
        assert api.get(f"/api/v1/materials/versions/{v.pk}/segments").status_code == 404
        r = api.patch(
            f"/api/v1/materials/segments/{seg.pk}",
            {"target": "x", "status": "draft", "version": 1},
            content_type="application/json",
        )
        assert r.status_code == 404
    assert client_for(world["lecturer"]).get(f"/materials/{m.pk}/").status_code == 200
    assert client_for(world["coordinator"]).get(f"/materials/{m.pk}/").status_code == 200
    # the lecturer sees the material but may not edit segments: 403
    assert client_for(world["lecturer"]).get(f"/materials/{m.pk}/editor/").status_code == 403


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml", "<p/>")
        z.writestr("ppt/media/zeros.bin", b"\0" * (3 * 1024 * 1024))
    return buf.getvalue()


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
        )
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize("data,zh_words", [(_zip_bomb(), True), (b"not a deck at all", True)])
def test_hostile_upload_refused_translated(world, api_for, data, zh_words):
    api = api_for(world["lecturer"], language="zh-hans")
    r = api.post(
        "/api/v1/materials/materials",
        {"title": "Bomb", "session_id": world["session"].pk, "file": upload(data, "bomb.pptx")},
    )
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["errors"][0]["field"] == "file"
    if zh_words:  # the message is in Chinese
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["errors"][0]["message"])
    assert Material.objects.count() == 0


def test_renamed_docx_refused_and_real_docx_kept_as_attachment(world, api_for, client_for):
    # a DOCX renamed .pptx: refused by content, in the user's language, nothing written
    r = api_for(world["lecturer"], language="zh-hans").post(
        "/api/v1/materials/materials",
        {"title": "Notes", "session_id": world["session"].pk, "file": upload(_docx(), "slides.pptx")},
    )
    assert r.status_code == 422
    message = r.json()["errors"][0]["message"]
    assert r.json()["errors"][0]["field"] == "file" and "DOCX" in message and "改了扩展名" in message
    assert Material.objects.count() == 0
    # the same file named .docx is accepted as an attachment: stored, never parsed as a deck, no editor
    m = services.material_create(
        actor=world["lecturer"], title="Notes", session=world["session"], uploaded_file=upload(_docx(), "notes.docx")
    )
    v = m.versions.get()
    assert v.kind == "docx" and v.segments.count() == 0
    assert client_for(world["staff"]).get(f"/materials/{m.pk}/editor/").status_code == 404


def test_pptx_with_docx_content_type_refused_in_chinese(world, client_for):
    """A zip carrying ppt/presentation.xml but a Word main part: the engine's check_deck says not_pptx."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("ppt/presentation.xml", "<p/>")
        z.writestr("word/document.xml", "<w/>")
    c = client_for(world["lecturer"], language="zh-hans")
    r = c.post(
        "/materials/new/", {"title": "T", "session": world["session"].pk, "file": upload(buf.getvalue(), "x.pptx")}
    )
    assert r.status_code == 422
    assert "DOCX" in r.content.decode() and Material.objects.count() == 0


def _to_translation(world, m):
    _move(world, m, "staff", "adaptation")
    m.refresh_from_db()
    services.material_assign_translator(
        actor=world["staff"], material=m, translator=world["translator"], expected_version=m.version
    )
    _move(world, m, "staff", "translation")


def test_editor_save_with_stale_version_refused(world, client_for, api_for):
    m = _create(world)
    _to_translation(world, m)
    seg = Segment.objects.filter(doc_version__material=m).first()
    c = client_for(world["translator"])
    ok = c.post(
        f"/materials/segments/{seg.pk}/save/",
        {"target": "城市排放最多。", "status": "draft", "version": seg.version},
        HTTP_ACCEPT="application/json",
    )
    assert ok.status_code == 200 and ok.json()["version"] == seg.version + 1
    stale = c.post(
        f"/materials/segments/{seg.pk}/save/",
        {"target": "别的。", "status": "draft", "version": seg.version},
        HTTP_ACCEPT="application/json",
    )
    assert stale.status_code == 409 and stale.json()["current"]["target"] == "城市排放最多。"
    r = api_for(world["translator"]).patch(
        f"/api/v1/materials/segments/{seg.pk}",
        {"target": "别的。", "status": "draft", "version": seg.version},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["current"]["target"] == "城市排放最多。"
    seg.refresh_from_db()
    assert seg.target == "城市排放最多。"
    # a tag lost is refused on the field, translated
    bad = api_for(world["translator"], language="zh-hans").patch(
        f"/api/v1/materials/segments/{seg.pk}",
        {"target": "<b>城市", "status": "draft", "version": seg.version},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "target"


def test_tm_suggestion_for_repeated_sentence_in_second_deck(world, client_for):
    m1 = _create(world)
    _to_translation(world, m1)
    seg = Segment.objects.get(doc_version__material=m1, source=SENTENCES[0])
    services.segment_save(
        actor=world["translator"],
        segment=seg,
        target="城市排放了世界上大部分的碳。",
        status="reviewed",
        expected_version=seg.version,
    )
    m2 = _create(world, [SENTENCES[0], "A new sentence about trams."])
    _to_translation(world, m2)
    page = client_for(world["translator"]).get(f"/materials/{m2.pk}/editor/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "城市排放了世界上大部分的碳。" in html and "100.0%" in html
    # the API lookup agrees
    matches = selectors.tm_lookup(SENTENCES[0])
    assert matches[0]["exact"] and matches[0]["target"] == "城市排放了世界上大部分的碳。"


def test_new_version_carries_unchanged_targets(world):
    m = _create(world)
    _to_translation(world, m)
    for seg in Segment.objects.filter(doc_version__material=m):
        services.segment_save(
            actor=world["translator"],
            segment=seg,
            target="译文" + seg.sid[-1] + "。",
            status="draft",
            expected_version=seg.version,
        )
    m.refresh_from_db()
    v2 = services.material_version_add(
        actor=world["lecturer"],
        material=m,
        uploaded_file=upload(deck_bytes([SENTENCES[0], "Heat pumps replace boilers."])),
    )
    rows = {s.source: s for s in v2.segments.all()}
    assert rows[SENTENCES[0]].target.startswith("译文") and not rows[SENTENCES[0]].changed
    assert rows["Heat pumps replace boilers."].target == "" and rows["Heat pumps replace boilers."].changed


@pytest.mark.parametrize("step", ["approval", "style", "ready"])
def test_after_approval_a_new_deck_goes_back_to_translation_and_the_translation_is_locked(world, step):
    """A lecturer replaced an approved deck and it stayed "Ready", untranslated and never approved; staff could still
    change the approved translation. Now: the approved translation is closed to edits, and a new version sends the
    material back to translation (the academy approves the new deck)."""
    m = _create(world)
    _to_translation(world, m)
    for seg in Segment.objects.filter(doc_version__material=m):
        services.segment_save(
            actor=world["translator"], segment=seg, target="译文。", status="reviewed", expected_version=seg.version
        )
    _move(world, m, "translator", "approval")
    if step in ("style", "ready"):
        _move(world, m, "coordinator", "style")
    if step == "ready":
        _move(world, m, "staff", "ready")
    seg = Segment.objects.filter(doc_version__material=m).first()
    for user in ("staff", "translator"):
        with pytest.raises(PermissionDenied):
            services.segment_save(
                actor=world[user], segment=seg, target="改了。", status="reviewed", expected_version=seg.version
            )
    m.refresh_from_db()
    services.material_version_add(
        actor=world["lecturer"], material=m, uploaded_file=upload(deck_bytes([SENTENCES[0], "Heat pumps."]))
    )
    m.refresh_from_db()
    assert m.state == "translation"
    event = MaterialEvent.objects.filter(material=m, action="upload").latest("id")
    assert (event.from_state, event.to_state) == (step, "translation") and "approve" in event.comment
    with pytest.raises(ValidationError):  # the new sentence is not translated yet
        _move(world, m, "translator", "approval")


def test_glossary_import_errors_per_row_and_atomic(world, client_for, api_for):
    from citybridge.materials.models import GlossaryTerm

    csv = "en,zh,note\nheat pump,热泵,\n,区域供热,\nsponge city,,\nheat pump,热泵,\n".encode()
    r = api_for(world["translator"], language="zh-hans").post(
        "/api/v1/materials/glossary/import", {"file": upload(csv, "g.csv")}
    )
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert r.json()["detail"] == "未导入任何内容。请更正以下各行后重新上传文件："
    # row 2 lacks English, row 3 lacks Chinese, row 4 repeats row 1
    assert [(e["row"], e["field"]) for e in errors] == [(2, "en"), (3, "zh"), (4, "en")]
    assert errors[0]["message"] == "缺少英文术语。"
    assert GlossaryTerm.objects.count() == 0  # nothing written
    gbk = "en,zh\nheat pump,热泵\n".encode("gbk")
    r = api_for(world["translator"]).post("/api/v1/materials/glossary/import", {"file": upload(gbk, "g.csv")})
    assert r.status_code == 422 and "UTF-8" in r.json()["errors"][0]["message"]
    good = "en,zh\nheat pump,热泵\n".encode()
    r = api_for(world["translator"]).post("/api/v1/materials/glossary/import", {"file": upload(good, "g.csv")})
    assert r.status_code == 200 and r.json()["created"] == 1
    # lecturers may read the glossary but not import into it
    assert (
        api_for(world["lecturer"])
        .post("/api/v1/materials/glossary/import", {"file": upload(good, "g.csv")})
        .status_code
        == 403
    )
    tbx = client_for(world["lecturer"]).get("/materials/glossary/export.tbx")
    assert tbx.status_code == 200
    body = b"".join(tbx.streaming_content) if hasattr(tbx, "streaming_content") else tbx.content
    assert "热泵" in body.decode() and b"conceptEntry" in body


def test_translated_deck_built_downloaded_and_reopened(world, client_for, django_capture_on_commit_callbacks):
    m = _create(world)
    _to_translation(world, m)
    targets = {SENTENCES[0]: "城市排放了世界上大部分的碳。", SENTENCES[1]: "区域供热使燃煤使用减少30%。"}
    for seg in Segment.objects.filter(doc_version__material=m):
        services.segment_save(
            actor=world["translator"],
            segment=seg,
            target=targets[seg.source],
            status="reviewed",
            expected_version=seg.version,
        )
    v = m.versions.get()
    c = client_for(world["translator"])
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task runs inline (ImmediateBackend)
        r = c.post(f"/materials/versions/{v.pk}/build/")
    assert r.status_code == 302
    v.refresh_from_db()
    assert v.build_report["state"] == "done" and v.build_report["applied"] == 2
    got = client_for(world["lecturer"]).get(f"/materials/versions/{v.pk}/translated/")
    assert got.status_code == 200
    data = b"".join(got.streaming_content) if hasattr(got, "streaming_content") else got.content
    prs = Presentation(io.BytesIO(data))
    texts = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame]
    assert texts == [targets[SENTENCES[0]], targets[SENTENCES[1]]]
    # the Chinese runs carry an East Asian font (a:ea)
    ea = prs.slides[0].shapes[0].text_frame.paragraphs[0].runs[0]._r.xpath("./a:rPr/a:ea")
    assert ea and ea[0].get("typeface")
    # the original stays downloadable, unchanged
    orig = client_for(world["lecturer"]).get(f"/materials/versions/{v.pk}/original/")
    odata = b"".join(orig.streaming_content) if hasattr(orig, "streaming_content") else orig.content
    assert [sh.text_frame.text for s in Presentation(io.BytesIO(odata)).slides for sh in s.shapes] == SENTENCES


def test_glossary_page_is_cards_on_a_phone_with_each_field_named(world, client_for):
    """The glossary is a table.cards (core/site.css): on a phone each term is a card whose fields carry their
    heading's name in the reader's language; a Chinese term stays on one line on a laptop."""
    from citybridge.materials.models import GlossaryTerm

    GlossaryTerm.objects.create(en="climate action planning", zh="气候行动规划", note="规划 as in 能源总体规划")
    html = client_for(world["translator"], language="zh-hans").get("/materials/glossary/").content.decode()
    assert '<table class="cards">' in html
    assert '<td lang="zh-Hans" data-label="中文" class="nowrap">气候行动规划</td>' in html
    assert 'data-label="备注">规划 as in 能源总体规划</td>' in html
