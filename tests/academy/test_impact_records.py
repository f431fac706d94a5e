"""Impact figures from database records (enrolment snapshots, course topics, population in force)."""

from datetime import date

import pytest

from citybridge.academy import services
from citybridge.academy.models import (
    Course,
    CourseModule,
    Enrolment,
    Jurisdiction,
    JurisdictionPopulation,
    Module,
    Topic,
)
from citybridge.core.models import Organisation

pytestmark = pytest.mark.django_db


def test_hand_worked_impact_from_records(staff, academy, other_academy, make_official):
    energy = Topic.objects.create(slug="energy", name="Energy", name_en="Energy", name_zh_hans="能源")
    waste = Topic.objects.create(slug="waste", name="Waste", name_en="Waste", name_zh_hans="垃圾")
    m1 = Module.objects.create(title="M1", title_en="M1", days=3)
    m1.topics.set([energy])
    m2 = Module.objects.create(title="M2", title_en="M2", days=3)
    m2.topics.set([energy, waste])
    a = Jurisdiction.objects.create(name="A", name_en="A")
    b = Jurisdiction.objects.create(name="B", name_en="B")
    JurisdictionPopulation.objects.create(jurisdiction=a, valid_from=date(2010, 1, 1), population=5_000_000)
    JurisdictionPopulation.objects.create(jurisdiction=a, valid_from=date(2021, 1, 1), population=6_000_000)
    JurisdictionPopulation.objects.create(jurisdiction=b, valid_from=date(2010, 1, 1), population=1_000_000)
    soe = Organisation.objects.create(name="Grid", name_en="Grid", type="soe", country="CN")

    mayor_a = make_official(position="mayor", jurisdiction=a)
    vice_a = make_official(position="vice_mayor", jurisdiction=a)
    mayor_b = make_official(position="mayor", jurisdiction=b)
    exec_ = make_official(position="soe_executive", company=soe, company_employees=900)

    def course(acad, start, end, modules, people):
        c = Course.objects.create(academy=acad, title="C", title_en="C", start_date=start, end_date=end, status="open")
        for i, m in enumerate(modules):
            CourseModule.objects.create(course=c, module=m, order=i)
        for o in people:
            services.enrolment_create(actor=staff, course=c, official=o)
        Course.objects.filter(pk=c.pk).update(status="completed")
        return c

    # 2019 at NAMC (energy): A's mayor and vice mayor, the executive -> A once at 5M
    course(academy, date(2019, 5, 6), date(2019, 5, 19), [m1], [mayor_a, vice_a, exec_])
    # 2022 at CELAP (energy + waste): A's mayor again (now 6M) and B's mayor (1M)
    course(other_academy, date(2022, 5, 9), date(2022, 5, 22), [m2], [mayor_a, mayor_b])
    # a cancelled course does not count
    c3 = course(academy, date(2023, 5, 8), date(2023, 5, 21), [m1], [make_official()])
    Course.objects.filter(pk=c3.pk).update(status="cancelled")
    # a later promotion does not rewrite what the official led when trained
    vice_a.jurisdiction = b
    vice_a.save()

    data = services.impact_refresh().data
    assert data["total"] == {
        "officials": 4,
        "population": 7_000_000,
        "jurisdictions": 2,
        "companies": 1,
        "company_employees": 900,
        "jurisdictions_without_population": 0,
    }
    assert (data["by_year"]["2019"]["officials"], data["by_year"]["2019"]["population"]) == (3, 5_000_000)
    assert (data["by_year"]["2022"]["officials"], data["by_year"]["2022"]["population"]) == (2, 7_000_000)
    assert data["by_academy"][str(academy.pk)]["population"] == 5_000_000
    assert data["by_topic"][str(energy.pk)]["officials"] == 4
    assert data["by_topic"][str(waste.pk)] == data["by_year"]["2022"]
    assert data["cumulative_by_year"]["2022"] == data["total"]
    # withdrawing after completion is not possible through the service, but a withdrawn enrolment is not counted
    Enrolment.objects.filter(official=mayor_b).update(status="withdrawn")
    assert services.impact_refresh().data["total"]["population"] == 6_000_000
