"""Every chart of the climate pages is drawn in a real browser, in Chinese: no chart shows an error in its place
(the MACC once showed "TypeError: Cannot read properties of undefined (reading 'type')"), the chart menu is in the
page's language, and a chart is one image named by its translated description (Vega's English ARIA sentences for
axes are left out)."""

from __future__ import annotations

import pytest

from citybridge.climate import plan_services

from .plan_helpers import make_plan, template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_and_inventory_charts_are_drawn_in_chinese(page, login, coordinator, hayward):
    plan_services.catalogue_seed()  # a transactional test may run after a flush emptied the seeded catalogue
    plan = make_plan(coordinator, hayward)
    # one measure with costs: without any, the cost curve is said in words instead of drawn (test_audit_wording)
    for key, data in (("deep_retrofit", {"currency": "USD", "capital": 1_000_000.0}), ("electric_buses", {})):
        plan_services.plan_measure_save(actor=coordinator, plan=plan, template=template(key), data=data)
    login(page, coordinator)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": page.base_url}])
    inventory = f"/climate/inventories/{plan.base_inventory_id}/"
    for path in (f"/climate/plans/{plan.pk}/", f"/climate/plans/{plan.pk}/progress/", inventory):
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")
        charts = page.locator("[data-vega-spec]")
        assert charts.count() >= (5 if path.endswith(f"/plans/{plan.pk}/") else 1), path
        page.wait_for_function(
            "Array.from(document.querySelectorAll('[data-vega-spec]')).every(e => e.querySelector('svg.marks') || e.dataset.chartError)"
        )
        for i in range(charts.count()):
            chart = charts.nth(i)
            name = chart.get_attribute("data-vega-spec")
            assert chart.get_attribute("data-chart-error") is None, (
                path,
                name,
                chart.get_attribute("data-chart-error"),
            )
            assert chart.locator("svg.marks").count() == 1, (path, name)
            assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label"), (path, name)
            assert "titled" not in chart.inner_html(), (path, name)  # no English axis sentences
            assert chart.locator("summary").get_attribute("aria-label") == "图表菜单：将图表保存为图片", (path, name)
            assert "保存为 SVG" in chart.locator("details").inner_html(), (path, name)
