"""QA checks on a translated segment: each with a failing and a passing case."""

from __future__ import annotations

from decimal import Decimal

import pytest

from citybridge.materials.glossary import Glossary, Term
from citybridge.materials.qa import check_segment, numbers

GLOSSARY = Glossary([Term("green building", "绿色建筑"), Term("official", "学员"), Term("official", "官员")])


def codes(source, target, **kw):
    return [i.code for i in check_segment(source, target, **kw)]


def test_passing_translation_has_no_issue():
    assert codes("Green buildings cut use by <b>30%</b>.", "绿色建筑节能<b>30%</b>。", glossary=GLOSSARY) == []


def test_glossary_term_missing():
    assert codes("Green buildings save energy.", "环保房屋节能。", glossary=GLOSSARY) == ["glossary_missing"]
    assert codes("Officials attend.", "官员出席。", glossary=GLOSSARY) == []  # either rendering of "official"
    assert codes("学员出席。", "Officials attend.", source_lang="zh", target_lang="en", glossary=GLOSSARY) == []
    assert codes("学员出席。", "Trainees attend.", source_lang="zh", target_lang="en", glossary=GLOSSARY) == [
        "glossary_missing"
    ]


@pytest.mark.parametrize(
    "source,target,ok",
    [
        ("1,000 officials", "1000 名学员", True),
        ("12,000 people", "1.2万 人", True),  # 1.2 × 10,000 = 12,000
        ("300 million people", "3亿 人", True),  # 3 × 10^8 = 300 × 10^6
        ("500 million people", "5亿 人", True),
        ("1.5 million tonnes", "150万吨", True),  # 1.5 × 10^6 = 150 × 10^4
        ("12,000 people", "1.3万 人", False),
        ("in 2030", "在 2060 年", False),
        ("30% by 2030", "２０３０年前降低３０%", True),  # full-width digits
        ("On 28 November 2026.", "2026年11月28日。", True),  # November = 11
        ("On 28 Nov. 2026.", "2026年12月28日。", False),
        ("Cities may join in 2027.", "城市可于 2027 年加入。", True),  # "may" is not May
    ],
)
def test_numbers(source, target, ok):
    assert ("number_mismatch" not in codes(source, target)) is ok


def test_numbers_values():
    assert numbers("1.2万 and 1,000 and 3亿") == {Decimal(12000): 1, Decimal(1000): 1, Decimal(300000000): 1}


def test_tags():
    assert codes("<b>Cut</b> use.", "节能。") == ["tag_missing"]
    assert codes("Cut use.", "<b>节能</b>。") == ["tag_extra"]
    assert codes("<b>Cut</b> use.", "<b>节能。") == ["tag_unbalanced"]
    assert codes("<b>Cut</b> <i>use</i>.", "<i>节</i><b>能</b>。") == ["tag_reordered"]
    assert codes("<b>Cut</b> <i>use</i>.", "<b>节</b><i>能</i>。") == []


def test_untranslated_and_empty():
    assert codes("Green buildings.", "green  buildings.") == ["untranslated"]
    assert codes("Green buildings.", "绿色建筑。") == []
    assert codes("2030", "2030") == []  # nothing to translate in a bare number
    assert codes("Green buildings.", "  ") == ["empty_target"]
    assert codes("<b>Green</b>", "<b></b>") == ["empty_target"]
