"""A small training world for the people / privacy tests: two academies, an official of a city government enrolled
at academy A with attendance, a certificate and a compliance summary, and users of every kind around them."""

from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest


@pytest.fixture
def training(db, make_user, staff):
    from citybridge.academy import services as academy
    from citybridge.academy.models import Academy, Course, OfficialProfile, Session
    from citybridge.core.models import Organisation, Person

    def academy_org(name_en, name_zh):
        org = Organisation.objects.create(
            name=name_en, name_en=name_en, name_zh_hans=name_zh, type="academy", country="CN"
        )
        return Academy.objects.create(organisation=org, official=True, managed_by_program=True)

    academy_a = academy_org("Academy A", "甲学院")
    academy_b = academy_org("Academy B", "乙学院")
    city_gov = Organisation.objects.create(
        name="Hangzhou Municipal Government",
        name_en="Hangzhou Municipal Government",
        name_zh_hans="杭州市人民政府",
        type="city_government",
        country="CN",
    )
    person = Person.objects.create(
        family_name="Zhang",
        family_name_en="Zhang",
        given_name_en="Wei",
        family_name_zh_hans="张",
        given_name_zh_hans="伟",
        title_en="Mayor",
        title_zh_hans="市长",
        organisation=city_gov,
        email="zhang.wei@hangzhou.gov.cn",
        phone="+86 571 8888 0000",
        notes="Prefers morning sessions.",
    )
    official = OfficialProfile.objects.create(person=person, position="mayor", service_start=date(2015, 1, 1))
    course = Course.objects.create(
        academy=academy_a,
        title="Energy Smart Cities",
        title_en="Energy Smart Cities",
        title_zh_hans="能源智慧城市",
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 7),
        status="open",
    )
    sessions = [
        Session.objects.create(
            course=course,
            date=course.start_date + timedelta(days=i),
            start_time=time(9),
            end_time=time(12),
            title_en=f"Session {i}",
        )
        for i in range(5)
    ]
    enrolment = academy.enrolment_create(actor=staff, course=course, official=official)
    academy.attendance_record(
        actor=staff,
        course=course,
        marks=[academy.Mark(official_id=official.pk, session_id=s.pk, status="present") for s in sessions],
    )
    Course.objects.filter(pk=course.pk).update(status="completed")
    course.refresh_from_db()
    enrolment.refresh_from_db()
    enrolment.course = course
    certificate = academy.certificate_issue(actor=staff, enrolment=enrolment)
    return SimpleNamespace(
        staff=staff,
        academy_a=academy_a,
        academy_b=academy_b,
        city_gov=city_gov,
        person=person,
        official=official,
        course=course,
        sessions=sessions,
        enrolment=enrolment,
        certificate=certificate,
        partner=make_user("partner", organisation=city_gov),
        provider=make_user("solution_provider", organisation=city_gov),
        coordinator_a=make_user("academy_coordinator", organisation=academy_a.organisation),
        coordinator_b=make_user("academy_coordinator", organisation=academy_b.organisation),
    )
