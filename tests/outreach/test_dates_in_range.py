"""Outreach dates keep to the range every date input of the project keeps (core.validation.check_dates, 1950–2100),
as the academy's do: a hostile-input walk stored events, agreements, contributions, press mentions and follow-ups
dated 0001-01-01 or 9999-12-31 (money "received" in the year 9999), and site hosts open until 9999."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ._part_fixtures import *  # noqa: F403  (fixtures)
from ._part_fixtures import rows

ZH = "请输入 1950年1月1日 至 2100年12月31日 之间的日期。"


@pytest.mark.django_db
@pytest.mark.parametrize("absurd", [date(1, 1, 1), date(9999, 12, 31)])
def test_outreach_dates_outside_the_range_are_refused_in_the_users_language(staff, partner, absurd):
    from citybridge.academy.services.timetable import site_host_save
    from citybridge.outreach import services

    writes = {
        "starts_on": lambda: services.event_create(actor=staff, title_en="Forum", starts_on=absurd, ends_on=absurd),
        "ends_on": lambda: services.agreement_add(
            actor=staff, partner=partner, title_en="MoU", starts_on=date(2025, 1, 1), ends_on=absurd
        ),
        "received_on": lambda: services.contribution_add(
            actor=staff, partner=partner, kind="money", description_en="Grant", amount="10", currency="USD",
            received_on=absurd,
        ),
        "published_on": lambda: services.press_create(
            actor=staff, title_en="Story", outlet="Daily", published_on=absurd
        ),
        "due_date": lambda: services.activity_create(actor=staff, type="call", subject="Call", due_date=absurd),
        "open_until": lambda: site_host_save(
            actor=staff, organisation=partner.organisation, open_from=date(2025, 1, 1), open_until=absurd
        ),
    }  # fmt: skip
    before = rows()
    for field, write in writes.items():
        with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
            write()
        if field == "published_on" and absurd.year > 2100:
            continue  # also a date in the future: either message will do
        with translation.override("zh-hans"):
            assert exc.value.message_dict[field][0] == ZH, (field, exc.value.message_dict)
    assert rows() == before
