"""Counts in rosters are bounded: a typing error cannot overflow the database."""

import pytest

from citybridge.academy.roster import parse_count


@pytest.mark.parametrize("value", ["99999999999999999999", 10**20, "3亿亿", 2_000_000_001, float("inf")])
def test_absurdly_large_counts_are_refused_not_overflowed(value):
    with pytest.raises(ValueError):
        parse_count(value)


def test_the_largest_real_populations_still_parse():
    assert parse_count("14亿") == 1_400_000_000
    assert parse_count(2_000_000_000) == 2_000_000_000
