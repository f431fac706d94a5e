"""City registry, sourced indicators, expressions of interest and cohort-selection runs (Program 2).

The foundation defines City so role memberships can scope to it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from citybridge.core import pinyin, provinces
from citybridge.core.concurrency import Versioned
from citybridge.core.models import PinyinNamed, PinyinNamedQuerySet, bilingual, is_chinese
from citybridge.core.rules import is_program_staff

if TYPE_CHECKING:
    from citybridge.core.models import User


class CityQuerySet(PinyinNamedQuerySet):
    def visible_to(self, user: User) -> CityQuerySet:
        """City records are public data: every signed-in user sees them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self

    def listed(self) -> CityQuerySet:
        """Cities in the registry (places folded into a prefecture city and kept only for old references are not)."""
        return self.filter(merged_into__isnull=True)


class ClimateZone(models.TextChoices):
    SEVERE_COLD = "severe_cold", _("Severe cold")
    COLD = "cold", _("Cold")
    HOT_SUMMER_COLD_WINTER = "hot_summer_cold_winter", _("Hot summer, cold winter")
    HOT_SUMMER_WARM_WINTER = "hot_summer_warm_winter", _("Hot summer, warm winter")
    TEMPERATE = "temperate", _("Temperate")


class AdminLevel(models.TextChoices):
    """What a Chinese registry entry is (``data/cities/prefectures.csv``)."""

    MUNICIPALITY = "municipality", _("Municipality under the central government")
    PREFECTURE_CITY = "prefecture_city", _("Prefecture-level city")
    PREFECTURE_UNIT = "prefecture_unit", _("Seat of an autonomous prefecture, league or region")
    COUNTY_LEVEL_CITY = "county_level_city", _("County-level city administered by the province")
    FORMER_PREFECTURE_CITY = "former_prefecture_city", _("Former prefecture-level city")


class PopulationArea(models.TextChoices):
    """The area a population figure covers; blank = the source does not say."""

    CITY_PROPER = "city_proper", _("city proper")
    PREFECTURE = "prefecture", _("whole prefecture")
    MUNICIPALITY = "municipality", _("whole municipality")
    REPORTING = "reporting", _("the city's reporting boundary")


class SizeClass(models.TextChoices):
    MEGACITY = "megacity", _("Megacity (10 million or more)")
    VERY_LARGE = "very_large", _("Very large (5–10 million)")
    LARGE = "large", _("Large (1–5 million)")
    MEDIUM = "medium", _("Medium (0.5–1 million)")
    SMALL = "small", _("Small (100,000–500,000)")
    TOWN = "town", _("Town (under 100,000)")


