"""In a real browser: the emissions chart renders from vendored Vega, and a selection is run from the form in Chinese."""

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_profile_chart_and_selection_in_chinese(page, login, make_user, small_registry):
    user = make_user("program_staff", email="officer@example.org")
    login(page, user)
    page.goto(page.base_url + f"/cities/{small_registry['Anqing'].pk}/")
    page.wait_for_selector("[data-vega-spec='chart-trend'] svg", timeout=10_000)
    assert page.locator("[data-vega-spec='chart-trend'] svg .mark-line path").count() == 1

    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    page.goto(page.base_url + "/cities/selection/")
    page.fill("#id_name", "浏览器测试")
    page.fill("#id_count_ca", "2")
    page.fill("#id_count_cn", "2")
    page.fill("#id_perturbations", "10")
    page.fill("#id_max_per_province_cn", "")
    # a city that must be in the cohort, found by its Chinese name as one types (htmx) and ticked; no number typed
    page.fill("#must_include-q", "合肥")
    box = page.locator(f"#must_include-options input[value='{small_registry['Hefei'].pk}']")
    box.check()
    assert page.locator("[data-picked] input:checked").count() == 1  # moved to the chosen ones
    page.fill("#must_include-q", "北京")  # a second search keeps Hefei ticked
    page.locator("#must_include-options input").first.wait_for()
    assert page.locator("[data-picked] input:checked").count() == 1
    page.locator("#id_seed").press("Enter")  # Enter in a field computes, as the button does
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "浏览器测试"
    assert "入选城市及原因" in page.content() and "北京" in page.content()
    from citybridge.cities.models import SelectionRun

    assert SelectionRun.objects.get(name="浏览器测试").parameters["must_include"] == [small_registry["Hefei"].pk]

    hosts = {urlparse(u).hostname for u in page.requested_urls if u.startswith("http")}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts


def test_queued_run_page_polls_until_the_worker_finishes(page, login, make_user, small_registry):
    """With a queue nobody works on, the run page shows "queued" and polls (htmx, every 2 s, no inline script);
    when a worker computes the run, the page reloads by itself and shows the result."""
    from django.test import override_settings

    from citybridge.cities import services
    from citybridge.cities.models import SelectionRun

    user = make_user("program_staff", email="poller@example.org")
    login(page, user)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        page.goto(page.base_url + "/cities/selection/")
        page.fill("#id_name", "Polled run")
        page.fill("#id_count_ca", "2")
        page.fill("#id_count_cn", "2")
        page.fill("#id_perturbations", "10")
        page.fill("#id_max_per_province_cn", "")
        page.click("main form[method=post] button[type=submit]:not([name=find])")
        page.wait_for_selector("#run-status[data-status=queued]")
        run = SelectionRun.objects.get(name="Polled run")
        assert run.status == "queued"
        with page.expect_response(lambda r: r.url.endswith(f"/cities/selection/{run.pk}/status/"), timeout=5_000):
            pass  # htmx asks for the state fragment
        services.selection_run_execute(run_id=run.pk)
        page.wait_for_selector("text=Selected cities and why", timeout=10_000)
    assert page.locator("#run-status").count() == 0
    assert "Beijing" in page.content()
