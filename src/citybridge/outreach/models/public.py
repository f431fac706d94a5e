"""The public record: press mentions, supporters and thank-yous, testimonials (published only with consent) and
reference documents (e.g. a translated city plan). Bilingual texts are explicit `_en` / `_zh_hans` columns."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from citybridge.core.concurrency import Versioned
from citybridge.core.models import Organisation, Person, bilingual

__all__ = ["PressMention", "ReferenceDocument", "Supporter", "Testimonial"]


class PressMention(Versioned):
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    outlet = models.CharField(_("outlet"), max_length=200)
    published_on = models.DateField(_("published on"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("press mention")
        verbose_name_plural = _("press mentions")
        ordering = ["-published_on", "id"]

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        return bilingual(self, "title", language)


class Supporter(Versioned):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    thanks_en = models.TextField(_("thank-you (English)"), max_length=2000, blank=True)
    thanks_zh_hans = models.TextField(_("thank-you (Chinese)"), max_length=2000, blank=True)
    since = models.DateField(_("supporting since"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return bilingual(self, "name", language)

    def display_thanks(self, language: str | None = None) -> str:
        return bilingual(self, "thanks", language)


class TestimonialQuerySet(models.QuerySet):
    def published(self) -> TestimonialQuerySet:
        return self.filter(published=True, consent=True)


class Testimonial(Versioned):
    __test__ = False  # not a pytest class

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="testimonials")
    quote_en = models.TextField(_("quote (English)"), max_length=2000, blank=True)
    quote_zh_hans = models.TextField(_("quote (Chinese)"), max_length=2000, blank=True)
    #: the person agreed to the quote being published with their name
    consent = models.BooleanField(_("consent to publish"), default=False)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = TestimonialQuerySet.as_manager()

    class Meta:
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(published=False) | Q(consent=True), name="outreach_testimonial_consent")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.display_quote()[:40]}"

    def display_quote(self, language: str | None = None) -> str:
        return bilingual(self, "quote", language)


class ReferenceDocument(Versioned):
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=[("en", "English"), ("zh-hans", "简体中文")])
    file = models.FileField(_("file"), upload_to="outreach/documents/")
    public = models.BooleanField(_("public"), default=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reference document")
        verbose_name_plural = _("reference documents")
        ordering = ["-uploaded_at", "id"]

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        return bilingual(self, "title", language)


def _queue_public_refresh(sender: type, instance: object, **kwargs: object) -> None:
    """The academy snapshot was recomputed: refresh the public figures after the commit (not for our own row)."""
    if getattr(instance, "key", None) != "all":
        return
    from django.db import transaction

    def _enqueue() -> None:
        from citybridge.outreach.tasks import refresh_public_impact

        refresh_public_impact.enqueue()

    transaction.on_commit(_enqueue)


models.signals.post_save.connect(
    _queue_public_refresh, sender="academy.ImpactSnapshot", dispatch_uid="outreach_public_impact"
)
