"""Every write of the climate app: factors, inventories and their entries, review requests, targets, recompute runs,
imports. Keyword-only arguments; validate (all errors at once where it can), check permission with ``require``,
run in a transaction; history is recorded by django-simple-history (translation.py)."""

from __future__ import annotations

import json
import logging
import math
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from citybridge.cities.models import City
from citybridge.core.concurrency import claim_version
from citybridge.core.models import User
from citybridge.core.services import require
from citybridge.core.validation import ErrorCollector

from . import compute
from .models import (
    RUN_LEASE,
    RUN_LEASE_RENEW_EVERY,
    DataQuality,
    EmissionFactor,
    Gas,
    GwpSet,
    HeatingBasis,
    Inventory,
    InventoryEntry,
    Level,
    NotationKey,
    Origin,
    RecomputeRun,
    ReviewRequest,
    RunStatus,
    Status,
    Target,
    TargetKind,
    Verification,
)

logger = logging.getLogger(__name__)

MAX_TEXT = 5000
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_NUMBER = 1e15


# --------------------------------------------------------------------------- small validators


def _text(value: Any, field: str, errors: ErrorCollector, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(field, _("Enter text."))
        return ""
    value = value.strip()
    if required and not value:
        errors.add(field, _("This field is required."))
    elif len(value) > max_length:
        errors.add(field, _("Ensure this value has at most %(max)s characters.") % {"max": max_length})
        return value[:max_length]
    return value


def _number(
    value: Any, field: str, errors: ErrorCollector, *, required: bool = False, minimum: float | None = None
) -> float | None:
    if value is None or value == "":
        if required:
            errors.add(field, _("This field is required."))
        return None
    if isinstance(value, bool):
        errors.add(field, _("Enter a number."))
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors.add(field, _("Enter a number."))
        return None
    if not math.isfinite(number):
        errors.add(field, _("Enter a number."))
        return None
    if abs(number) > MAX_NUMBER:
        errors.add(field, _("The number is too large: at most 1,000,000,000,000,000 either way."))
        return None
    if minimum is not None and number < minimum:
        errors.add(field, _("Ensure this value is greater than or equal to %(limit)s.") % {"limit": minimum})
        return None
    return number


def _year(value: Any, field: str, errors: ErrorCollector, *, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            errors.add(field, _("This field is required."))
        return None
    if isinstance(value, bool):
        errors.add(field, _("Enter a whole number."))
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        errors.add(field, _("Enter a whole number."))
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors.add(field, _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR})
        return None
    return year


def _choice(value: Any, field: str, errors: ErrorCollector, choices: Iterable[str]) -> str:
    if value is None:
        value = ""
    if value not in list(choices):
        errors.add(field, _("Select a valid choice. That choice is not one of the available choices."))
        return ""
    return value


# --------------------------------------------------------------------------- factors


FACTOR_FIELDS = (
    "code",
    "name_en",
    "name_zh_hans",
    "gas",
    "value",
    "unit",
    "activity_unit",
    "region",
    "year",
    "heating_basis",
    "method_note_en",
    "method_note_zh_hans",
    "citation",
    "verification",
)


def _clean_factor(data: dict, *, local: bool) -> dict:
    errors = ErrorCollector()
    clean: dict[str, Any] = {}
    clean["code"] = _text(data.get("code"), "code", errors, required=True, max_length=80)
    if clean["code"] and not all(c.isalnum() or c in "-_" for c in clean["code"]):
        errors.add("code", _("Use letters, numbers, hyphens and underscores only."))
    clean["name_en"] = _text(data.get("name_en"), "name_en", errors, max_length=200)
    clean["name_zh_hans"] = _text(data.get("name_zh_hans"), "name_zh_hans", errors, max_length=200)
    if not clean["name_en"] and not clean["name_zh_hans"] and not errors.has("name_en"):
        errors.add("name_en", _("Give the name in at least one language."))
    clean["gas"] = _choice(data.get("gas"), "gas", errors, Gas.values)
    clean["value"] = _number(data.get("value"), "value", errors, required=True, minimum=0)
    clean["unit"] = _text(data.get("unit"), "unit", errors, required=True, max_length=20)
    clean["activity_unit"] = _text(data.get("activity_unit"), "activity_unit", errors, required=True, max_length=30)
    for name in ("unit", "activity_unit"):
        if clean[name] and not errors.has(name):
            problem = compute.unit_problem(clean[name], mass=name == "unit")
            if problem:
                errors.add(name, problem)
    clean["region"] = _text(data.get("region"), "region", errors, max_length=100)
    clean["year"] = _year(data.get("year"), "year", errors, required=False)
    clean["heating_basis"] = _choice(data.get("heating_basis") or "", "heating_basis", errors, HeatingBasis.values)
    clean["method_note_en"] = _text(data.get("method_note_en"), "method_note_en", errors)
    clean["method_note_zh_hans"] = _text(data.get("method_note_zh_hans"), "method_note_zh_hans", errors)
    clean["citation"] = _text(data.get("citation"), "citation", errors, required=True)
    default_status = Verification.SINGLE_SOURCE if local else None
    clean["verification"] = _choice(
        data.get("verification") or default_status, "verification", errors, Verification.values
    )
    errors.raise_if_any()
    return clean


@transaction.atomic
def factor_add(*, actor: User, data: dict, city: City | None = None) -> EmissionFactor:
    """Staff add a library factor; a coordinator adds a local factor for their city (``city``), with its citation."""
    if city is None:
        require(actor, "climate.manage_factors")
    else:
        require(actor, "climate.add_local_factor", city)
    clean = _clean_factor(data, local=city is not None)
    if EmissionFactor.objects.filter(code=clean["code"]).exists():
        raise ValidationError({"code": _("A factor with this code exists; supersede it instead.")})
    return EmissionFactor.objects.create(**clean, city=city, created_by=actor)


@transaction.atomic
def factor_supersede(*, actor: Any, factor: EmissionFactor, expected_version: int | None, data: dict) -> EmissionFactor:
    """A new version of ``factor`` (same code); the old one stays, pointing to it. Entries keep the version they
    were computed with until they are recomputed (``recompute_run_create``)."""
    require(actor, "climate.manage_factors" if factor.city_id is None else "climate.add_local_factor", factor.city)
    claim_version(factor, expected_version)
    if factor.superseded_by_id is not None:
        raise ValidationError({"__all__": _("This factor has already been superseded; supersede its newest version.")})
    merged = {name: getattr(factor, name) for name in FACTOR_FIELDS}
    merged.update({k: v for k, v in data.items() if k in FACTOR_FIELDS and k != "code"})
    clean = _clean_factor(merged, local=factor.city_id is not None)
    new = EmissionFactor.objects.create(**clean, city=factor.city, created_by=actor)
    factor.superseded_by = new
    factor.save(update_fields=["superseded_by", "version"])
    return new


# --------------------------------------------------------------------------- inventories


def _clean_inventory_fields(data: dict, errors: ErrorCollector) -> dict:
    clean: dict[str, Any] = {}
    if "gwp_set" in data:
        clean["gwp_set"] = _choice(data["gwp_set"], "gwp_set", errors, GwpSet.values)
    if "level" in data:
        clean["level"] = _choice(data["level"], "level", errors, Level.values)
    if "boundary" in data:
        clean["boundary"] = _text(data["boundary"], "boundary", errors)
    return clean


@transaction.atomic
def inventory_create(
    *,
    actor: Any,
    city: Any,
    year: Any,
    gwp_set: str = GwpSet.AR5,
    level: str = Level.BASIC,
    boundary: str = "",
) -> Inventory:
    require(actor, "climate.add_inventory", city)
    errors = ErrorCollector()
    year = _year(year, "year", errors)
    clean = _clean_inventory_fields({"gwp_set": gwp_set, "level": level, "boundary": boundary}, errors)
    errors.raise_if_any()
    if Inventory.objects.filter(city=city, year=year).exists():
        raise ValidationError(
            {
                "year": _("This city already has an inventory for %(year)s; open it, or make a new revision.")
                % {"year": year}
            }
        )
    inventory = Inventory.objects.create(city=city, year=year, created_by=actor, **clean)
    compute.store_totals(inventory, [])
    return inventory


def _editable(inventory: Inventory) -> None:
    if inventory.origin != Origin.ENTERED:
        raise ValidationError({"__all__": _("This inventory was imported as reported; it cannot be edited.")})
    if inventory.status == Status.PUBLISHED:
        raise ValidationError(
            {"__all__": _("This inventory is published and frozen. Make a new revision to correct it.")}
        )
    if inventory.status != Status.DRAFT:
        raise ValidationError({"__all__": _("Only a draft can be changed; this inventory has been submitted.")})


@transaction.atomic
def inventory_update(*, actor: User, inventory: Inventory, expected_version: int | None, data: dict) -> Inventory:
    """Change the GWP set, level or boundary of a draft; entries and totals are recomputed with the new set."""
    require(actor, "climate.change_inventory", inventory)
    claim_version(inventory, expected_version)
    _editable(inventory)
    errors = ErrorCollector()
    clean = _clean_inventory_fields(data, errors)
    errors.raise_if_any()
    for name, value in clean.items():
        setattr(inventory, name, value)
    inventory.save()
    recompute_inventory(inventory=inventory)
    return inventory


def _transition(inventory: Inventory, expected_version: int | None, source: tuple[str, ...], target: str) -> None:
    if expected_version is not None:
        claim_version(inventory, expected_version)
    else:
        locked = Inventory.objects.select_for_update().get(pk=inventory.pk)
        inventory.status = locked.status
    if inventory.origin != Origin.ENTERED:
        raise ValidationError({"__all__": _("This inventory was imported as reported; its status cannot change.")})
    if inventory.status not in source:
        raise ValidationError(
            {
                "status": _("This inventory is %(status)s; that step is not possible now.")
                % {"status": inventory.get_status_display()}
            }
        )
    inventory.status = target
    stamp = {Status.SUBMITTED: "submitted_at", Status.REVIEWED: "reviewed_at", Status.PUBLISHED: "published_at"}
    if target in stamp:
        setattr(inventory, stamp[target], timezone.now())
    inventory.save()


@transaction.atomic
def inventory_submit(*, actor: User, inventory: Inventory, expected_version: int | None = None) -> Inventory:
    """To review: every line the inventory's level (BASIC or BASIC+) requires has a figure or a notation key, as the
    GPC asks of a complete inventory (an empty line is neither "not occurring" nor "included elsewhere")."""
    require(actor, "climate.submit_inventory", inventory)
    missing = compute.missing_lines(inventory, list(inventory.entries.only("gpc_ref", "notation_key")))
    if missing and inventory.origin == Origin.ENTERED:
        shown = pgettext("list separator", ", ").join(missing[:6]) + ("…" if len(missing) > 6 else "")
        raise ValidationError(
            {
                "__all__": ngettext(
                    "%(n)s line that %(level)s requires is still empty (%(lines)s): give it a figure or a notation "
                    "key (NO, IE, NE or C), then submit the inventory.",
                    "%(n)s lines that %(level)s requires are still empty (%(lines)s): give each a figure or a "
                    "notation key (NO, IE, NE or C), then submit the inventory.",
                    len(missing),
                )
                % {"n": len(missing), "level": inventory.level, "lines": shown}
            }
        )
    _transition(inventory, expected_version, (Status.DRAFT,), Status.SUBMITTED)
    return inventory


@transaction.atomic
def inventory_return(*, actor: User, inventory: Inventory, expected_version: int | None = None) -> Inventory:
    """A reviewer (or the city) sends a submitted inventory back to draft for changes."""
    if not (
        actor.has_perm("climate.review_inventory", inventory) or actor.has_perm("climate.change_inventory", inventory)
    ):
        require(actor, "climate.review_inventory", inventory)
    _transition(inventory, expected_version, (Status.SUBMITTED, Status.REVIEWED), Status.DRAFT)
    return inventory


@transaction.atomic
def inventory_review(*, actor: User, inventory: Inventory, expected_version: int | None = None) -> Inventory:
    require(actor, "climate.review_inventory", inventory)
    _transition(inventory, expected_version, (Status.SUBMITTED,), Status.REVIEWED)
    return inventory


@transaction.atomic
def inventory_publish(*, actor: User, inventory: Inventory, expected_version: int | None = None) -> Inventory:
    require(actor, "climate.publish_inventory", inventory)
    _transition(inventory, expected_version, (Status.REVIEWED,), Status.PUBLISHED)
    return inventory


@transaction.atomic
def inventory_new_version(*, actor: User, inventory: Inventory) -> Inventory:
    """A correction of a published inventory: a new draft revision with the same entries, ``previous`` pointing to
    the published one (which stays frozen)."""
    require(actor, "climate.change_inventory", inventory)
    locked = Inventory.objects.select_for_update().get(pk=inventory.pk)
    if locked.origin != Origin.ENTERED or locked.status != Status.PUBLISHED:
        raise ValidationError({"__all__": _("Only a published inventory is corrected by a new revision.")})
    if Inventory.objects.filter(previous=locked).exists():
        raise ValidationError({"__all__": _("This inventory already has a newer revision.")})
    newest = Inventory.objects.filter(city=locked.city, year=locked.year).order_by("-revision").first()
    new = Inventory.objects.create(
        city=locked.city,
        year=locked.year,
        gwp_set=locked.gwp_set,
        level=locked.level,
        boundary=locked.boundary,
        revision=newest.revision + 1,
        previous=locked,
        created_by=actor,
        totals=locked.totals,
        total_basic=locked.total_basic,
        total_basic_plus=locked.total_basic_plus,
        total_territorial=locked.total_territorial,
        computed_at=locked.computed_at,
    )
    for entry in locked.entries.prefetch_related("factors"):
        factors = list(entry.factors.all())
        entry.pk, entry.id, entry.inventory, entry.version = None, None, new, 1
        entry._state.adding = True
        entry.save()
        entry.factors.set(factors)
    return new


@transaction.atomic
def review_request_add(*, actor: User, inventory: Inventory, expert: User) -> ReviewRequest:
    require(actor, "climate.request_review", inventory)
    if expert is None or not expert.has_role("expert"):
        raise ValidationError({"expert_id": _("Choose a user who holds the expert role.")})
    request, _created = ReviewRequest.objects.get_or_create(
        inventory=inventory, expert=expert, defaults={"requested_by": actor}
    )
    return request


# --------------------------------------------------------------------------- entries

ENTRY_FIELDS = (
    "gpc_ref",
    "notation_key",
    "explanation",
    "included_in",
    "activity_value",
    "activity_unit",
    "factor_ids",
    "factors",
    "emissions",
    "data_quality",
    "source",
    "density",
    "ncv",
)


@dataclass
class CleanEntry:
    gpc_ref: str
    notation_key: str = ""
    explanation: str = ""
    included_in: str = ""
    activity_value: float | None = None
    activity_unit: str = ""
    library: list[EmissionFactor] = field(default_factory=list)
    own_factors: list[dict] = field(default_factory=list)
    reported: list[dict] = field(default_factory=list)
    data_quality: str = ""
    source: str = ""
    fuel_properties: dict = field(default_factory=dict)


def _amount(value: Any, name: str, errors: ErrorCollector) -> dict | None:
    """A fuel property {"value", "unit"}: a positive number and a known unit (density kg/L, NCV TJ/Gg …)."""
    if value in (None, ""):
        return None
    if not isinstance(value, dict):
        errors.add(name, _("Give the gas, the value and the unit."))
        return None
    number = _number(value.get("value"), f"{name}.value", errors, required=True, minimum=0)
    unit = _text(value.get("unit"), f"{name}.unit", errors, required=True, max_length=40)
    if unit and not errors.has(f"{name}.unit"):
        problem = compute.unit_problem(unit, mass=False)
        if problem:
            errors.add(f"{name}.unit", problem)
    return {"value": number, "unit": unit}


def _gas_rows(rows: Any, name: str, errors: ErrorCollector, *, citation: bool) -> list[dict]:
    if rows in (None, ""):
        return []
    if not isinstance(rows, list) or len(rows) > 20:
        errors.add(name, _("Give a list of gases with value and unit."))
        return []
    out = []
    seen = set()
    for i, row in enumerate(rows):
        key = f"{name}.{i}"
        if not isinstance(row, dict):
            errors.add(key, _("Give the gas, the value and the unit."))
            continue
        gas = _choice(row.get("gas"), f"{key}.gas", errors, Gas.values)
        value = _number(row.get("value"), f"{key}.value", errors, required=True, minimum=0)
        unit = _text(row.get("unit"), f"{key}.unit", errors, required=True, max_length=40)
        if gas and gas in seen:
            errors.add(f"{key}.gas", _("Each gas once."))
        seen.add(gas)
        clean = {"gas": gas, "value": value, "unit": unit}
        if citation:
            clean["citation"] = _text(row.get("citation"), f"{key}.citation", errors, max_length=1000)
        out.append(clean)
    return out


def clean_entry(data: dict, *, library_get: Callable[[int], EmissionFactor | None]) -> CleanEntry:
    """Validate one entry's input (the form, the API and every import row come through here). ``library_get(pk)``
    returns a visible library factor or None. All errors at once, each on its field."""
    from . import gpc

    errors = ErrorCollector()
    unknown = set(data) - set(ENTRY_FIELDS) - {"version"}
    for name in sorted(unknown):
        errors.add(name, _("Unknown field."))
    ref = _text(data.get("gpc_ref"), "gpc_ref", errors, required=True, max_length=10)
    if ref:
        try:
            ref = gpc.gpc_line(ref).ref
        except KeyError:
            errors.add("gpc_ref", _("%(ref)s is not a GPC reference number.") % {"ref": ref})
    entry = CleanEntry(gpc_ref=ref)
    entry.notation_key = _choice(data.get("notation_key") or "", "notation_key", errors, NotationKey.values)
    entry.explanation = _text(data.get("explanation"), "explanation", errors)
    entry.included_in = _text(data.get("included_in"), "included_in", errors, max_length=200)
    entry.data_quality = _choice(data.get("data_quality") or "", "data_quality", errors, DataQuality.values)
    entry.source = _text(data.get("source"), "source", errors)
    entry.activity_value = _number(data.get("activity_value"), "activity_value", errors, minimum=0)
    entry.activity_unit = _text(data.get("activity_unit"), "activity_unit", errors, max_length=30)
    entry.own_factors = _gas_rows(data.get("factors"), "factors", errors, citation=True)
    entry.reported = _gas_rows(data.get("emissions"), "emissions", errors, citation=False)
    for prop in ("density", "ncv"):
        amount = _amount(data.get(prop), prop, errors)
        if amount is not None:
            entry.fuel_properties[prop] = amount
    ids = data.get("factor_ids") or []
    if not isinstance(ids, list) or len(ids) > 20:
        errors.add("factor_id", _("Select a valid choice. That choice is not one of the available choices."))
        ids = []
    for pk in ids:
        factor = library_get(pk)
        if factor is None:
            errors.add("factor_id", _("Select a valid choice. That choice is not one of the available choices."))
        else:
            entry.library.append(factor)
    if len({f.gas for f in entry.library}) < len(entry.library):
        errors.add("factor_id", _("Choose one library factor per gas: two of these factors are for the same gas."))
    if entry.notation_key:
        if not entry.explanation and not errors.has("explanation"):
            errors.add("explanation", _("A notation key needs its explanation."))
        if entry.notation_key == "IE" and not entry.included_in:
            errors.add("included_in", _("Say where the emissions of this line are included."))
        if entry.activity_value is not None or entry.reported or entry.library or entry.own_factors:
            errors.add("notation_key", _("A line with a notation key has no activity data or emissions."))
    elif not errors.errors:
        computes = entry.activity_value is not None or entry.library or entry.own_factors
        if entry.reported and computes:
            errors.add("emissions", _("Give either emissions reported by gas or activity data with factors, not both."))
        elif not entry.reported and not computes:
            errors.add("activity_value", _("Give activity data with factors, emissions by gas, or a notation key."))
        elif computes:
            if entry.activity_value is None:
                errors.add("activity_value", _("This field is required."))
            if not entry.activity_unit:
                errors.add("activity_unit", _("This field is required."))
            if not entry.library and not entry.own_factors:
                errors.add("factor_id", _("Choose a factor from the library or give your own factors."))
            if entry.library and entry.own_factors:
                errors.add("factors", _("Use library factors or your own factors, not both."))
            gases = [f.gas for f in entry.library] + [f["gas"] for f in entry.own_factors]
            if len(gases) != len(set(gases)):
                errors.add("factor_id", _("Each gas once."))
            missing_citation = [f for f in entry.own_factors if not f.get("citation")]
            if missing_citation:
                errors.add("factors", _("Give the source of each of your own factors."))
    errors.raise_if_any()
    return entry


def _store_entry(entry: InventoryEntry, clean: CleanEntry, inventory: Inventory) -> None:
    result = compute.entry_result(inventory, clean)
    entry.gpc_ref = clean.gpc_ref
    entry.notation_key = clean.notation_key
    entry.explanation = clean.explanation
    entry.included_in = clean.included_in if clean.notation_key == "IE" else ""
    entry.activity_value = clean.activity_value
    entry.activity_unit = clean.activity_unit
    entry.own_factors = clean.own_factors
    entry.reported = clean.reported
    entry.data_quality = clean.data_quality
    entry.source = clean.source
    entry.fuel_properties = clean.fuel_properties
    entry.by_gas = result.by_gas
    entry.co2e = result.co2e
    entry.factor_versions = result.factor_versions
    entry.conversion = result.conversion
    entry.save()
    entry.factors.set(clean.library)


def _library_getter(actor: User, inventory: Inventory):  # noqa: ANN202
    cache: dict[int, EmissionFactor | None] = {}

    def get(pk: Any) -> EmissionFactor | None:
        if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk < 2**63:
            return None
        if pk not in cache:
            cache[pk] = EmissionFactor.objects.visible_to(actor).filter(pk=pk).first()
        factor = cache[pk]
        if factor is None or (factor.city_id is not None and factor.city_id != inventory.city_id):
            return None
        return factor

    return get


@transaction.atomic
def entry_save(
    *,
    actor: Any,
    inventory: Inventory,
    data: dict,
    entry: InventoryEntry | None = None,
    expected_version: int | None = None,
) -> InventoryEntry:
    """Create (``entry`` None) or edit one GPC line of a draft, compute it with the engine, recompute the totals."""
    require(actor, "climate.change_inventory", inventory)
    if entry is not None:
        claim_version(entry, expected_version)
    Inventory.objects.select_for_update().filter(pk=inventory.pk).first()
    _editable(inventory)
    clean = clean_entry(data, library_get=_library_getter(actor, inventory))
    clash = InventoryEntry.objects.filter(inventory=inventory, gpc_ref=clean.gpc_ref)
    if entry is not None:
        clash = clash.exclude(pk=entry.pk)
    if clash.exists():
        raise ValidationError(
            {"gpc_ref": _("Line %(ref)s is already in this inventory; edit it instead.") % {"ref": clean.gpc_ref}}
        )
    entry = entry or InventoryEntry(inventory=inventory)
    _store_entry(entry, clean, inventory)
    recompute_totals(inventory)
    return entry


@transaction.atomic
def entry_delete(*, actor: User, entry: InventoryEntry) -> None:
    inventory = entry.inventory
    require(actor, "climate.change_inventory", inventory)
    _editable(inventory)
    entry.delete()
    recompute_totals(inventory)


def recompute_totals(inventory: Inventory) -> None:
    compute.store_totals(inventory, list(inventory.entries.all()))


def _write_results(full: list[tuple], values: list[tuple]) -> None:
    """Store recomputed results with prepared UPDATEs (Django's bulk_update builds a CASE per row and field, which
    cost more than the arithmetic), JSON already encoded. ``full``: (by_gas, co2e, factor_versions, conversion or
    None to keep it, pk); ``values``: (by_gas, co2e, pk). No history row per entry: a recompute is recorded once
    on its RecomputeRun (docs/architecture.md, climate)."""
    from django.db import connection

    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    table = connection.ops.quote_name(InventoryEntry._meta.db_table)
    with connection.cursor() as cursor:
        keep = [r[:3] + r[4:] for r in full if r[3] is None]
        rewrite = [r for r in full if r[3] is not None]
        if rewrite:
            cursor.executemany(
                f"UPDATE {table} SET by_gas = %s{cast}, co2e = %s, factor_versions = %s{cast}, "
                f"conversion = %s{cast} WHERE id = %s",
                rewrite,
            )
        if keep:
            cursor.executemany(
                f"UPDATE {table} SET by_gas = %s{cast}, co2e = %s, factor_versions = %s{cast} WHERE id = %s", keep
            )
        if values:
            cursor.executemany(f"UPDATE {table} SET by_gas = %s{cast}, co2e = %s WHERE id = %s", values)


def _write_totals(rows: list[tuple[int, dict]]) -> None:
    """Store recomputed inventory totals in one prepared UPDATE (derived data: no version bump, no history)."""
    import json

    from django.db import connection

    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    table = connection.ops.quote_name(Inventory._meta.db_table)
    now = timezone.now()
    sql = (
        f"UPDATE {table} SET totals = %s{cast}, total_basic = %s, total_basic_plus = %s, total_territorial = %s, "
        "computed_at = %s WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (
                    json.dumps(t),
                    t["basic"],
                    t["basic_plus"],
                    t["territorial_scope1"],
                    connection.ops.adapt_datetimefield_value(now),
                    pk,
                )
                for pk, t in rows
            ],
        )


