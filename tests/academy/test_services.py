"""Services: rules enforced, nothing written on bad input, summaries and snapshots kept current."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from citybridge.academy import services
from citybridge.academy.models import (
    Attendance,
    Course,
    Enrolment,
    JurisdictionPopulation,
    OfficialProfile,
    TrainingSummary,
)
from citybridge.academy.services import officials
from citybridge.core.models import Person

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db


def test_course_rules_enforced(staff, academy):
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            actor=staff, academy=academy, title_en="X", start_date=date(2025, 3, 10), end_date=date(2025, 3, 1)
        )
    assert "before the first day" in str(exc.value)
    # 10 days: a warning by default, so it is created; the page shows the warning
    c = services.course_create(
        actor=staff, academy=academy, title_en="Short", start_date=date(2025, 3, 1), end_date=date(2025, 3, 10)
    )
    assert [p.code for p in services.course_problems(c)] == ["course.too_short"]


def test_course_length_as_error_by_configuration(staff, academy, settings):
    settings.CITYBRIDGE_ACADEMY_COURSE_RULES = {"course_length_severity": "error"}
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            actor=staff, academy=academy, title_en="Long", start_date=date(2025, 3, 1), end_date=date(2025, 4, 11)
        )  # 6 weeks
    assert "42 days" in str(exc.value)
    assert not Course.objects.exists()


def test_module_length(staff):
    for bad in (1, 7):
        with pytest.raises(ValidationError):
            services.module_save(actor=staff, title_en="M", days=bad)
    assert services.module_save(actor=staff, title_en="M", title_zh_hans="模块", days=3).days == 3


def test_no_rest_day_refused(staff, course):
    fill_timetable(course)
    rest = date(2025, 3, 9)  # day 7 of week 1
    with pytest.raises(ValidationError) as exc:
        services.session_save(
            actor=staff, course=course, date=rest, start_time=time(9), end_time=time(11), format="lecture"
        )
    assert "no rest day" in str(exc.value)


def test_session_outside_course_refused(staff, course):
    with pytest.raises(ValidationError):
        services.session_save(
            actor=staff, course=course, date=date(2025, 4, 1), start_time=time(9), end_time=time(11), format="lecture"
        )


def test_fifty_sixth_confirmed_refused_and_waitlist(staff, course, make_official):
    officials = [make_official() for _ in range(56)]
    for o in officials[:55]:
        services.enrolment_create(actor=staff, course=course, official=o)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(actor=staff, course=course, official=officials[55])
    assert "full" in str(exc.value)
    assert course.enrolments.count() == 55
    e = services.enrolment_create(actor=staff, course=course, official=officials[55], waitlist=True)
    assert e.status == "waitlisted"
    # withdrawing a confirmed official promotes the waitlist
    first = Enrolment.objects.get(course=course, official=officials[0])
    promoted = services.enrolment_withdraw(actor=staff, enrolment=first)
    assert promoted.pk == e.pk
    assert Enrolment.objects.get(pk=e.pk).status == "confirmed"
    assert Enrolment.objects.get(pk=first.pk).history.count() == 2


def test_wrong_coordinator_cannot_write(other_coordinator, course, make_official):
    with pytest.raises(PermissionDenied):
        services.enrolment_create(actor=other_coordinator, course=course, official=make_official())


def test_attendance_updates_summary(staff, course, make_official):
    sessions = fill_timetable(course)  # 12 days x 2 sessions
    o1, o2 = make_official(), make_official()
    for o in (o1, o2):
        services.enrolment_create(actor=staff, course=course, official=o)
    marks = []
    for s in sessions:
        marks.append(services.Mark(o1.pk, s.pk, "present"))
        # o2: present at the first session of each day only -> 1/2 -> counts; absent on 2025-03-03 entirely
        if s.title_en == "Session 0" and s.date != date(2025, 3, 3):
            marks.append(services.Mark(o2.pk, s.pk, "late"))
    services.attendance_record(actor=staff, course=course, marks=marks)
    s1 = TrainingSummary.objects.get(official=o1, year=2025)
    s2 = TrainingSummary.objects.get(official=o2, year=2025)
    assert (s1.total_days, s1.shortfall) == (12, 0)
    assert (s2.total_days, s2.shortfall) == (11, 1)
    # clearing marks reduces the count
    services.attendance_record(
        actor=staff,
        course=course,
        marks=[services.Mark(o1.pk, s.pk, "") for s in sessions if s.date == date(2025, 3, 4)],
    )
    assert TrainingSummary.objects.get(official=o1, year=2025).total_days == 11
    assert Attendance.objects.filter(official=o1).count() == 22


def test_attendance_rejects_unknown_status_and_not_enrolled(staff, course, make_official):
    sessions = fill_timetable(course)
    o = make_official()
    services.enrolment_create(actor=staff, course=course, official=o)
    with pytest.raises(ValidationError):
        services.attendance_record(actor=staff, course=course, marks=[services.Mark(o.pk, sessions[0].pk, "asleep")])
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=staff, course=course, marks=[services.Mark(make_official().pk, sessions[0].pk, "present")]
        )
    assert not Attendance.objects.exists()


def test_external_training_requires_evidence_and_counts(staff, make_official):
    o = make_official()
    services.compliance_prepare_year(year=2024)
    with pytest.raises(ValidationError):
        services.external_training_create(
            actor=staff,
            official=o,
            provider="CAG",
            title="Leadership",
            start_date=date(2024, 5, 6),
            end_date=date(2024, 5, 10),
            days=5,
        )
    services.external_training_create(
        actor=staff,
        official=o,
        provider="CAG",
        title="Leadership",
        start_date=date(2024, 5, 6),
        end_date=date(2024, 5, 10),
        days=5,
        evidence_reference="CAG-2024-0001",
    )
    s = TrainingSummary.objects.get(official=o, year=2024)
    assert (s.external_days, s.total_days, s.shortfall) == (5, 5, 7)


def test_prepare_year_gives_every_serving_official_a_row(make_official):
    make_official(service_start=date(2010, 1, 1))
    make_official(service_start=None)
    make_official(service_start=date(2030, 1, 1))
    assert services.compliance_prepare_year(year=2025) == 2
    assert services.compliance_prepare_year(year=2025) == 0
    assert TrainingSummary.objects.filter(year=2025, shortfall=12).count() == 2


def test_certificates_and_revocation(staff, course, make_official):
    sessions = fill_timetable(course)
    o1, o2 = make_official(), make_official()
    for o in (o1, o2):
        services.enrolment_create(actor=staff, course=course, official=o)
    services.course_set_status(actor=staff, course=course, status="running")
    services.attendance_record(
        actor=staff, course=course, marks=[services.Mark(o1.pk, s.pk, "present") for s in sessions[:6]]
    )
    course.refresh_from_db()
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=staff, enrolment=Enrolment.objects.get(official=o1))
    services.course_set_status(actor=staff, course=course, status="completed")
    issued, skipped = services.certificate_issue_all(actor=staff, course=course)
    assert (issued, skipped) == (1, 1)
    cert = Enrolment.objects.get(official=o1).certificate
    assert cert.training_days == 3
    with pytest.raises(PermissionDenied):
        from django.contrib.auth.models import AnonymousUser

        services.certificate_revoke(actor=AnonymousUser(), certificate=cert, reason="x")
    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=staff, certificate=cert, reason=" ")
    services.certificate_revoke(actor=staff, certificate=cert, reason="Issued in error")
    assert not cert.is_valid


def test_status_workflow(staff, course):
    with pytest.raises(ValidationError):
        services.course_set_status(actor=staff, course=course, status="completed")  # open -> completed
    services.course_set_status(actor=staff, course=course, status="cancelled")
    with pytest.raises(ValidationError):
        services.course_set_status(actor=staff, course=course, status="open")


def _csv(rows):
    from citybridge.academy.roster import rows_to_csv

    return rows_to_csv(rows)


ROW = {
    "family_name_en": "Zhang",
    "given_name_en": "Wei",
    "family_name_zh": "张",
    "given_name_zh": "伟",
    "position": "mayor",
    "organisation": "Zhenjiang Municipal Government",
    "jurisdiction": "Zhenjiang",
    "province": "Jiangsu",
    "population": "3210000",
    "population_date": "2020-11-01",
    "service_start": "2018-01-01",
    "email": "zhang@example.cn",
}


def test_roster_import_creates_and_enrols(coordinator, course):
    report = services.roster_import(
        actor=coordinator,
        data=_csv([ROW, dict(ROW, family_name_en="Li", family_name_zh="李", email="li@example.cn", position="副市长")]),
        filename="r.csv",
        course=course,
    )
    assert report.ok, report.errors
    assert (report.created, report.enrolled) == (2, 2)
    o = OfficialProfile.objects.get(person__email="zhang@example.cn")
    assert o.province == "Jiangsu" and o.jurisdiction.display_name() == "Zhenjiang"
    assert JurisdictionPopulation.objects.get().population == 3_210_000
    assert o.person.history.count() == 1  # history written by the bulk import
    # the same file again: people are matched, already enrolled -> reported and skipped, nothing written (issue #9)
    again = services.roster_import(actor=coordinator, data=_csv([ROW]), filename="r.csv", course=course)
    assert again.ok and (again.created, again.skipped, again.enrolled) == (0, 1, 0)
    assert again.rows[0]["outcome"] == "already_enrolled"
    assert Person.objects.count() == 2 and Enrolment.objects.count() == 2


def test_roster_import_is_atomic_and_reports_in_chinese(coordinator, course):
    from django.utils import translation

    rows = [
        ROW,
        dict(ROW, family_name_en="Bad", family_name_zh="坏", email="bad@example.cn", service_start="2019-02-30"),
    ]
    with translation.override("zh-hans"):
        report = services.roster_import(actor=coordinator, data=_csv(rows), filename="r.csv", course=course)
    assert not report.ok
    assert report.errors[0]["line"] == 3
    assert "日期" in report.errors[0]["message"]
    assert not Person.objects.exists() and not Enrolment.objects.exists()


def test_roster_over_class_size(coordinator, course):
    rows = [dict(ROW, family_name_en=f"N{i}", family_name_zh=f"名{i}", email=f"n{i}@example.cn") for i in range(56)]
    report = services.roster_import(actor=coordinator, data=_csv(rows), filename="r.csv", course=course)
    assert not report.ok and "full" in report.errors[0]["message"]
    assert not Person.objects.exists()
    report = services.roster_import(
        actor=coordinator, data=_csv(rows), filename="r.csv", course=course, overflow_to_waitlist=True
    )
    assert report.ok and (report.enrolled, report.waitlisted) == (55, 1)


def test_impact_snapshot_goes_stale_and_recomputes(staff, course, make_official, django_capture_on_commit_callbacks):
    """The writes mark the snapshot stale and queue the background refresh (run inline by the test backend)."""
    from citybridge.academy.models import Jurisdiction

    j = Jurisdiction.objects.create(name="Zhenjiang", name_en="Zhenjiang", province_en="Jiangsu")
    officials._population_record(jurisdiction=j, population=3_000_000, valid_from=date(2010, 1, 1))
    mayor = make_official(jurisdiction=j)
    vice = make_official(position="vice_mayor", jurisdiction=j)
    with django_capture_on_commit_callbacks(execute=True):
        for o in (mayor, vice):
            services.enrolment_create(actor=staff, course=course, official=o)
    assert services.impact_current().data["total"]["officials"] == 0  # course not completed yet
    Course.objects.filter(pk=course.pk).update(status="running")
    course.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.course_set_status(actor=staff, course=course, status="completed")
    assert not services.impact_current().stale
    total = services.impact_current().data["total"]
    assert (total["officials"], total["jurisdictions"], total["population"]) == (2, 1, 3_000_000)


def test_refresh_without_years_writes_the_years_trained(staff, course, make_official):
    """Regression: a refresh with no year given and no prepared year still stores the years with training."""
    sessions = fill_timetable(course)
    o = make_official()
    services.enrolment_create(actor=staff, course=course, official=o)
    Attendance.objects.bulk_create([Attendance(official=o, session=s, status="present") for s in sessions])
    TrainingSummary.objects.all().delete()
    services.compliance_refresh(official_ids=[o.pk])
    assert list(TrainingSummary.objects.filter(official=o).values_list("year", "total_days")) == [(2025, 12)]


def test_coordinator_adds_an_official_with_jurisdiction_and_population(coordinator, course):
    o = services.official_create_with_person(
        actor=coordinator,
        course=course,
        family_name_zh_hans="王",
        given_name_zh_hans="芳",
        position="mayor",
        jurisdiction="镇江",
        province="江苏",
        population=3_210_000,
        population_date=date(2020, 11, 1),
        service_start=date(2019, 1, 1),
    )
    assert o.jurisdiction.name_zh_hans == "镇江" and o.province == "江苏"
    assert o.jurisdiction.populations.get().population == 3_210_000
    with pytest.raises(ValidationError):
        services.official_create_with_person(actor=coordinator, course=course, position="mayor")  # no name
    with pytest.raises(ValidationError):
        services.official_create_with_person(
            actor=coordinator, course=course, family_name_en="X", position="mayor", population=5
        )  # population without jurisdiction


def test_lecturer_cannot_add_officials(lecturer):
    with pytest.raises(PermissionDenied):
        services.official_create_with_person(actor=lecturer, family_name_en="X", position="mayor")


def test_prepare_training_year_command(make_official):
    from io import StringIO

    from django.core.management import call_command

    make_official(service_start=date(2010, 1, 1))
    out = StringIO()
    call_command("prepare_training_year", "--year", "2024", stdout=out)
    assert out.getvalue().strip() == "2024: 1 summary rows added"
    call_command("prepare_training_year", "--year", "2024", stdout=out)
    assert TrainingSummary.objects.filter(year=2024).count() == 1
