"""Academy fixtures: an academy with a coordinator, a lecturer, a course with a timetable, officials."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest


@pytest.fixture
def academy(db):
    from citybridge.academy.models import Academy
    from citybridge.core.models import Organisation

    org = Organisation.objects.create(
        name="National Academy for Mayors of China",
        name_en="National Academy for Mayors of China",
        name_zh_hans="全国市长研修学院",
        type="academy",
        country="CN",
        province_en="Beijing",
    )
    return Academy.objects.create(organisation=org, official=True, managed_by_program=True)


@pytest.fixture
def other_academy(db):
    from citybridge.academy.models import Academy
    from citybridge.core.models import Organisation

    org = Organisation.objects.create(
        name="CELAP",
        name_en="China Executive Leadership Academy Pudong",
        name_zh_hans="中国浦东干部学院",
        type="academy",
        country="CN",
    )
    return Academy.objects.create(organisation=org, official=True, managed_by_program=True)


@pytest.fixture
def coordinator(make_user, academy):
    return make_user("academy_coordinator", organisation=academy.organisation, email="coord@example.org")


@pytest.fixture
def other_coordinator(make_user, other_academy):
    return make_user("academy_coordinator", organisation=other_academy.organisation, email="other@example.org")


@pytest.fixture
def lecturer(make_user, db):
    from citybridge.core.models import Person

    person = Person.objects.create(family_name="Hammer", family_name_en="Hammer", given_name_en="Steve")
    return make_user("lecturer", person=person, email="lecturer@example.org")


@pytest.fixture
def make_official(db):
    from citybridge.academy.models import OfficialProfile
    from citybridge.core.models import Person

    counter = {"n": 0}

    def _make(position="mayor", service_start=date(2015, 1, 1), jurisdiction=None, organisation=None, **kw):
        counter["n"] += 1
        n = counter["n"]
        person = Person.objects.create(
            family_name=f"Official{n}",
            family_name_en=f"Official{n}",
            given_name_en="Test",
            family_name_zh_hans="官",
            given_name_zh_hans=f"员{n}",
            email=f"official{n}@example.cn",
            phone="+86 10 1234 5678",
            organisation=organisation,
        )
        return OfficialProfile.objects.create(
            person=person, position=position, service_start=service_start, jurisdiction=jurisdiction, **kw
        )

    return _make


def fill_timetable(course, lecturer_person=None, sessions_per_day=2):
    """Two sessions a day, every day except the 7th of each week (the rest day)."""
    from citybridge.academy.models import Session

    d = course.start_date
    out = []
    while d <= course.end_date:
        if (d - course.start_date).days % 7 != 6:
            for i in range(sessions_per_day):
                out.append(
                    Session.objects.create(
                        course=course,
                        date=d,
                        start_time=time(9 + 4 * i),
                        end_time=time(12 + 4 * i),
                        title=f"S{i}",
                        title_en=f"Session {i}",
                        lecturer=lecturer_person,
                    )
                )
        d += timedelta(days=1)
    return out


@pytest.fixture
def course(academy):
    from citybridge.academy.models import Course

    return Course.objects.create(
        academy=academy,
        title="Energy Smart Cities",
        title_en="Energy Smart Cities",
        title_zh_hans="能源智慧城市",
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 16),
        status="open",
    )
