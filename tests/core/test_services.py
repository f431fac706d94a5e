import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from citybridge.core import services
from citybridge.core.models import Organisation, Person, RoleMembership


def org_fields(**over):
    return {
        "name_en": "National Academy for Mayors of China",
        "name_zh_hans": "全国市长研修学院",
        "type": "academy",
        "country": "CN",
        **over,
    }


def test_staff_creates_organisation_with_history(staff):
    org = services.organisation_create(actor=staff, **org_fields())
    assert org.display_name("zh-hans") == "全国市长研修学院"
    assert org.display_name("en") == "National Academy for Mayors of China"
    assert org.history.count() == 1


@pytest.mark.parametrize(
    "name_field,name",
    [
        ("name_en", "national academy for mayors of china"),
        ("name_zh_hans", "全国市长研修学院"),
        ("name_en", "全国市长研修学院"),
    ],
)
def test_duplicate_name_in_same_country_is_refused(staff, name_field, name):
    services.organisation_create(actor=staff, **org_fields())
    with pytest.raises(ValidationError) as err:
        services.organisation_create(actor=staff, type="academy", country="CN", **{name_field: name})
    assert "already exists" in str(err.value)
    assert Organisation.objects.count() == 1


def test_same_name_in_another_country_is_allowed(staff):
    services.organisation_create(actor=staff, **org_fields())
    services.organisation_create(actor=staff, **org_fields(country="US", name_zh_hans=""))
    assert Organisation.objects.count() == 2


def test_name_in_one_language_is_enough_but_one_is_required(staff):
    services.organisation_create(actor=staff, name_zh_hans="中国浦东干部学院", type="academy", country="CN")
    with pytest.raises(ValidationError):
        services.organisation_create(actor=staff, type="academy", country="CN")


def test_over_long_and_bad_values_are_refused(staff):
    with pytest.raises(ValidationError) as err:
        services.organisation_create(actor=staff, **org_fields(name_en="x" * 201, website="not a url", type="bank"))
    assert {"name_en", "website", "type"} <= set(err.value.message_dict)
    assert Organisation.objects.count() == 0


def test_parent_cycle_is_refused(staff):
    a = services.organisation_create(actor=staff, **org_fields())
    b = services.organisation_create(actor=staff, name_en="Child", type="academy", country="CN", parent=a)
    with pytest.raises(ValidationError):
        services.organisation_update(actor=staff, organisation=a, parent=b, expected_version=a.version)


def test_non_staff_cannot_create_or_delete(make_user, organisation):
    coordinator = make_user("academy_coordinator", organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=coordinator, **org_fields())
    with pytest.raises(PermissionDenied):
        services.organisation_delete(actor=coordinator, organisation=organisation)
    # but may edit their own academy's record
    services.organisation_update(
        actor=coordinator,
        organisation=organisation,
        website="https://example.org",
        expected_version=organisation.version,
    )


def test_person_names_and_invalid_email(staff):
    p = services.person_create(
        actor=staff,
        family_name_en="Hammer",
        given_name_en="Steve",
        family_name_zh_hans="海默",
        given_name_zh_hans="史蒂夫",
    )
    assert (
        p.display_name("en") == "Steve Hammer" and p.display_name("zh-hans") == "史蒂夫·海默"
    )  # a Western name in Chinese
    assert Person.objects.search("海默").get() == p and Person.objects.search("steve").get() == p
    with pytest.raises(ValidationError) as err:
        services.person_create(actor=staff, family_name_en="X", email="not-an-email")
    assert "email" in err.value.message_dict


def test_role_scope_is_enforced_by_the_database(make_user):
    from django.db import IntegrityError, transaction

    user = make_user()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(user=user, role="academy_coordinator")  # needs an organisation


def test_tokens_are_stored_hashed_and_revocable(staff):
    from citybridge.core.auth import user_for_token

    token, secret = services.api_token_create(actor=staff, name="script")
    assert secret not in (token.key_hash, token.prefix) and len(token.key_hash) == 64
    assert user_for_token(secret) == staff
    services.api_token_revoke(actor=staff, token=token)
    assert user_for_token(secret) is None


def test_a_token_records_its_use_at_most_once_a_minute_and_dies_with_its_user(staff, make_user):
    """Every API request signs in through user_for_token: its last use is written at most once a minute (not a write
    per request), and a revoked or unknown token or a deactivated owner signs nobody in."""
    from datetime import timedelta

    from citybridge.core.auth import user_for_token
    from citybridge.core.models import ApiToken

    token, secret = services.api_token_create(actor=staff, name="script")
    assert token.last_used_at is None
    assert user_for_token(secret) == staff
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None and abs((timezone.now() - first).total_seconds()) < 5
    assert user_for_token(secret) == staff
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # within the minute: not written again
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    assert user_for_token(secret) == staff
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first  # a minute later: recorded
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(seconds=59))
    before = ApiToken.objects.get(pk=token.pk).last_used_at
    assert user_for_token(secret) == staff and ApiToken.objects.get(pk=token.pk).last_used_at == before
    # another user's token, a wrong secret, an unknown one, a deactivated owner
    other = make_user()
    _other_token, other_secret = services.api_token_create(actor=other, name="theirs")
    assert user_for_token(other_secret) == other
    assert user_for_token(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert user_for_token("cb_" + "x" * 40) is None and user_for_token("") is None
    other.is_active = False
    other.save(update_fields=["is_active"])
    assert user_for_token(other_secret) is None


def test_a_role_is_held_once_per_scope(make_user, organisation):
    from django.db import IntegrityError, transaction

    user = make_user("program_staff")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(user=user, role="program_staff")
    RoleMembership.objects.create(user=user, role="partner", organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(user=user, role="partner", organisation=organisation)
