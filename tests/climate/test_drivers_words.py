"""The plan page names the drivers that produced its projection in words, not the recorded code."""

from __future__ import annotations

import pytest
from django.utils import translation

from citybridge.climate.plan_charts import drivers_words


@pytest.mark.parametrize(
    ("lang", "label", "words"),
    [
        (
            "en",
            "US/California/2025-11/hold/default",
            "Default drivers; California, United States; edition 2025-11; grid factor held after its last year",
        ),
        (
            "zh-hans",
            "US/California/2025-11/hold/default",
            "默认驱动因素；加利福尼亚州，美国；2025-11版；电网排放因子在其最后一年之后保持不变",
        ),
        (
            "zh-hans",
            "CN/Guangdong/2025-11/trend/edited/v3",
            "本市自定的驱动因素（第3版）；广东省，中国；2025-11版；电网排放因子延续其趋势",
        ),
        (
            "en",
            "CN/national/2025-11/hold/default",
            "Default drivers; China; edition 2025-11; grid factor held after its last year",
        ),
        ("en", "", "—"),
        ("en", "something-else", "something-else"),
    ],
)
def test_drivers_label_in_words(lang, label, words):
    with translation.override(lang):
        assert drivers_words(label) == words