def current_factors(codes: Iterable[str]) -> dict[str, EmissionFactor]:
    """The current (not superseded) version of each factor code, in one query."""
    return {f.code: f for f in EmissionFactor.objects.current().filter(code__in=set(codes))}


def recompute_inventory(*, inventory: Inventory, current: dict[str, EmissionFactor] | None = None) -> bool:
    """Recompute every entry with the current version of its factors and the inventory's GWP set, then the totals.
    A published inventory is frozen: it is left as it is (False). Returns whether anything changed."""
    return bool(recompute_inventories_batch([inventory], current=current).changed)


@dataclass
class BatchResult:
    changed: list[int] = field(default_factory=list)  # inventories whose entries or totals were rewritten
    frozen_would_change: list[int] = field(default_factory=list)  # published: would change, left as they are


_ENTRY_FIELDS = (
    "id",
    "inventory_id",
    "gpc_ref",
    "notation_key",
    "explanation",
    "included_in",
    "activity_value",
    "activity_unit",
    "own_factors",
    "reported",
    "data_quality",
    "source",
    "fuel_properties",
    "by_gas",
    "co2e",
)


_JSON_COLUMNS = tuple(
    i for i, name in enumerate(_ENTRY_FIELDS) if name in ("own_factors", "reported", "fuel_properties", "by_gas")
)
_EMPTY_JSON = {"[]": [], "{}": {}, "null": None}


