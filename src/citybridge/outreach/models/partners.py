"""Corporate partners (an organisation with contacts, interests, agreements and contributions) and their
engagements with officials during a course: dinners, lunches, site visits, workshops and exhibitions, each tied to
a session of the course (so it appears in the course's timetable) and moved along a pipeline."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from citybridge.academy.models import Course, OfficialProfile, Session, Topic
from citybridge.core.concurrency import Versioned
from citybridge.core.models import Organisation, Person, bilingual

from .activities import Activity

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from citybridge.core.models import User


__all__ = [
    "ENGAGEMENT_TRANSITIONS",
    "Agreement",
    "Contribution",
    "ContributionKind",
    "Engagement",
    "EngagementKind",
    "EngagementStatus",
    "Partner",
    "split_tags",
]


def _partner_scope(user: User | AnonymousUser) -> Q | None:
    """None: everything (staff); Q(pk__in=[]) for nobody."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_program_staff:
        return None
    return Q(organisation_id__in=user.scoped_organisation_ids("partner"))


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> PartnerQuerySet:
        """Staff: all partners. A partner's users: their own organisation's partner record. Others: none."""
        scope = _partner_scope(user)
        return self if scope is None else self.filter(scope)


class Partner(Versioned):
    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="partner_record"
    )
    contacts = models.ManyToManyField(Person, verbose_name=_("contacts"), blank=True, related_name="partner_contacts")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics of interest"), blank=True, related_name="+")
    #: technologies of interest as tags in each language, comma-separated, lower case but for abbreviations
    #: ("heat pumps, LED lighting" / "热泵, LED照明"); either may be empty: pages show the other
    technologies_en = models.CharField(_("technologies of interest (English)"), max_length=500, blank=True)
    technologies_zh_hans = models.CharField(_("technologies of interest (Chinese)"), max_length=500, blank=True)
    #: notes about the partner in each language (either may be empty: pages show the other)
    notes_en = models.TextField(_("notes (English)"), max_length=4000, blank=True)
    notes_zh_hans = models.TextField(_("notes (Chinese)"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.organisation)

    def technology_tags(self, language: str | None = None) -> list[str]:
        """The tags in the requested (or active) language, else the other language's."""
        return split_tags(bilingual(self, "technologies", language))

    def display_notes(self, language: str | None = None) -> str:
        return bilingual(self, "notes", language)


#: what separates two tags as typed: a comma, half- or full-width, or the Chinese enumeration comma (、)
TAG_SEPARATORS = re.compile("[,，、]")


def split_tags(text: str | None) -> list[str]:
    """Tags kept as comma-separated text, as a list (empty ones dropped)."""
    return [t for t in (s.strip() for s in TAG_SEPARATORS.split(text or "")) if t]


class Agreement(Versioned):
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="agreements")
    #: title (required in one language at least) and scope in each language; pages show the reader's, else the other
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    #: what the agreement covers (engagements per year, topics, sponsorship of a forum …)
    scope_en = models.TextField(_("scope (English)"), max_length=2000, blank=True)
    scope_zh_hans = models.TextField(_("scope (Chinese)"), max_length=2000, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to="outreach/agreements/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="outreach_agreement_dates",
            )
        ]

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        return bilingual(self, "title", language)

    def display_scope(self, language: str | None = None) -> str:
        return bilingual(self, "scope", language)


class ContributionKind(models.TextChoices):
    MONEY = "money", _("Money")
    IN_KIND = "in_kind", _("In kind")


class Contribution(models.Model):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contributions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ContributionKind.choices)
    #: what was given, in each language (one at least; pages show the reader's, else the other)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_zh_hans = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    #: money given, or the value of what was given in kind; always with its currency (ISO 4217)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    received_on = models.DateField(_("received on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="outreach_contribution_amount"),
            models.CheckConstraint(condition=~Q(currency=""), name="outreach_contribution_currency"),
        ]

    def __str__(self) -> str:
        return f"{self.display_description()} {self.amount} {self.currency}"

    def display_description(self, language: str | None = None) -> str:
        return bilingual(self, "description", language)


