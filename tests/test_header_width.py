"""The header on a laptop screen (1366 px, the most common desktop width) takes one row in English, as it does in
Chinese, for program staff (every signed-in user sees the same menu; staff have the most to do with it): the brand,
every menu item, the profile, sign-out and the language switch side by side, none hidden, each on one line. Set
CITYBRIDGE_SCREENSHOTS=<dir> to keep a screenshot of each page and language (1366 and 390 px)."""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

#: every item of the header (brand, menu items and menus, profile, sign-out, language switch): the box of what
#: it shows (link, menu summary, button, drop-down) and how many lines its text takes (distinct tops of its text)
ITEMS_JS = """() => [...document.querySelectorAll('body > header nav > ul > li')].map(li => {
  const el = li.querySelector('a, summary, button, select') || li;
  const r = el.getBoundingClientRect();
  let lines = 1;
  if (el.tagName !== 'SELECT') {
    const range = document.createRange(); range.selectNodeContents(el);
    lines = new Set([...range.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top))).size;
  }
  const cs = getComputedStyle(el);
  const text = el.tagName === 'SELECT' ? el.options[el.selectedIndex].text : el.innerText.trim();
  return {text, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          visible: r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none', lines};
})"""

PAGES = ("/", "/academy/", "/climate/targets/")


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("CITYBRIDGE_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=False)


def _sign_in(page, login, staff, language: str) -> None:
    page.set_default_timeout(60_000)  # the first request of a live server warms the URLconf and the catalogues
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    login(page, staff)


def _rows(items: list[dict]) -> list[list[str]]:
    """The header's items grouped into rows: an item whose vertical middle lies inside the previous row's band."""
    rows: list[tuple[float, float, list[str]]] = []
    for it in sorted(items, key=lambda i: (i["top"], i["left"])):
        middle = (it["top"] + it["bottom"]) / 2
        for top, bottom, names in rows:
            if top <= middle <= bottom:
                names.append(it["text"])
                break
        else:
            rows.append((it["top"], it["bottom"], [it["text"]]))
    return [names for _t, _b, names in rows]


@pytest.fixture
def staff_user(make_user):
    return make_user("program_staff", email="staff@example.org")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_header_is_one_row_at_1366(page, login, staff_user, language):
    page.set_viewport_size(LAPTOP)
    _sign_in(page, login, staff_user, language)
    for url in PAGES:
        response = page.goto(page.base_url + url)
        assert response.status == 200, url
        items = page.evaluate(ITEMS_JS)
        _screenshot(page, f"header-{language}-1366{url.strip('/').replace('/', '-') or '-home'}")
        texts = [i["text"] for i in items]
        # nothing hidden: the brand, the five sections, the climate menu, the profile, sign-out and the language
        assert len(items) >= 10, texts
        assert all(i["visible"] for i in items), [i["text"] for i in items if not i["visible"]]
        assert all(i["right"] <= LAPTOP["width"] and i["left"] >= 0 for i in items), items
        rows = _rows(items)
        assert len(rows) == 1, f"{language} {url}: the header takes {len(rows)} rows: {rows}"
        several = [i["text"] for i in items if i["lines"] > 1]
        assert not several, f"{language} {url}: items on more than one line: {several}"
        assert page.locator("#language-select").is_visible()
        assert page.locator("body > header form[action$='/logout/'] button").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_header_on_a_phone_keeps_every_item(page, login, staff_user, language):
    """390 px: the menu wraps as rows of whole words; every item, the sign-out and the language switch on screen."""
    page.set_viewport_size(PHONE)
    _sign_in(page, login, staff_user, language)
    page.goto(page.base_url + "/academy/")
    items = page.evaluate(ITEMS_JS)
    _screenshot(page, f"header-{language}-390-academy")
    assert len(items) >= 10 and all(i["visible"] for i in items), items
    assert all(i["left"] >= 0 and i["right"] <= PHONE["width"] + 1 for i in items), items
    assert not [i["text"] for i in items if i["lines"] > 1]
    assert page.locator("#language-select").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