def _raw_rows(queryset: Any) -> list[list]:
    """The queryset's rows straight from the cursor, JSON columns decoded here (empty ones without the decoder):
    Django's per-field converters cost more than the arithmetic on a recompute of every entry."""
    import json

    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [list(r) for r in cursor.fetchall()]
    for row in rows:
        for i in _JSON_COLUMNS:
            value = row[i]
            if isinstance(value, bytes | str):
                empty = _EMPTY_JSON.get(value, ...)
                row[i] = json.loads(value) if empty is ... else type(empty)() if empty is not None else None
    return rows


def _same_units(a: EmissionFactor, b: EmissionFactor) -> bool:
    return (a.unit, a.activity_unit, a.heating_basis, a.gas) == (b.unit, b.activity_unit, b.heating_basis, b.gas)


def recompute_inventories_batch(  # noqa: C901, PLR0912, PLR0915
    inventories: list[Inventory],
    *,
    current: dict[str, EmissionFactor] | None = None,
    codes: set[str] | None = None,
) -> BatchResult:
    """Recompute several inventories with shared reads and writes, in a number of queries that does not grow with
    the entries: the entries (as plain rows) and their factor links in two queries, the factors once, then the
    changed entries in one prepared UPDATE, the totals in another, the relinks in two.

    ``codes``: recompute only the entries computed with a factor of one of these codes (None: every entry). Each
    entry goes through the engine's fast path (no conversion text) unless its factor's units changed. Frozen
    (published or reported) inventories are computed but never written: they are listed in ``frozen_would_change``
    when a revision would change them."""
    result = BatchResult()
    if not inventories:
        return result
    if codes is not None:
        fast = _factor_change_batch(inventories, current=current, codes=codes)
        if fast is not None:
            return fast
    by_pk = {inv.pk: inv for inv in inventories}
    rows = _raw_rows(InventoryEntry.objects.filter(inventory_id__in=list(by_pk)).values_list(*_ENTRY_FIELDS))
    through = InventoryEntry.factors.through
    links: dict[int, list[int]] = {}
    for entry_id, factor_id in (
        through.objects.filter(inventoryentry__inventory_id__in=list(by_pk))
        .order_by("id")
        .values_list("inventoryentry_id", "emissionfactor_id")
    ):
        links.setdefault(entry_id, []).append(factor_id)
    factor_ids = {fid for fids in links.values() for fid in fids}
    factors = {f.pk: f for f in EmissionFactor.objects.filter(pk__in=factor_ids)} if factor_ids else {}
    if current is None:
        current = current_factors(f.code for f in factors.values())
    for f in current.values():
        factors.setdefault(f.pk, f)
    engine_factors: dict[int, Any] = {}

    def engine_factor(f: EmissionFactor) -> Any:
        if f.pk not in engine_factors:
            engine_factors[f.pk] = compute.engine_factor(f)
        return engine_factors[f.pk]

    per_inventory: dict[int, list[list]] = {pk: [] for pk in by_pk}
    full_writes: list[tuple] = []
    value_writes: list[tuple] = []
    versions_json: dict[tuple, str] = {}
    relinks: dict[int, list[EmissionFactor]] = {}
    touched: set[int] = set()
    for row in rows:
        (pk, inv_id, ref, key, expl, incl, act, unit, own, reported, quality, source, fuel, by_gas, co2e) = row
        stored = [ref, by_gas, co2e, key]
        per_inventory[inv_id].append(stored)
        old = [factors[fid] for fid in links.get(pk, ())]
        if codes is not None and not any(f.code in codes for f in old):
            continue
        library = [current.get(f.code, f) for f in old]
        inventory = by_pk[inv_id]
        explain = codes is None or any(not _same_units(a, b) for a, b in zip(old, library, strict=True))
        factors_t = [engine_factor(f) for f in library]
        for i, f in enumerate(own or ()):
            factors_t.append(
                compute.accounting.Factor(
                    id=f"own-{i}", gas=f["gas"], value=f["value"], unit=f["unit"], source=f.get("citation", "")
                )
            )
        engine = compute.accounting.Entry(
            ref=ref,
            notation_key=key or None,
            explanation=expl,
            included_in=incl,
            activity_value=act,
            activity_unit=unit,
            factors=tuple(factors_t),
            emissions_by_gas=(
                {r["gas"]: compute.accounting.Amount(r["value"], r["unit"]) for r in reported} if reported else None
            ),
            data_quality=quality,
            source=source,
            density=compute._amount((fuel or {}).get("density")),
            ncv=compute._amount((fuel or {}).get("ncv")),
        )
        try:
            res = compute.accounting.compute_entry(engine, inventory.gwp_set, explain=explain, validate=explain)
        except compute.units.ClimateError as exc:
            raise compute.as_validation_error(exc) from None
        relinked = [f.pk for f in library] != [f.pk for f in old]
        new_by_gas = dict(res.by_gas_t)
        if not relinked and (by_gas, co2e) == (new_by_gas, res.co2e_t):  # same factors, same result
            continue
        touched.add(inv_id)
        stored[1], stored[2] = new_by_gas, res.co2e_t
        if inventory.is_frozen:
            continue
        if relinked or explain:
            key_pks = tuple(f.pk for f in library)
            if key_pks not in versions_json:
                versions_json[key_pks] = json.dumps(
                    [{"id": f.pk, "code": f.code, "version": f.version} for f in library]
                )
            conv = json.dumps([str(c) for c in res.conversions]) if explain else None
            full_writes.append((json.dumps(new_by_gas), res.co2e_t, versions_json[key_pks], conv, pk))
        else:
            value_writes.append((json.dumps(new_by_gas), res.co2e_t, pk))
        if relinked:
            relinks[pk] = library
    total_writes: list[tuple[int, dict]] = []
    for inv_id, stored_rows in per_inventory.items():
        inventory = by_pk[inv_id]
        if inv_id not in touched and codes is not None:
            continue
        totals = compute.totals_of_rows(stored_rows, inventory.gwp_set)
        changed = inv_id in touched or (
            inventory.total_basic,
            inventory.total_basic_plus,
            inventory.total_territorial,
        ) != (
            totals["basic"],
            totals["basic_plus"],
            totals["territorial_scope1"],
        )
        if inventory.is_frozen:
            if changed:
                result.frozen_would_change.append(inv_id)
            continue
        total_writes.append((inv_id, totals))
        inventory.totals = totals
        inventory.total_basic, inventory.total_basic_plus = totals["basic"], totals["basic_plus"]
        inventory.total_territorial = totals["territorial_scope1"]
        if changed:
            result.changed.append(inv_id)
    _write_results(full_writes, value_writes)
    if total_writes:
        _write_totals(total_writes)
    if relinks:
        _relink(through, relinks)
    return result


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


