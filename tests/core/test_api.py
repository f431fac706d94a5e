import json

import pytest

from citybridge.core.models import Organisation


def post(client, url, body, **kw):
    return client.post(
        url, data=json.dumps(body) if not isinstance(body, str) else body, content_type="application/json", **kw
    )


def test_crud_and_search_in_both_languages(api_for, staff):
    api = api_for(staff)
    r = post(
        api,
        "/api/v1/organisations",
        {
            "name_en": "China Executive Leadership Academy Pudong",
            "name_zh_hans": "中国浦东干部学院",
            "type": "academy",
            "country": "CN",
        },
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert api.get("/api/v1/organisations?q=浦东").json()["count"] == 1
    assert api.get("/api/v1/organisations?q=pudong").json()["count"] == 1
    assert api.get("/api/v1/organisations?type=ngo").json()["count"] == 0
    r = api.patch(
        f"/api/v1/organisations/{pk}",
        data=json.dumps({"short_name_en": "CELAP", "version": 1}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["short_name_en"] == "CELAP"
    assert api.delete(f"/api/v1/organisations/{pk}").status_code == 204
    assert api.get(f"/api/v1/organisations/{pk}").status_code == 404


@pytest.mark.parametrize(
    "body,field",
    [
        ({"name_en": "A", "type": "academy"}, "country"),
        ({"name_en": "A", "type": "bank", "country": "CN"}, "type"),
        ({"name_en": 12, "type": "academy", "country": "CN"}, "name_en"),
        ({"name_en": "x" * 201, "type": "academy", "country": "CN"}, "name_en"),
        ({"name_en": "A", "type": "academy", "country": "CN", "admin": True}, "admin"),
        ({"name_en": "A", "type": "academy", "country": "CN", "website": "javascript:alert(1)"}, "website"),
    ],
)
def test_bad_bodies_get_422_with_field_errors(api_for, staff, body, field):
    r = post(api_for(staff), "/api/v1/organisations", body)
    assert r.status_code == 422
    payload = r.json()
    assert payload["detail"] and field in {e["field"] for e in payload["errors"]}
    assert Organisation.objects.count() == 0


def test_malformed_json_is_422_not_500(api_for, staff):
    r = post(api_for(staff), "/api/v1/organisations", "{not json")
    assert r.status_code in (400, 422)
    assert "detail" in r.json()


def test_errors_come_in_the_request_language(api_for, staff):
    api = api_for(staff, language="zh-hans")
    r = post(api, "/api/v1/organisations", {"name_en": "A", "type": "academy"})
    assert r.status_code == 422
    assert r.json()["detail"] == "请求中有无效字段。"
    assert r.json()["errors"][0]["message"] == "此字段为必填项。"
    post(api, "/api/v1/organisations", {"name_en": "Dup", "type": "academy", "country": "CN"})
    r = post(api, "/api/v1/organisations", {"name_en": "dup", "type": "academy", "country": "CN"})
    assert r.status_code == 422 and "该国家已有同名机构" in r.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "same",
    ["Alliance  to Save Energy", "Alliance to Save Energy\u200b", "\u200bAlliance to Save Energy",
     "Ａｌｌｉａｎｃｅ to Save Energy", "alliance\u3000to save energy"],
)  # fmt: skip
def test_a_name_that_reads_the_same_is_the_same_organisation(api_for, staff, same):
    """Found by a hostile-input walk: a double space, a zero-width space or full-width letters got past the check."""
    from citybridge.core.models import Organisation

    api = api_for(staff, language="zh-hans")
    body = {"type": "ngo", "country": "US"}
    assert post(api, "/api/v1/organisations", {**body, "name_en": "Alliance to Save Energy"}).status_code == 201
    r = post(api, "/api/v1/organisations", {**body, "name_en": same})
    assert r.status_code == 422 and "该国家已有同名机构" in r.json()["errors"][0]["message"]
    assert Organisation.objects.count() == 1


def test_an_invisible_name_is_no_name_and_names_are_kept_tidy(api_for, staff):
    api = api_for(staff)
    r = post(api, "/api/v1/organisations", {"type": "ngo", "country": "US", "name_en": "\u200b"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name_en"
    r = post(api, "/api/v1/organisations", {"type": "ngo", "country": "US", "name_en": " Energy\u200b  Foundation "})
    assert r.status_code == 201 and r.json()["name_en"] == "Energy Foundation"


def test_anonymous_and_bad_token_get_401(db, client_for):
    assert client_for(None).get("/api/v1/organisations").status_code == 401
    r = client_for(None).get("/api/v1/people", HTTP_AUTHORIZATION="Bearer cb_nonsense")
    assert r.status_code == 401 and r.json()["detail"]


def test_session_writes_need_csrf(staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff, backend="citybridge.core.auth.EmailBackend")
    assert client.get("/api/v1/organisations").status_code == 200
    r = post(client, "/api/v1/organisations", {"name_en": "A", "type": "academy", "country": "CN"})
    assert r.status_code in (401, 403)


def test_contact_details_only_for_permitted_users(api_for, staff, make_user, organisation):
    from citybridge.core.services import person_create

    person = person_create(
        actor=staff, family_name_en="Wang", email="wang@example.org", phone="123", organisation=organisation
    )
    assert api_for(staff).get(f"/api/v1/people/{person.pk}").json()["email"] == "wang@example.org"
    coordinator = make_user("academy_coordinator", organisation=organisation)
    assert api_for(coordinator).get(f"/api/v1/people/{person.pk}").json()["phone"] == "123"
    lecturer = make_user("lecturer")
    assert api_for(lecturer).get(f"/api/v1/people/{person.pk}").status_code == 404
    assert api_for(lecturer).get("/api/v1/people").json()["count"] == 0


def test_openapi_and_docs_are_local(db, client_for):
    spec = client_for(None).get("/api/v1/openapi.json")
    assert spec.status_code == 200 and "/api/v1/organisations" in spec.json()["paths"]
    docs = client_for(None).get("/api/v1/docs").content.decode()
    # every script and stylesheet is served from this host (a random CSRF token may spell "cdn": look at URLs only)
    import re

    urls = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert urls and all(u.startswith("/") for u in urls), urls


def test_me_tells_who_is_calling_and_their_scope(api_for, make_user, organisation):
    coordinator = make_user("academy_coordinator", organisation=organisation)
    body = api_for(coordinator).get("/api/v1/me").json()
    assert body["email"] == coordinator.email and not body["is_program_staff"]
    assert body["roles"] == [{"role": "academy_coordinator", "organisation_id": organisation.pk, "city_id": None}]


@pytest.mark.parametrize("cookie", ["abc\x00defghijkl", "x" * 5000, "'; DROP TABLE x; --"])
def test_malformed_session_cookie_is_no_session_not_an_error(db, client_for, cookie):
    client = client_for(None)
    client.cookies["sessionid"] = cookie
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/organisations/").status_code == 302
