"""Provinces and states come from one bilingual list: "Hebei" and "河北省" are one province, filters find both."""

from __future__ import annotations

import io

import pytest

from citybridge.core import provinces
from citybridge.core.models import Organisation
from citybridge.core.provinces import PROVINCES, map_values, migrate_codes, province_code

#: free text as it is found in the tables (English or Chinese, with and without suffixes)
MESSY = {
    "Hebei": "CN-HE",
    "河北省": "CN-HE",
    "河北": "CN-HE",
    "Hebei Province": "CN-HE",
    " hebei province ": "CN-HE",
    "Guangxi Zhuang Autonomous Region": "CN-GX",
    "广西壮族自治区": "CN-GX",
    "广西": "CN-GX",
    "Guangxi": "CN-GX",
    "Beijing": "CN-BJ",
    "北京市": "CN-BJ",
    "Beijing Municipality": "CN-BJ",
    "北京": "CN-BJ",
    "Inner Mongolia Autonomous Region": "CN-NM",
    "内蒙古": "CN-NM",
    "Nei Mongol": "CN-NM",
    "Xinjiang Uygur Autonomous Region": "CN-XJ",
    "新疆维吾尔自治区": "CN-XJ",
    "Ningxia Hui Autonomous Region": "CN-NX",
    "Tibet": "CN-XZ",
    "Xizang": "CN-XZ",
    "西藏自治区": "CN-XZ",
    "Hong Kong SAR": "CN-HK",
    "香港特别行政区": "CN-HK",
    "Macau": "CN-MO",
    "Shaanxi": "CN-SN",
    "Shanxi": "CN-SX",
    "陕西省": "CN-SN",
    "山西": "CN-SX",
    "California": "US-CA",
    "加利福尼亚州": "US-CA",
    "加州": "US-CA",
    "CA": "US-CA",
    "New York": "US-NY",
    "CN-HE": "CN-HE",
}


def test_the_list_has_34_chinese_divisions_and_the_us_states_with_both_names():
    cn = [p for p in PROVINCES if p.country == "CN"]
    us = [p for p in PROVINCES if p.country == "US"]
    assert len(cn) == 34 and len(us) == 51
    assert all(p.name_en and p.name_zh_hans for p in PROVINCES)
    assert len({p.code for p in PROVINCES}) == len(PROVINCES)
    # every name maps back to its own code
    assert all(
        province_code(p.name_en, p.country) == p.code == province_code(p.name_zh_hans, p.country) for p in PROVINCES
    )


@pytest.mark.parametrize(("text", "code"), MESSY.items())
def test_free_text_maps_to_one_code(text, code):
    assert province_code(text) == code


def test_unknown_text_is_reported_not_guessed():
    mapped, unmapped = map_values([*MESSY, "Atlantis", "Hebei-ish", "", None])
    assert len(mapped) == len(MESSY) and unmapped == ["Atlantis", "Hebei-ish"]
    assert province_code("Hebei", "US") == ""  # within a country only


@pytest.mark.django_db
def test_data_migration_codes_rows_and_keeps_every_text():
    rows = {"Hebei": "CN-HE", "河北省": "CN-HE", "Guangxi Zhuang Autonomous Region": "CN-GX", "Atlantis": ""}
    for i, text in enumerate(rows):
        Organisation.objects.create(name=f"O{i}", name_en=f"O{i}", type="ngo", country="CN", province_en=text)
    Organisation.objects.update(province_code="")  # as before the column existed
    Organisation.objects.create(name="none", name_en="none", type="ngo", country="CN")
    out = io.StringIO()
    mapped, unmapped = migrate_codes(Organisation, ("province_en", "province_zh_hans", "province"), "country", out=out)
    assert (mapped, unmapped) == (3, ["Atlantis"])
    assert "4 rows with a province, 3 coded, 1 distinct unmapped texts kept as written: Atlantis" in out.getvalue()
    for text, code in rows.items():
        org = Organisation.objects.get(province_en=text)  # the text is untouched
        assert org.province_code == code


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_organisation_form_offers_the_list_and_filter_finds_both_spellings(client_for, staff, language):
    a = Organisation.objects.create(name="A", name_en="Alpha Institute", type="ngo", country="CN", province_en="Hebei")
    b = Organisation.objects.create(
        name="B", name_en="Beta Institute", type="ngo", country="CN", province_zh_hans="河北省"
    )
    Organisation.objects.create(name="C", name_en="Gamma Institute", type="ngo", country="CN", province_en="Anhui")
    assert a.province_code == b.province_code == "CN-HE"
    client = client_for(staff, language)
    html = client.get("/organisations/", {"province": "CN-HE"}).content.decode()
    assert "Alpha Institute" in html and "Beta Institute" in html and "Gamma Institute" not in html
    assert ("河北省" if language == "zh-hans" else ">Hebei<") in html
    form = client.get("/organisations/new/").content.decode()
    assert '<select name="province_code"' in form and '<option value="US-CA">' in form
    assert ("加利福尼亚州" if language == "zh-hans" else "California") in form


def test_saving_a_code_writes_both_names_and_a_wrong_country_is_a_field_error(staff):
    from django.core.exceptions import ValidationError

    from citybridge.core import services

    org = services.organisation_create(actor=staff, name_en="Delta", type="ngo", country="CN", province_code="CN-GX")
    assert (org.province_en, org.province_zh_hans, org.province_code) == ("Guangxi", "广西壮族自治区", "CN-GX")
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(actor=staff, name_en="Echo", type="ngo", country="CN", province_code="US-CA")
    assert "province_code" in exc.value.message_dict
    # a text the list does not know survives a save without a code
    legacy = Organisation.objects.create(name="L", name_en="Legacy", type="ngo", country="CN", province_en="Atlantis")
    services.organisation_update(
        actor=staff,
        organisation=legacy,
        expected_version=legacy.version,
        website="https://example.org",
        province_code="",
    )
    legacy.refresh_from_db()
    assert legacy.province_en == "Atlantis" and legacy.province_code == ""
    assert provinces.province_name("CN-HE", "zh-hans") == "河北省"