_EMPTY_TEXT = ("", "[]", "{}", "null")


def _gas_json(by_gas: dict[str, float]) -> str:
    """``json.dumps`` of tonnes by gas (gas codes are plain ASCII; floats in repr, as json writes finite ones)."""
    if all(math.isfinite(t) for t in by_gas.values()):
        return "{" + ", ".join([f'"{g}": {t!r}' for g, t in by_gas.items()]) + "}"
    return json.dumps(by_gas)


def _factor_change_batch(  # noqa: C901, PLR0912, PLR0915
    inventories: list[Inventory], *, current: dict[str, EmissionFactor] | None, codes: set[str]
) -> BatchResult | None:
    """``recompute_inventories_batch`` after a factor change whose units did not change (the worker's case): the
    entries and their factor links read as plain rows in two queries, the entries that use a factor of ``codes``
    computed by the engine in bulk (``accounting.activity_by_gas``, one plan per shape of entry), the changed ones
    written with one prepared UPDATE each (executemany), the links moved to the current versions with one UPDATE
    per superseded version, the totals of the inventories touched rewritten with one prepared UPDATE each.
    None when the batch needs the explaining path (a factor's units changed, or an affected entry is not plain
    activity × factors): the caller then takes it."""
    from django.db import connection

    accounting = compute.accounting
    by_pk = {inv.pk: inv for inv in inventories}
    ids = list(by_pk)
    quote = connection.ops.quote_name
    entry_table = quote(InventoryEntry._meta.db_table)
    through = InventoryEntry.factors.through
    link_table = quote(through._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    links: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.inventoryentry_id, l.emissionfactor_id FROM {link_table} l "
            f"JOIN {entry_table} e ON e.id = l.inventoryentry_id WHERE e.inventory_id IN ({marks}) ORDER BY l.id",
            ids,
        )
        for entry_id, factor_id in cursor.fetchall():
            links.setdefault(entry_id, []).append(factor_id)
        cursor.execute(
            "SELECT id, inventory_id, gpc_ref, notation_key, activity_value, activity_unit, own_factors, reported, "
            f"fuel_properties, by_gas, co2e FROM {entry_table} WHERE inventory_id IN ({marks})",
            ids,
        )
        rows = cursor.fetchall()
    factor_ids = {fid for fids in links.values() for fid in fids}
    factors = {f.pk: f for f in (current or {}).values() if f.pk in factor_ids}
    missing = factor_ids - set(factors)
    if missing:
        factors.update({f.pk: f for f in EmissionFactor.objects.filter(pk__in=missing)})
    if current is None:
        current = current_factors(f.code for f in factors.values())
    successor = {pk: current.get(f.code, f) for pk, f in factors.items()}
    for pk, new in successor.items():
        if new.pk != pk and factors[pk].code in codes and not _same_units(factors[pk], new):
            return None  # the units changed: the explaining path writes the new conversion text
    affected_ids = {pk for pk, f in factors.items() if f.code in codes}

    # one shape per (factors, unit, own factors, fuel properties): the engine's factor tuples, the versions JSON
    shapes: dict[tuple, tuple | None] = {}

    def shape_of(fids: list[int], unit: str, own: Any, fuel: Any, reported: Any, key: str) -> tuple | None:
        if not any(fid in affected_ids for fid in fids):
            return None
        if key or _json_text(reported) not in _EMPTY_TEXT:
            raise _NeedsExplainingPath
        own = json.loads(own) if isinstance(own, str) else own
        fuel = json.loads(fuel) if isinstance(fuel, str) else fuel
        library = [successor[fid] for fid in fids]
        engine_factors = tuple((f.gas, f.value, f"{f.unit}/{f.activity_unit}") for f in library) + tuple(
            (f["gas"], f["value"], f["unit"]) for f in own or ()
        )
        density, ncv = (fuel or {}).get("density"), (fuel or {}).get("ncv")
        relinked = [f.pk for f in library] != fids
        versions = json.dumps([{"id": f.pk, "code": f.code, "version": f.version} for f in library])
        density = (density["value"], density["unit"]) if density else None
        ncv = (ncv["value"], ncv["unit"]) if ncv else None
        try:
            plan = accounting.fast_plan(unit, density, ncv, engine_factors)
        except compute.units.ClimateError:
            raise _NeedsExplainingPath from None
        return (
            engine_factors,
            density,
            ncv,
            plan,
            relinked,
            versions,
            [(old, f.pk) for old, f in zip(fids, library, strict=True) if old != f.pk],
        )

    result = BatchResult()
    per_inventory: dict[int, list[list]] = {pk: [] for pk in by_pk}
    full_writes: list[tuple] = []
    value_writes: list[tuple] = []
    touched: set[int] = set()
    differs: set[int] = set()
    moved_pairs: set[tuple[int, int]] = set()
    other_moves: dict[tuple[int, int], list[int]] = {}
    planned_by_gas, fsum = accounting.planned_by_gas, math.fsum
    gwp_values = {inv.gwp_set: accounting.gwp_set(inv.gwp_set).values for inv in inventories}
    try:
        for pk, inv_id, ref, key, value, unit, own, reported, fuel, by_gas, co2e in rows:
            fids = links.get(pk)
            shape = None
            if fids:
                skey = (tuple(fids), unit, own, fuel, reported, key)
                try:
                    shape = shapes[skey]
                except KeyError:
                    shape = shapes[skey] = shape_of(fids, unit, own, fuel, reported, key)
                except TypeError:  # JSON decoded by the driver (unhashable): key on its text
                    skey = (tuple(fids), unit, _json_text(own), _json_text(fuel), _json_text(reported), key)
                    shape = shapes.get(skey) or shape_of(fids, unit, own, fuel, reported, key)
                    shapes[skey] = shape
            if shape is None:
                per_inventory[inv_id].append([ref, by_gas, co2e, key])
                continue
            inventory = by_pk[inv_id]
            if inv_id in differs and inventory.is_frozen:
                continue  # a published inventory already known to change: it is never written, nothing more to learn
            engine_factors, density, ncv, plan, relinked, versions, pairs = shape
            new = planned_by_gas(value, density, ncv, engine_factors, plan)
            gwp = gwp_values[inventory.gwp_set]
            new_co2e = fsum([t * gwp[g] for g, t in new.items()])  # as accounting.compute_entry sums it
            text = _gas_json(new)
            same = new_co2e == co2e and (
                text == by_gas or (json.loads(by_gas) if isinstance(by_gas, str) else by_gas) == new
            )
            per_inventory[inv_id].append([ref, new, new_co2e, key])
            if same and not relinked:
                continue
            touched.add(inv_id)
            if not same:
                differs.add(inv_id)
            if inventory.is_frozen:
                continue
            if relinked:
                full_writes.append((text, new_co2e, versions, None, pk))
                for pair in pairs:
                    if pair[0] in affected_ids:
                        moved_pairs.add(pair)  # every entry linked to it is affected: moved in one UPDATE
                    else:
                        other_moves.setdefault(pair, []).append(pk)  # an outdated factor of another code
            else:
                value_writes.append((text, new_co2e, pk))
    except _NeedsExplainingPath:
        return None
    total_writes: list[tuple[int, dict]] = []
    for inv_id in sorted(touched):
        inventory = by_pk[inv_id]
        stored = per_inventory[inv_id]
        for row in stored:
            if isinstance(row[1], str):
                row[1] = json.loads(row[1])
        totals = compute.totals_of_rows(stored, inventory.gwp_set)
        if inventory.is_frozen:
            if inv_id in differs:
                result.frozen_would_change.append(inv_id)
            continue
        total_writes.append((inv_id, totals))
        result.changed.append(inv_id)
    _write_results(full_writes, value_writes)
    if total_writes:
        _write_totals(total_writes)
    writable = [pk for pk, inv in by_pk.items() if not inv.is_frozen]
    if moved_pairs and writable:
        in_writable = ", ".join(["%s"] * len(writable))
        with connection.cursor() as cursor:
            for old_id, new_id in sorted(moved_pairs):
                cursor.execute(
                    f"UPDATE {link_table} SET emissionfactor_id = %s WHERE emissionfactor_id = %s AND "
                    f"inventoryentry_id IN (SELECT id FROM {entry_table} WHERE inventory_id IN ({in_writable}))",
                    [new_id, old_id, *writable],
                )
    if other_moves:
        with connection.cursor() as cursor:
            for (old_id, new_id), entry_ids in sorted(other_moves.items()):
                cursor.execute(
                    f"UPDATE {link_table} SET emissionfactor_id = %s WHERE emissionfactor_id = %s AND "
                    f"inventoryentry_id IN ({', '.join(['%s'] * len(entry_ids))})",
                    [new_id, old_id, *entry_ids],
                )
    return result


