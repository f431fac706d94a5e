"""core.han: one definition of a Chinese character, used by the roster import, the officials' places, the
translation memory, the evaluation comments' language and the province names."""

import pytest

from citybridge.core.han import han_count, has_han


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("北京", True),
        ("Beijing", False),
        ("Shanghai 上海", True),
        ("\u3400", True),  # extension A
        ("\uf900", True),  # a compatibility ideograph
        ("カタカナ", False),  # kana
        ("한국", False),  # Hangul
        ("，。（）", False),  # full-width punctuation alone
        ("", False),
        (None, False),
    ],
)
def test_has_han(text, expected):
    assert has_han(text) is expected


def test_han_count():
    assert han_count("上海 Shanghai 浦东") == 4
    assert han_count("") == han_count(None) == 0


def test_callers_read_chinese_alike():
    """The callers that used their own ranges now agree, extension A included."""
    from citybridge.core.provinces import normalise
    from citybridge.materials.tm import normalise as tm_normalise

    assert normalise("河北省") == "河北"
    assert normalise("Hebei Province") == "hebei"
    assert tm_normalise("  城市  更新 ") == "城市 更新"
