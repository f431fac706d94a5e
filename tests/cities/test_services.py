"""Services: expressions of interest and selection runs; bad input gives translated errors and saves nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from citybridge.cities import services
from citybridge.cities.models import CandidateCity, ExpressionOfInterest, SelectionRun
from tests.chinese import has_chinese

GOOD = {
    "contact_name": "A. Planner",
    "contact_email": "climate@hayward-ca.gov",
    "motivation": "Peer learning.",
    "existing_plans": "Climate Action Plan 2009",
    "data_available": ["ghg_inventory", "targets"],
}


def test_coordinator_submits_for_own_city_only(coordinator, small_registry):
    eoi = services.expression_of_interest_submit(actor=coordinator, city=small_registry["Hayward"], **GOOD)
    assert eoi.data_available == ["ghg_inventory", "targets"] and eoi.history.count() == 1
    with pytest.raises(PermissionDenied):
        services.expression_of_interest_submit(actor=coordinator, city=small_registry["Oakland"], **GOOD)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"motivation": "  "}, "motivation"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"data_available": ["gossip"]}, "data_available"),
        ({"contact_name": "x" * 201}, "contact_name"),
        ({"motivation": 42}, "motivation"),
    ],
)
def test_malformed_interest_is_refused_in_both_languages_and_nothing_saved(coordinator, small_registry, change, field):
    for lang in ("en", "zh-hans"):
        with translation.override(lang), pytest.raises(ValidationError) as exc:
            services.expression_of_interest_submit(
                actor=coordinator, city=small_registry["Hayward"], **{**GOOD, **change}
            )
        assert field in exc.value.message_dict
        if lang == "zh-hans":
            assert has_chinese(exc.value.message_dict[field])
    assert ExpressionOfInterest.objects.count() == 0


def test_accepting_an_interest_puts_the_city_in_the_pool(staff, coordinator, small_registry):
    CandidateCity.objects.filter(city=small_registry["Hayward"]).delete()
    eoi = services.expression_of_interest_submit(actor=coordinator, city=small_registry["Hayward"], **GOOD)
    with pytest.raises(PermissionDenied):
        services.expression_of_interest_review(actor=coordinator, interest=eoi, status="accepted")
    services.expression_of_interest_review(actor=staff, interest=eoi, status="accepted")
    assert CandidateCity.objects.get(city=small_registry["Hayward"]).origin == "applied"


def params(**over):
    p = {
        "pool": "candidates",
        "criteria": [{"code": "population", "weight": 3}, {"code": "ceads_co2", "weight": 1}],
        "normalisation": "minmax",
        "missing": "penalise",
        "counts": {"CA": 2, "CN": 2},
        "max_per_province_cn": None,
        "bounds": [],
        "must_include": [],
        "must_exclude": [],
        "perturbations": 20,
        "seed": 1,
    }
    p.update(over)
    return p


def test_selection_run_saved_with_parameters_result_and_history(staff, small_registry, create_run):
    run = create_run(actor=staff, name="Test", parameters=params())
    res = run.result
    names = {res["labels"][cid]["en"] for cid in res["selected"]}
    # CA: population only discriminates (ceads has no CA data) -> San Jose, Oakland
    # CN: 0.75*pop + 0.25*(lower CO2 better): Beijing 0.75 + 0; Hefei 0.75*0.14 + 0.25*1; Anqing 0 + 0.25*0.76
    assert names == {"San Jose", "Oakland", "Beijing", "Hefei"}
    assert res["weights_normalised"] and res["weight_sum_input"] == 4
    assert res["weights"] == {"population": 0.75, "ceads_co2": 0.25}
    assert {w["group"] for w in res["warnings"]} == {"CA"}
    assert run.status == "done" and run.feasible is True and run.error == {}
    # created (queued), taken (running), finished (done)
    assert [h.status for h in run.history.order_by("history_id")] == ["queued", "running", "done"]
    assert run.parameters["counts"] == {"CA": 2, "CN": 2}


def test_province_cap_changes_the_chinese_choice(staff, small_registry, create_run):
    run = create_run(actor=staff, name="Cap", parameters=params(max_per_province_cn=1))
    names = {run.result["labels"][cid]["en"] for cid in run.result["selected"]}
    assert {"Hefei", "Anqing"} & names != {"Hefei", "Anqing"}


@pytest.mark.parametrize(
    ("over", "needle_en", "needle_zh"),
    [
        ({"criteria": [{"code": "population", "weight": -1}]}, "negative", "负"),
        ({"criteria": [{"code": "nangini_area", "weight": 1}]}, "No city in the pool has data", "没有"),
        ({"counts": {"CA": 5, "CN": 2}}, "only 3 are eligible", "3"),
        ({"must_include": ["__HAY__"], "must_exclude": ["__HAY__"]}, "both required and excluded", "既"),
        ({"criteria": []}, "at least one criterion", "至少"),
        ({"normalisation": "zscore"}, "valid choice", "有效"),
    ],
)
def test_bad_selection_input_is_refused_bilingually_and_nothing_saved(
    staff, small_registry, over, needle_en, needle_zh
):
    hay = small_registry["Hayward"].pk
    over = {
        k: ([hay if x == "__HAY__" else x for x in v] if isinstance(v, list) and k.startswith("must") else v)
        for k, v in over.items()
    }
    for lang, needle in (("en", needle_en), ("zh-hans", needle_zh)):
        with translation.override(lang), pytest.raises(ValidationError) as exc:
            services.selection_run_create(actor=staff, name="Bad", parameters=params(**over))
        assert needle in " ".join(exc.value.messages)
    assert SelectionRun.objects.count() == 0


def test_only_staff_can_run_a_selection(coordinator, small_registry):
    with pytest.raises(PermissionDenied):
        services.selection_run_create(actor=coordinator, name="x", parameters=params())


def test_rerun_reproduces_the_saved_result(staff, small_registry, create_run, on_commit):
    first = create_run(actor=staff, name="Base", parameters=params(perturbations=30, seed=5))
    with on_commit():
        again = services.selection_run_rerun(actor=staff, run=first)
    again.refresh_from_db()
    assert again.pk != first.pk and again.name == "Base (re-run)"
    for key in ("selected", "objective", "robustness", "runners_up", "weights"):
        assert again.result[key] == first.result[key], key


@pytest.mark.parametrize("extra", [0, 30])
def test_building_a_request_takes_a_constant_number_of_queries(
    small_registry, catalogue, extra, django_assert_max_num_queries
):
    from citybridge.cities.models import City

    for i in range(extra):
        City.objects.create(
            geonames_id=8_000_000 + i,
            name=f"X{i}",
            name_en=f"X{i}",
            name_zh_hans=f"城{i}",
            country="CN",
            province_en="Anhui",
            province_zh_hans="安徽",
            size_class="town",
        )
    clean = services.clean_parameters(params(pool="all"))
    with django_assert_max_num_queries(2):  # the cities, then their values (labels need no extra query)
        request, labels = services.build_request(clean)
    assert len(request.candidates) == 6 + extra and labels[str(small_registry["Anqing"].pk)]["province_zh"] == "安徽"


def test_import_takes_an_actor_and_only_staff_may_run_it(staff, coordinator, monkeypatch, db):
    from citybridge.cities import importer
    from citybridge.cities.models import ImportRecord

    calls = []
    monkeypatch.setattr(importer, "import_all", lambda stdout=None: calls.append(1) or importer.ImportReport())
    monkeypatch.setattr(importer, "fingerprint", lambda: "f" * 64)
    with pytest.raises(PermissionDenied):
        services.cities_import(actor=coordinator)
    assert calls == [] and not ImportRecord.objects.exists()
    services.cities_import(actor=staff)
    assert calls == [1] and ImportRecord.objects.get().fingerprint == "f" * 64