class _NeedsExplainingPath(Exception):
    pass


def _relink(through: Any, relinks: dict[int, list[EmissionFactor]]) -> None:
    """Point entries at the current factor versions: one DELETE, one prepared INSERT (no model instances)."""
    from django.db import connection

    through.objects.filter(inventoryentry_id__in=list(relinks)).delete()
    table = connection.ops.quote_name(through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (inventoryentry_id, emissionfactor_id) VALUES (%s, %s)",
            [(pk, f.pk) for pk, fs in relinks.items() for f in fs],
        )


# --------------------------------------------------------------------------- recompute runs


def _enqueue_recompute(run_id: int) -> None:
    from .tasks import recompute_inventories

    recompute_inventories.enqueue(run_id=run_id)


def inventories_using(factor: EmissionFactor):  # noqa: ANN201
    """Entered inventories with an entry computed with any version of ``factor``'s code, published ones included
    (a run lists those as "would change; publish a revision" and never writes them)."""
    codes = EmissionFactor.objects.filter(code=factor.code).values("pk")
    return Inventory.objects.filter(origin=Origin.ENTERED, entries__factors__in=codes).distinct()


def _run_inventories(factor: EmissionFactor | None):  # noqa: ANN202
    return inventories_using(factor) if factor else Inventory.objects.filter(origin=Origin.ENTERED)


