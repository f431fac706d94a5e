"""Dates in the Chinese UI as Chinese readers write them: 2026年11月28日, 12月7日 (Django's own zh_Hans formats
pad the month in MONTH_DAY_FORMAT: 09月5日). Everything else as Django's zh_Hans."""

from django.conf.locale.zh_Hans.formats import (  # noqa: F401
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    DECIMAL_SEPARATOR,
    FIRST_DAY_OF_WEEK,
    TIME_INPUT_FORMATS,
)

DATE_FORMAT = "Y年n月j日"  # 2026年11月28日
TIME_FORMAT = "H:i"  # 20:45
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年11月28日 20:45
YEAR_MONTH_FORMAT = "Y年n月"  # 2026年11月
MONTH_DAY_FORMAT = "n月j日"  # 12月7日
SHORT_DATE_FORMAT = "Y年n月j日"  # 2026年11月28日
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年11月28日 20:45
#: digits grouped by thousands as in the rest of the project's figures (12,345,678), not Django's 1234,5678
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
