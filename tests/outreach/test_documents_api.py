"""Agreements and reference documents in the API (issue #14 gap): list / create / update with scope and version,
422 on bad input with the field (nothing saved), 409 on a stale version, 404 outside scope, 403 for the wrong role;
partner PATCH with version."""

from __future__ import annotations

import io
import json

import pytest

from citybridge.outreach import services
from tests.pdfs import real_pdf

from ._part_fixtures import *  # noqa: F401,F403
from ._part_fixtures import rows

pytestmark = pytest.mark.django_db

A = "/api/v1/outreach/agreements"
D = "/api/v1/outreach/documents"


def _post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url: str, body: dict, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def _fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_agreement_create_list_update_with_version(api_for, staff, partner):
    api = api_for(staff)
    created = _post(
        api, A, {"partner_id": partner.pk, "title": "MoU", "scope": "Two dinners", "starts_on": "2025-01-01"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title"], body["scope"], body["version"], body["has_document"]) == ("MoU", "Two dinners", 1, False)
    assert api.get(A).json()["count"] == 1
    url = f"{A}/{body['id']}"
    assert api.get(url)["ETag"] == '"1"'
    ok = _patch(api, url, {"ends_on": "2026-12-31", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2 and ok.json()["ends_on"] == "2026-12-31"
    stale = _patch(api, url, {"title": "Older", "version": 1})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    assert _patch(api, url, {"title": "No version"}).status_code == 422


def test_agreement_bad_input_is_422_on_field_nothing_saved(api_for, staff, partner, other_partner_user, other_partner):
    before = rows()
    bad = _post(
        api_for(staff),
        A,
        {"partner_id": partner.pk, "title": "MoU", "starts_on": "2025-05-01", "ends_on": "2025-01-01"},
    )
    assert bad.status_code == 422 and _fields(bad) == {"ends_on"}
    # a partner id outside the caller's scope is a 422 on that field (the partner user may not create anyway: 403)
    assert _post(api_for(staff), A, {"partner_id": 10**12, "title": "x", "starts_on": "2025-01-01"}).status_code == 422
    zh = _post(
        api_for(staff, language="zh-hans"),
        A,
        {"partner_id": partner.pk, "title": "MoU", "starts_on": "2025-05-01", "ends_on": "2025-01-01"},
    )
    assert "最后一天" in zh.json()["errors"][0]["message"] or "第一天" in zh.json()["errors"][0]["message"]
    assert rows() == before


def test_agreement_scope_for_partners(api_for, staff, partner, other_partner, partner_user, other_partner_user):
    from datetime import date

    from citybridge.outreach import services

    mine = services.agreement_add(actor=staff, partner=partner, title_en="Philips MoU", starts_on=date(2025, 1, 1))
    services.agreement_add(actor=staff, partner=other_partner, title_en="Honeywell MoU", starts_on=date(2025, 1, 1))
    items = api_for(partner_user).get(A).json()["items"]
    assert [a["title"] for a in items] == ["Philips MoU"]
    assert api_for(other_partner_user).get(f"{A}/{mine.pk}").status_code == 404
    assert api_for(partner_user).get(f"{A}/{mine.pk}").status_code == 200
    assert _patch(api_for(partner_user), f"{A}/{mine.pk}", {"title": "x", "version": 1}).status_code == 403
    assert (
        _post(api_for(partner_user), A, {"partner_id": partner.pk, "title": "x", "starts_on": "2025-01-01"}).status_code
        == 403
    )


def test_agreement_document_upload_bounded(api_for, staff, partner):
    from datetime import date

    from citybridge.outreach import services

    a = services.agreement_add(actor=staff, partner=partner, title_en="MoU", starts_on=date(2025, 1, 1))
    api = api_for(staff)
    bad = api.post(f"{A}/{a.pk}/document", {"version": "1", "document": io.BytesIO(b"not a pdf")})
    assert bad.status_code == 422 and _fields(bad) == {"document"}
    f = io.BytesIO(real_pdf())
    f.name = "mou.pdf"
    ok = api.post(f"{A}/{a.pk}/document", {"version": "1", "document": f})
    assert ok.status_code == 200, ok.content
    assert ok.json()["has_document"] is True and ok.json()["version"] == 2
    download = api.get(f"{A}/{a.pk}/document")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment")


def test_agreement_document_download_scope(api_for, staff, partner, partner_user, other_partner_user):
    from datetime import date

    from citybridge.outreach import services

    a = services.agreement_add(actor=staff, partner=partner, title_en="MoU", starts_on=date(2025, 1, 1))
    assert api_for(partner_user).get(f"{A}/{a.pk}/document").status_code == 404  # none attached
    f = io.BytesIO(real_pdf())
    f.name = "mou.pdf"
    assert api_for(staff).post(f"{A}/{a.pk}/document", {"version": "1", "document": f}).status_code == 200
    assert api_for(partner_user).get(f"{A}/{a.pk}/document").status_code == 200
    assert api_for(other_partner_user).get(f"{A}/{a.pk}/document").status_code == 404


def test_documents_upload_list_scope_update(api_for, staff, partner_user):
    api = api_for(staff)
    f = io.BytesIO(real_pdf())
    f.name = "plan.pdf"
    created = api.post(D, {"language": "zh-hans", "title_zh_hans": "保定市规划（译本）", "file": f})
    assert created.status_code == 201, created.content
    doc = created.json()
    assert doc["public"] is False and doc["version"] == 1
    # staff-only scope: a signed-in partner does not see it, not even by id
    assert api_for(partner_user).get(D).json()["count"] == 0
    assert api_for(partner_user).get(f"{D}/{doc['id']}").status_code == 404
    ok = _patch(api, f"{D}/{doc['id']}", {"public": True, "title_en": "Baoding plan (translated)", "version": 1})
    assert ok.status_code == 200 and ok.json()["public"] is True and ok.json()["version"] == 2
    assert api_for(partner_user).get(D).json()["count"] == 1
    assert _patch(api, f"{D}/{doc['id']}", {"public": False, "version": 1}).status_code == 409
    blank = _patch(api, f"{D}/{doc['id']}", {"title_en": "", "title_zh_hans": "", "version": 2})
    assert blank.status_code == 422 and _fields(blank) == {"title_en"}
    assert _patch(api_for(partner_user), f"{D}/{doc['id']}", {"public": False, "version": 2}).status_code == 403
    text = io.BytesIO(b"hello")
    text.name = "x.pdf"
    assert api.post(D, {"language": "en", "title_en": "x", "file": text}).status_code == 422


def test_partner_patch_with_version(api_for, staff, partner, partner_user, host):
    url = f"/api/v1/outreach/partners/{partner.pk}"
    api = api_for(staff)
    ok = _patch(api, url, {"contact_ids": [host.pk], "technologies": "Heat pumps", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2 and ok.json()["technologies"] == ["heat pumps"]
    assert _patch(api, url, {"notes": "x", "version": 1}).status_code == 409
    bad = _patch(api, url, {"contact_ids": [10**12], "version": 2})
    assert bad.status_code == 422 and _fields(bad) == {"contact_ids"}
    assert _patch(api_for(partner_user), url, {"notes": "x", "version": 2}).status_code == 403


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("path", ["/api/v1/outreach/agreements", "/api/v1/outreach/documents"])
def test_query_counts(n, path, staff, partner, api_for, django_assert_max_num_queries):
    """The same number of queries at 2 and at 20 rows (pinned: auth, the count, the page)."""
    from datetime import date

    from citybridge.outreach.models import ReferenceDocument

    for i in range(n):
        services.agreement_add(actor=staff, partner=partner, title_en=f"MoU {i}", starts_on=date(2025, 1, 1))
        ReferenceDocument.objects.create(title_en=f"Plan {i}", language="en", file="outreach/documents/x.pdf")
    api = api_for(staff)
    api.get(path)
    with django_assert_max_num_queries(6):
        r = api.get(path)
    assert r.status_code == 200 and r.json()["count"] == n


def test_a_broken_deck_is_refused_as_lecture_materials_refuse_it(api_for, staff):
    """Found by a hostile-input walk: a ZIP holding a presentation part that is not XML was kept as a PPTX here,
    while the materials upload refused it."""
    import zipfile

    from citybridge.outreach.models import ReferenceDocument
    from tests.materials.conftest import deck_bytes

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml", "<not xml")
    broken = io.BytesIO(buf.getvalue())
    broken.name = "deck.pptx"
    api = api_for(staff, "zh-hans")
    r = api.post(D, {"language": "en", "title_en": "Deck", "file": broken})
    assert r.status_code == 422, r.content
    assert r.json()["errors"] == [{"field": "file", "message": "该文件不是 PowerPoint 演示文稿（.pptx）。"}]
    assert not ReferenceDocument.objects.exists()
    deck = io.BytesIO(deck_bytes(["District heating cuts coal use."]))
    deck.name = "deck.pptx"
    assert api.post(D, {"language": "en", "title_en": "Deck", "file": deck}).status_code == 201