def recompute_run_create(*, actor: User, factor: EmissionFactor | None = None) -> RecomputeRun:
    """Queue the recomputation of the inventories that use ``factor`` (every entered inventory when None); the
    worker computes it (tasks.recompute_inventories), the factor page shows its progress."""
    require(actor, "climate.recompute")
    with transaction.atomic():
        # the number of inventories is counted by the worker when it claims the run (counting them here, through
        # every entry's factor links, cost seconds in the request at the size)
        run = RecomputeRun.objects.create(factor=factor, created_by=actor, total=0)
        transaction.on_commit(partial(_enqueue_recompute, run.pk))
    run.refresh_from_db()
    return run


class LeaseLost(Exception):
    pass


class _Lease:
    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.renewed_at = timezone.now()

    def renew(self, done: int, changed: int) -> None:
        now = timezone.now()
        held = RecomputeRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING, lease_owner=self.owner)
        if now - self.renewed_at < RUN_LEASE_RENEW_EVERY:
            held.update(done=done, changed=changed)
            return
        if not held.update(done=done, changed=changed, lease_expires_at=now + RUN_LEASE):
            raise LeaseLost
        self.renewed_at = now


def _by_language(render: Callable[[], Iterable[object]]) -> dict[str, list[str]]:
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = [str(m) for m in render()]
    return out


