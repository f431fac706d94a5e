"""XLIFF 2.0 export and import: the engine on a real rich deck (structure, inline codes, states, hostile files) and
the app end to end (export → a translator fills in targets with lxml → import → the editor shows them; refusals
write nothing and speak the user's language)."""

from __future__ import annotations

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree

from citybridge.materials import services, xliff
from citybridge.materials.deck import extract
from citybridge.materials.models import MaterialEvent, Segment
from tests.chinese import has_chinese

from .builders import rich_deck
from .conftest import deck_bytes, upload

NS = {"x": xliff.NS}


def _units(deck: bytes) -> list[xliff.Unit]:
    return [xliff.Unit(s.id, s.source, "", "untranslated", s.slide, s.context) for s in extract(deck)]


def _doc(data: bytes) -> etree._Element:
    return etree.fromstring(data, xliff.parser())


# --------------------------------------------------------------------------- engine


def test_export_of_a_rich_deck_is_xliff_2_with_pc_and_ph_and_stable_ids():
    units = _units(rich_deck())
    data = xliff.export(units, deck_key="material-1-version-9", original="material-1-v1.pptx")
    root = _doc(data)
    assert root.tag == "{urn:oasis:names:tc:xliff:document:2.0}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "en", "zh-CN")
    files = root.findall("x:file", NS)
    assert len(files) == 1 and files[0].get("id") == "material-1-version-9"
    xml_units = files[0].findall("x:unit", NS)
    assert [u.get("name") for u in xml_units] == [u.sid for u in units]  # one unit per segment, in deck order
    ids = [u.get("id") for u in xml_units]
    assert len(set(ids)) == len(ids) and all("/" not in i for i in ids)  # NMTOKENs, unique
    # the same deck exported again gives the same ids (stable)
    again = _doc(xliff.export(_units(rich_deck()), deck_key="material-1-version-9", original="x"))
    assert [u.get("id") for u in again.iter(f"{{{xliff.NS}}}unit")] == ids
    # "Green buildings <b>cut energy use</b> by <c val="FF0000">30%</c>." → pc bold (xlf:b), pc fmt for the colour
    green = next(u for u in xml_units if "Green buildings" in "".join(u.find("x:segment/x:source", NS).itertext()))
    pcs = green.findall("x:segment/x:source/x:pc", NS)
    assert [(p.get("id"), p.get("type"), p.get("subType")) for p in pcs] == [("1", "fmt", "xlf:b"), ("2", "fmt", None)]
    data_els = {d.get("id"): d.text for d in green.findall("x:originalData/x:data", NS)}
    assert data_els["d1"] == "<b>" and data_els["d2"] == '<c val="FF0000">' and data_els["d2e"] == "</c>"
    link = next(u for u in xml_units if "C40 guide" in "".join(u.itertext()))
    assert link.find("x:segment/x:source/x:pc", NS).get("type") == "link"
    # every segment is untranslated: state initial, no target
    assert {s.get("state") for s in root.iter(f"{{{xliff.NS}}}segment")} == {"initial"}
    assert root.find(".//x:target", NS) is None


def test_round_trip_reads_back_targets_states_and_tags_by_id():
    units = [
        xliff.Unit("s1/sh1/p0/s0", "Green buildings <b>cut energy use</b> by 30%.", "", "untranslated", 1, "slide"),
        xliff.Unit(
            "s1/sh1/p1/s0",
            'Slide <fld id="0"/><br/>of the <a href="https://c40.org">C40</a> guide.',
            "",
            "untranslated",
            1,
            "slide",
        ),
        xliff.Unit("s2/notes/sh1/p0/s0", "Ask about local examples.", "询问本地案例。", "reviewed", 2, "notes"),
    ]
    root = _doc(xliff.export(units, deck_key="k", original="k.pptx"))
    segs = root.findall(".//x:segment", NS)
    assert segs[2].get("state") == "reviewed" and segs[2].find("x:target", NS).text == "询问本地案例。"
    # a translator (a CAT tool) fills in targets: copies the source's inline codes and translates around them
    for seg, (text_before, inner, text_after) in zip(
        segs[:2], [("绿色建筑", "减少能源使用", "30%。"), ("第", None, None)], strict=True
    ):
        target = etree.SubElement(seg, f"{{{xliff.NS}}}target")
        source = seg.find("x:source", NS)
        if inner is not None:
            target.text = text_before
            pc = etree.SubElement(target, f"{{{xliff.NS}}}pc", dict(source.find("x:pc", NS).attrib))
            pc.text, pc.tail = inner, text_after
        else:  # the fields and link of the second unit, reordered around Chinese text
            target.text = "C40 指南"
            for child in source:
                target.append(copy.deepcopy(child))
            target[0].tail, target[1].tail = "", "页"
            target[2].text, target[2].tail = "C40", "。"
        seg.set("state", "translated")
    result = xliff.read(etree.tostring(root), deck_key="k", sources={u.sid: u.source for u in units})
    assert result.problems == []
    got = {u.sid: (u.target, u.status) for u in result.units}
    assert got["s1/sh1/p0/s0"] == ("绿色建筑<b>减少能源使用</b>30%。", "draft")
    assert got["s1/sh1/p1/s0"] == ('C40 指南<fld id="0"/><br/>页<a href="https://c40.org">C40</a>。', "draft")
    assert got["s2/notes/sh1/p0/s0"] == ("询问本地案例。", "reviewed")  # as exported, untouched


