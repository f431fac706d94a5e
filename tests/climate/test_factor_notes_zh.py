"""The seeded factors' method notes and regions in Chinese (issue 10): every one of the 149 has a Chinese note with
no English sentence (citations, table numbers and proper names stay as written), and the factor list and factor
page in Chinese show them."""

from __future__ import annotations

import html
import re

import pytest

from citybridge.climate import demo, factors_seed
from citybridge.climate.factor_notes_zh import method_note_zh, region_zh
from citybridge.climate.models import EmissionFactor

#: two lower-case English words in a row: any English sentence or phrase has them ("emission factor", "data year",
#: "not included"); citations (capitalised titles, table numbers, URLs, [single]) do not
ENGLISH_PHRASE = re.compile(r"\b[a-z]{2,}[ ,]+[a-z]{2,}\b")
URL = re.compile(r"https?://\S+")


def english_phrases(text: str) -> list[str]:
    return ENGLISH_PHRASE.findall(URL.sub("", text))


def test_the_check_finds_english():
    # the English notes fail the check, so the check can fail (factor codes like "natural-gas" do not)
    notes = {s.method_note for s in factors_seed.seed_factors()}
    assert sum(bool(english_phrases(n)) for n in notes) > len(notes) * 0.7
    assert english_phrases("Natural gas: IPCC 2006 Vol 2 Table 1.4 default CO2 emission factor") == ["emission factor"]
    assert english_phrases("ipcc2006-co2-natural-gas") == []


def test_every_seeded_note_has_a_chinese_translation_without_english_sentences():
    seeds = factors_seed.seed_factors()
    assert len(seeds) == 149
    missing = [s.key for s in seeds if not method_note_zh(s)]
    assert missing == []
    leftovers = {s.key: english_phrases(method_note_zh(s)) for s in seeds}
    assert {k: v for k, v in leftovers.items() if v} == {}
    for s in seeds:
        zh = method_note_zh(s)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
        # every citation fragment of the English note survives verbatim: URLs, document numbers, table numbers
        for kept in URL.findall(s.method_note) + re.findall(
            r"Table [\d.]+|公告\d{4}年第\d+号|eGRID\d{4}", s.method_note
        ):
            assert kept.rstrip(".);") in zh, (s.key, kept)


def test_hand_checked_notes():
    by_key = {s.key: s for s in factors_seed.seed_factors()}
    assert method_note_zh(by_key["ipcc2006-co2-natural-gas"]).startswith(
        "天然气：IPCC 2006 Vol 2 Table 1.4 缺省CO2排放因子（低位热值基准）。"
    )
    assert method_note_zh(by_key["mee-nbs-2023-china-guangdong"]) == (
        "MEE/NBS 电力CO2排放因子，省级，数据年份2023（基于地理位置的排放因子，仅含CO2）。"
    )
    carb = by_key["ca-carb-mrr-default-factor-for-unspecified-imports-95111-co2e"]
    assert "0.428 t CO2e/MWh，未经核实。" in method_note_zh(carb)
    assert "0.428 t CO2e/MWh, not verified." in carb.method_note
    # a name without a year has no empty year slot
    assert demo._name_zh(carb) == "未指定来源进口电力排放因子（CARB MRR §95111）（CO2e，加州）"


def test_pages_show_no_markdown_marks():
    """The facts sheet is Markdown; the factor pages show its text as text: no **bold**, *italic* or `code` marks
    in any seeded name, method note or source, in either language."""
    assert factors_seed.plain("**0.5703 t CO2/MWh**, sheet *Stationary Combustion*, `fuel-type-cng`, 2 * 3") == (
        "0.5703 t CO2/MWh, sheet Stationary Combustion, fuel-type-cng, 2 * 3"
    )
    for s in factors_seed.seed_factors():
        for text in (s.method_note, s.source, method_note_zh(s), demo._name(s), demo._name_zh(s)):
            assert not re.search(r"\*\*|`|(?<![\w*])\*\w", text), (s.key, text)


def test_regions_in_chinese():
    assert region_zh("China Jiangsu") == "江苏"
    assert region_zh("China East China 华东 grid") == "华东区域电网"
    assert region_zh("IPCC default") == "IPCC缺省值"
    # a city's own region text is shown as written
    assert region_zh("Hayward, CA") == "Hayward, CA"
    assert all(not english_phrases(region_zh(s.region)) for s in factors_seed.seed_factors())


@pytest.mark.django_db
def test_library_seeded_and_refilled_with_chinese_notes():
    demo.seed_library()
    assert not EmissionFactor.objects.filter(method_note_zh_hans__isnull=True).exists()
    assert not EmissionFactor.objects.filter(method_note_zh_hans="").exists()
    # a library seeded before the notes existed gets them on the next seeding; a note staff rewrote is kept
    EmissionFactor.objects.update(method_note_zh_hans=None)
    edited = EmissionFactor.objects.get(code="ipcc2006-co2-lignite")
    edited.method_note_en = "Staff note"
    edited.save()
    demo.seed_library()
    assert EmissionFactor.objects.filter(method_note_zh_hans__isnull=True).count() == 1
    assert EmissionFactor.objects.get(code="ipcc2006-co2-natural-gas").display_method("zh-hans").startswith("天然气")


def _visible_text(page: str, start: str, end: str) -> str:
    part = page.split(start, 1)[1].split(end, 1)[0]
    part = re.sub(r'<td class="citation">.*?</td>', "", part, flags=re.S)  # the citation is quoted verbatim
    return html.unescape(re.sub(r"<[^>]+>", " ", part))


@pytest.mark.django_db
def test_factor_list_and_pages_in_chinese_show_no_english_sentence(coordinator, client_for):
    demo.seed_library()
    client = client_for(coordinator, language="zh-hans")
    for page in (1, 2, 3, 4, 5, 6):
        listing = client.get(f"/climate/factors/?page={page}")
        if listing.status_code == 404:
            break
        text = _visible_text(listing.content.decode(), "<table>", "</table>")
        assert english_phrases(text) == [], page
    checked = 0
    for factor in EmissionFactor.objects.order_by("pk"):
        text = _visible_text(client.get(f"/climate/factors/{factor.pk}/").content.decode(), "<h1>", "<h2>")
        assert english_phrases(text) == [], factor.code
        assert factor.method_note_zh_hans in text
        checked += 1
    assert checked == 149
    # the English page still shows the English note
    en = client_for(coordinator).get(f"/climate/factors/{factor.pk}/").content.decode()
    assert html.escape(factor.method_note_en, quote=True)[:40] in en or factor.method_note_en[:40] in en


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "gallon"), [("en", "kg/US gallon"), ("zh-hans", "kg/美制加仑")])
def test_factor_units_in_words_and_values_without_trailing_zeros(coordinator, client_for, language, gallon):
    """Units show the registry's codes in words (climate.labels.unit_words), never `US_gallon`; a value shows no
    zeros after its last digit (10.21, not 10.210000)."""
    demo.seed_library()
    client = client_for(coordinator, language=language)
    pages = [client.get(f"/climate/factors/?page={n}").content.decode() for n in (1, 2, 3, 4)]
    gallon_factor = EmissionFactor.objects.filter(activity_unit__icontains="gallon").order_by("pk").first()
    pages.append(client.get(f"/climate/factors/{gallon_factor.pk}/").content.decode())
    text = "".join(pages)
    assert gallon in text
    assert not re.search(r"\b(US_gallon|US_gal|cubic_meter|metric_ton)\b", text)
    assert not re.search(r'class="num">[\d,]*\.\d*0 ', text)