def recompute_run_execute(*, run_id: int, batch: int = 500) -> RecomputeRun | None:
    """The worker's body: claim the run under a lease, recompute each inventory in its own transaction (progress in
    ``done``), then done; an error marks it failed with the message in every language."""
    with transaction.atomic():
        run = RecomputeRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.QUEUED:
            return run
        lease = _Lease(run_id)
        RecomputeRun.objects.filter(pk=run_id).update(
            status=RunStatus.RUNNING,
            started_at=lease.renewed_at,
            lease_owner=lease.owner,
            lease_expires_at=lease.renewed_at + RUN_LEASE,
        )
    factor = run.factor
    ids = list(_run_inventories(factor).order_by("pk").values_list("pk", flat=True))
    current = {f.code: f for f in EmissionFactor.objects.current()}
    codes = {factor.code} if factor else None
    versions = sorted(
        (
            {"id": f.pk, "code": f.code, "version": f.version}
            for f in current.values()
            if codes is None or f.code in codes
        ),
        key=lambda v: v["code"],
    )
    RecomputeRun.objects.filter(pk=run_id).update(total=len(ids), factor_versions=versions)
    through = RecomputeRun.inventories.through
    done = changed = 0
    frozen: list[int] = []
    try:
        for start in range(0, len(ids), batch):
            with transaction.atomic():
                chunk = list(
                    Inventory.objects.filter(pk__in=ids[start : start + batch])
                    .only("id", "status", "origin", "gwp_set", "total_basic", "total_basic_plus", "total_territorial")
                    .select_for_update()
                )
                out = recompute_inventories_batch(chunk, current=current, codes=codes)
                through.objects.bulk_create([through(recomputerun_id=run_id, inventory_id=pk) for pk in out.changed])
                changed += len(out.changed)
                frozen += out.frozen_would_change
                done += len(chunk)
            lease.renew(done, changed)
    except LeaseLost:
        logger.warning("recompute run %s: lease lost; abandoned", run_id)
        return RecomputeRun.objects.filter(pk=run_id).first()
    except Exception:
        logger.exception("recompute run %s failed", run_id)
        error = _by_language(
            lambda: [
                _("The recomputation stopped because of an unexpected error. Try again, or tell the program team.")
            ]
        )
        RecomputeRun.objects.filter(pk=run_id, lease_owner=lease.owner).update(
            status=RunStatus.FAILED, error=error, finished_at=timezone.now(), lease_expires_at=None, done=done
        )
        return RecomputeRun.objects.filter(pk=run_id).first()
    RecomputeRun.objects.filter(pk=run_id, lease_owner=lease.owner, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE,
        done=done,
        changed=changed,
        frozen_would_change=sorted(frozen),
        finished_at=timezone.now(),
        lease_expires_at=None,
    )
    return RecomputeRun.objects.filter(pk=run_id).first()


