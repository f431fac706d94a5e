"""Program staff assign roles with their scope and create sign-ins: services, pages and API (issue #9)."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from citybridge.core import services
from citybridge.core.models import Person, RoleMembership, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    from citybridge.cities.models import City

    return City.objects.create(name="Hangzhou", name_en="Hangzhou", name_zh_hans="杭州", country="CN")


@pytest.fixture
def member(make_user):
    person = Person.objects.create(
        family_name="Chen",
        family_name_en="Chen",
        given_name_en="Jing",
        family_name_zh_hans="陈",
        given_name_zh_hans="静",
        email="chen@example.org",
    )
    user = make_user(None, email="chen@example.org", person=person)
    return person, user


# --------------------------------------------------------------------------- services


def test_scope_must_match_the_role(staff, member, organisation, city):
    _person, user = member
    with pytest.raises(ValidationError) as exc:
        services.role_membership_add(actor=staff, user=user, role="city_coordinator", organisation=organisation)
    assert "city" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.role_membership_add(actor=staff, user=user, role="partner", city=city)
    with pytest.raises(ValidationError):
        services.role_membership_add(actor=staff, user=user, role="partner")
    with pytest.raises(ValidationError):
        services.role_membership_add(actor=staff, user=user, role="lecturer", organisation=organisation)
    with pytest.raises(ValidationError):
        services.role_membership_add(actor=staff, user=user, role="wizard")
    m = services.role_membership_add(actor=staff, user=user, role="city_coordinator", city=city)
    assert (m.role, m.city_id, m.organisation_id) == ("city_coordinator", city.pk, None)
    with pytest.raises(ValidationError):  # the same role and scope twice
        services.role_membership_add(actor=staff, user=user, role="city_coordinator", city=city)
    services.role_membership_add(actor=staff, user=user, role="partner", organisation=organisation)
    services.role_membership_add(actor=staff, user=user, role="expert")
    assert RoleMembership.objects.filter(user=user).count() == 3


def test_errors_are_translated(staff, member, organisation):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.role_membership_add(actor=staff, user=member[1], role="city_coordinator", organisation=organisation)
    assert "城市" in " ".join(exc.value.messages)


def test_only_program_staff_manage_roles(make_user, member, organisation):
    coordinator = make_user("academy_coordinator", organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.role_membership_add(actor=coordinator, user=member[1], role="expert")
    membership = coordinator.role_memberships.get()
    with pytest.raises(PermissionDenied):
        services.role_membership_remove(actor=coordinator, membership=membership)


def test_own_last_program_staff_role_cannot_be_removed(staff, make_user):
    own = staff.role_memberships.get()
    with pytest.raises(ValidationError):
        services.role_membership_remove(actor=staff, membership=own)
    other = make_user("program_staff")
    services.role_membership_remove(actor=staff, membership=other.role_memberships.get())  # someone else's: fine
    services.role_membership_add(actor=staff, user=staff, role="expert")
    with pytest.raises(ValidationError):  # still the last program-staff role
        services.role_membership_remove(actor=staff, membership=own)


def test_create_sign_in_sends_a_reset_link_and_no_secret_in_task_arguments(
    staff, django_capture_on_commit_callbacks, monkeypatch
):
    from citybridge.core import tasks

    person = Person.objects.create(
        family_name="Wang", family_name_en="Wang", email="wang@example.org", preferred_language="zh-hans"
    )
    seen = []
    real = tasks.send_account_created_email

    class Spy:
        @staticmethod
        def enqueue(**kwargs):
            seen.append(kwargs)
            return real.enqueue(**kwargs)

    monkeypatch.setattr(tasks, "send_account_created_email", Spy)
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create_for_person(actor=staff, person=person, site_url="https://cb.example.org/")
    assert user.person == person and user.has_usable_password()  # random: the reset flow works
    assert set(seen[0]) == {"user_id", "site_url"}  # ids, never the token
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wang@example.org"]
    body = mail.outbox[0].body
    assert "https://cb.example.org/accounts/reset/" in body and "设置您的密码" in body  # in the person's language
    with pytest.raises(ValidationError):  # a second sign-in for the same person
        services.user_create_for_person(actor=staff, person=person)
    other = Person.objects.create(family_name="Li", family_name_en="Li")
    with pytest.raises(ValidationError):  # the e-mail is taken
        services.user_create_for_person(actor=staff, person=other, email="WANG@example.org")


def test_the_emailed_link_sets_a_password(staff, client_for, django_capture_on_commit_callbacks):
    import re

    person = Person.objects.create(family_name="Wang", family_name_en="Wang", email="wang@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.user_create_for_person(actor=staff, person=person, site_url="http://testserver")
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    client = client_for(None)
    r = client.get(link, follow=True)
    assert r.status_code == 200
    r = client.post(
        r.redirect_chain[-1][0], {"new_password1": "A-long-new-password-42", "new_password2": "A-long-new-password-42"}
    )
    assert r.status_code == 302
    assert User.objects.get(person=person).check_password("A-long-new-password-42")


# --------------------------------------------------------------------------- pages


def test_staff_add_a_partner_role_through_the_page(staff, member, organisation, client_for):
    person, user = member
    client = client_for(staff, language="zh-hans")
    page = client.get(f"/people/{person.pk}/roles/")
    assert page.status_code == 200 and "添加角色" in page.content.decode()
    options = client.get("/people/scope-search/organisations/", {"organisation_q": "测试"}).content.decode()
    assert f'value="{organisation.pk}"' in options and "测试学院" in options
    r = client.post(
        f"/people/{person.pk}/roles/", {"action": "role", "role": "partner", "organisation": organisation.pk}
    )
    assert r.status_code == 302
    assert user.role_memberships.get().organisation == organisation
    r = client.post(f"/people/{person.pk}/roles/", {"action": "role", "role": "partner"})
    assert r.status_code == 200 and "需要" in r.content.decode()  # the refusal, in Chinese


def test_no_js_search_lists_cities_by_chinese_name(staff, member, city, client_for):
    page = client_for(staff).get(f"/people/{member[0].pk}/roles/", {"city_q": "杭"}).content.decode()
    assert f'name="city" value="{city.pk}"' in page


def test_remove_asks_first_then_removes(staff, member, client_for):
    person, user = member
    m = RoleMembership.objects.create(user=user, role="expert")
    client = client_for(staff)
    page = client.get(f"/people/{person.pk}/roles/{m.pk}/remove/")
    assert page.status_code == 200 and RoleMembership.objects.filter(pk=m.pk).exists()
    assert 'class="outline secondary' in page.content.decode()
    assert client.post(f"/people/{person.pk}/roles/{m.pk}/remove/").status_code == 302
    assert not RoleMembership.objects.filter(pk=m.pk).exists()


def test_removing_own_last_staff_role_is_refused_on_the_page(staff, client_for):
    person = Person.objects.create(family_name="Staff", family_name_en="Staff")
    staff.person = person
    staff.save()
    own = staff.role_memberships.get()
    r = client_for(staff).post(f"/people/{person.pk}/roles/{own.pk}/remove/", follow=True)
    assert "last program-staff role" in r.content.decode()
    assert RoleMembership.objects.filter(pk=own.pk).exists()


def test_another_persons_membership_is_not_found(staff, member, make_user, client_for):
    other = make_user("expert")
    m = other.role_memberships.get()
    assert client_for(staff).get(f"/people/{member[0].pk}/roles/{m.pk}/remove/").status_code == 404


def test_create_sign_in_through_the_page(staff, client_for, django_capture_on_commit_callbacks):
    person = Person.objects.create(family_name="Zhao", family_name_en="Zhao", email="zhao@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(staff).post(f"/people/{person.pk}/roles/", {"action": "account", "email": "zhao@example.org"})
    assert r.status_code == 302
    assert User.objects.get(person=person).email == "zhao@example.org"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("role", ["academy_coordinator", "partner", "expert", "city_coordinator"])
def test_non_staff_are_refused_page_search_and_api(role, make_user, member, organisation, city, client_for, api_for):
    scope = {"organisation": organisation} if role in ("academy_coordinator", "partner") else {}
    if role == "city_coordinator":
        scope = {"city": city}
    user = make_user(role, **scope)
    person, _user = member
    client = client_for(user)  # the person, of no organisation, is outside every non-staff scope: 404
    assert client.get(f"/people/{person.pk}/roles/").status_code == 404
    assert client.post(f"/people/{person.pk}/roles/", {"action": "role", "role": "program_staff"}).status_code == 404
    assert client.get("/people/scope-search/organisations/", {"organisation_q": "Test"}).status_code == 403
    api = api_for(user)
    assert api.get(f"/api/v1/people/{person.pk}/roles").status_code == 404
    r = api.post(
        f"/api/v1/people/{person.pk}/roles", json.dumps({"role": "program_staff"}), content_type="application/json"
    )
    assert r.status_code == 404
    assert not RoleMembership.objects.filter(user=_user).exists()


def test_anonymous_is_sent_to_sign_in(member, client_for):
    r = client_for(None).get(f"/people/{member[0].pk}/roles/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


# --------------------------------------------------------------------------- API


def test_api_list_add_remove(staff, member, organisation, city, api_for):
    person, user = member
    api = api_for(staff, language="zh-hans")
    url = f"/api/v1/people/{person.pk}/roles"
    assert api.get(url).json() == []
    r = api.post(url, json.dumps({"role": "city_coordinator", "city_id": city.pk}), content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["city_id"] == city.pk and body["city_name"] == "杭州" and body["role_label"]
    # wrong kind of scope: 422 naming the field, in the caller's language
    r = api.post(url, json.dumps({"role": "partner", "city_id": city.pk}), content_type="application/json")
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} & {"organisation", "city"}
    r = api.post(url, json.dumps({"role": "nobody"}), content_type="application/json")
    assert r.status_code == 422
    r = api.post(url, json.dumps({"role": "partner", "organisation_id": 10**15}), content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "organisation_id"  # an id in a body: 422
    listed = api.get(url).json()
    assert [m["role"] for m in listed] == ["city_coordinator"]
    assert api.delete(f"{url}/{listed[0]['id']}").status_code == 204
    assert not user.role_memberships.exists()
    assert api.delete(f"{url}/{listed[0]['id']}").status_code == 404


def test_api_refuses_removing_own_last_staff_role(staff, api_for):
    person = Person.objects.create(family_name="Staff", family_name_en="Staff")
    staff.person = person
    staff.save()
    own = staff.role_memberships.get()
    r = api_for(staff).delete(f"/api/v1/people/{person.pk}/roles/{own.pk}")
    assert r.status_code == 422
    assert RoleMembership.objects.filter(pk=own.pk).exists()


def test_api_add_to_a_person_without_sign_in_is_422(staff, api_for):
    person = Person.objects.create(family_name="Nobody", family_name_en="Nobody")
    r = api_for(staff).post(
        f"/api/v1/people/{person.pk}/roles", json.dumps({"role": "expert"}), content_type="application/json"
    )
    assert r.status_code == 422


def test_delete_confirmation_pages_ask_first_and_refuse_non_staff(staff, make_user, organisation, client_for):
    person = Person.objects.create(family_name="Sun", family_name_en="Sun", organisation=organisation)
    client = client_for(staff, language="zh-hans")
    for url, title in (
        (f"/organisations/{organisation.pk}/delete/", "删除此机构？"),
        (f"/people/{person.pk}/delete/", "删除此人员？"),
    ):
        page = client.get(url)
        assert page.status_code == 200 and title in page.content.decode()
        assert 'class="outline secondary' in page.content.decode()  # the delete button is not the primary one
    assert Person.objects.filter(pk=person.pk).exists()
    expert = make_user("expert")
    assert client_for(expert).get(f"/organisations/{organisation.pk}/delete/").status_code == 403
    assert client_for(expert).get(f"/people/{person.pk}/delete/").status_code == 404  # not in their scope
    partner = make_user("partner", organisation=organisation)
    assert client_for(partner).get(f"/people/{person.pk}/delete/").status_code == 403  # seen, not theirs to delete
