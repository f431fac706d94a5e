"""The materials API end to end, the demo's seed glossary, and the pages in Chinese."""

from __future__ import annotations

import io

import pytest

from citybridge.materials.models import GlossaryTerm, Material

from .conftest import deck_bytes, upload

pytestmark = pytest.mark.django_db


def test_api_upload_transition_segments_tm(world, api_for, django_capture_on_commit_callbacks):
    lect = api_for(world["lecturer"])
    r = lect.post(
        "/api/v1/materials/materials",
        {
            "title": "Sponge cities",
            "session_id": world["session"].pk,
            "file": upload(deck_bytes(["Sponge cities absorb rain."])),
        },
    )
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    assert r.json()["state"] == "submitted"
    assert [m["id"] for m in lect.get("/api/v1/materials/materials").json()["items"]] == [mid]
    # a session id outside the lecturer's scope: 422 on the field, nothing written
    r = lect.post(
        "/api/v1/materials/materials",
        {"title": "X", "session_id": 999999, "file": upload(deck_bytes(["A b."]))},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "session_id"
    staff = api_for(world["staff"])
    # the lecturer may not advance the workflow: 403; staff with a stale If-Match: 409
    assert (
        lect.post(
            f"/api/v1/materials/materials/{mid}/transition",
            {"to_state": "adaptation", "version": 1},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert (
        staff.post(
            f"/api/v1/materials/materials/{mid}/transition",
            {"to_state": "adaptation"},
            content_type="application/json",
            HTTP_IF_MATCH='"7"',
        ).status_code
        == 409
    )
    r = staff.post(
        f"/api/v1/materials/materials/{mid}/transition",
        {"to_state": "adaptation"},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert r.status_code == 200 and r.json()["version"] == 2 and r.headers["ETag"] == '"2"'
    r = staff.post(
        f"/api/v1/materials/materials/{mid}/translator",
        {"translator_id": world["translator"].pk, "version": 2},
        content_type="application/json",
    )
    assert r.status_code == 200
    r = staff.post(
        f"/api/v1/materials/materials/{mid}/transition",
        {"to_state": "translation", "version": 3},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "translation"
    tr = api_for(world["translator"])
    versions = tr.get(f"/api/v1/materials/materials/{mid}/versions").json()
    seg = tr.get(f"/api/v1/materials/versions/{versions[0]['id']}/segments").json()["items"][0]
    r = tr.patch(
        f"/api/v1/materials/segments/{seg['id']}",
        {"target": "海绵城市吸收雨水。", "status": "reviewed", "version": seg["version"]},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "reviewed"
    r = tr.get("/api/v1/materials/tm", {"q": "Sponge cities absorb rain."})
    assert r.status_code == 200 and r.json()[0]["target"] == "海绵城市吸收雨水。" and r.json()[0]["score"] == 100.0
    # fuzzy on words: the query has 5 words, the entry 4, all 4 in order in both: 100·2·4/(5+4) = 88.9
    r = tr.get("/api/v1/materials/tm", {"q": "Sponge cities absorb storm rain."})
    assert r.json()[0]["score"] == 88.9 and not r.json()[0]["exact"]
    assert api_for(world["lecturer"]).get("/api/v1/materials/tm", {"q": "x"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        r = tr.post(f"/api/v1/materials/versions/{versions[0]['id']}/build")
    assert r.status_code == 202
    got = tr.get(f"/api/v1/materials/versions/{versions[0]['id']}/translated")
    assert got.status_code == 200
    from pptx import Presentation

    data = b"".join(got.streaming_content) if hasattr(got, "streaming_content") else got.content
    texts = [sh.text_frame.text for s in Presentation(io.BytesIO(data)).slides for sh in s.shapes]
    assert texts == ["海绵城市吸收雨水。"]


def test_demo_seeds_the_glossary_idempotently(db):
    from citybridge.materials import demo

    out = io.StringIO()
    demo.load(out)
    demo.load(out)
    # data/glossary_seed.csv holds 64 cited terms; a second load adds none
    assert GlossaryTerm.objects.count() == 64
    assert "0 glossary terms added" in out.getvalue()
    assert GlossaryTerm.objects.filter(en="energy master planning", zh="能源总体规划").exists()


def test_pages_in_chinese(world, client_for):
    from citybridge.materials import demo, services

    demo.load()
    m = services.material_create(
        actor=world["lecturer"],
        title="Heat",
        session=world["session"],
        uploaded_file=upload(deck_bytes(["Energy master planning matters."])),
    )
    c = client_for(world["staff"], language="zh-hans")
    html = c.get(f"/materials/{m.pk}/").content.decode()
    assert "已提交" in html and "转至：本土化审阅" in html
    html = c.get("/materials/glossary/?q=能源").content.decode()
    assert "能源总体规划" in html and "导出 TBX" in html
    Material.objects.filter(pk=m.pk).update(state="translation", translator=world["translator"])
    html = client_for(world["translator"], language="zh-hans").get(f"/materials/{m.pk}/editor/").content.decode()
    # the glossary term is highlighted with its Chinese rendering; the keys are explained
    assert "<mark>Energy master planning</mark>" in html and "能源总体规划" in html and "Ctrl+Enter" in html
    # at adaptation review with no translator on the books: a way forward instead of an empty drop-down
    from citybridge.core.models import RoleMembership

    RoleMembership.objects.filter(role="translator").delete()
    Material.objects.filter(pk=m.pk).update(state="adaptation")
    html = c.get(f"/materials/{m.pk}/").content.decode()
    assert 'id="no-translators"' in html and "尚无任何人拥有译员角色" in html and 'name="translator"' not in html
    # academy approval is called so on its button
    Material.objects.filter(pk=m.pk).update(state="approval")
    assert "学院批准，并转至：风格与适用性检查" in c.get(f"/materials/{m.pk}/").content.decode()
    # a step past its due date says so, on the page and in the list
    Material.objects.filter(pk=m.pk).update(due_date="2020-01-06")
    assert "<mark>已逾期</mark>" in c.get(f"/materials/{m.pk}/").content.decode()
    assert "<mark>已逾期</mark>" in c.get("/materials/").content.decode()


def test_tm_cache_follows_reviewed_segments(world, django_assert_num_queries):
    """A segment made reviewed is added to the cached memory; un-reviewing it rebuilds the memory without it; with
    no change, one query (the counters)."""
    from citybridge.materials import selectors, services
    from citybridge.materials.models import Segment

    m = services.material_create(
        actor=world["lecturer"],
        title="T",
        session=world["session"],
        uploaded_file=upload(deck_bytes(["Trams are quiet."])),
    )
    Material.objects.filter(pk=m.pk).update(state="translation", translator=world["translator"])
    assert selectors.tm_lookup("Trams are quiet.") == []
    seg = Segment.objects.get(doc_version__material=m)
    seg = services.segment_save(
        actor=world["translator"],
        segment=seg,
        target="有轨电车很安静。",
        status="reviewed",
        expected_version=seg.version,
    )
    assert selectors.tm_lookup("Trams are quiet.")[0]["target"] == "有轨电车很安静。"
    with django_assert_num_queries(1):
        selectors.project_tm()
    services.segment_save(
        actor=world["translator"], segment=seg, target="有轨电车很安静。", status="draft", expected_version=seg.version
    )
    assert selectors.tm_lookup("Trams are quiet.") == []
