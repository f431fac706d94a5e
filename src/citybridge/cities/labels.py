"""Words for the user in place of internal codes: groups, indicators, units, selection parameters, population
areas, people, the history of a run.  Every function answers in the active language (gettext)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from citybridge.core.models import is_chinese
from citybridge.core.templatetags.listing import colon, comma, listed, semicolon

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import Model

    from citybridge.core.models import User

    from .models import City, IndicatorValue


def group_label(group: str) -> str:
    """ "CA" → California, "CN" → China (the cohort groups)."""
    return {"CA": _("California"), "CN": _("China")}.get(group, group)


def indicator_label(code: str) -> str:
    """An indicator's name in the active language (the catalogue's, so no query), else the code unchanged."""
    from .catalogue import INDICATOR_BY_CODE

    d = INDICATOR_BY_CODE.get(code)
    if d is None:
        return code
    return d.name_zh if is_chinese() else d.name_en


#: units as stored (the publishers' notation) → words for the reader
def _units() -> dict[str, str]:
    return {
        "people": pgettext("unit", "people"),
        "tCO2": pgettext("unit", "tCO2"),
        "tCO2e": pgettext("unit", "tCO2e"),
        "tCO2/person": pgettext("unit", "tCO2/person"),
        "tCO2e/person": pgettext("unit", "tCO2e/person"),
        "tCO2/million CNY": pgettext("unit", "tCO2/million CNY"),
        "%/year": pgettext("unit", "%/year"),
        "km2": pgettext("unit", "km²"),
        "°C·day": pgettext("unit", "°C·day"),
        "CNY": pgettext("unit", "CNY"),
        "people/household": pgettext("unit", "people/household"),
    }


def unit_label(unit: str) -> str:
    return _units().get(unit, unit)


def population_area_label(area: str) -> str:
    from .models import PopulationArea

    if not area:
        return _("area not stated by the source")
    return str(dict(PopulationArea.choices).get(area, area))


def population_basis(value: dict | None) -> str:
    """ "Population used: <source>, <year>, <area>" for a per-person value's denominator (its ``inputs`` entry)."""
    if not value:
        return ""
    from .catalogue import SOURCES

    src = next((s for s in SOURCES if s.code == value.get("source")), None)
    source = (src.name_zh if is_chinese() else src.name_en) if src else value.get("source", "")
    year = value.get("year") or _("year not stated")
    return _("Population used: %(source)s, %(year)s, %(area)s (%(indicator)s).") % {
        "source": source,
        "year": year,
        "area": population_area_label(value.get("area", "")),
        "indicator": indicator_label(value.get("indicator", "")),
    }


def person_label(user: User) -> str:
    """A person's name for "by …": the linked person's name, else the user's own name; never the e-mail."""
    if user is None:
        return "—"
    person = getattr(user, "person", None)
    if person is not None and person.display_name():
        return person.display_name()
    name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return name or _("a user without a name on file")


def data_available_labels(values: list[str]) -> list[str]:
    from .models import DataAvailable

    names = dict(DataAvailable.choices)
    return [str(names.get(v, v)) for v in values or []]


# --------------------------------------------------------------------------- selection parameters


def _choice(value: str) -> str:
    from .forms import MISSING_CHOICES, NORMALISATION_CHOICES, POOL_CHOICES

    for choices in (MISSING_CHOICES, NORMALISATION_CHOICES, POOL_CHOICES):
        for key, label in choices:
            if key == value:
                return str(label)
    return value


def parameter_name(key: str) -> str:
    return {
        "pool": _("Candidates"),
        "criteria": _("Criteria and weights"),
        "normalisation": _("Normalisation"),
        "missing": _("Missing values"),
        "min_reporting": _("Leave a criterion out of a group where fewer cities report it than"),
        "counts": _("Cities to select"),
        "max_per_province_cn": _("At most this many Chinese cities per province"),
        "bounds": _("Limits on size classes and climate zones"),
        "must_include": _("Must include"),
        "must_exclude": _("Must exclude"),
        "perturbations": _("Weight perturbations for robustness (±20%)"),
        "seed": _("Random seed"),
    }.get(key, key)


def _city_names(ids: list, city_names: dict[str, str] | None) -> str:
    if not ids:
        return _("none")
    found = dict(city_names or {})
    unknown = [int(i) for i in ids if str(i) not in found and str(i).isascii() and str(i).isdigit()]
    if unknown:
        from .models import City

        found.update({str(c.pk): c.display_name() for c in City.objects.filter(pk__in=unknown)})
    return listed(found.get(str(i), _("city no longer in the registry")) for i in ids)


