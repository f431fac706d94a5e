"""The per-official per-year compliance summary (TrainingSummary) and preparing a calendar year.

``compliance_refresh`` and ``compliance_prepare_year`` are helpers: they check no permission and are called by the
services that changed what a summary depends on (after their own check), by tasks and by management commands --
never from a request directly. A request asks for a year through ``training_year_request`` (actor checked)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import compliance as comp
from ..compliance_data import compliance_inputs, compliance_rules
from ..models import OfficialProfile, TrainingSummary, TrainingYear

if TYPE_CHECKING:
    from citybridge.core.models import User

__all__ = [
    "compliance_inputs",
    "compliance_prepare_year",
    "compliance_refresh",
    "training_year_request",
    "preparable_years",
]

_FIELDS = [
    "academy_days",
    "external_days",
    "total_days",
    "required_days",
    "shortfall",
    "window_start",
    "window_end",
    "window_days",
    "window_required",
    "window_gap",
    "behind_days",
    "detail",
]


def _sources(dates: Iterable[date], sources: dict[date, tuple[str, int | None]]) -> dict:
    courses: Counter = Counter()
    external: Counter = Counter()
    for d in dates:
        kind, ref = sources.get(d, ("course", None))
        (courses if kind == "course" else external)[str(ref)] += 1
    return {"courses": dict(courses), "external": dict(external)}


def summary_values(
    year: int,
    inp: comp.OfficialInput,
    rules: comp.ComplianceRules,
    credited: list[date] | None = None,
    dates: list[date] | None = None,
    sources: dict | None = None,
) -> dict:
    """The stored figures of one official in one year (the engine's, nothing added)."""
    if credited is None:
        credited = comp.credited_days(inp.marks, rules.day_rule)
    if dates is None:
        dates = comp.all_training_dates(credited, inp.external, rules)
    yc = comp.year_compliance(year, credited, inp.external, rules, service_start=inp.service_start)
    ws = comp.window_standing(inp.service_start, year, dates, rules)
    values = dict(
        academy_days=yc.academy_days,
        external_days=yc.external_days,
        total_days=yc.total,
        required_days=yc.required,
        shortfall=yc.shortfall,
        window_start=ws.window.start if ws else None,
        window_end=ws.window.end if ws else None,
        window_days=ws.days if ws else 0,
        window_required=ws.required if ws else 0,
        window_gap=ws.gap if ws else 0,
        behind_days=yc.shortfall + (ws.gap if ws else 0),
    )
    detail = {}
    if dates:
        if sources is None:
            sources = comp.day_sources(inp.marks, inp.external, rules)
        year_dates = [d for d in dates if d.year == year]
        if year_dates:
            detail["year"] = _sources(year_dates, sources)
        if ws and ws.days:
            detail["window"] = _sources(
                [d for d in dates if ws.window.start <= d < ws.window.end and d.year <= year], sources
            )
    values["detail"] = detail
    return values


def _zero_values(year: int, service_start: date | None, rules: comp.ComplianceRules) -> dict:
    return summary_values(year, comp.OfficialInput(0, service_start), rules, [], [], {})


def _required(year: int, service_start: date | None) -> bool:
    return comp.required_in_year(year, service_start, comp.ComplianceRules(annual_required_days=1)) > 0


def compliance_refresh(
    *, official_ids: Iterable[int], years: Iterable[int] | None = None, only_years: bool = False
) -> None:
    """Recompute the stored per-year summaries of these officials (a helper: the calling service checked the actor).

    A row exists for every year the official is required to train in (from the year service began) that is
    prepared, given (a write touched it) or has a training day; rows of other years -- a year before a corrected
    service start -- are deleted, and existing rows are brought up to date, so a removed mark can take a year back to
    zero. ``only_years``: compute and write the years given and nothing else (preparing a year)."""
    ids = list(dict.fromkeys(official_ids))
    if not ids:
        return
    rules = compliance_rules()
    prepared = set() if only_years else set(TrainingYear.objects.values_list("year", flat=True))
    given = set(years or ())
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        inputs = compliance_inputs(chunk)
        rows = TrainingSummary.objects.filter(official_id__in=chunk)
        existing = {(s.official_id, s.year): s for s in (rows.filter(year__in=given) if only_years else rows)}
        existing_years: dict[int, set[int]] = defaultdict(set)
        for off, y in existing:
            existing_years[off].add(y)
        create, update, delete = [], [], []
        for off, inp in inputs.items():
            credited = comp.credited_days(inp.marks, rules.day_rule)
            dates = comp.all_training_dates(credited, inp.external, rules)
            sources = comp.day_sources(inp.marks, inp.external, rules) if dates else {}
            trained_years = set() if only_years else {d.year for d in dates}
            for y in sorted(prepared | given | trained_years | existing_years[off]):
                row = existing.get((off, y))
                if not _required(y, inp.service_start):
                    if row is not None:
                        delete.append(row.pk)
                    continue
                values = summary_values(y, inp, rules, credited, dates, sources)
                if row is None:
                    create.append(TrainingSummary(official_id=off, year=y, **values))
                elif any(getattr(row, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(row, k, v)
                    update.append(row)
        TrainingSummary.objects.filter(pk__in=delete).delete()
        TrainingSummary.objects.bulk_create(create, batch_size=1000)
        TrainingSummary.objects.bulk_update(update, [*_FIELDS, "updated_at"], batch_size=1000)


def _add_prepared_years(profiles: list[OfficialProfile]) -> None:
    """Zero rows in the prepared years for officials just created (they have no training yet)."""
    prepared = list(TrainingYear.objects.values_list("year", flat=True))
    if not prepared or not profiles:
        return
    rules = compliance_rules()
    rows = [
        TrainingSummary(official_id=p.pk, year=y, **_zero_values(y, p.service_start, rules))
        for p in profiles
        for y in prepared
        if _required(y, p.service_start)
    ]
    TrainingSummary.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def preparable_years(today: date | None = None) -> range:
    """The years a user may ask to prepare: from 1990 to next year."""
    today = today or timezone.localdate()
    return range(1990, today.year + 2)


@transaction.atomic
def compliance_prepare_year(*, year: int) -> int:
    """Give every official serving in ``year`` a summary row so "who is behind" can sort on stored rows (a helper
    for the task and the command; no permission check). Officials with training in other years are recomputed
    (their window has days); the others get a zero row. Idempotent; returns the number of rows added."""
    if TrainingYear.objects.filter(year=year).exists():
        return 0
    rules = compliance_rules()
    have = set(TrainingSummary.objects.filter(year=year).values_list("official_id", flat=True))
    trained = set(TrainingSummary.objects.filter(total_days__gt=0).values_list("official_id", flat=True).distinct())
    qs = OfficialProfile.objects.filter(Q(service_start__isnull=True) | Q(service_start__lte=date(year, 12, 31)))
    rows, refresh = [], []
    zero: dict[date | None, dict] = {}  # the zero figures depend only on the service start
    for pk, start in qs.values_list("pk", "service_start").iterator(chunk_size=5000):
        if pk in have:
            continue
        if pk in trained:
            refresh.append(pk)
        else:
            if start not in zero:
                zero[start] = _zero_values(year, start, rules)
            rows.append(TrainingSummary(official_id=pk, year=year, **zero[start]))
    TrainingSummary.objects.bulk_create(rows, batch_size=2000)
    compliance_refresh(official_ids=refresh, years=[year], only_years=True)
    TrainingYear.objects.create(year=year)
    return len(rows) + len(refresh)


def _enqueue_prepare(year: int) -> None:
    from ..tasks import prepare_training_year

    prepare_training_year.enqueue(year=year)


def training_year_request(*, actor: User, year: int) -> None:
    """Program staff ask for a year to be prepared: validated here, done by the background task after commit."""
    if actor is None or not getattr(actor, "is_program_staff", False):
        raise PermissionDenied(_("You do not have permission to do this."))
    if year not in preparable_years():
        raise ValidationError(_("Only the years from 1990 to next year can be prepared."))
    transaction.on_commit(partial(_enqueue_prepare, year))
