"""The main pages of every section at phone width (390 px) in Chinese: the page never scrolls sideways (a wide table
scrolls in its own box), the language switch stays visible on screen, menu items are whole words on one line, and
the climate collaborative menu opens with its sub-items on screen."""

from __future__ import annotations

from datetime import date, time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

#: how many lines an element's text takes (distinct tops of its text's boxes); 0 when it is not rendered
LINES_JS = """el => { const r = document.createRange(); r.selectNodeContents(el);
  const tops = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
  return tops.size; }"""

#: the page's width beyond the viewport, and the elements (outside tables) that stick out
OVERFLOW_JS = """() => {
  const sw = document.documentElement.scrollWidth;
  const out = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1 && !e.closest('table');
  }).slice(0, 3).map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 30));
  return {sw, out};
}"""

PAGES = (
    "/",
    "/academy/",
    "/academy/curriculum/",
    "/academy/courses/{course}/",
    "/academy/officials/",
    "/academy/behind/",
    "/academy/impact/",
    "/academy/lecturers/",
    "/cities/",
    "/cities/selection/",
    "/climate/",
    "/climate/factors/",
    "/climate/targets/",
    "/climate/plans/",
    "/materials/",
    "/materials/glossary/",
    "/outreach/",
    "/outreach/events/",
    "/outreach/partners/",
    "/outreach/follow-ups/",
    "/organisations/",
    "/people/",
)


@pytest.fixture
def world(db, make_user):
    """A course with a long Chinese timetable at an academy with a long English name (the filter drop-downs list
    it), one official enrolled, one city."""
    from citybridge.academy.models import Academy, Course, Enrolment, OfficialProfile, Session
    from citybridge.cities.models import City
    from citybridge.core.models import Organisation, Person

    org = Organisation.objects.create(
        name="China Business Executives Academy Dalian (a long name that must not widen the page)",
        name_en="China Business Executives Academy Dalian (a long name that must not widen the page)",
        name_zh_hans="中国大连高级经理学院",
        type="academy",
        country="CN",
    )
    academy = Academy.objects.create(organisation=org, official=True, managed_by_program=True)
    course = Course.objects.create(
        academy=academy,
        title="Energy Smart Cities",
        title_en="Energy Smart Cities",
        title_zh_hans="城市领导者能源总体规划",
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 7),
        status="open",
    )
    for day in range(3, 8):
        for start in (9, 14):
            Session.objects.create(
                course=course,
                date=date(2025, 3, day),
                start_time=time(start),
                end_time=time(start + 3),
                title="Energy master planning for low-carbon cities",
                title_en="Energy master planning for low-carbon cities",
                title_zh_hans="低碳城市能源总体规划与实地考察",
            )
    person = Person.objects.create(
        family_name="Zhang",
        family_name_en="Zhang",
        given_name_en="Wei",
        family_name_zh_hans="张",
        given_name_zh_hans="伟",
    )
    official = OfficialProfile.objects.create(person=person, position="mayor", service_start=date(2015, 1, 1))
    Enrolment.objects.create(course=course, official=official, status="confirmed", position="mayor")
    City.objects.create(name="Hangzhou", name_en="Hangzhou", name_zh_hans="杭州", country="CN")
    staff = make_user("program_staff", email="staff@example.org", preferred_language="zh-hans")
    return {"staff": staff, "course": course}


def _check(page, url: str) -> None:
    response = page.goto(page.base_url + url)
    assert response.status == 200, f"{url}: {response.status}"
    assert page.locator("html").get_attribute("lang") == "zh-Hans", url
    found = page.evaluate(OVERFLOW_JS)
    assert found["sw"] <= PHONE["width"] + 1, f"{url}: the page is {found['sw']}px wide: {found['out']}"
    switch = page.locator("#language-select")
    assert switch.is_visible(), url
    box = switch.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{url}: language switch at {box}"
    # every menu item (top navigation and a section's own menu) is a whole word on one line
    for item in page.locator("header nav li > a, header nav summary, main nav li > a").all():
        lines = item.evaluate(LINES_JS)
        assert lines <= 1, f"{url}: menu item {item.inner_text()!r} takes {lines} lines"


def test_main_pages_fit_a_phone_in_chinese(page, login, world):
    page.set_default_timeout(60_000)  # the first request of a live server warms the URLconf and the catalogues
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": page.base_url}])
    login(page, world["staff"])
    for url in PAGES:
        _check(page, url.format(course=world["course"].pk))


