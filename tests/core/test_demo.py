import pytest

from citybridge.core import demo
from citybridge.core.models import Organisation, Person, User

pytestmark = pytest.mark.django_db


def test_core_demo_goes_through_the_services_and_loads_twice():
    orgs = demo.load()
    demo.load()  # idempotent: found by name and updated
    assert Organisation.objects.count() == len(demo.ORGANISATIONS) == len(orgs)
    assert Person.objects.count() == len(demo.PEOPLE)
    assert User.objects.filter(email__in=[u[0] for u in demo.DEMO_USERS]).count() == len(demo.DEMO_USERS)
    # the actor of every write is the program-staff demo account
    staff = User.objects.get(email=demo.DEMO_USERS[0][0])
    assert staff.is_program_staff
    for org in Organisation.objects.all():
        org.full_clean()  # the model's own rules hold too


def test_the_demo_staff_sign_in_has_a_name_for_history_lines():
    from django.utils import translation

    from citybridge.core.history import actor_name

    demo.load()
    staff = User.objects.get(email=demo.DEMO_USERS[0][0])
    assert staff.person is not None
    with translation.override("zh-hans"):
        assert actor_name(staff) == "陈琳"
    with translation.override("en"):
        assert actor_name(staff) == "Lin Chen"


def test_the_demo_prints_a_sign_in_for_each_role_it_made():
    """`make demo` lists every demo account with its roles and scopes, so each role can be tried at once."""
    from citybridge.cities.models import City
    from citybridge.core.models import RoleMembership

    demo.load()
    city = City.objects.create(name_en="Hayward", name_zh_hans="海沃德", country="US")
    lecturer = User.objects.create_user("lecturer@citybridge.local", demo.DEMO_PASSWORD)
    RoleMembership.objects.create(user=lecturer, role="lecturer")
    coordinator = User.objects.create_user("hayward@citybridge.local", demo.DEMO_PASSWORD)
    RoleMembership.objects.create(user=coordinator, role="city_coordinator", city=city)
    User.objects.create_user("norole@citybridge.local", demo.DEMO_PASSWORD)  # no role: nothing to try
    User.objects.create_user("someone@example.org", "x" * 12)  # not a demo account
    assert demo.sign_ins() == [
        ("Program staff", "staff@citybridge.local"),
        ("Academy coordinator (NAMC)", "namc@citybridge.local"),
        ("City coordinator (Hayward)", "hayward@citybridge.local"),
        ("Lecturer", "lecturer@citybridge.local"),
    ]
