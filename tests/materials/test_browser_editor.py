"""The translator's editor in a real browser, in Chinese, driven by the keyboard only: move between segments,
take a translation-memory suggestion, set the status, save; the database holds what was typed."""

from __future__ import annotations

import pytest

from citybridge.materials import services
from citybridge.materials.models import Segment

from .conftest import deck_bytes, upload
from .test_xliff import _in_translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = "n => document.activeElement === document.querySelectorAll('textarea[name=target]')[n]"


def test_keyboard_editing_in_chinese(page, login, world):
    # the memory: another deck's reviewed translation of the second sentence
    other = services.material_create(
        actor=world["staff"],
        title="Heating",
        session=world["other_session"],
        uploaded_file=upload(deck_bytes(["District heating cuts coal use."])),
    )
    seg = Segment.objects.get(doc_version__material=other)
    services.segment_save(
        actor=world["staff"], segment=seg, target="区域供热减少燃煤使用。", status="reviewed", expected_version=1
    )
    m = _in_translation(world)  # "Cities emit most carbon.", "District heating cuts coal use."
    translator = world["translator"]
    translator.preferred_language = "zh-hans"
    translator.save(update_fields=["preferred_language"])

    page.set_default_timeout(60_000)  # a loaded machine (the live server shares two cores with the browser)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": page.base_url}])
    login(page, translator)
    page.goto(page.base_url + f"/materials/{m.pk}/editor/")
    assert page.locator("html").get_attribute("lang").startswith("zh")
    assert "快捷键" in page.locator("p.help").inner_text()
    rows = page.locator("table.editor tbody tr")
    assert rows.count() == 2
    assert "区域供热减少燃煤使用。" in rows.nth(1).locator("ol.suggestions").inner_text()  # the TM suggestion, 100 %

    # 1. type the first translation, Ctrl+Enter: saved as a draft, the cursor moves to the next segment
    first = page.locator("textarea[name=target]").nth(0)
    first.click()
    page.keyboard.type("城市排放了大部分碳。")
    with page.expect_response(lambda r: r.url.endswith("/save/") and r.status == 200):
        page.keyboard.press("Control+Enter")
    page.wait_for_function(FOCUSED, arg=1)

    # 2. Alt+1 takes the memory's suggestion; Ctrl+Shift+Enter saves it as reviewed
    page.keyboard.press("Alt+1")
    assert page.locator("textarea[name=target]").nth(1).input_value() == "区域供热减少燃煤使用。"
    with page.expect_response(lambda r: r.url.endswith("/save/") and r.status == 200):
        page.keyboard.press("Control+Shift+Enter")

    # 3. Alt+Up goes back to the first segment (no save); Ctrl+Shift+Enter marks it reviewed
    page.keyboard.press("Alt+ArrowUp")
    page.wait_for_function(FOCUSED, arg=0)
    with page.expect_response(lambda r: r.url.endswith("/save/") and r.status == 200):
        page.keyboard.press("Control+Shift+Enter")
    page.wait_for_function(FOCUSED, arg=1)
    # the page's status selects follow the saves
    assert page.locator("form.segment select[name=status]").nth(0).input_value() == "reviewed"

    got = list(Segment.objects.filter(doc_version__material=m).order_by("position").values_list("target", "status"))
    assert got == [("城市排放了大部分碳。", "reviewed"), ("区域供热减少燃煤使用。", "reviewed")]
    # each save moved the segment's version on: first saved twice (draft, reviewed), second once
    assert list(
        Segment.objects.filter(doc_version__material=m).order_by("position").values_list("version", flat=True)
    ) == [3, 2]
    assert not page.failed_responses