def test_link_address_comes_from_the_source_not_the_file():
    """The inline id maps back to the source's tag: a tool cannot swap the link for another address."""
    units = [xliff.Unit("s1/p0/s0", 'Read <a href="https://c40.org">this</a>.', "", "untranslated", 1, "slide")]
    data = xliff.export(units, deck_key="k", original="k.pptx").decode()
    data = data.replace("</source>", '</source><target>读<pc id="1" type="link" dataRefStart="evil">这</pc>。</target>')
    data = data.replace("d1e", "d1e").replace('<data id="d1">', '<data id="d1">&lt;a href="https://evil.example"&gt;')
    result = xliff.read(data.encode(), deck_key="k", sources={u.sid: u.source for u in units})
    assert [u.target for u in result.units] == ['读<a href="https://c40.org">这</a>。']


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("没有标签。", "tag_missing"),  # the bold code lost
        ('<pc id="1">一</pc><pc id="1">二</pc>', "tag_extra"),  # the bold code twice
        ('<pc id="7">粗体</pc>', "inline_unknown"),  # an id the source does not have
        ('<ph id="1"/>', "inline_unknown"),  # a placeholder where the source has a paired code
        ('<sc id="1"/>粗体<ec startRef="1"/>', "inline_unsupported"),
    ],
)
def test_units_with_lost_or_foreign_inline_codes_are_refused(target, code):
    units = [xliff.Unit("s1/p0/s0", "A <b>bold</b> claim.", "", "untranslated", 1, "slide")]
    data = xliff.export(units, deck_key="k", original="k.pptx").decode()
    data = data.replace("</source>", f"</source><target>{target}</target>").replace(
        'state="initial"', 'state="translated"'
    )
    result = xliff.read(data.encode(), deck_key="k", sources={u.sid: u.source for u in units})
    assert [(p.unit, p.code) for p in result.problems] == [("s1/p0/s0", code)]
    assert result.units == []


def test_reordered_tags_are_accepted_with_a_warning_flag():
    units = [xliff.Unit("s1/p0/s0", "<b>Bold</b> then <i>italic</i>.", "", "untranslated", 1, "slide")]
    data = xliff.export(units, deck_key="k", original="k.pptx").decode()
    data = data.replace("</source>", '</source><target><pc id="2">斜体</pc>在<pc id="1">粗体</pc>之后。</target>')
    result = xliff.read(
        data.replace('state="initial"', 'state="reviewed"').encode(),
        deck_key="k",
        sources={u.sid: u.source for u in units},
    )
    assert [(u.target, u.status, u.reordered) for u in result.units] == [
        ("<i>斜体</i>在<b>粗体</b>之后。", "reviewed", True)
    ]


