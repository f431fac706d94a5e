"""Climate action plans (issue #12): the measures catalogue, driver sets per city, action plans, their measures.

The arithmetic is the pathways engine's (``climate/pathways``); these tables hold its inputs and, on the plan, the
summary stored at save time (Shapley wedges). Imported by ``climate/models.py`` so Django finds the models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history import register as register_history

from citybridge.core.concurrency import Versioned
from citybridge.core.models import is_chinese
from citybridge.core.rules import is_program_staff

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from citybridge.core.models import User

__all__ = ["ActionPlan", "DriverSet", "MeasureTemplate", "PlanMeasure", "PlanStatus"]


def _signed_in(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _participates(user: User | AnonymousUser) -> bool:
    return _signed_in(user) and (is_program_staff(user) or user.has_role("city_coordinator") or user.has_role("expert"))


class MeasureTemplate(Versioned):
    """A catalogue measure (seeded from data/measures_catalogue.json; staff add and edit their own on the catalogue
    page). Typical values; a plan sets its own share, years and costs per measure. A retired measure is no longer
    offered to plans but stays on the plans that use it."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    topic = models.CharField(_("topic"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200)
    effect_en = models.TextField(_("typical effect (English)"), blank=True)
    effect_zh_hans = models.TextField(_("typical effect (Chinese)"), blank=True)
    mechanism = models.CharField(_("mechanism"), max_length=20)
    sectors = models.JSONField(_("sectors"), default=list)
    carrier = models.CharField(_("carrier"), max_length=12, default="all")
    share = models.FloatField(_("typical share"), default=0.0)
    methane_fraction = models.FloatField(_("methane fraction"), default=1.0)
    mwh_per_tco2 = models.FloatField(_("MWh per t CO2e switched"), default=0.0)
    emission_ratio = models.FloatField(_("emission ratio of the new fuel"), default=0.0)
    mwh_per_year = models.FloatField(_("MWh per year"), default=0.0)
    start_year = models.PositiveSmallIntegerField(_("uptake start year"))
    full_year = models.PositiveSmallIntegerField(_("full uptake year"))
    shape = models.CharField(_("uptake curve"), max_length=10, default="linear")
    co_benefits = models.JSONField(_("co-benefits"), default=list, blank=True)
    sources = models.JSONField(_("sources"), default=list)
    cost_notes = models.TextField(_("cost notes"), blank=True)
    bundled = models.BooleanField(_("from the bundled catalogue"), default=False)
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        verbose_name = _("catalogue measure")
        verbose_name_plural = _("catalogue measures")
        ordering = ["topic", "key"]

    def __str__(self) -> str:
        return self.key

    def display_name(self, language: str | None = None) -> str:
        if is_chinese(language):
            return self.name_zh_hans or self.name_en
        return self.name_en or self.name_zh_hans

    def display_effect(self, language: str | None = None) -> str:
        if is_chinese(language):
            return self.effect_zh_hans or self.effect_en
        return self.effect_en or self.effect_zh_hans


class DriverSetQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> DriverSetQuerySet:
        """Drivers are shown with every plan: every participant reads them."""
        return self if _participates(user) else self.none()


class DriverSet(Versioned):
    """A city's BAU drivers: yearly series {"population": {year: growth}, "gdp": …, "energy_intensity": …,
    "grid_factor": {year: t CO2e/MWh}}, with where they came from (``source``: "default" or "edited") and the
    default set's version they started from."""

    city = models.OneToOneField(
        "cities.City", verbose_name=pgettext_lazy("place", "city"), on_delete=models.PROTECT, related_name="+"
    )
    base_version = models.CharField(_("default set"), max_length=60)
    source = models.CharField(_("source"), max_length=20, default="default")
    series = models.JSONField(_("series"), default=dict)
    sources = models.JSONField(_("sources"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DriverSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("driver set")
        verbose_name_plural = _("driver sets")

    def __str__(self) -> str:
        return f"{self.city_id}: {self.base_version} v{self.version}"

    @property
    def label(self) -> str:
        return f"{self.base_version}/{self.source}/v{self.version}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan status", "Draft")
    PUBLISHED = "published", pgettext_lazy("plan status", "Published")


class ActionPlanQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> ActionPlanQuerySet:
        """Staff: all. Coordinators: their city's plans at any status. Participants (coordinators, experts):
        published plans."""
        if not _signed_in(user):
            return self.none()
        if is_program_staff(user):
            return self
        cond = Q(pk__in=[])
        if _participates(user):
            cond |= Q(status=PlanStatus.PUBLISHED)
        if user.has_role("city_coordinator"):
            cond |= Q(city_id__in=user.scoped_city_ids())
        return self.filter(cond)


class ActionPlan(Versioned):
    city = models.ForeignKey(
        "cities.City", verbose_name=pgettext_lazy("place", "city"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    base_inventory = models.ForeignKey(
        "climate.Inventory", verbose_name=_("base inventory"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(
        "climate.Target", verbose_name=_("target"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_year = models.PositiveSmallIntegerField(_("last year of the projection"), default=2060)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    variant_of = models.ForeignKey(
        "self", verbose_name=_("variant of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="variants"
    )
    #: the engine's summary at the last save (Shapley wedges), with the drivers' label that produced it
    summary = models.JSONField(_("pathway summary"), default=dict, blank=True)
    drivers_label = models.CharField(_("drivers used"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(pgettext_lazy("date", "Published on"), null=True, blank=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["city_id", "-created_at", "id"]

    def __str__(self) -> str:
        return self.name


class PlanMeasure(Versioned):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="measures"
    )
    measure = models.ForeignKey(MeasureTemplate, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+")
    share = models.FloatField(_("reduction share"))
    start_year = models.PositiveSmallIntegerField(_("uptake start year"))
    full_year = models.PositiveSmallIntegerField(_("full uptake year"))
    shape = models.CharField(_("uptake curve"), max_length=10, default="linear")
    mwh_per_year = models.FloatField(_("MWh per year"), default=0.0)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    capital = models.FloatField(_("capital cost"), default=0.0)
    operating_per_year = models.FloatField(_("operating cost per year"), default=0.0)
    savings_per_year = models.FloatField(_("savings per year"), default=0.0)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan measure")
        verbose_name_plural = _("plan measures")
        ordering = ["plan_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "measure"], name="climate_plan_measure_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.measure_id}"


register_history(DriverSet, app="citybridge.climate")
register_history(ActionPlan, app="citybridge.climate")
register_history(PlanMeasure, app="citybridge.climate")
register_history(MeasureTemplate, app="citybridge.climate")
