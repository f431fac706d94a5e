"""Demo data for the climate collaborative: the real registry and indicators, a candidate pool of the cities
with reported data, a city-coordinator demo user, one saved selection run, and Hayward paired with a Chinese city.
Idempotent."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from citybridge.core.models import Role, RoleMembership, User

from . import services
from .models import CandidateCity, City, CityPair, SelectionRun

if TYPE_CHECKING:
    from typing import TextIO

DEMO_PASSWORD = "citybridge-demo-2026"
COORDINATOR_EMAIL = "hayward@citybridge.local"
#: the Chinese city the demo pairs with Hayward: the first of these in the registry without an active pair
PAIR_PARTNERS = ("Hefei", "Zhuhai", "Shenzhen")
PAIR_STARTED_ON = date(2025, 6, 1)
PAIR_NOTE_EN = "Demo pair: peer exchange on building energy and GHG inventories."  # data, not UI: both languages
PAIR_NOTE_ZH = "演示结对：在建筑能效和温室气体清单方面开展同行交流。"
RUN_NAME = "Demo: default criteria, 10 + 10 / 演示：默认标准，10 + 10"  # data, not UI: named in both languages


def default_parameters() -> dict:
    return {
        "pool": "candidates",
        "criteria": [
            {"code": "ceads_co2_trend_5y", "weight": 2},
            {"code": "nangini_scope1_per_capita", "weight": 1},
            {"code": "cdp_scope1_per_capita", "weight": 1},
            {"code": "cdp_target_annual_rate", "weight": 2},
            {"code": "population", "weight": 1},
        ],
        "normalisation": "minmax",
        "missing": "penalise",
        "counts": {"CA": 10, "CN": 10},
        "max_per_province_cn": 2,
        "bounds": [],
        "must_include": [],
        "must_exclude": [],
        "perturbations": 200,
        "seed": 0,
    }


@transaction.atomic
def load(stdout: TextIO | None = None) -> None:
    # the import is skipped when nothing it reads has changed since the last one (a fingerprint)
    imported = services._import_registry_if_changed(stdout=None)
    if imported is not None or not CandidateCity.objects.exists():
        # pool: California cities that reported to CDP or appear in Nangini; Chinese cities in Nangini (which
        # also have CEADs or PKU figures): the cities the collaborative has data on
        with_data = set(
            City.objects.filter(indicator_values__source__code__in=["cdp2021_emissions", "nangini2019"]).values_list(
                "id", flat=True
            )
        )
        present = set(CandidateCity.objects.values_list("city_id", flat=True))
        bulk_create_with_history(
            [CandidateCity(city_id=pk, origin=CandidateCity.Origin.STAFF) for pk in sorted(with_data - present)],
            CandidateCity,
        )
    staff = User.objects.filter(email="staff@citybridge.local").first()
    hayward = City.objects.filter(country="US", name_en="Hayward").first()
    if hayward:
        user = User.objects.filter(email=COORDINATOR_EMAIL).first() or User.objects.create_user(
            COORDINATOR_EMAIL, DEMO_PASSWORD
        )
        RoleMembership.objects.get_or_create(user=user, role=Role.CITY_COORDINATOR, city=hayward)
    if staff and not SelectionRun.objects.filter(name=RUN_NAME).exists():
        # computed here, not queued: the demo must not depend on a running worker
        services.selection_run_create(actor=staff, name=RUN_NAME, parameters=default_parameters(), background=False)
    if staff and hayward:
        _pair_hayward(staff, hayward)
    if stdout:
        stdout.write(
            f"cities: {City.objects.count()} cities, {CandidateCity.objects.count()} candidates, "
            f"{SelectionRun.objects.count()} selection runs, {CityPair.objects.count()} city pairs"
        )


def _pair_hayward(staff: User, hayward: City) -> CityPair | None:
    """Hayward (the demo coordinator's city, which has climate records) paired with a Chinese city, through the
    service; nothing when Hayward was ever paired (the demo keeps what users changed) or no partner is free."""
    if CityPair.objects.filter(us_city=hayward).exists():
        return None
    busy = CityPair.objects.active().values("cn_city_id")
    partner = next(
        (
            c
            for name in PAIR_PARTNERS
            for c in City.objects.listed().filter(country="CN", name_en=name).exclude(pk__in=busy)[:1]
        ),
        None,
    )
    if partner is None:
        return None
    return services.city_pair_create(
        actor=staff,
        us_city=hayward,
        cn_city=partner,
        started_on=PAIR_STARTED_ON,
        note_en=PAIR_NOTE_EN,
        note_zh_hans=PAIR_NOTE_ZH,
    )
