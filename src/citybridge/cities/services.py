"""Every write in the cities app: import, expressions of interest, candidate pool, selection runs.

Keyword-only arguments; validate, check permission, run in a transaction (history is recorded by
django-simple-history on the models registered in translation.py).
"""

from __future__ import annotations

import logging
import math
import os
import socket
import time
import uuid
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citybridge.core.concurrency import claim_version
from citybridge.core.rows import date_text
from citybridge.core.services import require
from citybridge.core.validation import check_dates

from . import importer, selection
from .messages import conflict_message, error_message
from .models import (
    PAIR_START_AHEAD,
    RUN_LEASE,
    RUN_LEASE_RENEW_EVERY,
    CandidateCity,
    City,
    CityPair,
    ClimateZone,
    DataAvailable,
    ExpressionOfInterest,
    ImportRecord,
    IndicatorDefinition,
    IndicatorValue,
    InterestStatus,
    RunStatus,
    SelectionRun,
    SizeClass,
)

if TYPE_CHECKING:
    from datetime import date, datetime
    from typing import TextIO

    from citybridge.core.models import User


logger = logging.getLogger(__name__)

GROUPS = ("CA", "CN")
MAX_TEXT = 5000
MAX_PERTURBATIONS = 500


# --------------------------------------------------------------------------- import


def cities_import(*, actor: User, stdout: TextIO | None = None) -> importer.ImportReport:
    """Import the registry and every bundled dataset on behalf of ``actor`` (permission cities.import_registry):
    all rows or none; safe to run again."""
    require(actor, "cities.import_registry")
    return _import_registry(stdout=stdout)


@transaction.atomic
def _import_registry(*, stdout: TextIO | None = None) -> importer.ImportReport:
    """The import itself, with no permission check: for the console (`citybridge import cities`, whose operator
    already holds the server) and the demo loader only; anything reachable from a request calls cities_import.
    Always runs in full, and records the fingerprint of what it imported."""
    report = importer.import_all(stdout=stdout)
    ImportRecord.objects.update_or_create(
        name=importer.FINGERPRINT_NAME, defaults={"fingerprint": importer.fingerprint()}
    )
    return report


def _import_registry_if_changed(*, stdout: TextIO | None = None) -> importer.ImportReport | None:
    """The demo's import (no permission check, like _import_registry): skipped (None) when the recorded fingerprint
    matches the bundled files, code and package versions and the registry is there; otherwise a full import."""
    record = ImportRecord.objects.filter(name=importer.FINGERPRINT_NAME).first()
    if (
        record
        and record.fingerprint == importer.fingerprint()
        and City.objects.filter(geonames_id__isnull=False).exists()
    ):
        return None
    return _import_registry(stdout=stdout)


# --------------------------------------------------------------------------- expressions of interest


def _clean_text(value: Any, field: str, *, required: bool, max_length: int) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Enter text.")})
    value = value.strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("Ensure this value has at most %(max)s characters.") % {"max": max_length}})
    return value


@transaction.atomic
def expression_of_interest_submit(
    *,
    actor: User,
    city: City,
    contact_name: str,
    contact_email: str,
    motivation: str,
    existing_plans: str = "",
    data_available: list[str] | None = None,
) -> ExpressionOfInterest:
    require(actor, "cities.submit_interest", city)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, required, max_length, raw in (
        ("contact_name", True, 200, contact_name),
        ("contact_email", True, 254, contact_email),
        ("motivation", True, MAX_TEXT, motivation),
        ("existing_plans", False, MAX_TEXT, existing_plans),
    ):
        try:
            values[field] = _clean_text(raw, field, required=required, max_length=max_length)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if "contact_email" not in errors:
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            errors["contact_email"] = _("Enter a valid e-mail address.")
    data = data_available or []
    if not isinstance(data, list) or any(d not in DataAvailable.values for d in data):
        errors["data_available"] = _("Select valid choices from the list.")
    if errors:
        raise ValidationError(errors)
    if ExpressionOfInterest.objects.filter(city=city, status=InterestStatus.SUBMITTED).exists():
        raise ValidationError({"city": _("This city already has an expression of interest waiting for review.")})
    eoi = ExpressionOfInterest.objects.create(city=city, submitted_by=actor, data_available=sorted(set(data)), **values)
    return eoi


