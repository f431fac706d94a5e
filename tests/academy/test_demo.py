import pytest

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_and_is_consistent():
    from citybridge.academy import demo
    from citybridge.academy.models import Academy, Certificate, Course, Topic, TrainingSummary
    from citybridge.core import demo as core_demo

    core_demo.load()
    demo.load()
    demo.load()
    assert Topic.objects.count() == 12
    assert set(Topic.objects.values_list("name_zh_hans", flat=True)) >= {"能源总体规划", "生态城市", "绿色金融"}
    assert Academy.objects.filter(managed_by_program=True).count() == 3
    assert Course.objects.filter(status="completed").count() == 4
    assert Certificate.objects.count() > 100
    # every completed course follows the rules: a rest day each week, 30-55 confirmed
    from citybridge.academy import services

    for c in Course.objects.all():
        assert not [p for p in services.course_problems(c) if p.is_error], c
    assert TrainingSummary.objects.exists()
    from .rules_audit import violations

    assert violations() == []  # the demo holds nothing the services would refuse
    snap = services.impact_current().data["total"]
    from citybridge.academy.models import Enrolment

    trained = (
        Enrolment.objects.filter(status="confirmed", course__status="completed").values("official").distinct().count()
    )
    assert snap["officials"] == trained > 60
    assert snap["companies"] == 3