def test_climate_collaborative_is_one_menu_with_sub_items(page, login, world):
    """气候合作 opens on a phone with the city pairs and the cohort selection (cities app) and the inventories, factors, targets and
    plans (climate app) as sub-items, all on screen; there is no separate 气候 item any more."""
    page.set_default_timeout(60_000)
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": page.base_url}])
    login(page, world["staff"])
    page.goto(page.base_url + "/climate/targets/")
    top = [t.strip() for t in page.locator("header nav > ul > li > a, header nav summary").all_inner_texts()]
    assert "气候合作" in top and "气候" not in top, top
    assert page.locator("header nav summary.current").inner_text().strip() == "气候合作"  # the current section
    links = page.locator("header nav details.nav-menu ul a")
    assert not links.first.is_visible()
    page.click("header nav details.nav-menu summary")
    expected = {
        "城市": "/cities/",
        "结对城市": "/cities/pairs/",
        "城市遴选": "/cities/selection/",
        "温室气体清单": "/climate/",
        "排放因子库": "/climate/factors/",
        "目标与力度": "/climate/targets/",
        "行动方案": "/climate/plans/",
    }
    shown = {}
    for link in links.all():
        assert link.is_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (link.inner_text(), box)
        assert link.evaluate(LINES_JS) == 1
        shown[link.inner_text().strip()] = link.get_attribute("href")
    assert shown == expected
    assert page.locator("header nav details.nav-menu a[aria-current=page]").inner_text().strip() == "目标与力度"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.click("header nav details.nav-menu a:has-text('城市遴选')")
    page.wait_for_load_state()
    assert page.url.endswith("/cities/selection/")


def test_follow_ups_are_cards_on_a_phone_and_a_table_on_a_laptop(page, login, world):
    """The follow-up list on a phone: one card a follow-up, each field under its heading's name (截止日期, 负责人 …),
    the subject across the screen; an empty field takes no line. On a laptop it is the table with its headings."""
    from datetime import timedelta

    from django.utils import timezone

    from citybridge.outreach import services

    subject = "Send the LED retrofit case studies to the three mayors who asked at the dinner"
    services.activity_create(
        actor=world["staff"],
        type="call",
        subject=subject,
        due_date=timezone.localdate() + timedelta(days=3),
        assignee=world["staff"],
    )
    page.set_default_timeout(60_000)
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": page.base_url}])
    login(page, world["staff"])
    page.goto(page.base_url + "/outreach/follow-ups/")
    assert not page.locator("table.cards thead").is_visible()
    link = page.locator("table.cards a", has_text="LED retrofit")
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["width"] > PHONE["width"] * 0.6  # the subject runs across the card, not three words a line
    cells = page.locator("table.cards tbody tr").first.locator("td")
    labels = [c.evaluate("el => getComputedStyle(el, '::before').content") for c in cells.all() if c.is_visible()]
    assert '"截止日期\u00a0\u00a0"' in labels and '"负责人\u00a0\u00a0"' in labels, labels
    assert page.locator("table.cards td[data-label='学员']").first.is_hidden()  # no officials: no empty line
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator("table.cards thead").is_visible()
    assert page.locator("table.cards th", has_text="截止日期").is_visible()


def test_lists_people_act_on_are_cards_on_a_phone_with_every_value_named(page, login, world):
    """The course list's dates, status and confirmed count and a timetable's time and format were hidden to the side
    of a scrolling table on a phone: they are cards, each value named by its column (filled in by site.js from the
    heading), all on screen; a sortable list keeps its sort links above the cards."""
    page.set_default_timeout(60_000)
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": page.base_url}])
    login(page, world["staff"])
    for url, names, sortable in (
        ("/academy/", {"课程", "学院", "日期", "状态", "已确认"}, True),
        (f"/academy/courses/{world['course'].pk}/", {"日期", "时间", "课次"}, False),
    ):
        page.goto(page.base_url + url)
        table = page.locator("table.cards").first
        assert table.locator("thead").is_visible() == sortable, url
        shown = {}
        for cell in table.locator("tbody tr").first.locator("td").all():
            if cell.is_visible():
                box = cell.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, (url, box)
                shown[cell.get_attribute("data-label")] = cell.inner_text()
        assert names <= set(shown), (url, shown)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