@transaction.atomic
def expression_of_interest_review(*, actor: User, interest: ExpressionOfInterest, status: str) -> ExpressionOfInterest:
    """Staff accept (the city joins the candidate pool) or mark withdrawn."""
    require(actor, "cities.review_interest", interest)
    if status not in (InterestStatus.ACCEPTED, InterestStatus.WITHDRAWN):
        raise ValidationError({"status": _("Select a valid choice.")})
    interest.status = status
    interest.save(update_fields=["status"])
    if status == InterestStatus.ACCEPTED:
        CandidateCity.objects.get_or_create(
            city=interest.city, defaults={"origin": CandidateCity.Origin.APPLIED, "added_by": actor}
        )
    return interest


@transaction.atomic
def candidate_add(*, actor: User, city: City) -> CandidateCity:
    require(actor, "cities.manage_pool")
    candidate, _created = CandidateCity.objects.get_or_create(
        city=city, defaults={"origin": CandidateCity.Origin.STAFF, "added_by": actor}
    )
    return candidate


@transaction.atomic
def candidate_remove(*, actor: User, city: City) -> None:
    require(actor, "cities.manage_pool")
    CandidateCity.objects.filter(city=city).delete()


# --------------------------------------------------------------------------- selection runs


def _int(value: Any, field: str, *, minimum: int = 0, maximum: int = 10_000, allow_none: bool = False) -> int | None:
    if value in (None, "") and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError({field: _("Enter a whole number.")})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a whole number.")})
    if number < minimum:
        raise ValidationError({field: _("Ensure this value is at least %(limit)s.") % {"limit": minimum}})
    if number > maximum:
        raise ValidationError({field: _("Ensure this value is at most %(limit)s.") % {"limit": maximum}})
    return number


def clean_parameters(raw: dict) -> dict:
    """Validate and normalise the parameters of a run (the form and the API both come through here)."""
    p: dict[str, Any] = {}
    pool = raw.get("pool", "candidates")
    if pool not in ("candidates", "all"):
        raise ValidationError({"pool": _("Select a valid choice.")})
    p["pool"] = pool
    criteria = raw.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        raise ValidationError({"criteria": _("Choose at least one criterion.")})
    known = {d.code: d for d in IndicatorDefinition.objects.all()}
    clean = []
    for i, c in enumerate(criteria):
        if not isinstance(c, dict) or c.get("code") not in known:
            raise ValidationError({f"criteria.{i}": _("Unknown indicator.")})
        weight = c.get("weight")
        if isinstance(weight, bool):
            raise ValidationError({f"criteria.{i}": _("Enter a number.")})
        try:
            weight = float(weight)
        except (TypeError, ValueError):
            raise ValidationError({f"criteria.{i}": _("Enter a number.")})
        if not math.isfinite(weight):
            raise ValidationError({f"criteria.{i}": _("Enter a number.")})
        if weight < 0:
            raise ValidationError(
                {
                    f"criteria.{i}": error_message(
                        "negative_weight", {"criterion": known[c["code"]].display_name(), "weight": weight}
                    )
                }
            )
        hib = c.get("higher_is_better", known[c["code"]].higher_is_better)
        if not isinstance(hib, bool):
            raise ValidationError({f"criteria.{i}": _("Enter true or false.")})
        clean.append({"code": c["code"], "weight": weight, "higher_is_better": hib})
    p["criteria"] = clean
    normalisation = raw.get("normalisation", "minmax")
    if normalisation not in selection.NORMALISATIONS:
        raise ValidationError({"normalisation": _("Select a valid choice.")})
    p["normalisation"] = normalisation
    missing = raw.get("missing", "exclude")
    if missing not in selection.MISSING_POLICIES:
        raise ValidationError({"missing": _("Select a valid choice.")})
    p["missing"] = missing
    p["min_reporting"] = _int(raw.get("min_reporting", 0) or 0, "min_reporting", maximum=500)
    counts = raw.get("counts", {"CA": 10, "CN": 10})
    if not isinstance(counts, dict) or set(counts) - set(GROUPS):
        raise ValidationError({"counts": _("Give the number of California and Chinese cities.")})
    p["counts"] = {g: _int(counts.get(g, 0), f"counts.{g}", maximum=500) for g in GROUPS}
    if sum(p["counts"].values()) == 0:
        raise ValidationError({"counts": _("Select at least one city.")})
    p["max_per_province_cn"] = _int(
        raw.get("max_per_province_cn"), "max_per_province_cn", minimum=1, maximum=500, allow_none=True
    )
    bounds = []
    for i, b in enumerate(raw.get("bounds") or []):
        if not isinstance(b, dict):
            raise ValidationError({f"bounds.{i}": _("Enter a valid value.")})
        attribute = b.get("attribute")
        choices = {"size_class": SizeClass.values, "climate_zone": ClimateZone.values}.get(attribute)
        if choices is None or b.get("value") not in choices:
            raise ValidationError({f"bounds.{i}": _("Select a valid choice.")})
        group = b.get("group") or None
        if group not in (None, *GROUPS):
            raise ValidationError({f"bounds.{i}": _("Select a valid choice.")})
        lo = _int(b.get("min"), f"bounds.{i}.min", maximum=500, allow_none=True)
        hi = _int(b.get("max"), f"bounds.{i}.max", maximum=500, allow_none=True)
        if lo is None and hi is None:
            continue
        bounds.append({"attribute": attribute, "value": b["value"], "group": group, "min": lo, "max": hi})
    p["bounds"] = bounds
    for key in ("must_include", "must_exclude"):
        ids = raw.get(key) or []
        if not isinstance(ids, list):
            raise ValidationError({key: _("Enter a list.")})
        p[key] = sorted({_int(x, key, minimum=1, maximum=2**31) for x in ids})
    p["perturbations"] = _int(raw.get("perturbations", 200), "perturbations", maximum=MAX_PERTURBATIONS)
    p["seed"] = _int(raw.get("seed", 0), "seed", maximum=2**31)
    return p