def recompute_runs_reap(*, now: datetime | None = None) -> int:
    """Mark failed the running recompute runs whose worker's lease expired (core.tasks stuck-work registry)."""
    now = now or timezone.now()
    error = _by_language(
        lambda: [
            _("The worker stopped before it finished (it no longer renewed its lease). Start the recomputation again.")
        ]
    )
    return RecomputeRun.objects.stuck(now).update(
        status=RunStatus.FAILED, error=error, finished_at=now, lease_expires_at=None
    )


# --------------------------------------------------------------------------- targets

TARGET_FIELDS = (
    "kind",
    "coverage",
    "base_year",
    "base_emissions_t",
    "target_year",
    "reduction_pct",
    "target_value",
    "base_population",
    "target_population",
    "base_gdp",
    "target_gdp",
    "gdp_unit",
    "milestones",
    "description",
)
SECTORS = ("I", "II", "III", "IV", "V")


def clean_target(data: dict) -> dict:
    errors = ErrorCollector()
    for name in sorted(set(data) - set(TARGET_FIELDS) - {"version", "city_id"}):
        errors.add(name, _("Unknown field."))
    c: dict[str, Any] = {}
    c["kind"] = _choice(data.get("kind"), "kind", errors, TargetKind.values)
    coverage = data.get("coverage") or []
    if not isinstance(coverage, list) or any(s not in SECTORS for s in coverage):
        errors.add("coverage", _("Select valid choices from the list."))
        coverage = []
    c["coverage"] = sorted(set(coverage), key=SECTORS.index)
    c["base_year"] = _year(data.get("base_year"), "base_year", errors, required=False)
    c["target_year"] = _year(data.get("target_year"), "target_year", errors)
    c["base_emissions_t"] = _number(data.get("base_emissions_t"), "base_emissions_t", errors, minimum=0)
    c["reduction_pct"] = _number(data.get("reduction_pct"), "reduction_pct", errors, minimum=0)
    if c["reduction_pct"] is not None and c["reduction_pct"] > 100:
        errors.add("reduction_pct", _("Ensure this value is less than or equal to %(limit)s.") % {"limit": 100})
    c["target_value"] = _number(data.get("target_value"), "target_value", errors, minimum=0)
    for name in ("base_population", "target_population"):
        value = _number(data.get(name), name, errors, minimum=1)
        c[name] = int(value) if value is not None else None
    c["base_gdp"] = _number(data.get("base_gdp"), "base_gdp", errors, minimum=0)
    c["target_gdp"] = _number(data.get("target_gdp"), "target_gdp", errors, minimum=0)
    c["gdp_unit"] = _text(data.get("gdp_unit"), "gdp_unit", errors, max_length=40)
    c["description"] = _text(data.get("description"), "description", errors)
    milestones = data.get("milestones") or []
    clean_ms = []
    if not isinstance(milestones, list) or len(milestones) > 20:
        errors.add("milestones", _("Give a list of milestones (year and reduction)."))
        milestones = []
    for i, m in enumerate(milestones):
        if not isinstance(m, dict):
            errors.add(f"milestones.{i}", _("Give a list of milestones (year and reduction)."))
            continue
        year = _year(m.get("year"), f"milestones.{i}.year", errors)
        pct = _number(m.get("reduction_pct"), f"milestones.{i}.reduction_pct", errors, required=True, minimum=0)
        if year and c["base_year"] and c["target_year"] and not c["base_year"] < year < c["target_year"]:
            errors.add(f"milestones.{i}.year", _("A milestone falls between the base year and the target year."))
        clean_ms.append({"year": year, "reduction_pct": pct})
    c["milestones"] = sorted(clean_ms, key=lambda m: m["year"] or 0)
    if c["base_year"] and c["target_year"] and c["target_year"] <= c["base_year"]:
        errors.add(
            "target_year", _("The target year must come after the base year (%(year)s).") % {"year": c["base_year"]}
        )
    errors.raise_if_any()
    return c


@transaction.atomic
def target_save(
    *, actor: Any, city: Any, data: dict, target: Target | None = None, expected_version: int | None = None
) -> Target:
    """Create or edit a city's target; its ambition figures are computed by the engine (ambition.py) and stored."""
    if target is not None:
        city = target.city
    require(actor, "climate.change_target", city)
    if target is not None:
        claim_version(target, expected_version)
    clean = clean_target(data)
    target = target or Target(city=city, created_by=actor)
    for name, value in clean.items():
        setattr(target, name, value)
    target.ambition = compute.target_ambition(target)
    target.save()
    return target


@transaction.atomic
def target_delete(*, actor: User, target: Target) -> None:
    require(actor, "climate.change_target", target.city)
    target.delete()
