"""Forums and events (China Energy Forum–style): dates, venue, a programme of sessions with speakers (people and
organisations), registrations and attendance. Events share core people and organisations with the courses.

Titles, venues and cities are bilingual as two explicit columns (``title_en``, ``title_zh_hans`` …) shown with
``core.models.bilingual``: the reader's language, else the other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from citybridge.core.concurrency import Versioned
from citybridge.core.models import Organisation, Person, bilingual

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from citybridge.core.models import User


__all__ = ["Event", "EventSession", "Registration"]


class EventQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> EventQuerySet:
        """Signed-in users: every event (a programme is public information); anonymous: none here (the programme
        exports are public through their own pages)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self


class Event(Versioned):
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    venue_en = models.CharField(_("venue (English)"), max_length=200, blank=True)
    venue_zh_hans = models.CharField(_("venue (Chinese)"), max_length=200, blank=True)
    city_en = models.CharField(_("city (English)"), max_length=100, blank=True)
    city_zh_hans = models.CharField(_("city (Chinese)"), max_length=100, blank=True)
    organisers = models.ManyToManyField(Organisation, verbose_name=_("organisers"), blank=True, related_name="+")
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="outreach_event_dates"),
        ]

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        return bilingual(self, "title", language)

    def display_venue(self, language: str | None = None) -> str:
        return bilingual(self, "venue", language)

    def display_city(self, language: str | None = None) -> str:
        return bilingual(self, "city", language)


class EventSession(Versioned):
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    speakers = models.ManyToManyField(Person, verbose_name=_("speakers"), blank=True, related_name="event_talks")
    speaker_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("speaking organisations"), blank=True, related_name="event_talks"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="outreach_eventsession_times"
            ),
        ]

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        return bilingual(self, "title", language)


class Registration(models.Model):
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="registrations")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attended = models.BooleanField(_("attended"), default=False)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="outreach_registration_once")]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.person_id}"
