"""Every signed-in request reads its session and its user, and every API call its token and user, each in one
parameterised statement (core/sessions.py, core/auth.py: issue 9's speed). The rules stay Django's: an expired,
deleted or forged session, a deactivated user or a changed password signs nobody in, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.utils import timezone

from citybridge.core import services
from citybridge.core.auth import user_by_pk, user_for_token
from citybridge.core.models import User
from citybridge.core.sessions import SessionStore

pytestmark = pytest.mark.django_db

PAGE = "/people/"  # any page that needs a signed-in user


def signed_in(client_for, user):
    client = client_for(user)
    assert client.get(PAGE).status_code == 200
    return client


def refused(client) -> bool:
    response = client.get(PAGE)
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_session_reads_its_user_in_two_statements(staff, client_for, django_assert_num_queries):
    client = signed_in(client_for, staff)
    key = client.cookies["sessionid"].value
    with django_assert_num_queries(2) as captured:  # the session, then the user
        store = SessionStore(key)
        request = RequestFactory().get(PAGE)
        request.session = store
        user = get_user(request)
    assert user == staff and user.email == "staff@example.org" and user.is_authenticated
    session_sql, user_sql = (q["sql"] for q in captured.captured_queries)
    assert "django_session" in session_sql
    assert "core_user" in user_sql


def test_an_expired_session_signs_nobody_in(staff, client_for):
    client = signed_in(client_for, staff)
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert refused(client)


def test_a_session_just_before_its_expiry_still_signs_in(staff, client_for):
    client = signed_in(client_for, staff)
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=timezone.now() + timedelta(seconds=30)
    )
    assert client.get(PAGE).status_code == 200


def test_a_deleted_or_forged_session_signs_nobody_in(staff, client_for):
    client = signed_in(client_for, staff)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).delete()  # signed out elsewhere, or removed by clearsessions
    assert refused(client)
    for forged in ("a" * 32, key[:-1] + ("0" if key[-1] != "0" else "1"), "x' OR '1'='1", "\x00abc"):
        client.cookies["sessionid"] = forged
        assert refused(client)


def test_a_session_whose_data_was_tampered_with_signs_nobody_in(staff, client_for):
    client = signed_in(client_for, staff)
    key = client.cookies["sessionid"].value
    session = Session.objects.get(session_key=key)
    Session.objects.filter(session_key=key).update(session_data="x" + session.session_data[1:])
    assert refused(client)


def test_a_deactivated_user_or_a_changed_password_ends_the_session(staff, make_user, client_for):
    client = signed_in(client_for, staff)
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert refused(client)

    other = make_user("program_staff")
    client = signed_in(client_for, other)
    other.set_password("a-new-password-42")
    other.save(update_fields=["password"])
    assert refused(client)


def test_an_api_token_reads_its_user_in_one_statement(staff, django_assert_num_queries):
    _token, secret = services.api_token_create(actor=staff, name="script")
    user_for_token(secret)  # records its first use
    with django_assert_num_queries(1) as captured:
        user = user_for_token(secret)
    assert "core_apitoken" in captured.captured_queries[0]["sql"]
    assert_as_the_orm_reads(user, staff.pk)


def assert_as_the_orm_reads(user, pk):
    """Every field as the ORM gives it, of the same type (SQLite returns dates as text and booleans as 0/1)."""
    orm = User.objects.get(pk=pk)
    for field in User._meta.concrete_fields:
        ours, theirs = getattr(user, field.attname), getattr(orm, field.attname)
        assert ours == theirs and type(ours) is type(theirs), field.name
    assert not user._state.adding and user._state.db == "default"


def test_a_user_is_read_as_the_orm_reads_it(staff):
    staff.last_login = timezone.now()
    staff.preferred_language = "zh-hans"
    staff.save()
    assert_as_the_orm_reads(user_by_pk(staff.pk), staff.pk)
    assert user_by_pk(staff.pk + 1000) is None
