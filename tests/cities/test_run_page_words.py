"""The selection run page as a reader sees it, in both languages: a score cell says what a missing value was scored
as, Chinese lines are joined with Chinese punctuation, a skipped rank says who was left out and why, and a
percentage never breaks between the number and its unit."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from citybridge.cities import messages

#: a CJK character, then ASCII punctuation (a space or not), then another CJK character or a digit
ASCII_IN_CHINESE = re.compile(r"[\u4e00-\u9fff）][;:,(][ ]?[\u4e00-\u9fff\d]|[\u4e00-\u9fff] \(|。 ")


def params():
    """Chinese cities ranked Anqing 1, Hefei 2, Beijing 3 on CO2; Anqing and Hefei are both in Anhui, so a cap of one
    per province selects ranks 1 and 3 and leaves Hefei out. California cities lack CEADs data: penalised to 0."""
    return {
        "pool": "candidates",
        "criteria": [{"code": "ceads_co2", "weight": 1}, {"code": "cdp_scope1", "weight": 1}],
        "normalisation": "minmax",
        "missing": "penalise",
        "counts": {"CA": 2, "CN": 2},
        "max_per_province_cn": 1,
        "bounds": [{"group": "CN", "attribute": "size_class", "value": "megacity", "min": 1, "max": 2}],
        "must_include": [],
        "must_exclude": [],
        "perturbations": 10,
        "seed": 0,
    }


@pytest.fixture
def run(staff, small_registry, create_run):
    return create_run(actor=staff, name="Capped", parameters=params())


@pytest.fixture
def page(staff, client_for, run):
    def get(language):
        response = client_for(staff, language=language).get(f"/cities/selection/{run.pk}/")
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_a_missing_value_is_apart_from_its_score_and_says_how_it_was_scored(page):
    en, zh = page("en"), page("zh-hans")
    assert '0.000 <small class="muted">no data: scored as the worst (0)</small>' in en
    assert '0.000 <small class="muted">无数据：按最差（0）计分</small>' in zh
    for html in (en, zh):
        assert not re.search(r"\d(<sup>)?(missing|缺失)", html)


def test_chinese_lines_use_chinese_punctuation_and_english_ones_stay(page, run):
    zh, en = page("zh-hans"), page("en")
    main = zh[zh.index("<main") : zh.index("</main>")]
    assert "已完成；已保存结果。" in main  # history: "state running → done; result stored"
    assert "属地核算）：1；" in main and "加州 2、中国 2" in main  # parameters
    assert "至少 1 个，至多 2 个" in main  # a bound's limits
    assert "（加州）</small>" in main  # runners-up: the group of a city
    assert "计算。<a" in main  # no space after 。
    assert not ASCII_IN_CHINESE.search(re.sub(r"<[^>]+>", "", main)), ASCII_IN_CHINESE.findall(
        re.sub(r"<[^>]+>", "", main)
    )
    assert "Done; result stored." in en and "California 2, China 2" in en and "territorial): 1; " in en
    assert " (California)</small>" in en and "at least 1, at most 2" in en


def test_lists_in_messages_follow_the_language():
    names = {"1": "合肥", "2": "安庆"}
    with translation.override("zh-hans"):
        text = messages.conflict_message(
            "include_exclude_overlap", {"ids": ["1", "2"]}, ["must_include", "must_exclude"], names
        )
        assert "合肥、安庆" in text
        both = messages.conflict_message("constraints_conflict", {}, ["must_include", "must_exclude"])
        assert "；" in both and "; " not in both
    with translation.override("en"):
        assert "合肥, 安庆" in messages.conflict_message("include_exclude_overlap", {"ids": ["1", "2"]}, [], names)


def test_a_skipped_rank_says_who_was_left_out_and_by_which_rule(page, run):
    china = [cid for cid in run.result["selected"] if run.result["scores"][cid]["group"] == "CN"]
    assert [run.result["scores"][cid]["rank_in_group"] for cid in china] == [1, 3]  # the case this test is about
    en, zh = page("en"), page("zh-hans")
    assert "rank 3 in group</small><br><small>Rank 2 in group" in en
    assert "Rank 2 in group, Hefei (Anhui), was left out: at most 1 city per province." in en
    assert "组内第 2 名合肥（安徽）未入选：每省最多入选 1 个城市。" in zh
    assert en.count("was left out") == 1  # only where the rank jumps


def test_a_skipped_rank_without_a_named_rule_still_says_so(small_registry):
    from citybridge.cities.exports import Row, _explain_skipped_ranks

    rows = [Row("a", "A", "", 0.9, 1, None, [], ""), Row("c", "C", "", 0.5, 4, None, [], "")]
    runners = [{"id": "b", "blocking_constraint": "must_exclude"}]
    _explain_skipped_ranks(rows, {1: "a", 2: "b", 4: "c"}, runners, 2, str.upper, str)
    assert rows[0].left_out == []
    assert rows[1].left_out == [
        "Rank 2 in group, B, was left out by this rule: the cities that must be excluded.",
        "Rank 3 in group was left out by the selection's rules.",
    ]


def test_a_percentage_keeps_its_unit_on_the_same_line(page):
    # a no-break space, in a number cell (white-space: nowrap, no break anywhere: a squeezed column still broke
    # "100 %" at 1280 px, since other cells may break anywhere)
    for html in (page("en"), page("zh-hans")):
        assert re.search(r'<td class="num">\d+\xa0%</td>', html)
        assert not re.search(r"\d %</td>", html)
