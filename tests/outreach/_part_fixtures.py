"""Fixtures of the partner, event and public-record tests: two partners (each with a signed-in partner user), a
running course at the academy with officials from two provinces, and a snapshot of every row those tests touch."""

from __future__ import annotations

from datetime import date, time

import pytest

from tests.academy.conftest import academy, make_official  # noqa: F401  (fixtures)


def _org(name_en: str, name_zh: str, kind: str = "company"):
    from citybridge.core.models import Organisation

    return Organisation.objects.create(name=name_en, name_en=name_en, name_zh_hans=name_zh, type=kind, country="CN")


@pytest.fixture
def partner(db):
    from citybridge.outreach.models import Partner

    return Partner.objects.create(organisation=_org("Philips Lighting", "飞利浦照明"), technologies_en="led lighting")


@pytest.fixture
def other_partner(db):
    from citybridge.outreach.models import Partner

    return Partner.objects.create(organisation=_org("Honeywell", "霍尼韦尔"))


@pytest.fixture
def partner_user(make_user, partner):
    return make_user("partner", organisation=partner.organisation, email="partner@example.org")


@pytest.fixture
def other_partner_user(make_user, other_partner):
    return make_user("partner", organisation=other_partner.organisation, email="partner2@example.org")


@pytest.fixture
def host(partner):
    from citybridge.core.models import Person

    return Person.objects.create(
        family_name="Jansen", family_name_en="Jansen", given_name_en="Pieter", organisation=partner.organisation
    )


@pytest.fixture
def pcourse(academy):  # noqa: F811
    from citybridge.academy.models import Course

    return Course.objects.create(
        academy=academy,
        title="Energy Smart Cities",
        title_en="Energy Smart Cities",
        title_zh_hans="能源智慧城市",
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 7),
        status="running",
    )


@pytest.fixture
def officials(make_official):  # noqa: F811
    """Three officials: two mayors from Hebei, a vice mayor from Guangdong (named, with e-mails and phones)."""
    return [
        make_official("mayor", province="Hebei"),
        make_official("mayor", province="河北"),
        make_official("vice_mayor", province="Guangdong Province"),
    ]


@pytest.fixture
def engagement(staff, partner, pcourse, host, officials):
    from citybridge.outreach import services

    return services.engagement_create(
        actor=staff,
        partner=partner,
        course=pcourse,
        kind="dinner",
        title_en="Dinner with Philips",
        date=date(2025, 3, 4),
        start_time=time(18),
        end_time=time(20),
        venue_en="Beijing Hotel",
        hosts=[host],
        officials=officials,
        cost="1200.50",
        cost_currency="CNY",
    )


@pytest.fixture
def other_engagement(staff, other_partner, pcourse):
    from citybridge.outreach import services

    return services.engagement_create(
        actor=staff,
        partner=other_partner,
        course=pcourse,
        kind="site_visit",
        title_en="Honeywell plant visit",
        date=date(2025, 3, 5),
        start_time=time(14),
        end_time=time(17),
    )


@pytest.fixture
def event(staff):
    """A two-day forum with its venue and city in both languages."""
    from citybridge.outreach import services

    return services.event_create(
        actor=staff,
        title_en="China Energy Forum 2025",
        title_zh_hans="2025 中国能源论坛",
        starts_on=date(2025, 6, 10),
        ends_on=date(2025, 6, 11),
        venue_en="Beijing International Hotel",
        venue_zh_hans="北京国际饭店",
        city_en="Beijing",
        city_zh_hans="北京",
        capacity=3,
    )


def rows():
    """Every row the partner, event and public-record services write, to show a refused write changed nothing."""
    from citybridge.academy.models import Session
    from citybridge.outreach.models import (
        Activity,
        Agreement,
        Contribution,
        Engagement,
        Event,
        EventSession,
        Partner,
        PressMention,
        ReferenceDocument,
        Registration,
        Supporter,
        Testimonial,
    )

    out = []
    for model in (
        Session,
        Activity,
        Agreement,
        Contribution,
        Engagement,
        Event,
        EventSession,
        Partner,
        PressMention,
        ReferenceDocument,
        Registration,
        Supporter,
        Testimonial,
    ):
        fields = [f.attname for f in model._meta.concrete_fields]
        out.append(list(model.objects.order_by("pk").values_list(*fields)))
    return out