class City(PinyinNamed):
    PINYIN_SOURCES = ("name", "name_en", "name_zh_hans")

    geonames_id = models.PositiveIntegerField(_("GeoNames id"), unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    province = models.CharField(_("province or state"), max_length=100, blank=True)
    province_code = provinces.code_field()
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=50, blank=True)
    size_class = models.CharField(_("size class"), max_length=20, choices=SizeClass.choices, blank=True)
    climate_zone = models.CharField(_("climate zone"), max_length=30, choices=ClimateZone.choices, blank=True)
    admin_level = models.CharField(_("administrative level"), max_length=30, choices=AdminLevel.choices, blank=True)
    #: the area ``population`` covers (blank: the source does not say) and its year (null: not stated)
    population_area = models.CharField(
        _("population covers"), max_length=20, choices=PopulationArea.choices, blank=True
    )
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    #: a place no longer listed (a district or county folded into its prefecture city) that other records still
    #: reference: kept, hidden from lists and the selection pool, pointing to the city it was folded into
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_places",
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("place", "city")
        verbose_name_plural = _("cities")
        ordering = ["country", "name_en", "id"]
        indexes = [
            models.Index(fields=["country", "population"]),
            # the registry's default order (cities.selectors.city_list: listed cities, largest first, then key): a
            # page's keys walk this index instead of sorting every listed city (0.8 ms of the list's 778)
            models.Index(fields=["merged_into", "-population", "id"], name="cities_city_listed_order_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name()

    def save(self, *args, **kwargs) -> None:
        provinces.fill_code(self, "province_en", "province_zh_hans", kwargs=kwargs)
        super().save(*args, **kwargs)

    def pinyin_key(self) -> str:
        return pinyin.first_key(self.name_zh_hans, self.name_en, self.name)

    def display_name(self, language: str | None = None) -> str:
        if is_chinese(language):
            return self.name_zh_hans or self.name_en or ""
        return self.name_en or self.name_zh_hans or ""

    def display_province(self, language: str | None = None) -> str:
        return bilingual(self, "province", language)

    @property
    def group(self) -> str:
        """Cohort group: "CA" for California, "CN" for China."""
        return "CA" if self.country == "US" else "CN"


class DataSource(models.Model):
    """A dataset figures come from, with the citation the publisher asks for."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    citation = models.TextField(_("citation"))
    licence = models.CharField(_("licence and terms"), max_length=200, blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return bilingual(self, "name", language)

    def display_citation(self, language: str | None = None) -> str:
        """The citation in the reader's language: for a Chinese reader the catalogue's Chinese version where it has
        explanatory words (the derived values' note, GeoNames' distribution, CDP's "self-reported"); a publication's
        citation, or one changed since it was imported, as written."""
        if is_chinese(language):
            from .catalogue import SOURCES

            src = next((s for s in SOURCES if s.code == self.code), None)
            if src is not None and src.citation_zh and self.citation == src.citation:
                return src.citation_zh
        return self.citation

    def display_licence(self) -> str:
        """The licence and terms in the reader's language: the catalogue's plain-language terms translated, a
        licence's own name (CC BY 4.0) as it is."""
        return str(LICENCE_TERMS.get(self.licence, self.licence))


#: the plain-language terms of the bundled sources (cities.catalogue)
LICENCE_TERMS = {
    "Attribution required": _("Attribution required"),
    "Freely available; credit CEADs": _("Freely available; credit CEADs"),
}


class IndicatorCategory(models.TextChoices):
    EMISSIONS = "emissions", _("Emissions")
    DEMOGRAPHY = "demography", _("Population and land")
    ECONOMY = "economy", _("Economy")
    CLIMATE = "climate", _("Climate")
    TARGETS = "targets", _("Targets and ambition")


class IndicatorDefinition(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    category = models.CharField(_("category"), max_length=20, choices=IndicatorCategory.choices)
    higher_is_better = models.BooleanField(_("higher is better"))
    is_derived = models.BooleanField(_("derived"), default=False)
    default_weight = models.FloatField(_("default weight"), default=0.0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return bilingual(self, "name", language)


class DerivedIndicator(models.Model):
    """How a derived indicator is computed from others: its provenance, never typed in."""

    class Formula(models.TextChoices):
        PER_CAPITA = "per_capita", _("Per capita")
        PER_GDP = "per_gdp", _("Per unit of GDP")
        TREND = "trend", _("Average annual change over N years")
        ANNUAL_RATE = "annual_rate", _("Average annual reduction implied by a target")

    indicator = models.OneToOneField(
        IndicatorDefinition, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="derivation"
    )
    formula = models.CharField(_("formula"), max_length=20, choices=Formula.choices)
    numerator = models.ForeignKey(
        IndicatorDefinition,
        verbose_name=_("numerator"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    denominator = models.ForeignKey(
        IndicatorDefinition,
        verbose_name=_("denominator"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True)
    scale = models.FloatField(_("scale factor"), default=1.0)

    class Meta:
        verbose_name = _("derived indicator")
        verbose_name_plural = _("derived indicators")

    def __str__(self) -> str:
        return f"{self.indicator.code} ({self.formula})"


class IndicatorValueQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> IndicatorValueQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self


class IndicatorValue(models.Model):
    city = models.ForeignKey(
        City, verbose_name=pgettext_lazy("place", "city"), on_delete=models.CASCADE, related_name="indicator_values"
    )
    indicator = models.ForeignKey(
        IndicatorDefinition, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=40)
    source = models.ForeignKey(
        DataSource, verbose_name=_("data source"), on_delete=models.PROTECT, related_name="values"
    )
    method = models.CharField(_("method"), max_length=300, blank=True)
    #: populations (and per-person values): the area the population covers (PopulationArea; blank: not stated)
    area = models.CharField(_("area covered"), max_length=20, choices=PopulationArea.choices, blank=True)
    #: for derived values: the inputs used, e.g. [{"indicator": "ceads_co2", "year": 2014, "value": …}]
    inputs = models.JSONField(_("inputs"), default=list, blank=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["city", "indicator", "year", "source"], name="cities_value_unique"),
        ]
        indexes = [models.Index(fields=["indicator", "year"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.city_id} {self.year}: {self.value} {self.unit}"

    def display_method(self, language: str | None = None) -> str:
        return bilingual(self, "method", language)


#: CDP's fixed answers to "Type of target" (2021 cities questionnaire): shown translated; any other text as given
CDP_TARGET_TYPES = {
    "Base year emissions (absolute) target": _("Base year emissions (absolute) target"),
    "Base year intensity target": _("Base year intensity target"),
    "Baseline scenario (business as usual) target": _("Baseline scenario (business as usual) target"),
    "Fixed level target": _("Fixed level target"),
    "No target": _("No target"),
}


class ReportedTarget(models.Model):
    """An emission-reduction target as the city reported it to CDP in 2021 (self-reported, unverified)."""

    city = models.ForeignKey(
        City, verbose_name=pgettext_lazy("place", "city"), on_delete=models.CASCADE, related_name="reported_targets"
    )
    source = models.ForeignKey(
        DataSource, verbose_name=_("data source"), on_delete=models.PROTECT, related_name="targets"
    )
    row_key = models.CharField(_("row key in the source"), max_length=64)
    target_type = models.CharField(_("type of target"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=300, blank=True)
    base_year = models.PositiveSmallIntegerField(_("base year"), null=True, blank=True)
    base_year_emissions_t = models.FloatField(_("base-year emissions (tCO2e)"), null=True, blank=True)
    reduction_pct = models.FloatField(_("reduction (%)"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("reported target")
        verbose_name_plural = _("reported targets")
        ordering = ["target_year", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "row_key"], name="cities_target_row_unique")]

    def __str__(self) -> str:
        return f"{self.city_id}: {self.target_type} {self.target_year}"

    def display_target_type(self) -> str:
        """CDP's fixed category in the active language; free text (or anything else) unchanged."""
        label = CDP_TARGET_TYPES.get(self.target_type.strip())
        return str(label) if label is not None else self.target_type


# --------------------------------------------------------------------------- candidate pool


class DataAvailable(models.TextChoices):
    GHG_INVENTORY = "ghg_inventory", _("A community GHG inventory")
    ENERGY = "energy", _("Energy-use statistics")
    TRANSPORT = "transport", _("Transport data")
    BUILDINGS = "buildings", _("Building stock data")
    WASTE = "waste", _("Waste data")
    TARGETS = "targets", _("Adopted reduction targets")


class InterestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted into the pool")
    WITHDRAWN = "withdrawn", pgettext_lazy("expression of interest status", "Withdrawn")


class ExpressionOfInterestQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ExpressionOfInterestQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_program_staff(user):
            return self
        cities = user.scoped_city_ids() if user.has_role("city_coordinator") else set()
        return self.filter(Q(city_id__in=cities) | Q(submitted_by=user))


class ExpressionOfInterest(models.Model):
    city = models.ForeignKey(
        City,
        verbose_name=pgettext_lazy("place", "city"),
        on_delete=models.CASCADE,
        related_name="expressions_of_interest",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    motivation = models.TextField(_("motivation"))
    existing_plans = models.TextField(_("existing climate plans"), blank=True)
    data_available = models.JSONField(_("data available"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InterestStatus.choices, default=InterestStatus.SUBMITTED
    )

    objects = ExpressionOfInterestQuerySet.as_manager()

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.city_id}: {self.contact_name}"


class CandidateCity(models.Model):
    """A city in the candidate pool: it applied (expression of interest) or staff added it."""

    class Origin(models.TextChoices):
        APPLIED = "applied", _("Applied")
        STAFF = "staff", _("Added by staff")

    city = models.OneToOneField(
        City, verbose_name=pgettext_lazy("place", "city"), on_delete=models.CASCADE, related_name="candidacy"
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("candidate city")
        verbose_name_plural = _("candidate cities")
        ordering = ["city__country", "city__name_en"]

    def __str__(self) -> str:
        return str(self.city_id)


# --------------------------------------------------------------------------- selection runs


#: how long a worker's claim on a run lasts without renewal; the worker renews it while it computes (at most
#: every RUN_LEASE_RENEW_EVERY), so a run whose lease has expired was left by a worker that died or hung
RUN_LEASE = timedelta(seconds=120)
RUN_LEASE_RENEW_EVERY = timedelta(seconds=20)


class SelectionRunQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SelectionRunQuerySet:
        return self if is_program_staff(user) else self.none()

    def stuck(self, now: datetime | None = None) -> SelectionRunQuerySet:
        """Runs marked running whose worker's lease has expired (a run claimed before leases existed counts
        from its start)."""
        now = now or timezone.now()
        return self.filter(status=RunStatus.RUNNING).filter(
            Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True, started_at__lt=now - RUN_LEASE)
        )


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("computation state", "Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SelectionRun(models.Model):
    """Parameters are validated when the run is created (state "queued"); the background task
    (tasks.run_selection) computes it: "running", then "done" with the result or "failed" with the
    error in every language (``error`` = {"en": [...], "zh-hans": [...]})."""

    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    parameters = models.JSONField(_("parameters"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    feasible = models.BooleanField(_("feasible"), null=True, blank=True)
    error = models.JSONField(_("error"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    #: the worker computing the run ("host:pid:token") and until when its claim holds (renewed while it computes)
    lease_owner = models.CharField(_("lease owner"), max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)

    objects = SelectionRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("selection run")
        verbose_name_plural = _("selection runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def is_done(self) -> bool:
        return self.status == RunStatus.DONE

    @property
    def lease_expiry(self) -> datetime | None:
        """When the worker's claim on a running run ends (a run claimed before leases existed: from its start)."""
        if self.lease_expires_at is not None:
            return self.lease_expires_at
        return self.started_at + RUN_LEASE if self.started_at else None

    @property
    def is_stuck(self) -> bool:
        """Running, but the worker's lease has expired: the worker died or hung. Reading it changes nothing;
        the worker's reaper (services.selection_runs_reap) or a re-run marks it failed."""
        expiry = self.lease_expiry
        return self.status == RunStatus.RUNNING and expiry is not None and expiry < timezone.now()

    def error_messages(self, language: str | None = None) -> list[str]:
        """The stored error in the active language (English if that one is missing)."""
        key = "zh-hans" if is_chinese(language) else "en"
        return list(self.error.get(key) or self.error.get("en") or [])


class ImportRecord(models.Model):
    """What an import last loaded: a fingerprint of the bundled files and the importer version, so the demo
    can skip an unchanged import (``citybridge import cities`` always runs in full)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")

    def __str__(self) -> str:
        return f"{self.name}: {self.fingerprint[:12]}"


# --------------------------------------------------------------------------- paired cities


#: how far ahead a pair's start may be set (a pair agreed for a signing next spring)
PAIR_START_AHEAD = timedelta(days=365)


class CityPairQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CityPairQuerySet:
        """Pairs are public within the collaborative, like the city pages: every signed-in user sees them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self

    def active(self) -> CityPairQuerySet:
        return self.filter(ended_on__isnull=True)


class CityPair(Versioned):
    """A Californian city paired with a Chinese city for peer-to-peer exchange. An ended pair is kept as history
    (``ended_on`` set); a city is in at most one active pair at a time (the partial unique constraints below; the
    service says so in the user's language first)."""

    us_city = models.ForeignKey(
        City, verbose_name=_("California city"), on_delete=models.PROTECT, related_name="pairs_as_us"
    )
    cn_city = models.ForeignKey(
        City, verbose_name=_("Chinese city"), on_delete=models.PROTECT, related_name="pairs_as_cn"
    )
    started_on = models.DateField(_("paired since"))
    ended_on = models.DateField(_("paired until"), null=True, blank=True)
    #: a short note, one column per language (translation.py)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CityPairQuerySet.as_manager()

    class Meta:
        verbose_name = _("city pair")
        verbose_name_plural = _("city pairs")
        ordering = [models.F("ended_on").desc(nulls_first=True), "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["us_city"], condition=Q(ended_on__isnull=True), name="cities_pair_one_active_us"
            ),
            models.UniqueConstraint(
                fields=["cn_city"], condition=Q(ended_on__isnull=True), name="cities_pair_one_active_cn"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="cities_pair_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(us_city=models.F("cn_city")), name="cities_pair_two_cities"),
        ]

    def __str__(self) -> str:
        return f"{self.us_city} – {self.cn_city}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def partner_of(self, city: City) -> City:
        return self.cn_city if city.pk == self.us_city_id else self.us_city

    def display_note(self, language: str | None = None) -> str:
        return bilingual(self, "note", language)
