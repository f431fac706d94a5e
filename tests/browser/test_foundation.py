"""A newcomer's first minutes, in a real browser: sign in, switch to 中文, create an organisation, find it."""

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_to_chinese_create_and_find_an_organisation(page, login, make_user):
    user = make_user("program_staff", email="officer@example.org")
    login(page, user)
    assert page.locator("text=My profile").count() == 1

    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"

    page.goto(page.base_url + "/organisations/new/")
    page.fill("#id_name_en", "China Executive Leadership Academy Pudong")
    page.fill("#id_name_zh_hans", "中国浦东干部学院")
    page.select_option("#id_type", "academy")
    page.select_option("#id_country", "CN")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "中国浦东干部学院"
    assert "机构已创建。" in page.content()

    page.goto(page.base_url + "/organisations/")
    page.fill("input[name=q]", "浦东")
    page.click("form[role=search] button")
    page.wait_for_load_state("networkidle")
    assert page.locator("table tbody tr").count() == 1
    assert "中国浦东干部学院" in page.locator("table").inner_text()

    # the language choice persisted across pages, and nothing was loaded from another host
    assert "新建机构" in page.content()
    hosts = {urlparse(u).hostname for u in page.requested_urls if u.startswith("http")}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    assert not page.failed_responses, page.failed_responses
    assert page.evaluate("getComputedStyle(document.querySelector('nav a.brand')).fontWeight") == "700"  # CSS loaded


def test_api_docs_render_from_local_files(page):
    page.goto(page.base_url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    assert "CityBridge API" in page.content()
    hosts = {urlparse(u).hostname for u in page.requested_urls if u.startswith("http")}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
