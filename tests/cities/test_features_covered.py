"""Features no test executed before issue #8: adding to and removing from the candidate pool, reviewing
expressions of interest, re-running a selection. They have pages only (the API has no route for them)."""

from __future__ import annotations

import pytest

from citybridge.cities import services
from citybridge.cities.models import CandidateCity, ExpressionOfInterest, SelectionRun
from tests.chinese import has_chinese

from .test_services import GOOD, params

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --------------------------------------------------------------------------- candidate pool


def test_staff_removes_and_adds_a_city_on_its_page(client_for, staff, small_registry):
    oakland = small_registry["Oakland"]
    client = client_for(staff)
    r = client.post(f"/cities/{oakland.pk}/pool/", {"action": "remove"})
    assert r.status_code == 302 and r.url == f"/cities/{oakland.pk}/"
    assert not CandidateCity.objects.filter(city=oakland).exists()
    assert CandidateCity.objects.count() == 5
    r = client.post(f"/cities/{oakland.pk}/pool/", {"action": "add"}, follow=True)
    assert "added to the candidate pool" in _messages(r)
    candidate = CandidateCity.objects.get(city=oakland)
    assert (candidate.origin, candidate.added_by) == ("staff", staff)
    # adding again keeps the one row
    client.post(f"/cities/{oakland.pk}/pool/", {"action": "add"})
    assert CandidateCity.objects.filter(city=oakland).count() == 1


def test_staff_find_a_city_by_name_and_add_it_on_the_pool_page(client_for, staff, small_registry):
    """The pool page picks a city by its name in either language (issue 9: never by typing a number): the search
    lists matches to choose, without JS by posting the form back; the city's key is what the choice sends."""
    hefei = small_registry["Hefei"]
    CandidateCity.objects.filter(city=hefei).delete()
    client = client_for(staff, language="zh-hans")
    html = client.get("/cities/pool/").content.decode()
    assert "按中文或英文名称搜索城市" in html and "（编号）" not in html and "#" + str(hefei.pk) not in html
    # the search (no JS: the form posted back with `find`) lists Hefei to choose, in Chinese, and adds nothing
    r = client.post("/cities/pool/", {"find": "city", "city_q": "合肥"})
    html = r.content.decode()
    assert r.status_code == 200 and f'name="city" value="{hefei.pk}"' in html and "合肥" in html
    assert not CandidateCity.objects.filter(city=hefei).exists()
    # the live search (htmx) answers the same options
    html = client.get("/cities/pick/", {"name": "city", "city_q": "hefei"}).content.decode()
    assert f'type="radio" name="city" value="{hefei.pk}"' in html
    r = client.post("/cities/pool/", {"city": hefei.pk})
    assert r.status_code == 302 and r.url == "/cities/pool/"
    assert CandidateCity.objects.filter(city=hefei, origin="staff").exists()
    for bad in (2**31 - 1, "x", ""):
        r = client.post("/cities/pool/", {"city": bad})
        assert r.status_code == 200, bad
        assert "请从搜索结果中选择城市。" in r.content.decode() or "请按名称搜索城市并选择。" in r.content.decode(), bad
    assert CandidateCity.objects.count() == 6


def test_city_search_endpoint_is_for_selection_staff_and_refuses_unknown_pickers(client_for, staff, coordinator):
    assert client_for(coordinator).get("/cities/pick/", {"name": "city", "city_q": "he"}).status_code == 403
    assert client_for(staff).get("/cities/pick/", {"name": "evil", "evil_q": "he"}).status_code == 400


@pytest.mark.parametrize("action", ["add", "remove"])
def test_pool_is_staff_only(client_for, coordinator, small_registry, action):
    city = small_registry["Hayward"]
    before = list(CandidateCity.objects.order_by("pk").values_list("pk", "city_id"))
    assert client_for(coordinator).post(f"/cities/{city.pk}/pool/", {"action": action}).status_code == 403
    assert client_for(coordinator).post("/cities/pool/", {"city": city.pk}).status_code == 403
    assert list(CandidateCity.objects.order_by("pk").values_list("pk", "city_id")) == before


def test_pool_services(staff, small_registry):
    city = small_registry["Anqing"]
    services.candidate_remove(actor=staff, city=city)
    services.candidate_remove(actor=staff, city=city)  # removing what is not there is harmless
    assert not CandidateCity.objects.filter(city=city).exists()
    candidate = services.candidate_add(actor=staff, city=city)
    assert services.candidate_add(actor=staff, city=city).pk == candidate.pk


# --------------------------------------------------------------------------- reviewing expressions of interest


@pytest.fixture
def interest(coordinator, small_registry):
    CandidateCity.objects.filter(city=small_registry["Hayward"]).delete()
    return services.expression_of_interest_submit(actor=coordinator, city=small_registry["Hayward"], **GOOD)