def test_unknown_and_duplicate_units_are_reported_per_unit():
    units = [xliff.Unit("s1/p0/s0", "One.", "一。", "draft", 1, "slide")]
    data = xliff.export(units, deck_key="k", original="k.pptx").decode()
    unit = data[data.index("<unit") : data.index("</unit>") + 7]
    data = data.replace(
        unit, unit + unit + unit.replace('id="s1_p0_s0" name="s1/p0/s0"', 'id="s9_p0_s0" name="s9/p0/s0"')
    )
    result = xliff.read(data.encode(), deck_key="k", sources={"s1/p0/s0": "One."})
    assert [(p.unit, p.code) for p in result.problems] == [("s1/p0/s0", "duplicate_unit"), ("s9/p0/s0", "unknown_unit")]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="zh-CN"><file id="k">&lol2;</file></xliff>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="zh-CN"><file id="k">&e;</file></xliff>"""
XLIFF12 = b"""<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="k"
source-language="en" target-language="zh-CN" datatype="plaintext"><body/></file></xliff>"""


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (BILLION_LAUGHS, "malformed"),
        (EXTERNAL, "malformed"),
        (b"<xliff xmlns='urn:oasis:names:tc:xliff:document:2.0' version='2.0'><file", "malformed"),
        (b"en,zh\ncity,\xe5\x9f\x8e\xe5\xb8\x82\n", "not_xliff"),
        (b"<html><body>hello</body></html>", "not_xliff"),
        (XLIFF12, "version"),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="zh-CN">'
            b'<file id="material-1-version-2"/></xliff>',
            "other_deck",
        ),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">'
            b'<file id="k"/></xliff>',
            "languages",
        ),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="zh-CN"/>',
            "structure",
        ),
    ],
)
def test_whole_file_refusals(data, code):
    with pytest.raises(xliff.XliffError) as e:
        xliff.read(data, deck_key="k", sources={})
    assert e.value.code == code


def test_a_file_over_the_limit_is_refused_before_parsing():
    with pytest.raises(xliff.XliffError) as e:
        xliff.read(b"<" + b"x" * 2000, deck_key="k", sources={}, max_bytes=1000)
    assert e.value.code == "too_large"


# --------------------------------------------------------------------------- app


def _in_translation(world):
    m = services.material_create(
        actor=world["lecturer"],
        title="Heat",
        session=world["session"],
        uploaded_file=upload(deck_bytes(["Cities emit most carbon.", "District heating cuts coal use."])),
    )
    services.material_transition(actor=world["staff"], material=m, to_state="adaptation", expected_version=m.version)
    m.refresh_from_db()
    services.material_assign_translator(
        actor=world["staff"], material=m, translator=world["translator"], expected_version=m.version
    )
    m.refresh_from_db()
    services.material_transition(actor=world["staff"], material=m, to_state="translation", expected_version=m.version)
    m.refresh_from_db()
    return m


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content


def _fill(data: bytes, targets: dict[str, str], state: str = "translated") -> bytes:
    root = _doc(data)
    for unit in root.iter(f"{{{xliff.NS}}}unit"):
        seg = unit.find("x:segment", NS)
        text = "".join(seg.find("x:source", NS).itertext())
        if text in targets:
            etree.SubElement(seg, f"{{{xliff.NS}}}target").text = targets[text]
            seg.set("state", state)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.django_db
def test_export_edit_import_and_the_editor_shows_the_translations(world, client_for):
    m = _in_translation(world)
    v = m.versions.get()
    c = client_for(world["translator"], "zh-hans")
    detail = c.get(f"/materials/{m.pk}/").content.decode()
    assert f"/materials/versions/{v.pk}/xliff/" in detail and f"/materials/versions/{v.pk}/xliff/import/" in detail
    exported = c.get(f"/materials/versions/{v.pk}/xliff/")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/xliff+xml")
    filled = _fill(
        _body(exported),
        {
            "Cities emit most carbon.": "城市排放了大部分碳。",
            "District heating cuts coal use.": "区域供热减少燃煤使用。",
        },
        "reviewed",
    )
    seg_versions = dict(Segment.objects.filter(doc_version=v).values_list("sid", "version"))
    r = c.post(f"/materials/versions/{v.pk}/xliff/import/", {"file": SimpleUploadedFile("t.xlf", filled)})
    assert r.status_code == 200, r.content.decode()[:2000]
    assert "已更新 2 个句段" in r.content.decode() or "2" in r.content.decode()
    rows = {s.source: (s.target, s.status, s.version) for s in Segment.objects.filter(doc_version=v)}
    assert rows["Cities emit most carbon."][:2] == ("城市排放了大部分碳。", "reviewed")
    assert all(s.version == seg_versions[s.sid] + 1 for s in Segment.objects.filter(doc_version=v))
    editor = c.get(f"/materials/{m.pk}/editor/").content.decode()
    assert "城市排放了大部分碳。" in editor and "区域供热减少燃煤使用。" in editor
    assert MaterialEvent.objects.filter(material=m, action="xliff").count() == 1
    # the memory now offers the reviewed translation to another deck
    from citybridge.materials import selectors

    assert selectors.tm_lookup("Cities emit most carbon.")[0]["target"] == "城市排放了大部分碳。"


@pytest.mark.django_db
def test_a_file_for_another_version_is_refused_in_chinese_and_nothing_is_written(world, api_for):
    m = _in_translation(world)
    v1 = m.versions.get()
    tr = api_for(world["translator"], "zh-hans")
    old = _body(tr.get(f"/api/v1/materials/versions/{v1.pk}/xliff"))
    services.material_version_add(
        actor=world["lecturer"], material=m, uploaded_file=upload(deck_bytes(["Cities emit most carbon.", "New."]))
    )
    v2 = m.versions.order_by("-number").first()
    filled = _fill(old, {"Cities emit most carbon.": "城市排放了大部分碳。"})
    r = tr.post(f"/api/v1/materials/versions/{v2.pk}/xliff", {"file": SimpleUploadedFile("t.xlf", filled)})
    assert r.status_code == 422
    body = r.json()
    assert body["updated"] == 0 and len(body["errors"]) == 1 and has_chinese(body["errors"][0]["message"])
    assert "另一" in body["errors"][0]["message"]
    # the old version is not the latest: refused as well
    r = tr.post(f"/api/v1/materials/versions/{v1.pk}/xliff", {"file": SimpleUploadedFile("t.xlf", filled)})
    assert r.status_code == 422 and has_chinese(r.json()["errors"][0]["message"])
    assert not Segment.objects.exclude(target="").exists()


@pytest.mark.django_db
def test_one_bad_unit_refuses_the_whole_file_with_a_report_per_unit(world, client_for):
    m = _in_translation(world)
    v = m.versions.get()
    c = client_for(world["translator"])
    data = _body(c.get(f"/materials/versions/{v.pk}/xliff/"))
    filled = _fill(data, {"Cities emit most carbon.": "城市排放了大部分碳。", "District heating cuts coal use.": "好"})
    filled = filled.replace(b'state="translated"', b'state="approved"', 1)
    r = c.post(f"/materials/versions/{v.pk}/xliff/import/", {"file": SimpleUploadedFile("t.xlf", filled)})
    assert r.status_code == 422
    page = r.content.decode()
    assert "Nothing was imported" in page and "approved" in page and "s1/" in page
    assert not Segment.objects.exclude(target="").exists()
    # hostile: a billion-laughs file is a clear error, not a 500
    r = c.post(f"/materials/versions/{v.pk}/xliff/import/", {"file": SimpleUploadedFile("t.xlf", BILLION_LAUGHS)})
    assert r.status_code == 422 and "well-formed" in r.content.decode()


@pytest.mark.django_db
def test_who_may_export_and_import(world, client_for, api_for):
    m = _in_translation(world)
    v = m.versions.get()
    # the lecturer sees the material but does not translate it: 403; another translator does not see it: 404
    assert client_for(world["lecturer"]).get(f"/materials/versions/{v.pk}/xliff/").status_code == 403
    assert client_for(world["other_translator"]).get(f"/materials/versions/{v.pk}/xliff/").status_code == 404
    assert api_for(world["other_coordinator"]).get(f"/api/v1/materials/versions/{v.pk}/xliff").status_code == 404
    r = api_for(world["coordinator"]).post(
        f"/api/v1/materials/versions/{v.pk}/xliff", {"file": SimpleUploadedFile("t.xlf", b"<xliff/>")}
    )
    assert r.status_code == 403
    assert api_for(world["staff"]).get(f"/api/v1/materials/versions/{v.pk}/xliff").status_code == 200


@pytest.mark.django_db
def test_an_over_long_translation_is_refused_as_the_editor_refuses_it(world, api_for):
    """Found by a hostile-input walk: a 2,000,000-character <target> was stored (the editor page grew to 6 MB),
    though the editor's own save refuses more than 20,000 characters."""
    m = _in_translation(world)
    v = m.versions.get()
    tr = api_for(world["translator"], "zh-hans")
    data = _body(tr.get(f"/api/v1/materials/versions/{v.pk}/xliff"))
    filled = _fill(data, {"Cities emit most carbon.": "城" * (services.MAX_TRANSLATION + 1)})
    r = tr.post(f"/api/v1/materials/versions/{v.pk}/xliff", {"file": SimpleUploadedFile("t.xlf", filled)})
    assert r.status_code == 422
    assert r.json()["updated"] == 0 and [e["message"] for e in r.json()["errors"]] == ["译文超过 20,000 个字符。"]
    assert not Segment.objects.exclude(target="").exists()
    exactly = _fill(data, {"Cities emit most carbon.": "城" * services.MAX_TRANSLATION})
    assert (
        tr.post(f"/api/v1/materials/versions/{v.pk}/xliff", {"file": SimpleUploadedFile("t.xlf", exactly)}).status_code
        == 200
    )
