"""Role × route matrix for the foundation's pages and endpoints: anonymous and every role, on every route."""

import json

import pytest

from citybridge.core.models import Organisation, Person, Role

ROLES = [None, *Role.values]  # None = anonymous


@pytest.fixture
def world(db, make_user):
    from citybridge.cities.models import City

    own = Organisation.objects.create(name="Own", name_en="Own Academy", type="academy", country="CN")
    other = Organisation.objects.create(name="Other", name_en="Other Org", type="company", country="US")
    person = Person.objects.create(family_name="Li", family_name_en="Li", organisation=other, email="li@example.org")
    city = City.objects.create(name="Oakland", name_en="Oakland", country="US")
    users = {None: None}
    for role in Role.values:
        scope = {}
        if role in ("academy_coordinator", "solution_provider", "partner"):
            scope["organisation"] = own
        if role == "city_coordinator":
            scope["city"] = city
        users[role] = make_user(role, **scope)
    return {"own": own, "other": other, "person": person, "users": users}


STAFF_ONLY = {"program_staff"}
SIGNED_IN = set(Role.values)

# (method, url template, roles allowed); denied = 302 to login for anonymous pages, 403/404 otherwise
PAGES = [
    ("get", "/organisations/", SIGNED_IN),
    ("get", "/organisations/{other}/", SIGNED_IN),
    ("get", "/organisations/new/", STAFF_ONLY),
    ("get", "/organisations/{other}/edit/", STAFF_ONLY),
    ("get", "/organisations/{own}/edit/", STAFF_ONLY | {"academy_coordinator", "solution_provider", "partner"}),
    ("post", "/organisations/{other}/delete/", STAFF_ONLY),
    ("get", "/people/", SIGNED_IN),
    ("get", "/people/{person}/", STAFF_ONLY),
    ("get", "/people/new/", STAFF_ONLY),
    ("get", "/people/{person}/edit/", STAFF_ONLY),
    ("post", "/people/{person}/delete/", STAFF_ONLY),
    ("get", "/accounts/profile/", SIGNED_IN),
]

API = [
    ("get", "/api/v1/me", SIGNED_IN),
    ("get", "/api/v1/organisations", SIGNED_IN),
    ("get", "/api/v1/organisations/{other}", SIGNED_IN),
    ("post", "/api/v1/organisations", STAFF_ONLY),
    ("patch", "/api/v1/organisations/{other}", STAFF_ONLY),
    ("patch", "/api/v1/organisations/{own}", STAFF_ONLY | {"academy_coordinator", "solution_provider", "partner"}),
    ("delete", "/api/v1/organisations/{other}", STAFF_ONLY),
    ("get", "/api/v1/people", SIGNED_IN),
    ("get", "/api/v1/people/{person}", STAFF_ONLY),
    ("post", "/api/v1/people", STAFF_ONLY),
    ("patch", "/api/v1/people/{person}", STAFF_ONLY),
    ("delete", "/api/v1/people/{person}", STAFF_ONLY),
]


def _refused(template):
    """Organisations are seen by every signed-in user (refused: 403); the person, of an organisation no role but
    staff is scoped to, is not seen (404)."""
    return 404 if "{person}" in template else 403


def _url(template, world):
    return template.format(own=world["own"].pk, other=world["other"].pk, person=world["person"].pk)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,template,allowed", PAGES)
def test_pages(world, client_for, role, method, template, allowed):
    user = world["users"][role]
    response = getattr(client_for(user), method)(_url(template, world))
    if role is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in allowed:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == _refused(template)


BODIES = {
    "/api/v1/organisations": {"name_en": "New Org", "type": "ngo", "country": "CN"},
    "/api/v1/people": {"family_name_en": "Zhang"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,template,allowed", API)
def test_api(world, api_for, role, method, template, allowed):
    user = world["users"][role]
    url = _url(template, world)
    body = BODIES.get(url, {"notes": "x"} if "people" in url else {"website": "https://example.org"})
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if method in ("post", "patch") else {}
    if method == "patch":
        kwargs["HTTP_IF_MATCH"] = '"1"'  # the version the edit started from
    response = getattr(api_for(user), method)(url, **kwargs)
    if role is None:
        assert response.status_code == 401
    elif role in allowed:
        # the other organisation has a person: staff may delete it, and are told what depends on it (409)
        done = (
            (200, 201, 204, 409)
            if (method, template) == ("delete", "/api/v1/organisations/{other}")
            else (200, 201, 204)
        )
        assert response.status_code in done, (response.status_code, response.content)
    else:
        assert response.status_code == _refused(template), (response.status_code, response.content)
        assert "detail" in response.json()
