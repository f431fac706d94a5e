"""Pages and API: the right role works; a wrong role gets 403 on pages and lists and 404 on objects outside its
scope; bad input gives bilingual errors; query counts pinned."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from citybridge.cities import services
from citybridge.cities.models import (
    CandidateCity,
    City,
    ExpressionOfInterest,
    IndicatorValue,
    SelectionRun,
)


def run_params():
    return {
        "pool": "candidates",
        "criteria": [{"code": "population", "weight": 1}, {"code": "ceads_co2", "weight": 1}],
        "normalisation": "minmax",
        "missing": "penalise",
        "counts": {"CA": 2, "CN": 2},
        "max_per_province_cn": None,
        "bounds": [],
        "must_include": [],
        "must_exclude": [],
        "perturbations": 10,
        "seed": 0,
    }


@pytest.fixture
def run(staff, small_registry, create_run):
    return create_run(actor=staff, name="Baseline", parameters=run_params())


def pdf_text(data: bytes, tmp_path) -> str:
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: `make` installs Debian's poppler-utils")
    path = tmp_path / "memo.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_staff_sees_every_page_and_download(staff, client_for, small_registry, run, tmp_path):
    client = client_for(staff)
    bj = small_registry["Beijing"]
    for url in (
        "/cities/",
        f"/cities/{bj.pk}/",
        "/cities/interests/",
        "/cities/pool/",
        "/cities/selection/",
        f"/cities/selection/{run.pk}/",
        f"/cities/selection/compare/?a={run.pk}&b={run.pk}",
    ):
        assert client.get(url).status_code == 200, url
    xlsx = client.get(f"/cities/selection/{run.pk}/export.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["Selection", "Criteria", "Runners-up", "Sources", "Parameters"]
    cited = " ".join(str(r[1]) for r in wb["Sources"].iter_rows(values_only=True))
    assert "Shan, Y. et al. (2022)" in cited and "GeoNames" in cited
    cities_in_sheet = {r[1] for r in wb["Selection"].iter_rows(values_only=True) if r[0] in ("California", "China")}
    assert len(cities_in_sheet) == 4
    pdf = client.get(f"/cities/selection/{run.pk}/memo.pdf")
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content, tmp_path)
    assert "Cohort selection memo" in text and "城市遴选备忘录" in text  # both languages, CJK font embedded
    assert "北京" in text and "Beijing" in text and "Science Bulletin" in text
    assert "(California / 加州)" in text and "(China / 中国)" in text and "(CA)" not in text


def test_profile_shows_figures_with_source_year_and_chart(staff, client_for, small_registry):
    html = client_for(staff).get(f"/cities/{small_registry['Anqing'].pk}/").content.decode()
    assert "CO2 emissions (CEADs, territorial)" in html and "30,427,221" in html
    assert "not a GPC inventory" in html and 'data-vega-spec="chart-trend"' in html
    assert "Shan, Y. et al. (2022)" in html  # the citation is shown where the figures are
    zh = client_for(staff, language="zh-hans").get(f"/cities/{small_registry['Anqing'].pk}/").content.decode()
    assert "安庆" in zh and "关键数据" in zh and "不是 GPC 清单" in zh
    peers = client_for(staff).get(f"/cities/{small_registry['Anqing'].pk}/").context["profile"].peers
    assert peers == []  # Hefei is large, Anqing medium: no peer of the same size class


def test_coordinator_gets_403_on_staff_pages_and_404_on_runs_they_cannot_see(
    coordinator, client_for, api_for, small_registry, run
):
    client = client_for(coordinator)
    # pages that are not an object: 403; a city they can see but not act on: 403
    for url in ("/cities/pool/", "/cities/selection/", f"/cities/{small_registry['Oakland'].pk}/interest/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/cities/{small_registry['Oakland'].pk}/pool/").status_code == 403
    # runs are outside a coordinator's scope: 404, exactly as for a run that does not exist
    for url in (
        f"/cities/selection/{run.pk}/",
        f"/cities/selection/{run.pk}/status/",
        f"/cities/selection/{run.pk}/export.xlsx",
        f"/cities/selection/{run.pk}/memo.pdf",
        f"/cities/selection/compare/?a={run.pk}&b={run.pk}",
    ):
        assert client.get(url).status_code == 404, url
        assert client.get(url.replace(str(run.pk), str(run.pk + 1000))).status_code == 404, url
    assert client.post(f"/cities/selection/{run.pk}/rerun/").status_code == 404
    api = api_for(coordinator)
    assert api.get(f"/api/v1/cities/selection-runs/{run.pk}").status_code == 404
    assert api.get(f"/api/v1/cities/selection-runs/compare?a={run.pk}&b={run.pk}").status_code == 404
    assert SelectionRun.objects.count() == 1
    assert client.get(f"/cities/{small_registry['Hayward'].pk}/interest/").status_code == 200
    assert client.get(f"/cities/{small_registry['Hayward'].pk}/").status_code == 200
    assert client.get("/cities/999999/").status_code == 404


def test_interest_review_is_404_outside_scope_and_403_for_a_visible_one(
    make_user, coordinator, client_for, small_registry
):
    own = services.expression_of_interest_submit(
        actor=coordinator,
        city=small_registry["Hayward"],
        contact_name="A",
        contact_email="a@example.org",
        motivation="m",
    )
    other = make_user("city_coordinator", city=small_registry["Oakland"], email="oak@example.org")
    theirs = services.expression_of_interest_submit(
        actor=other, city=small_registry["Oakland"], contact_name="B", contact_email="b@example.org", motivation="m"
    )
    client = client_for(coordinator)
    assert client.post(f"/cities/interests/{theirs.pk}/review/", {"status": "accepted"}).status_code == 404
    assert client.post(f"/cities/interests/{own.pk}/review/", {"status": "accepted"}).status_code == 403
    assert set(ExpressionOfInterest.objects.values_list("status", flat=True)) == {"submitted"}


@pytest.mark.parametrize("role", ["lecturer", "expert", "translator"])
def test_other_roles_cannot_run_or_see_selections(make_user, client_for, api_for, run, role):
    user = make_user(role)
    assert client_for(user).get("/cities/selection/").status_code == 403
    assert client_for(user).get(f"/cities/selection/{run.pk}/").status_code == 404
    api = api_for(user)
    assert api.get("/api/v1/cities/selection-runs").status_code == 403
    assert api.get(f"/api/v1/cities/selection-runs/{run.pk}").status_code == 404
    assert (
        api.post(
            "/api/v1/cities/selection-runs",
            json.dumps({"name": "x", "criteria": [{"code": "population", "weight": 1}]}),
            content_type="application/json",
        ).status_code
        == 403
    )


def test_anonymous_is_sent_to_sign_in_and_api_refuses(db, client_for, api_for):
    assert client_for(None).get("/cities/").status_code == 302
    assert api_for(None).get("/api/v1/cities/cities").status_code == 401


def test_interest_form_errors_in_chinese_and_nothing_saved(coordinator, client_for, small_registry):
    client = client_for(coordinator, language="zh-hans")
    url = f"/cities/{small_registry['Hayward'].pk}/interest/"
    response = client.post(url, {"contact_name": "", "contact_email": "nope", "motivation": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "有效的电子邮箱地址" in html and "此字段为必填项" in html
    assert ExpressionOfInterest.objects.count() == 0
    ok = client.post(
        url,
        {"contact_name": "A", "contact_email": "a@example.org", "motivation": "Peers", "data_available": ["energy"]},
    )
    assert ok.status_code == 302 and ExpressionOfInterest.objects.get().data_available == ["energy"]


def test_selection_form_runs_and_reports_bad_input(staff, client_for, small_registry, on_commit, create_run):
    client = client_for(staff)
    base = {
        "name": "Form run",
        "pool": "candidates",
        "normalisation": "minmax",
        "missing": "penalise",
        "count_ca": 2,
        "count_cn": 2,
        "perturbations": 5,
        "seed": 0,
        "weight_population": 2,
        "weight_ceads_co2": 2,
    }
    with on_commit():
        response = client.post("/cities/selection/", base)
    assert response.status_code == 302
    run = SelectionRun.objects.get()
    assert run.status == "done"
    assert "weights you gave add up to 4" in client.get(response["Location"]).content.decode()
    assert run.result["weights"] == {"population": 0.5, "ceads_co2": 0.5}
    zh = client_for(staff, language="zh-hans")
    bad = zh.post("/cities/selection/", {**base, "weight_population": -1})
    assert bad.status_code == 200 and "权重为负数" in bad.content.decode()
    too_many = zh.post("/cities/selection/", {**base, "count_cn": 7})
    assert too_many.status_code == 200 and "只有 3 个符合条件" in too_many.content.decode()
    # cities to include or leave out are ticked by name, never typed as numbers; a forged key is refused in Chinese,
    # the ticked cities and every other field come back as they were, nothing saved
    html = zh.get("/cities/selection/").content.decode()
    assert "城市编号" not in html and "按中文或英文名称搜索城市" in html
    hefei = small_registry["Hefei"]
    for forged in ("x", str(2**31 - 1), "1; DROP TABLE"):
        r = zh.post("/cities/selection/", {**base, "must_include": [hefei.pk, forged]})
        text = r.content.decode()
        assert r.status_code == 200 and "请从搜索结果中选择城市。" in text, forged
        assert f'name="must_include" value="{hefei.pk}" checked' in text and 'value="Form run"' in text
    from django import forms
    from django.utils import translation

    from citybridge.cities.forms import CitiesField

    with translation.override("zh-hans"), pytest.raises(forms.ValidationError, match="最多选择 200 个城市。"):
        CitiesField(required=False).clean([str(n) for n in range(1, 202)])  # refused before any query
    # the search without JS: the form comes back with the matches to tick and every field kept, no error shown
    r = zh.post("/cities/selection/", {**base, "find": "must_exclude", "must_exclude_q": "合肥"})
    text = r.content.decode()
    assert f'type="checkbox" name="must_exclude" value="{hefei.pk}"' in text and 'value="Form run"' in text
    assert 'role="alert"' not in text
    assert SelectionRun.objects.count() == 1
    with on_commit():
        response = client.post("/cities/selection/", {**base, "name": "With Hefei", "must_include": [hefei.pk]})
    assert response.status_code == 302
    assert SelectionRun.objects.get(name="With Hefei").parameters["must_include"] == [hefei.pk]
    SelectionRun.objects.filter(name="With Hefei").delete()
    other = create_run(
        actor=staff,
        name="Only CO2",
        parameters={**SelectionRun.objects.get().parameters, "criteria": [{"code": "ceads_co2", "weight": 1}]},
    )
    cmp = client.get(f"/cities/selection/compare/?a={run.pk}&b={other.pk}")
    rows = cmp.context["cmp"]["rows"]
    assert {r["name"] for r in rows if r["in_a"] and not r["in_b"]} == set(cmp.context["only_a"])
    assert "Side by side" in cmp.content.decode()


def test_api_profile_interest_and_run(staff, coordinator, api_for, small_registry, on_commit):
    api = api_for(staff)
    bj = small_registry["Beijing"]
    profile = api.get(f"/api/v1/cities/cities/{bj.pk}").json()
    assert profile["city"]["name_zh_hans"] == "北京"
    codes = {f["indicator"]: f for f in profile["key_figures"]}
    assert codes["ceads_co2"]["year"] == 2019 and codes["ceads_co2"]["unit"] == "tCO2"
    assert codes["ceads_co2"]["source"] == "ceads" and [p["year"] for p in profile["emissions_trend_mt"]] == [
        2014,
        2019,
    ]
    assert api.get("/api/v1/cities/cities?country=CN").json()["count"] == 3

    capi = api_for(coordinator, language="zh-hans")
    bad = capi.post(
        "/api/v1/cities/interests",
        json.dumps(
            {"city_id": small_registry["Hayward"].pk, "contact_name": "A", "contact_email": "bad", "motivation": "x"}
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "电子邮箱" in bad.json()["errors"][0]["message"]
    other = capi.post(
        "/api/v1/cities/interests",
        json.dumps(
            {
                "city_id": small_registry["Oakland"].pk,
                "contact_name": "A",
                "contact_email": "a@b.org",
                "motivation": "x",
            }
        ),
        content_type="application/json",
    )
    assert other.status_code == 403
    unknown_field = capi.post(
        "/api/v1/cities/interests",
        json.dumps(
            {
                "city_id": small_registry["Hayward"].pk,
                "contact_name": "A",
                "contact_email": "a@b.org",
                "motivation": "x",
                "admin": True,
            }
        ),
        content_type="application/json",
    )
    assert unknown_field.status_code == 422
    assert ExpressionOfInterest.objects.count() == 0
    services.expression_of_interest_submit(
        actor=staff, city=small_registry["Oakland"], contact_name="O", contact_email="o@example.org", motivation="m"
    )
    assert capi.get("/api/v1/cities/interests").json()["count"] == 0  # another city's: not visible
    assert api.get("/api/v1/cities/interests").json()["count"] == 1

    with on_commit():
        created = api.post(
            "/api/v1/cities/selection-runs",
            json.dumps(
                {
                    "name": "API run",
                    "criteria": [{"code": "population", "weight": 1}],
                    "counts": {"CA": 1, "CN": 1},
                    "perturbations": 5,
                }
            ),
            content_type="application/json",
        )
    assert created.status_code == 202
    assert created.json()["status"] == "queued"  # answered before the commit that enqueues it
    body = api.get(f"/api/v1/cities/selection-runs/{created.json()['id']}").json()
    assert body["status"] == "done" and body["feasible"] is True and body["errors"] == []
    assert len(body["result"]["selected"]) == 2 and body["parameters"]["missing"] == "exclude"
    infeasible = api_for(staff, language="zh-hans").post(
        "/api/v1/cities/selection-runs",
        json.dumps(
            {"name": "Too many", "criteria": [{"code": "population", "weight": 1}], "counts": {"CA": 9, "CN": 1}}
        ),
        content_type="application/json",
    )
    assert infeasible.status_code == 422
    assert any("只有 3 个符合条件" in e["message"] for e in infeasible.json()["errors"])
    assert SelectionRun.objects.count() == 1
    cmp = api.get(f"/api/v1/cities/selection-runs/compare?a={body['id']}&b={body['id']}").json()
    assert cmp["only_a"] == [] and len(cmp["both"]) == 2


def _more_cities(n: int, catalogue) -> None:
    srcs, inds = catalogue
    for i in range(n):
        c = City.objects.create(
            geonames_id=9_000_000 + i,
            name=f"C{i}",
            name_en=f"C{i}",
            country="CN",
            province_en="Anhui",
            population=20000 + i,
            size_class="town",
        )
        IndicatorValue.objects.create(
            city=c, indicator=inds["population"], value=20000 + i, unit="people", source=srcs["geonames"]
        )
        CandidateCity.objects.create(city=c, origin="staff")


@pytest.mark.parametrize("rows", [3, 40])
def test_list_pages_and_endpoints_use_a_constant_number_of_queries(
    staff, client_for, api_for, catalogue, small_registry, django_assert_max_num_queries, rows
):
    _more_cities(rows, catalogue)
    for i in range(rows // 3 + 1):
        ExpressionOfInterest.objects.create(
            city=small_registry["Hayward"], contact_name=f"n{i}", contact_email="a@b.org", motivation="m"
        )
    client, api = client_for(staff), api_for(staff)
    bj = small_registry["Beijing"]
    for url, limit in (
        ("/cities/", 7),
        ("/cities/pool/", 7),
        ("/cities/interests/", 7),
        (f"/cities/{bj.pk}/", 12),
        ("/cities/selection/", 9),
        ("/api/v1/cities/cities", 6),
        (f"/api/v1/cities/cities/{bj.pk}", 10),
        ("/api/v1/cities/interests", 6),
        ("/api/v1/cities/indicators", 6),
    ):
        with django_assert_max_num_queries(limit):
            response = (api if url.startswith("/api") else client).get(url)
            assert response.status_code == 200, url


def test_cdp_target_types_are_translated_when_they_are_cdp_categories(staff, client_for, api_for, small_registry):
    from citybridge.cities.models import DataSource, ReportedTarget

    hayward = small_registry["Hayward"]
    src, _ = DataSource.objects.get_or_create(code="cdp2021_targets", defaults={"name": "CDP targets"})
    ReportedTarget.objects.create(
        city=hayward,
        source=src,
        row_key="1",
        target_type="Base year intensity target",
        base_year=2005,
        reduction_pct=30,
        target_year=2030,
    )
    ReportedTarget.objects.create(
        city=hayward, source=src, row_key="2", target_type="A home-grown kind of target", target_year=2040
    )
    url = f"/cities/{hayward.pk}/"
    assert "Base year intensity target" in client_for(staff).get(url).content.decode()
    zh = client_for(staff, language="zh-hans").get(url).content.decode()
    assert "基准年强度目标" in zh and "Base year intensity target" not in zh
    assert "A home-grown kind of target" in zh  # not a CDP category: shown as reported
    targets = api_for(staff, language="zh-hans").get(f"/api/v1/cities/cities/{hayward.pk}").json()["targets"]
    assert [(t["target_type"], t["target_type_label"]) for t in targets] == [
        ("Base year intensity target", "基准年强度目标"),
        ("A home-grown kind of target", "A home-grown kind of target"),
    ]
