"""The plan's measure table in a real browser: on a laptop (1280 px) the Remove button stays one line and the curve
drop-down shows its whole choice; on a phone (390 px) each measure is a card with every input under its name; a
change in any cell of a row still saves the row (its inputs belong to the row's form)."""

from __future__ import annotations

import pytest

from citybridge.climate import plan_services
from citybridge.climate.plan_models import PlanMeasure

from .plan_helpers import make_plan, template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: whether a control's content box holds its text (the chosen option of a drop-down, the value of an input)
FITS = """el => {
  const cs = getComputedStyle(el), ctx = document.createElement("canvas").getContext("2d");
  ctx.font = cs.font;
  const text = el.tagName === "SELECT" ? el.options[el.selectedIndex].text : el.value;
  return el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) >= ctx.measureText(text).width;
}"""
ONE_LINE = "el => { const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length; }"


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_measure_table_on_a_laptop_and_a_phone(page, login, coordinator, hayward, lang):
    plan_services.catalogue_seed()  # a transactional test may run after a flush emptied the seeded catalogue
    plan = make_plan(coordinator, hayward)
    for key in ("deep_retrofit", "electric_buses"):
        plan_services.plan_measure_save(actor=coordinator, plan=plan, template=template(key), data={"shape": "s_curve"})
    login(page, coordinator)
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": page.base_url}])
    page.goto(page.base_url + f"/climate/plans/{plan.pk}/")
    page.wait_for_load_state("networkidle")
    table = page.locator("table.plan-measures")
    for i in range(2):
        row = table.locator("tbody tr").nth(i)
        assert row.locator("td:last-child button").evaluate(ONE_LINE) == 1  # not "Re / mo / ve"
        for control in ("select[name=shape]", "input[name=start_year]", "input[name=full_year]"):
            assert row.locator(control).evaluate(FITS), (lang, control)  # not "S-cur"

    # a change in any cell saves the row: its inputs belong to the row's form
    pm = PlanMeasure.objects.get(plan=plan, measure__key="deep_retrofit")
    row = table.locator("tbody tr", has=page.locator(f"input[form=measure-{pm.pk}]"))
    row.locator("input[name=share]").fill("35")
    with page.expect_response(lambda r: r.url.endswith(f"/measures/{pm.pk}/") and r.request.method == "POST") as sent:
        row.locator("input[name=share]").press("Tab")
    assert sent.value.status == 200
    pm.refresh_from_db()
    assert pm.share == pytest.approx(0.35)

    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    row = page.locator("table.plan-measures tbody tr").first
    for control in ("input[name=share]", "input[name=start_year]", "input[name=full_year]", "select[name=shape]",
                    "input[name=mwh_per_year]"):  # fmt: skip
        cell = row.locator(f"td:has({control})")
        named = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert cell.get_attribute("data-label") and cell.get_attribute("data-label") in named, (lang, control)
        assert cell.evaluate("td => getComputedStyle(td).display") == "block"
        assert row.locator(control).is_visible()
    assert not page.failed_responses