def _pool_cities(pool: str) -> list[City]:
    qs = City.objects.listed().filter(country__in=("US", "CN"))
    if pool == "candidates":
        qs = qs.filter(candidacy__isnull=False)
    return list(
        qs.only(
            "id", "name_en", "name_zh_hans", "country", "province_en", "province_zh_hans", "size_class", "climate_zone"
        )
    )


def build_request(params: dict) -> tuple[selection.SelectionRequest, dict[str, dict]]:
    cities = _pool_cities(params["pool"])
    codes = [c["code"] for c in params["criteria"]]
    latest: dict[tuple[int, str], tuple[int, float]] = {}
    ids = [c.pk for c in cities]
    rows = IndicatorValue.objects.filter(indicator__code__in=codes)
    if params["pool"] == "candidates":
        rows = rows.filter(city_id__in=ids)
    for city_id, code, year, value in rows.values_list("city_id", "indicator__code", "year", "value"):
        key = (city_id, code)
        y = year or 0
        if key not in latest or y > latest[key][0]:
            latest[key] = (y, value)
    candidates = []
    labels: dict[str, dict] = {}
    for c in cities:
        candidates.append(
            selection.Candidate(
                id=str(c.pk),
                group=c.group,
                values={code: (latest[(c.pk, code)][1] if (c.pk, code) in latest else None) for code in codes},
                province=c.province_en or "",
                size_class=c.size_class,
                climate_zone=c.climate_zone,
                label=c.name_en or "",
            )
        )
        labels[str(c.pk)] = {
            "en": c.display_name("en"),
            "zh": c.display_name("zh-hans"),
            "province_en": c.province_en or "",
            "province_zh": c.province_zh_hans or "",
        }
    bounds = tuple(
        selection.AttributeBound(b["attribute"], b["value"], b["min"], b["max"], b["group"]) for b in params["bounds"]
    )
    cons = selection.Constraints(
        counts=params["counts"],
        max_per_province={"CN": params["max_per_province_cn"]} if params["max_per_province_cn"] else None,
        bounds=bounds,
        must_include=frozenset(str(i) for i in params["must_include"]),
        must_exclude=frozenset(str(i) for i in params["must_exclude"]),
    )
    crit = [selection.Criterion(c["code"], c["weight"], c["higher_is_better"]) for c in params["criteria"]]
    return selection.SelectionRequest(
        candidates,
        crit,
        cons,
        normalisation=params["normalisation"],
        missing=params["missing"],
        perturbations=params["perturbations"],
        seed=params["seed"],
        min_reporting=params.get("min_reporting", 0),
    ), labels


def _label_map(labels: dict[str, dict]) -> dict[str, str]:
    from citybridge.core.models import is_chinese

    key = "zh" if is_chinese() else "en"
    return {k: v[key] for k, v in labels.items()}


class SelectionFailed(Exception):
    """A run cannot be computed. ``render()`` gives the messages in the active language, so a background
    task can store them in every language and a request can show them in the user's."""

    def __init__(self, render: Callable[[], list[str]], *, infeasible: bool = True) -> None:
        super().__init__("selection failed")
        self.render = render
        self.infeasible = infeasible

    def by_language(self) -> dict[str, list[str]]:
        out = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                out[code] = [str(m) for m in self.render()]
        return out

    def validation_error(self) -> ValidationError:
        return ValidationError({"__all__": self.render()})


