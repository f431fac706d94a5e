"""Fixtures for the cities app: a small registry built with the real catalogue, and the full import."""

from __future__ import annotations

import pytest


@pytest.fixture
def catalogue(db):
    from citybridge.cities import importer

    return importer._ensure_catalogue()


@pytest.fixture
def small_registry(catalogue):
    """Six real cities (GeoNames figures) with a few real indicator values, in the candidate pool."""
    from citybridge.cities.models import CandidateCity, City, IndicatorValue

    srcs, inds = catalogue
    rows = [
        # geonames_id, name_en, name_zh, country, province_en, province_zh, population, size, climate
        (5392171, "San Jose", "圣何塞", "US", "California", "加利福尼亚州", 1026908, "large", ""),
        (5378538, "Oakland", "奥克兰", "US", "California", "加利福尼亚州", 433031, "small", ""),
        (5355933, "Hayward", "海沃德", "US", "California", "加利福尼亚州", 158289, "small", ""),
        (1816670, "Beijing", "北京", "CN", "Beijing", "北京", 18960744, "megacity", "cold"),
        (1785286, "Anqing", "安庆", "CN", "Anhui", "安徽", 711009, "medium", "hot_summer_cold_winter"),
        (1808722, "Hefei", "合肥", "CN", "Anhui", "安徽", 3310268, "large", "hot_summer_cold_winter"),
    ]
    cities = {}
    for gid, en, zh, country, p_en, p_zh, pop, size, climate in rows:
        city = City.objects.create(
            geonames_id=gid,
            name=en,
            name_en=en,
            name_zh_hans=zh,
            country=country,
            province=p_en,
            province_en=p_en,
            province_zh_hans=p_zh,
            population=pop,
            size_class=size,
            climate_zone=climate,
            timezone="UTC",
        )
        IndicatorValue.objects.create(
            city=city,
            indicator=inds["population"],
            year=None,
            value=pop,
            unit="people",
            source=srcs["geonames"],
            method="GeoNames",
        )
        CandidateCity.objects.create(city=city, origin="staff")
        cities[en] = city
    # CEADs figures (Mt x 10^6) for three Chinese cities, two years each
    for name, y0, v0, y1, v1 in (
        ("Beijing", 2014, 93.25544946790636, 2019, 88.15542678925796),
        ("Anqing", 2014, 20.39128505895559, 2019, 30.42722139398105),
        ("Hefei", 2014, 30.0, 2019, 33.0),
    ):
        for y, v in ((y0, v0), (y1, v1)):
            IndicatorValue.objects.create(
                city=cities[name],
                indicator=inds["ceads_co2"],
                year=y,
                value=v * 1e6,
                unit="tCO2",
                source=srcs["ceads"],
                method="CEADs",
            )
    # CDP 2021 Scope 1 (tCO2e) for two California cities
    for name, v in (("Hayward", 797588.59), ("San Jose", 4527608.0)):
        IndicatorValue.objects.create(
            city=cities[name],
            indicator=inds["cdp_scope1"],
            year=2019,
            value=v,
            unit="tCO2e",
            source=srcs["cdp2021_emissions"],
            method="CDP",
        )
    return cities


@pytest.fixture
def coordinator(make_user, small_registry):
    return make_user("city_coordinator", city=small_registry["Hayward"], email="coord@example.org")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the transaction.on_commit callbacks (the task enqueue) of the block, as a real commit would; the
    test settings' ImmediateBackend then computes queued selection runs inline."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def create_run(on_commit):
    """services.selection_run_create through the real path: queued, enqueued on commit, computed."""
    from citybridge.cities import services

    def create(**kwargs):
        with on_commit():
            run = services.selection_run_create(**kwargs)
        run.refresh_from_db()
        return run

    return create


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Chinese leaves Chinese active in the thread; start every test from the default language."""
    from django.utils import translation

    yield
    translation.activate("en")
