"""City registry (Program 2). The foundation defines City so role memberships can scope to it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from citybridge.core.models import is_chinese


class CityQuerySet(models.QuerySet):
    def visible_to(self, user) -> CityQuerySet:
        """City records are public data: every signed-in user sees them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self


class City(models.Model):
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    province = models.CharField(_("province or state"), max_length=100, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=50, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("place", "city")
        verbose_name_plural = _("cities")
        ordering = ["country", "name_en", "id"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        if is_chinese(language):
            return self.name_zh_hans or self.name_en or ""
        return self.name_en or self.name_zh_hans or ""
