"""How evaluation results and sentences are written on outreach pages (templatetags.outreach_format): means with
two decimals, differences always signed with the real minus sign, and no space after "。" in Chinese."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from citybridge.outreach.templatetags.outreach_format import score, score_difference


@pytest.mark.parametrize(("mean", "shown"), [(4.5, "4.50"), (5.0, "5.00"), (4.17, "4.17"), (4, "4.00"), (None, "–")])
def test_a_mean_has_two_decimals(mean, shown):
    assert score(mean) == shown


@pytest.mark.parametrize(
    ("difference", "shown"),
    [(0.17, "+0.17"), (-0.02, "\u22120.02"), (0.0, "0.00"), (-0.001, "0.00"), (0.28, "+0.28"), (None, "–")],
)
def test_a_difference_is_signed(difference, shown):
    assert score_difference(difference) == shown


def test_sentences_side_by_side_in_each_language():
    template = Template("{% load listing %}A.{% sentence_space %}B.")
    with translation.override("en"):
        assert template.render(Context()) == "A. B."
    with translation.override("zh-hans"):
        assert template.render(Context()) == "A.B."