class EngagementKind(models.TextChoices):
    """The session formats an engagement takes (academy.SessionFormat without the lecture)."""

    DINNER = "dinner", _("Dinner")
    LUNCH = "lunch", _("Lunch")
    SITE_VISIT = "site_visit", _("Site visit")
    WORKSHOP = "workshop", _("Workshop")
    EXHIBITION = "exhibition", _("Exhibition")


class EngagementStatus(models.TextChoices):
    INTERESTED = "interested", _("Interested contact")
    PROPOSED = "proposed", pgettext_lazy("engagement status", "Proposed")
    CONFIRMED = "confirmed", pgettext_lazy("engagement status", "Confirmed")
    HELD = "held", pgettext_lazy("engagement status", "Held")
    FOLLOWED_UP = "followed_up", pgettext_lazy("engagement status", "Followed up")
    CANCELLED = "cancelled", pgettext_lazy("engagement status", "Cancelled")


#: the pipeline: interested contact → proposed → confirmed → held → followed up (cancel before it is held)
ENGAGEMENT_TRANSITIONS: dict[str, set[str]] = {
    EngagementStatus.INTERESTED: {EngagementStatus.PROPOSED, EngagementStatus.CANCELLED},
    EngagementStatus.PROPOSED: {EngagementStatus.CONFIRMED, EngagementStatus.INTERESTED, EngagementStatus.CANCELLED},
    EngagementStatus.CONFIRMED: {EngagementStatus.HELD, EngagementStatus.CANCELLED},
    EngagementStatus.HELD: {EngagementStatus.FOLLOWED_UP},
    EngagementStatus.FOLLOWED_UP: set(),
    EngagementStatus.CANCELLED: set(),
}


class EngagementQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> EngagementQuerySet:
        """Staff: all. A partner's users: their organisation's engagements. Others: none."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        return self.filter(partner__organisation_id__in=user.scoped_organisation_ids("partner"))


class Engagement(Versioned):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="engagements"
    )
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="engagements")
    #: the timetable row of the engagement (format = kind, partner = the partner's organisation)
    session = models.OneToOneField(
        Session, verbose_name=_("session"), null=True, blank=True, on_delete=models.SET_NULL, related_name="engagement"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EngagementKind.choices)
    #: title and venue in each language (either may be empty: pages show the other); the session takes them as they are
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    venue_en = models.CharField(_("venue (English)"), max_length=200, blank=True)
    venue_zh_hans = models.CharField(_("venue (Chinese)"), max_length=200, blank=True)
    hosts = models.ManyToManyField(Person, verbose_name=_("hosts"), blank=True, related_name="hosted_engagements")
    officials = models.ManyToManyField(
        OfficialProfile, verbose_name=_("officials who attended"), blank=True, related_name="partner_engagements"
    )
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    cost_currency = models.CharField(_("currency"), max_length=3, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EngagementStatus.choices, default=EngagementStatus.INTERESTED
    )
    #: what came of it, in each language (either may be empty: pages show the other)
    outcomes_en = models.TextField(_("outcomes (English)"), max_length=4000, blank=True)
    outcomes_zh_hans = models.TextField(_("outcomes (Chinese)"), max_length=4000, blank=True)
    #: follow-ups created from this engagement (outreach activities)
    followups = models.ManyToManyField(Activity, verbose_name=_("follow-ups"), blank=True, related_name="engagements")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-date", "id"]
        indexes = [models.Index(fields=["partner", "date"]), models.Index(fields=["status", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="outreach_engagement_times"),
            models.CheckConstraint(condition=Q(cost__isnull=True) | Q(cost__gte=0), name="outreach_engagement_cost"),
        ]

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        return bilingual(self, "title", language)

    def display_venue(self, language: str | None = None) -> str:
        return bilingual(self, "venue", language)

    def display_outcomes(self, language: str | None = None) -> str:
        return bilingual(self, "outcomes", language)