def _error_failure(exc: selection.SelectionError, params: dict, labels: dict[str, dict]) -> SelectionFailed:
    defs = list(IndicatorDefinition.objects.filter(code__in=[c["code"] for c in params["criteria"]]))

    def render() -> list[str]:
        shown = dict(exc.params)
        if "criterion" in shown:
            names = {d.code: d.display_name() for d in defs}
            shown["criterion"] = names.get(shown["criterion"], shown["criterion"])
        return [error_message(exc.code, shown, _label_map(labels))]

    return SelectionFailed(render, infeasible=False)


def _conflict_failure(conflicts: list[selection.Conflict], labels: dict[str, dict]) -> SelectionFailed:
    def render() -> list[str]:
        return [_("The constraints cannot all be met.")] + [
            conflict_message(c.code, c.params, c.constraints, _label_map(labels)) for c in conflicts
        ]

    return SelectionFailed(render)


def precheck_selection(params: dict) -> None:
    """Refuse at once, before anything is saved, what can be seen without solving: malformed input and the
    conflicts counting arguments prove. Raise ValidationError (translated)."""
    request, labels = build_request(params)
    try:
        conflicts = selection.precheck(request)
    except selection.SelectionError as exc:
        raise _error_failure(exc, params, labels).validation_error()
    if conflicts:
        raise _conflict_failure(conflicts, labels).validation_error()


def _solve(params: dict, progress: selection.Progress | None = None) -> dict:
    """Run the engine for clean parameters; raise SelectionFailed on bad input or infeasibility."""
    request, labels = build_request(params)
    t0 = time.perf_counter()
    try:
        result = selection.select_cohort(request, progress=progress or (lambda: None))
    except selection.SelectionError as exc:
        raise _error_failure(exc, params, labels)
    if not result.feasible:
        raise _conflict_failure(result.conflicts, labels)
    data = result.to_dict()
    data["labels"] = {cid: labels[cid] for cid in set(data["scores"]) & set(labels)}
    # keep the stored result small: scores of the selected, runners-up and robustness-tracked cities only
    keep = set(data["selected"]) | {r["id"] for r in data["runners_up"]} | set(data["robustness"])
    data["pool_size"] = len(request.candidates)
    data["scored_count"] = len(data["scores"])
    data["scores"] = {k: v for k, v in data["scores"].items() if k in keep}
    data["labels"] = {k: v for k, v in data["labels"].items() if k in keep}
    data["seconds"] = time.perf_counter() - t0
    return data


def _enqueue(run_id: int) -> None:
    from .tasks import run_selection

    run_selection.enqueue(run_id=run_id)


def selection_run_create(
    *, actor: User, name: str, parameters: dict, notes: str = "", background: bool = True
) -> SelectionRun:
    """Validate, save the run as "queued" and hand it to the background task once the transaction commits.
    Bad input and conflicts a counting argument proves are refused at once (ValidationError) and nothing is
    saved. ``background=False`` computes it here instead (the demo loader)."""
    require(actor, "cities.run_selection")
    name = _clean_text(name, "name", required=True, max_length=200)
    notes = _clean_text(notes, "notes", required=False, max_length=MAX_TEXT)
    params = clean_parameters(parameters)
    precheck_selection(params)
    with transaction.atomic():
        run = SelectionRun.objects.create(
            name=name, created_by=actor, parameters=params, notes=notes, status=RunStatus.QUEUED
        )
        if background:
            transaction.on_commit(partial(_enqueue, run.pk))
    if not background:
        return selection_run_execute(run_id=run.pk)
    run.refresh_from_db()  # an immediate task backend may already have finished it
    return run


class LeaseLost(Exception):
    """This worker's claim on a run was taken away (it expired and the run was reaped): stop computing it."""


