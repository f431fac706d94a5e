"""Climate collaborative (issue #10): emission factors, GPC inventories, targets, recompute runs, review requests.

The arithmetic lives in the plain-Python engines beside this file (gpc.py, units.py, accounting.py, ambition.py);
these tables store their inputs and, on the inventory and its entries, their results with the factor versions used.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from citybridge.core.concurrency import Versioned
from citybridge.core.models import bilingual, is_chinese
from citybridge.core.rules import is_program_staff

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from citybridge.core.models import User


def _signed_in(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def participates(user: User | AnonymousUser) -> bool:
    """Who takes part in the peer exchange and sees published inventories: staff, city coordinators, experts."""
    return _signed_in(user) and (is_program_staff(user) or user.has_role("city_coordinator") or user.has_role("expert"))


class GwpSet(models.TextChoices):
    AR4 = "AR4", _("IPCC AR4 (GWP-100)")
    AR5 = "AR5", _("IPCC AR5 (GWP-100)")
    AR6 = "AR6", _("IPCC AR6 (GWP-100)")


class HeatingBasis(models.TextChoices):
    NONE = "", _("Not applicable")
    NCV = "NCV", _("Net calorific value (NCV)")
    HHV = "HHV", _("Gross calorific value (HHV)")


class Verification(models.TextChoices):
    TWO_SOURCES = "two_sources", _("Two sources")
    SINGLE_SOURCE = "single_source", _("Single source")
    DERIVED = "derived", _("Derived")
    NOT_VERIFIED = "not_verified", _("Not verified")


class Gas(models.TextChoices):
    CO2 = "CO2", "CO2"
    CH4 = "CH4", "CH4"
    CH4_FOSSIL = "CH4_fossil", _("CH4 (fossil)")
    N2O = "N2O", "N2O"
    SF6 = "SF6", "SF6"
    HFC134A = "HFC-134a", "HFC-134a"
    CO2E = "CO2e", "CO2e"


# --------------------------------------------------------------------------- emission factors


class EmissionFactorQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> EmissionFactorQuerySet:
        """The library is shared reference data: every signed-in user reads it (city-local factors included,
        since published inventories cite them)."""
        return self if _signed_in(user) else self.none()

    def current(self) -> EmissionFactorQuerySet:
        return self.filter(superseded_by__isnull=True)


class EmissionFactor(Versioned):
    """One version of a factor: superseding makes a new row and points the old one to it (the old one stays, and
    entries computed with it keep saying so). ``city`` set: a city's own locally sourced factor."""

    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    gas = models.CharField(_("gas"), max_length=12, choices=Gas.choices)
    value = models.FloatField(_("value"))
    #: mass unit of the gas per activity unit, e.g. "kg" (per "TJ"), "t" (per "MWh"), "lb" (per "MWh")
    unit = models.CharField(_("unit"), max_length=20)
    activity_unit = models.CharField(_("activity unit"), max_length=30)
    region = models.CharField(_("region"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    heating_basis = models.CharField(
        _("heating-value basis"), max_length=3, choices=HeatingBasis.choices, blank=True, default=""
    )
    method_note = models.TextField(_("method"), blank=True)
    citation = models.TextField(_("source"))
    verification = models.CharField(_("verification"), max_length=20, choices=Verification.choices)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    city = models.ForeignKey(
        "cities.City",
        verbose_name=_("city (local factor)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="climate_factors",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EmissionFactorQuerySet.as_manager()

    class Meta:
        verbose_name = _("emission factor")
        verbose_name_plural = _("emission factors")
        ordering = ["code", "-id"]
        indexes = [models.Index(fields=["code", "superseded_by"])]

    def __str__(self) -> str:
        from .labels import unit_words

        return f"{self.display_name()} ({self.gas}, {self.value:g} {unit_words(f'{self.unit}/{self.activity_unit}')})"

    def display_name(self, language: str | None = None) -> str:
        return bilingual(self, "name", language) or self.code

    def display_method(self, language: str | None = None) -> str:
        return bilingual(self, "method_note", language)

    def display_citation(self, language: str | None = None) -> str:
        """The source for the reader: a seeded factor's citation with its connecting words in Chinese for a Chinese
        reader (titles, tables and URLs as published; factor_citations); any other citation as it was written."""
        if is_chinese(language):
            from .factor_citations import chinese_by_english

            return chinese_by_english().get(self.citation, self.citation)
        return self.citation

    def display_region(self, language: str | None = None) -> str:
        """The region in the user's language: the seeded regions have a Chinese name (factor_notes_zh); any other
        region text is shown as it was written."""
        from .factor_notes_zh import region_zh

        return region_zh(self.region) if is_chinese(language) else self.region

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None


# --------------------------------------------------------------------------- inventories


class Level(models.TextChoices):
    BASIC = "BASIC", "BASIC"
    BASIC_PLUS = "BASIC+", "BASIC+"


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("inventory status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("inventory status", "Submitted")
    REVIEWED = "reviewed", pgettext_lazy("inventory status", "Reviewed")
    PUBLISHED = "published", pgettext_lazy("inventory status", "Published")


class Origin(models.TextChoices):
    ENTERED = "entered", _("Entered line by line")
    CDP2021 = "cdp2021", _("Reported to CDP in 2021")


class NotationKey(models.TextChoices):
    NONE = "", _("None")
    NO = "NO", _("NO: not occurring")
    IE = "IE", _("IE: included elsewhere")
    NE = "NE", _("NE: not estimated")
    C = "C", _("C: confidential")


class DataQuality(models.TextChoices):
    NONE = "", _("Not stated")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class InventoryQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> InventoryQuerySet:
        """Staff: all. Coordinators: their city's, any status. Every participant (coordinators, experts): published.
        Experts: submitted or reviewed inventories they were asked to review."""
        if not _signed_in(user):
            return self.none()
        if is_program_staff(user):
            return self
        cond = Q(pk__in=[])
        if participates(user):
            cond |= Q(status=Status.PUBLISHED)
        if user.has_role("city_coordinator"):
            cond |= Q(city_id__in=user.scoped_city_ids())
        if user.has_role("expert"):
            cond |= Q(status__in=[Status.SUBMITTED, Status.REVIEWED, Status.PUBLISHED], review_requests__expert=user)
        return self.filter(cond).distinct() if user.has_role("expert") else self.filter(cond)


#: CDP's questionnaire answers for an inventory's boundary against the administrative one (2021 city-wide file,
#: "Inventory boundary (compared to Administrative city boundary)"; the last is cut short in the file itself)
CDP_BOUNDARIES = {
    "Same – covers entire city and nothing else": _("Same: covers the entire city and nothing else"),
    "Larger – covers the whole city and adjoining areas": _("Larger: covers the whole city and adjoining areas"),
    "Smaller – covers only part of the city": _("Smaller: covers only part of the city"),
    "Partial – covers part of the city and adjoining ar": _("Partial: covers part of the city and adjoining areas"),
}


class Inventory(Versioned):
    """A city's GPC inventory for one year. ``revision`` numbers the chain of corrections: a published inventory is
    frozen, and a correction is a new draft with ``previous`` pointing to it (the diff is shown)."""

    city = models.ForeignKey(
        "cities.City",
        verbose_name=pgettext_lazy("place", "city"),
        on_delete=models.PROTECT,
        related_name="climate_inventories",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    gwp_set = models.CharField(_("GWP set"), max_length=3, choices=GwpSet.choices, default=GwpSet.AR5)
    level = models.CharField(_("level"), max_length=6, choices=Level.choices, default=Level.BASIC)
    boundary = models.TextField(_("boundary"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.ENTERED)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next",
    )
    #: the reported source of an inventory imported as reported (CDP 2021), with CDP's attribution
    reported_source = models.TextField(_("reported source"), blank=True)
    #: stored engine result: {"basic", "basic_plus", "territorial_scope1", "by_sector", "by_subsector", "by_scope",
    #: "by_gas", "reported": {...}} in t CO2e
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    total_basic = models.FloatField(_("BASIC total (t CO2e)"), null=True, blank=True)
    total_basic_plus = models.FloatField(_("BASIC+ total (t CO2e)"), null=True, blank=True)
    total_territorial = models.FloatField(_("territorial scope 1 total (t CO2e)"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    published_at = models.DateTimeField(pgettext_lazy("date", "Published on"), null=True, blank=True)

    objects = InventoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("GHG inventory")
        verbose_name_plural = _("GHG inventories")
        ordering = ["-year", "city_id", "-revision", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year", "revision"], name="climate_inventory_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.year} (r{self.revision})"

    def display_boundary(self) -> str:
        """The boundary as written, or CDP's fixed answer in the reader's words (CDP_BOUNDARIES)."""
        return str(CDP_BOUNDARIES.get(self.boundary, self.boundary))

    @property
    def is_frozen(self) -> bool:
        return self.status == Status.PUBLISHED or self.origin == Origin.CDP2021

    @property
    def is_editable(self) -> bool:
        return self.status == Status.DRAFT and self.origin == Origin.ENTERED


class InventoryEntry(Versioned):
    """One GPC line of an inventory: a notation key with its explanation, emissions reported directly by gas, or
    activity data × factors (library factors by id, or the city's own with their citation). ``by_gas`` (t of each
    gas), ``co2e`` (t CO2e with the inventory's GWP set), ``factor_versions`` and ``conversion`` are the stored
    engine result."""

    inventory = models.ForeignKey(
        Inventory, verbose_name=_("inventory"), on_delete=models.CASCADE, related_name="entries"
    )
    gpc_ref = models.CharField(_("GPC reference number"), max_length=10)
    notation_key = models.CharField(
        _("notation key"), max_length=2, choices=NotationKey.choices, blank=True, default=""
    )
    explanation = models.TextField(_("explanation"), blank=True)
    included_in = models.CharField(_("where included"), max_length=200, blank=True)
    activity_value = models.FloatField(_("activity value"), null=True, blank=True)
    activity_unit = models.CharField(_("activity unit"), max_length=30, blank=True)
    factors = models.ManyToManyField(
        EmissionFactor, verbose_name=_("emission factors"), blank=True, related_name="entries"
    )
    #: the city's own factors: [{"gas", "value", "unit", "citation"}]; unit like "kg/TJ"
    own_factors = models.JSONField(_("own factors"), default=list, blank=True)
    #: emissions reported directly: [{"gas", "value", "unit"}]
    reported = models.JSONField(_("reported emissions"), default=list, blank=True)
    #: fuel properties bridging volume or mass to energy: {"density": {"value", "unit"}, "ncv": {"value", "unit"}}
    fuel_properties = models.JSONField(_("fuel properties"), default=dict, blank=True)
    data_quality = models.CharField(
        _("data quality"), max_length=6, choices=DataQuality.choices, blank=True, default=""
    )
    source = models.TextField(_("data source"), blank=True)
    by_gas = models.JSONField(_("emissions by gas (t)"), default=dict, blank=True)
    co2e = models.FloatField(_("t CO2e"), default=0.0)
    #: [{"id", "code", "version"}] of the library factors used
    factor_versions = models.JSONField(_("factor versions used"), default=list, blank=True)
    #: the conversions the engine made, shown beside the entry
    conversion = models.JSONField(_("conversion"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("inventory entry")
        verbose_name_plural = _("inventory entries")
        ordering = ["inventory_id", "gpc_ref", "id"]
        constraints = [models.UniqueConstraint(fields=["inventory", "gpc_ref"], name="climate_entry_line_unique")]

    def __str__(self) -> str:
        return f"{self.inventory_id} {self.gpc_ref}"


class ReviewRequest(models.Model):
    """An expert asked to review a submitted inventory: they may read it (and mark it reviewed)."""

    inventory = models.ForeignKey(
        Inventory, verbose_name=_("inventory"), on_delete=models.CASCADE, related_name="review_requests"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="climate_reviews"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        constraints = [models.UniqueConstraint(fields=["inventory", "expert"], name="climate_review_unique")]

    def __str__(self) -> str:
        return f"{self.inventory_id} → {self.expert_id}"


# --------------------------------------------------------------------------- targets


class TargetKind(models.TextChoices):
    BASE_YEAR = "base_year", _("Base-year reduction")
    FIXED_LEVEL = "fixed_level", _("Fixed level")
    PER_CAPITA = "per_capita", _("Per capita")
    INTENSITY = "intensity", _("Intensity (per unit GDP)")
    PEAK_YEAR = "peak_year", _("Peak year")
    NET_ZERO = "net_zero", _("Net-zero year")


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> TargetQuerySet:
        """Targets are the city's public commitments: every participant reads them; coordinators edit their city's."""
        return self if participates(user) else self.none()


class Target(Versioned):
    city = models.ForeignKey(
        "cities.City",
        verbose_name=pgettext_lazy("place", "city"),
        on_delete=models.PROTECT,
        related_name="climate_targets",
    )
    kind = models.CharField(_("type of target"), max_length=12, choices=TargetKind.choices)
    #: [] = all sectors; else GPC sector numbers ("I", "II", …)
    coverage = models.JSONField(_("coverage"), default=list, blank=True)
    base_year = models.PositiveSmallIntegerField(_("base year"), null=True, blank=True)
    base_emissions_t = models.FloatField(_("base-year emissions (t CO2e)"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    reduction_pct = models.FloatField(_("reduction (%)"), null=True, blank=True)
    #: fixed level (t CO2e), per capita (t CO2e per person) or intensity (t CO2e per unit GDP) in the target year
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    base_population = models.PositiveBigIntegerField(_("base-year population"), null=True, blank=True)
    target_population = models.PositiveBigIntegerField(_("population in the target year"), null=True, blank=True)
    base_gdp = models.FloatField(_("base-year GDP"), null=True, blank=True)
    target_gdp = models.FloatField(_("GDP in the target year"), null=True, blank=True)
    gdp_unit = models.CharField(_("GDP unit"), max_length=40, blank=True)
    #: [{"year", "reduction_pct"}]
    milestones = models.JSONField(_("interim milestones"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=20, default="entered")
    #: stored engine result (ambition.py): implied annual rate, per-capita in target year, benchmark comparison
    ambition = models.JSONField(_("ambition"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["city_id", "target_year", "id"]

    def __str__(self) -> str:
        return f"{self.city_id}: {self.kind} {self.target_year}"


# --------------------------------------------------------------------------- recompute runs

RUN_LEASE = timedelta(seconds=120)
RUN_LEASE_RENEW_EVERY = timedelta(seconds=20)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("computation state", "Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RecomputeRunQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> RecomputeRunQuerySet:
        return self if is_program_staff(user) else self.none()

    def stuck(self, now: datetime | None = None) -> RecomputeRunQuerySet:
        now = now or timezone.now()
        return self.filter(status=RunStatus.RUNNING).filter(
            Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True, started_at__lt=now - RUN_LEASE)
        )


class RecomputeRun(models.Model):
    """Recompute the inventories that use a factor (or every inventory): queued → running (with a lease renewed
    while it works, progress in ``done``/``total``) → done or failed (``error`` in every language)."""

    factor = models.ForeignKey(
        EmissionFactor,
        verbose_name=_("emission factor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recompute_runs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(_("inventories"), default=0)
    done = models.PositiveIntegerField(_("recomputed"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.JSONField(_("error"), default=dict, blank=True)
    lease_owner = models.CharField(_("lease owner"), max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    # the run record (docs/architecture.md, climate: one record per run instead of a history row per entry)
    factor_versions = models.JSONField(_("factor versions"), default=list, blank=True)
    inventories = models.ManyToManyField(
        "Inventory", blank=True, related_name="recompute_runs", verbose_name=_("inventories changed")
    )
    frozen_would_change = models.JSONField(_("published inventories that would change"), default=list, blank=True)

    objects = RecomputeRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"recompute {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.is_finished else 0)

    def error_messages(self, language: str | None = None) -> list[str]:
        key = "zh-hans" if is_chinese(language) else "en"
        return list(self.error.get(key) or self.error.get("en") or [])

    #: how many inventories and factors a run's page names (a run over every factor used 149)
    SHOWN = 10

    def changed_inventories(self) -> Shown:
        """The inventories the run changed, with their city, to name them (the city and year) on the page."""
        rows = self.inventories.select_related("city").order_by("city__name_en", "-year", "id")[: self.SHOWN]
        return Shown(list(rows), max(0, self.changed - self.SHOWN))

    def frozen_inventories(self) -> Shown:
        """The published inventories the run would have changed (left as they are), with their city."""
        keys = [k for k in self.frozen_would_change if isinstance(k, int)]
        rows = Inventory.objects.filter(pk__in=keys[: self.SHOWN]).select_related("city").order_by("city__name_en")
        return Shown(list(rows), max(0, len(keys) - self.SHOWN))

    def factors_used(self) -> Shown:
        """The factor versions the run computed with, as factors (named on the page, not by their codes)."""
        keys = [v["id"] for v in self.factor_versions if isinstance(v, dict) and isinstance(v.get("id"), int)]
        rows = EmissionFactor.objects.filter(pk__in=keys[: self.SHOWN]).order_by("code", "id")
        return Shown(list(rows), max(0, len(keys) - self.SHOWN))


class Shown(NamedTuple):
    """The first rows of a longer list, and how many more there are."""

    rows: list
    more: int


from .plan_models import *  # noqa
