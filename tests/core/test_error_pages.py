"""Error pages: styled, with the header and a way home, honest advice, in the user's language (issue #9)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

TEXT = {
    "en": {
        400: "Bad request",
        403: "Not allowed",
        404: "Page not found",
        500: "Something went wrong",
        "csrf": "The form could not be sent",
        "advice": "What you can do",
        "home": "Go to the home page",
    },
    "zh-hans": {
        400: "请求无效",
        403: "无权访问",
        404: "页面未找到",
        500: "出错了",
        "csrf": "表单无法提交",
        "advice": "您可以这样做",
        "home": "前往首页",
    },
}
LANGUAGES = list(TEXT)


def _page(response) -> str:
    body = response.content.decode()
    assert 'href="/"' in body  # a way home
    assert "<nav>" in body  # the header
    assert 'rel="icon"' in body
    return body


@pytest.mark.django_db
@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.parametrize("language", LANGUAGES)
def test_500_400_403_from_views_that_fail(language, staff):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    client.force_login(staff, backend="citybridge.core.auth.EmailBackend")
    for url, status in (("/test-errors/boom/", 500), ("/test-errors/bad/", 400), ("/test-errors/forbidden/", 403)):
        response = client.get(url)
        assert response.status_code == status, url
        body = _page(response)
        assert TEXT[language][status] in body and TEXT[language]["advice"] in body and TEXT[language]["home"] in body
        assert ('lang="zh-Hans"' in body) == (language == "zh-hans")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_404_for_anonymous_and_signed_in(language, staff, client_for):
    for user in (None, staff):
        response = client_for(user, language=language).get("/no-such-page/")
        assert response.status_code == 404
        body = _page(response)
        assert TEXT[language][404] in body and TEXT[language]["advice"] in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_403_for_a_role_without_access(language, make_user, client_for):
    user = make_user("expert")
    response = client_for(user, language=language).get("/organisations/new/")
    assert response.status_code == 403
    body = _page(response)
    assert TEXT[language][403] in body and user.email in body  # says who you are signed in as


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_csrf_failure_page(language, staff):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, enforce_csrf_checks=True)
    client.force_login(staff, backend="citybridge.core.auth.EmailBackend")
    response = client.post("/people/new/", {"family_name_en": "X"})
    assert response.status_code == 403
    body = _page(response)
    assert TEXT[language]["csrf"] in body and TEXT[language]["advice"] in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_500_renders_without_database_or_request_context(language):
    """No django_db mark: any database access here fails the test. The request has no user or session."""
    from citybridge.core.views import error_500

    request = RequestFactory().get("/somewhere/")
    with translation.override(language):
        response = error_500(request)
    assert response.status_code == 500
    body = _page(response)
    assert TEXT[language][500] in body and TEXT[language]["home"] in body


@pytest.mark.django_db
def test_api_errors_stay_json(staff):
    response = Client().get("/api/v1/no-such-endpoint")
    assert response.status_code == 404 and response.json()["detail"]


@pytest.mark.django_db
def test_favicon_is_served(client_for):
    from django.contrib.staticfiles import finders

    path = finders.find("core/favicon.svg")
    assert path and open(path).read().startswith("<svg")
    assert 'href="/static/core/favicon.svg"' in client_for(None).get("/").content.decode()
