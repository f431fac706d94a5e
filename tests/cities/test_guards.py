"""Every guard clause of cities.services refuses, and a refusal writes nothing (issue #8).

``refused`` compares every row of the cities, core and academy tables (history tables included) before and after
the call, so a removed guard fails the test either because nothing is raised or because something was written.

Guard → test (``existing:`` = already exercised elsewhere)

  expression_of_interest_submit: require ................ existing: test_coordinator_submits_for_own_city_only
  _clean_text: not text / blank / too long .............. existing: test_malformed_interest_is_refused_...
  expression_of_interest_submit: e-mail, data_available . existing: test_malformed_interest_is_refused_...
  expression_of_interest_submit: one waiting per city ... test_second_waiting_interest_for_a_city_is_refused
  expression_of_interest_review: require ................ test_review_refusals  (existing: test_accepting_...)
  expression_of_interest_review: status not allowed ..... test_review_refusals[submitted|bogus]
  candidate_add / candidate_remove: require ............. test_pool_changes_need_manage_pool
  clean_parameters: each refusal ........................ test_bad_parameters_refused_nothing_saved[...]
    (criteria empty, negative weight, bad normalisation: existing test_bad_selection_input_...)
  selection_run_create: require ......................... existing: test_only_staff_can_run_a_selection
  selection_run_create: name required ................... test_selection_run_needs_a_name
  precheck_selection: engine errors / conflicts ......... existing: test_bad_selection_input_...
  selection_run_execute: only a queued run .............. existing: tests/cities/test_tasks.py
  selection_run_rerun / selection_run_delete: require ... test_rerun_and_delete_need_run_selection
  ensure_staff .......................................... test_ensure_staff
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from citybridge.cities import services
from citybridge.cities.models import CandidateCity, ExpressionOfInterest, SelectionRun

from .test_services import GOOD, params

pytestmark = pytest.mark.django_db

APPS = ("cities", "core", "academy")


def snapshot() -> dict:
    return {
        m._meta.label: list(m._default_manager.order_by("pk").values())
        for label in APPS
        for m in apps.get_app_config(label).get_models()
    }


def refused(exc_type, call, **kwargs):
    before = snapshot()
    with pytest.raises(exc_type) as info:
        call(**kwargs)
    assert snapshot() == before
    return info.value


def test_second_waiting_interest_for_a_city_is_refused(coordinator, small_registry):
    hayward = small_registry["Hayward"]
    services.expression_of_interest_submit(actor=coordinator, city=hayward, **GOOD)
    exc = refused(ValidationError, services.expression_of_interest_submit, actor=coordinator, city=hayward, **GOOD)
    assert "city" in exc.message_dict
    assert ExpressionOfInterest.objects.filter(city=hayward).count() == 1


def test_a_new_interest_is_allowed_once_the_last_one_was_reviewed(staff, coordinator, small_registry):
    hayward = small_registry["Hayward"]
    first = services.expression_of_interest_submit(actor=coordinator, city=hayward, **GOOD)
    services.expression_of_interest_review(actor=staff, interest=first, status="withdrawn")
    services.expression_of_interest_submit(actor=coordinator, city=hayward, **GOOD)
    assert ExpressionOfInterest.objects.filter(city=hayward).count() == 2


@pytest.mark.parametrize("status", ["submitted", "bogus", ""])
def test_review_refusals(staff, coordinator, small_registry, status):
    CandidateCity.objects.filter(city=small_registry["Hayward"]).delete()
    eoi = services.expression_of_interest_submit(actor=coordinator, city=small_registry["Hayward"], **GOOD)
    refused(
        PermissionDenied, services.expression_of_interest_review, actor=coordinator, interest=eoi, status="accepted"
    )
    exc = refused(ValidationError, services.expression_of_interest_review, actor=staff, interest=eoi, status=status)
    assert "status" in exc.message_dict
    assert ExpressionOfInterest.objects.get(pk=eoi.pk).status == "submitted"


def test_pool_changes_need_manage_pool(coordinator, make_user, small_registry):
    translator = make_user("translator")
    CandidateCity.objects.filter(city=small_registry["Oakland"]).delete()
    for actor in (coordinator, translator):
        refused(PermissionDenied, services.candidate_add, actor=actor, city=small_registry["Oakland"])
        refused(PermissionDenied, services.candidate_remove, actor=actor, city=small_registry["Hayward"])
    assert CandidateCity.objects.filter(city=small_registry["Hayward"]).exists()
    assert not CandidateCity.objects.filter(city=small_registry["Oakland"]).exists()


BAD_PARAMETERS = {
    "pool": ({"pool": "everywhere"}, "pool"),
    "criteria_not_list": ({"criteria": "population"}, "criteria"),
    "unknown_indicator": ({"criteria": [{"code": "happiness", "weight": 1}]}, "criteria.0"),
    "criterion_not_dict": ({"criteria": ["population"]}, "criteria.0"),
    "weight_bool": ({"criteria": [{"code": "population", "weight": True}]}, "criteria.0"),
    "weight_text": ({"criteria": [{"code": "population", "weight": "heavy"}]}, "criteria.0"),
    "weight_infinite": ({"criteria": [{"code": "population", "weight": float("inf")}]}, "criteria.0"),
    "higher_is_better_text": (
        {"criteria": [{"code": "population", "weight": 1, "higher_is_better": "yes"}]},
        "criteria.0",
    ),
    "missing": ({"missing": "guess"}, "missing"),
    "counts_unknown_group": ({"counts": {"CA": 2, "TX": 2}}, "counts"),
    "counts_zero": ({"counts": {"CA": 0, "CN": 0}}, "counts"),
    "counts_negative": ({"counts": {"CA": -1, "CN": 2}}, "counts.CA"),
    "counts_too_many": ({"counts": {"CA": 501, "CN": 2}}, "counts.CA"),
    "counts_bool": ({"counts": {"CA": True, "CN": 2}}, "counts.CA"),
    "counts_text": ({"counts": {"CA": "two", "CN": 2}}, "counts.CA"),
    "province_cap_zero": ({"max_per_province_cn": 0}, "max_per_province_cn"),
    "bound_not_dict": ({"bounds": ["large"]}, "bounds.0"),
    "bound_attribute": ({"bounds": [{"attribute": "mayor", "value": "large", "min": 1}]}, "bounds.0"),
    "bound_value": ({"bounds": [{"attribute": "size_class", "value": "huge", "min": 1}]}, "bounds.0"),
    "bound_group": ({"bounds": [{"attribute": "size_class", "value": "large", "group": "TX", "min": 1}]}, "bounds.0"),
    "must_include_not_list": ({"must_include": 5}, "must_include"),
    "must_exclude_zero": ({"must_exclude": [0]}, "must_exclude"),
    "perturbations_over_max": ({"perturbations": 10**9}, "perturbations"),
    "seed_negative": ({"seed": -1}, "seed"),
}


@pytest.mark.parametrize(("over", "field"), BAD_PARAMETERS.values(), ids=BAD_PARAMETERS.keys())
def test_bad_parameters_refused_nothing_saved(staff, small_registry, over, field):
    exc = refused(ValidationError, services.selection_run_create, actor=staff, name="Bad", parameters=params(**over))
    assert field in exc.message_dict
    assert not SelectionRun.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", None, "x" * 201])
def test_selection_run_needs_a_name(staff, small_registry, name):
    exc = refused(ValidationError, services.selection_run_create, actor=staff, name=name, parameters=params())
    assert "name" in exc.message_dict


def test_rerun_and_delete_need_run_selection(staff, coordinator, small_registry, create_run):
    run = create_run(actor=staff, name="Base", parameters=params())
    refused(PermissionDenied, services.selection_run_rerun, actor=coordinator, run=run)
    refused(PermissionDenied, services.selection_run_delete, actor=coordinator, run=run)
    assert SelectionRun.objects.filter(pk=run.pk).exists()


def test_ensure_staff(staff, coordinator):
    with pytest.raises(PermissionDenied):
        services.ensure_staff(coordinator)
    assert services.ensure_staff(staff) is None