def _bound(b: dict) -> str:
    from .models import ClimateZone, SizeClass

    names = {"size_class": dict(SizeClass.choices), "climate_zone": dict(ClimateZone.choices)}
    value = str(names.get(b.get("attribute"), {}).get(b.get("value"), b.get("value")))
    where = group_label(b["group"]) if b.get("group") else _("the whole cohort")
    parts = []
    if b.get("min") is not None:
        parts.append(_("at least %(n)s") % {"n": b["min"]})
    if b.get("max") is not None:
        parts.append(_("at most %(n)s") % {"n": b["max"]})
    return _("%(value)s in %(where)s: %(limits)s") % {
        "value": value,
        "where": where,
        "limits": comma("clause").join(parts),
    }


def parameter_value(key: str, value: Any, city_names: dict[str, str] | None = None) -> str:
    """A run parameter's value in words (no codes, no Python notation)."""
    if key in ("pool", "normalisation", "missing"):
        return _choice(value)
    if key == "criteria":
        weights = [f"{indicator_label(c['code'])}{colon()}{c['weight']:g}" for c in value or []]
        return semicolon().join(weights) or _("none")
    if key == "counts":
        return listed(f"{group_label(g)} {n}" for g, n in sorted((value or {}).items())) or _("none")
    if key in ("must_include", "must_exclude"):
        return _city_names(list(value or []), city_names)
    if key == "bounds":
        return semicolon().join(_bound(b) for b in value or []) or _("none")
    if key in ("max_per_province_cn", "min_reporting"):
        return _("no limit") if not value else str(value)
    if value is None or value == "":
        return "—"
    return str(value)


def parameter_rows(params: dict, city_names: dict[str, str] | None = None) -> list[dict[str, str]]:
    order = [
        "pool",
        "criteria",
        "normalisation",
        "missing",
        "min_reporting",
        "counts",
        "max_per_province_cn",
        "bounds",
        "must_include",
        "must_exclude",
        "perturbations",
        "seed",
    ]
    keys = [k for k in order if k in params] + sorted(k for k in params if k not in order)
    return [{"name": parameter_name(k), "value": parameter_value(k, params[k], city_names)} for k in keys]


# --------------------------------------------------------------------------- history


def history_lines(records: Iterable[Model]) -> list[dict[str, str]]:
    """Each history record of a run (newest first) with the person and what changed, in words."""
    from .models import RunStatus

    statuses = dict(RunStatus.choices)
    fields = {
        "name": _("name"),
        "notes": _("notes"),
        "parameters": _("parameters"),
        "result": _("result"),
        "error": _("error"),
        "feasible": _("feasible"),
    }
    records = list(records)
    out = []
    for i, rec in enumerate(records):
        prev = records[i + 1] if i + 1 < len(records) else None
        if rec.history_type == "+":
            what = _("Created (%(status)s).") % {"status": statuses.get(rec.status, rec.status)}
        elif rec.history_type == "-":
            what = _("Deleted.")
        else:
            changes = []
            if prev is not None and prev.status != rec.status:
                changes.append(
                    _("state %(old)s → %(new)s")
                    % {"old": statuses.get(prev.status, prev.status), "new": statuses.get(rec.status, rec.status)}
                )
            if prev is not None:
                for f, label in fields.items():
                    if getattr(prev, f, None) != getattr(rec, f, None):
                        if f == "result" and rec.result:
                            changes.append(_("result stored"))
                        elif f == "error" and rec.error:
                            changes.append(_("error recorded"))
                        elif f not in ("result", "error", "feasible"):
                            changes.append(_("%(field)s changed") % {"field": label})
            what = (
                (_("Changed: %(list)s.") % {"list": semicolon().join(changes)})
                if changes
                else _("Saved without changes.")
            )
        out.append(
            {
                "date": rec.history_date,
                "who": person_label(rec.history_user) if rec.history_user_id else _("the system"),
                "what": what,
            }
        )
    return out


def city_population_note(city: City) -> str:
    """ "whole prefecture, 2020" / "area and year not stated by the source" for a city's registry population."""
    if not city.population_area and not city.population_year:
        return _("area and year not stated by the source")
    year = city.population_year or _("year not stated")
    return _("%(area)s, %(year)s") % {"area": population_area_label(city.population_area), "year": year}


def figure_note(value: IndicatorValue) -> str:
    """For a key figure: what its population covers (population values) or which population it was divided by
    (per-person values)."""
    code = value.indicator.code
    if code.endswith("per_capita"):
        den = next((i for i in value.inputs or [] if "population" in str(i.get("indicator", ""))), None)
        return population_basis(den)
    if "population" in code:
        year = value.year or _("year not stated")
        return _("Covers: %(area)s; year: %(year)s.") % {"area": population_area_label(value.area), "year": year}
    return ""