def test_staff_accepts_an_interest_on_the_page(client_for, staff, interest):
    client = client_for(staff)
    page = client.get("/cities/interests/")
    assert page.status_code == 200 and f"/cities/interests/{interest.pk}/review/" in page.content.decode()
    r = client.post(f"/cities/interests/{interest.pk}/review/", {"status": "accepted"})
    assert r.status_code == 302 and r.url == "/cities/interests/"
    assert ExpressionOfInterest.objects.get(pk=interest.pk).status == "accepted"
    candidate = CandidateCity.objects.get(city=interest.city)
    assert (candidate.origin, candidate.added_by) == ("applied", staff)


def test_staff_marks_an_interest_withdrawn_and_the_pool_is_untouched(client_for, staff, interest):
    r = client_for(staff).post(f"/cities/interests/{interest.pk}/review/", {"status": "withdrawn"})
    assert r.status_code == 302
    assert ExpressionOfInterest.objects.get(pk=interest.pk).status == "withdrawn"
    assert not CandidateCity.objects.filter(city=interest.city).exists()


def test_a_bad_review_status_is_shown_in_chinese(client_for, staff, interest):
    r = client_for(staff, "zh-hans").post(f"/cities/interests/{interest.pk}/review/", {"status": "maybe"}, follow=True)
    assert has_chinese(_messages(r))
    assert ExpressionOfInterest.objects.get(pk=interest.pk).status == "submitted"


def test_coordinator_sees_the_interest_but_cannot_review_it(client_for, coordinator, interest):
    client = client_for(coordinator)
    page = client.get("/cities/interests/")
    assert page.status_code == 200 and "/review/" not in page.content.decode()
    assert client.post(f"/cities/interests/{interest.pk}/review/", {"status": "accepted"}).status_code == 403
    assert ExpressionOfInterest.objects.get(pk=interest.pk).status == "submitted"
    assert client_for(coordinator).get(f"/cities/interests/{interest.pk}/review/").status_code == 405


# --------------------------------------------------------------------------- re-running a selection


def test_staff_reruns_a_selection_on_the_page(client_for, staff, small_registry, create_run, on_commit):
    first = create_run(actor=staff, name="Base", parameters=params(perturbations=20, seed=3))
    with on_commit():
        r = client_for(staff).post(f"/cities/selection/{first.pk}/rerun/")
    again = SelectionRun.objects.exclude(pk=first.pk).get()
    assert r.status_code == 302 and r.url == f"/cities/selection/{again.pk}/"
    assert again.name == "Base (re-run)" and again.parameters == first.parameters and again.status == "done"
    assert again.result["selected"] == first.result["selected"]


def test_rerun_in_chinese_names_the_run_in_chinese(client_for, staff, small_registry, create_run, on_commit):
    first = create_run(actor=staff, name="Base", parameters=params())
    with on_commit():
        client_for(staff, "zh-hans").post(f"/cities/selection/{first.pk}/rerun/")
    again = SelectionRun.objects.exclude(pk=first.pk).get()
    assert again.name.startswith("Base") and again.name != "Base (re-run)"


def test_rerun_is_staff_only_and_post_only(client_for, staff, coordinator, small_registry, create_run):
    first = create_run(actor=staff, name="Base", parameters=params())
    assert (
        client_for(coordinator).post(f"/cities/selection/{first.pk}/rerun/").status_code == 404
    )  # runs are staff-only: outside scope
    assert client_for(staff).get(f"/cities/selection/{first.pk}/rerun/").status_code == 405
    assert client_for(staff).post(f"/cities/selection/{first.pk + 1000}/rerun/").status_code == 404
    assert SelectionRun.objects.count() == 1


def test_city_search_puts_names_that_start_with_the_text_first(staff, small_registry):
    from citybridge.cities.models import City
    from citybridge.core.selectors import city_search

    for en, zh in (("Changchun", "长春"), ("Hangzhou", "杭州"), ("Zhanghang", "张杭")):
        City.objects.create(name=en, name_en=en, name_zh_hans=zh, country="CN")
    assert [c.name_en for c in city_search(user=staff, q="hang")] == ["Hangzhou", "Changchun", "Zhanghang"]
    assert [c.name_en for c in city_search(user=staff, q="杭")] == ["Hangzhou", "Zhanghang"]


def test_a_place_folded_into_its_city_cannot_be_picked(client_for, staff, small_registry):
    """A district folded into its prefecture city (issue 9: Shanghai's districts are not cities) is found by no
    city search and refused by the pool and the selection form, as it is absent from the registry's list."""
    from citybridge.cities.models import City
    from citybridge.core.selectors import city_search

    district = City.objects.create(
        name="Shushan", name_en="Shushan", name_zh_hans="蜀山", country="CN", merged_into=small_registry["Hefei"]
    )
    assert city_search(user=staff, q="蜀山") == [] and city_search(user=staff, q="Shushan") == []
    html = client_for(staff).get("/cities/pick/", {"name": "city", "city_q": "shushan"}).content.decode()
    assert f'value="{district.pk}"' not in html
    r = client_for(staff, language="zh-hans").post("/cities/pool/", {"city": district.pk})
    assert r.status_code == 200 and "请从搜索结果中选择城市。" in r.content.decode()
    assert not CandidateCity.objects.filter(city=district).exists()
