"""Translated sentences for the selection engine's error and conflict codes (engine stays Django-free)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from citybridge.core.templatetags.listing import listed, semicolon

from .labels import group_label, indicator_label


def _named(params: dict) -> dict:
    """Parameters with codes replaced by words: group → its name, criterion → the indicator's name."""
    p = dict(params)
    if "group" in p:
        p["group"] = group_label(str(p["group"]))
    if "criterion" in p:
        p["criterion"] = indicator_label(str(p["criterion"]))
    return p


def _bound_value(attribute: str, value: str) -> str:
    from .models import ClimateZone, SizeClass

    return str(
        {"size_class": dict(SizeClass.choices), "climate_zone": dict(ClimateZone.choices)}.get(attribute, {}).get(
            value, value
        )
    )


def _ids(params: dict, labels: dict[str, str]) -> str:
    return listed(labels.get(str(i), str(i)) for i in params.get("ids", []))


def constraint_label(key: str) -> str:
    if key.startswith("count:"):
        return _("the number of cities required from %(group)s") % {"group": group_label(key.split(":", 1)[1])}
    if key == "max_per_province":
        return _("the maximum number of cities per province")
    if key == "must_include":
        return _("the cities that must be included")
    if key == "must_exclude":
        return _("the cities that must be excluded")
    if key == "missing:exclude":
        return _("excluding cities with missing values")
    if key.startswith("bound:"):
        body = key[len("bound:") :]
        attr_value, _sep, group = body.partition("@")
        attribute, _eq, value = attr_value.partition("=")
        names = {"size_class": _("size class"), "climate_zone": _("climate zone"), "province": _("province")}
        value = _bound_value(attribute, value)
        if group == "*":
            return _("the limit on %(attribute)s “%(value)s”") % {
                "attribute": names.get(attribute, attribute),
                "value": value,
            }
        return _("the limit on %(attribute)s “%(value)s” in %(group)s") % {
            "attribute": names.get(attribute, attribute),
            "value": value,
            "group": group_label(group),
        }
    return key


def error_message(code: str, params: dict, labels: dict[str, str] | None = None) -> str:
    labels = labels or {}
    p = _named(params)
    if code == "negative_weight":
        return _("The weight of “%(criterion)s” is negative (%(weight)s); weights must be zero or more.") % p
    if code == "zero_weights":
        return _("All weights are zero; give at least one criterion a positive weight.")
    if code == "no_criteria":
        return _("Choose at least one criterion.")
    if code == "duplicate_criterion":
        return _("The criterion “%(criterion)s” is listed twice.") % p
    if code == "invalid_weight":
        return _("The weight of “%(criterion)s” is not a number.") % p
    if code == "criterion_no_data":
        return _("No city in the pool has data for “%(criterion)s”; remove it or choose another indicator.") % p
    if code == "unknown_candidate":
        return _("These cities are not in the candidate pool: %(ids)s.") % {"ids": _ids(p, labels)}
    if code == "unknown_normalisation":
        return _("Unknown normalisation.")
    if code == "unknown_missing_policy":
        return _("Unknown way of handling missing values.")
    if code == "invalid_count":
        return _("The number of cities for %(group)s must be a whole number, zero or more.") % p
    if code == "invalid_province_cap":
        return _("The maximum per province must be a whole number, zero or more.")
    if code in ("invalid_bound", "unknown_attribute"):
        return _("A size-class or climate-zone limit is not valid.")
    if code in ("solver_time_limit", "solver_failed", "negative_perturbations", "invalid_perturbation_range"):
        return _(
            "The selection could not be computed in the time allowed, or the solver failed; try again or "
            "simplify the constraints."
        )
    return code


def conflict_message(code: str, params: dict, constraints: list[str], labels: dict[str, str] | None = None) -> str:
    labels = labels or {}
    p = _named(params)
    if code == "include_exclude_overlap":
        return _("These cities are both required and excluded: %(ids)s.") % {"ids": _ids(p, labels)}
    if code == "must_include_outside_groups":
        return _("These required cities are in no group that is being selected: %(ids)s.") % {"ids": _ids(p, labels)}
    if code == "pool_too_small":
        return _("%(group)s needs %(required)s cities but only %(pool)s are eligible in the pool.") % p
    if code == "missing_rule_empties_group":
        return _(
            "The missing-value rule “exclude cities that lack any criterion” removed %(excluded)s of the "
            "cities of %(group)s, leaving %(remaining)s of the %(count)s needed: they lack %(criteria)s. "
            "Choose “penalise” or “impute”, remove the criterion, or leave it out of groups where few cities "
            "report it."
        ) % {**p, "criteria": listed(f"“{indicator_label(c)}”" for c in p["criteria"])}
    if code == "must_include_exceeds_count":
        return _("%(group)s needs %(required)s cities but %(included)s are required to be included.") % p
    if code == "province_cap_too_tight":
        return (
            _(
                "With at most %(cap)s per province, %(group)s can reach only %(reachable)s of the "
                "%(required)s cities it needs (%(provinces)s provinces in the pool)."
            )
            % p
        )
    if code == "must_include_exceeds_province_cap":
        return _("More cities are required from %(province)s than the limit of %(cap)s per province: %(ids)s.") % {
            **p,
            "ids": _ids(p, labels),
        }
    if code == "must_include_missing_data":
        return _(
            "These required cities lack data for a criterion and are excluded by the missing-value rule: %(ids)s."
        ) % {"ids": _ids(p, labels)}
    if code == "bound_min_unreachable":
        return _("%(bound)s asks for at least %(min)s cities but only %(available)s are eligible.") % {
            **p,
            "bound": constraint_label(p["bound"]).capitalize(),
        }
    if code == "bound_min_exceeds_count":
        return _("%(bound)s asks for at least %(min)s cities, more than the %(required)s to be selected.") % {
            **p,
            "bound": constraint_label(p["bound"]).capitalize(),
        }
    if code == "must_include_exceeds_bound":
        return _("%(bound)s allows at most %(max)s cities but more are required: %(ids)s.") % {
            **p,
            "bound": constraint_label(p["bound"]).capitalize(),
            "ids": _ids(p, labels),
        }
    if code == "bound_min_above_max":
        return _("%(bound)s has a minimum (%(min)s) above its maximum (%(max)s).") % {
            **p,
            "bound": constraint_label(p["bound"]).capitalize(),
        }
    if code == "bound_mins_exceed_count":
        return (
            _(
                "The minimum numbers per class in %(group)s add up to %(sum_of_minima)s, more than the "
                "%(required)s cities to be selected."
            )
            % p
        )
    if code == "constraints_conflict":
        return _("These constraints cannot all hold together: %(list)s.") % {
            "list": semicolon().join(constraint_label(c) for c in constraints)
        }
    return code