class _Lease:
    """A worker's claim on a running run: it expires at ``lease_expires_at`` unless renewed. ``renew`` is the
    engine's progress callback: at most every RUN_LEASE_RENEW_EVERY it pushes the expiry forward (a plain UPDATE,
    so renewals do not fill the run's history) and raises LeaseLost when the run is no longer ours."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.renewed_at = timezone.now()

    def expiry(self, now: datetime) -> datetime:
        return now + RUN_LEASE

    def renew(self) -> None:
        now = timezone.now()
        if now - self.renewed_at < RUN_LEASE_RENEW_EVERY:
            return
        held = SelectionRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING, lease_owner=self.owner).update(
            lease_expires_at=self.expiry(now)
        )
        if not held:
            raise LeaseLost
        self.renewed_at = now


def _claim(run_id: int) -> tuple[SelectionRun | None, _Lease | None]:
    """queued → running, with a lease for this worker; (run, None) when the run is not queued."""
    with transaction.atomic():
        run = SelectionRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.QUEUED:
            return run, None
        lease = _Lease(run_id)
        run.status, run.started_at = RunStatus.RUNNING, lease.renewed_at
        run.lease_owner, run.lease_expires_at = lease.owner, lease.expiry(lease.renewed_at)
        run.save(update_fields=["status", "started_at", "lease_owner", "lease_expires_at"])
    return run, lease


def _finish(run: SelectionRun, lease: _Lease) -> SelectionRun:
    """Store the outcome, unless the lease was lost meanwhile (the run was reaped: its stored state stays)."""
    with transaction.atomic():
        current = SelectionRun.objects.select_for_update().filter(pk=run.pk).first()
        if current is None or current.status != RunStatus.RUNNING or current.lease_owner != lease.owner:
            logger.warning("selection run %s: lease lost before it finished; result dropped", run.pk)
            return current
        run.finished_at, run.lease_expires_at = timezone.now(), None
        run.save(update_fields=["status", "result", "feasible", "error", "finished_at", "lease_expires_at"])
    return run


def selection_run_execute(*, run_id: int) -> SelectionRun | None:
    """The background task's body: "queued" → "running" (with a lease, renewed while the engine works) →
    "done" (result) or "failed" (error in every language). A run that is not queued (already taken, or
    deleted) is left alone; a run whose lease was taken away (reaped as stuck) is abandoned."""
    run, lease = _claim(run_id)
    if lease is None:
        return run
    try:
        run.result = _solve(run.parameters, progress=lease.renew)
    except LeaseLost:
        logger.warning("selection run %s: lease lost while computing; abandoned", run_id)
        return SelectionRun.objects.filter(pk=run_id).first()
    except SelectionFailed as exc:
        run.status, run.feasible, run.error = RunStatus.FAILED, (False if exc.infeasible else None), exc.by_language()
    except Exception:
        logger.exception("selection run %s failed", run_id)
        failure = SelectionFailed(
            lambda: [
                _(
                    "The selection could not be computed because of an unexpected "
                    "error. Try again, or tell the program team."
                )
            ],
            infeasible=False,
        )
        run.status, run.feasible, run.error = RunStatus.FAILED, None, failure.by_language()
    else:
        run.status, run.feasible, run.error = RunStatus.DONE, True, {}
    return _finish(run, lease)


def _stuck_failure() -> SelectionFailed:
    return SelectionFailed(
        lambda: [
            _(
                "The worker computing this selection stopped before it finished (it no "
                "longer renewed its lease). Re-run it with the same parameters."
            )
        ],
        infeasible=False,
    )


def selection_runs_reap(*, now: datetime | None = None, run_id: int | None = None) -> int:
    """Mark failed every running run whose worker's lease has expired (the worker died or hung), with a
    reason in every language, so it can be re-run. Called by the worker when it starts and periodically
    (core.tasks.reap_stuck_work), and for one run before it is re-run. Returns how many were marked."""
    now = now or timezone.now()
    stuck = SelectionRun.objects.stuck(now)
    if run_id is not None:
        stuck = stuck.filter(pk=run_id)
    error = _stuck_failure().by_language()
    reaped = 0
    for pk in list(stuck.values_list("pk", flat=True)):
        with transaction.atomic():
            run = SelectionRun.objects.stuck(now).select_for_update().filter(pk=pk).first()
            if run is None:  # renewed or finished meanwhile
                continue
            logger.warning(
                "selection run %s: lease of %s expired at %s; marked failed",
                run.pk,
                run.lease_owner or "?",
                run.lease_expires_at,
            )
            run.status, run.feasible, run.error, run.finished_at = RunStatus.FAILED, None, error, now
            run.lease_expires_at = None
            run.save(update_fields=["status", "feasible", "error", "finished_at", "lease_expires_at"])
            reaped += 1
    return reaped


def selection_run_rerun(*, actor: User, run: SelectionRun) -> SelectionRun:
    """Recompute a saved run from its stored parameters (same seed): the result is reproduced on the current data."""
    require(actor, "cities.run_selection")
    selection_runs_reap(run_id=run.pk)  # a stuck original is marked failed now, not left "running"
    name = _("%(name)s (re-run)") % {"name": run.name}
    return selection_run_create(actor=actor, name=name[:200], parameters=run.parameters, notes=run.notes)


@transaction.atomic
def selection_run_delete(*, actor: User, run: SelectionRun) -> None:
    require(actor, "cities.run_selection")
    run.delete()


def ensure_staff(actor: User) -> None:
    if not actor.has_perm("cities.run_selection"):
        raise PermissionDenied(_("You do not have permission to do this."))


# --------------------------------------------------------------------------- paired cities

MAX_PAIR_NOTE = 500


def _already_paired(city: City, pair: CityPair) -> str:
    return _("%(city)s is already paired with %(other)s since %(date)s; end that pair first.") % {
        "city": city.display_name(),
        "other": pair.partner_of(city).display_name(),
        "date": date_text(pair.started_on),
    }


def _dates_ok(*, errors: dict[str, str], **dates: date) -> bool:
    try:
        check_dates(**dates)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        return False
    return True


def _pair_errors(*, us_city: City | None, cn_city: City | None, started_on: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if us_city is None:
        errors["us_city"] = _("Search for a city by name and choose it.")
    elif us_city.country != "US":
        errors["us_city"] = _("Choose a California city: a pair joins one city in California and one in China.")
    if cn_city is None:
        errors["cn_city"] = _("Search for a city by name and choose it.")
    elif cn_city.country != "CN":
        errors["cn_city"] = _("Choose a Chinese city: a pair joins one city in California and one in China.")
    if started_on is None:
        errors["started_on"] = _("This field is required.")
    elif not _dates_ok(started_on=started_on, errors=errors):
        pass
    elif started_on > timezone.localdate() + PAIR_START_AHEAD:
        errors["started_on"] = _("A pair cannot start more than a year from today.")
    for field, city in (("us_city", us_city), ("cn_city", cn_city)):
        if field in errors or city is None:
            continue
        current = CityPair.objects.active().filter(**{field: city}).select_related("us_city", "cn_city").first()
        if current is not None:
            errors[field] = _already_paired(city, current)
    return errors


def city_pair_create(
    *,
    actor: User,
    us_city: City | None,
    cn_city: City | None,
    started_on: date | None,
    note_en: str = "",
    note_zh_hans: str = "",
) -> CityPair:
    """Pair a California city with a Chinese city (permission cities.manage_pairs). Refused with a message per
    field: a city on the wrong side, a city already in an active pair, a start more than a year ahead."""
    require(actor, "cities.manage_pairs")
    errors: dict[str, str] = {}
    notes: dict[str, str] = {}
    for field, raw in (("note_en", note_en), ("note_zh_hans", note_zh_hans)):
        try:
            notes[field] = _clean_text(raw, field, required=False, max_length=MAX_PAIR_NOTE)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    with transaction.atomic():
        errors.update(_pair_errors(us_city=us_city, cn_city=cn_city, started_on=started_on))
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():  # a pair saved meanwhile by someone else: the constraint answers
                return CityPair.objects.create(
                    us_city=us_city, cn_city=cn_city, started_on=started_on, created_by=actor, **notes
                )
        except IntegrityError:
            errors = _pair_errors(us_city=us_city, cn_city=cn_city, started_on=started_on)
            raise ValidationError(errors or {"__all__": _("One of these cities was just paired; reload the page.")})


@transaction.atomic
def city_pair_end(*, actor: User, pair: CityPair, ended_on: date | None, expected_version: int | None) -> CityPair:
    """End an active pair (permission cities.manage_pairs); it stays in the list as history. ``expected_version``
    is the version the user saw: a pair changed meanwhile is refused (StaleEdit)."""
    require(actor, "cities.manage_pairs", pair)
    claim_version(pair, expected_version)
    pair.refresh_from_db()
    if pair.ended_on is not None:
        raise ValidationError({"__all__": _("This pair has already ended.")})
    if ended_on is None:
        raise ValidationError({"ended_on": _("This field is required.")})
    errors: dict[str, str] = {}
    if not _dates_ok(ended_on=ended_on, errors=errors):
        raise ValidationError(errors)
    if ended_on < pair.started_on:
        raise ValidationError(
            {"ended_on": _("A pair cannot end before it started (%(date)s).") % {"date": date_text(pair.started_on)}}
        )
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The end date cannot be in the future.")})
    pair.ended_on = ended_on
    pair.save(update_fields=["ended_on"])
    return pair
