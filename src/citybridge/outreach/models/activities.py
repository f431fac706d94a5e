"""Follow-ups (activities): calls, meetings, e-mails, site visits and introductions with officials, about a
lecturer, a partner or a solution, assigned to a user, with a due date, an outcome and a parent (chains)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from citybridge.academy.models import Course, OfficialProfile, Topic
from citybridge.core.concurrency import Versioned
from citybridge.core.models import Organisation, Person, is_chinese

from .evaluations import Evaluation

#: a follow-up an evaluation asks for is named in both languages (services.activities.activity_from_evaluation)
FOLLOWUP_SUBJECT_EN = "Follow-up requested: {}"
FOLLOWUP_SUBJECT_ZH = "跟进请求：{}"
FOLLOWUP_SUBJECT_SEPARATOR = " / " + FOLLOWUP_SUBJECT_ZH.format("")

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from citybridge.core.models import User


__all__ = ["Activity", "ActivityStatus", "ActivityType"]


class ActivityType(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", pgettext_lazy("activity type", "E-mail")
    SITE_VISIT = "site_visit", pgettext_lazy("activity type", "Site visit")
    INTRODUCTION = "introduction", _("Introduction")


class ActivityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up status", "Open")
    DONE = "done", pgettext_lazy("follow-up status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("follow-up status", "Cancelled")


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> ActivityQuerySet:
        """Staff: all. Anyone else: the follow-ups assigned to them."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        return self.filter(assignee_id=user.pk)


class Activity(Versioned):
    type = models.CharField(_("type"), max_length=20, choices=ActivityType.choices)
    subject = models.CharField(_("subject"), max_length=300)
    officials = models.ManyToManyField(
        OfficialProfile, verbose_name=_("officials"), blank=True, related_name="outreach_activities"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("lecturer or person concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach_activities",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partner or solution provider concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outreach_activities",
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="+")
    course = models.ForeignKey(
        Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach_activities",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.OPEN)
    outcome = models.TextField(_("outcome"), max_length=4000, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("follows"), null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
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
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    reminded_on = models.DateField(_("reminder sent on"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def shown_subject(self) -> str:
        """The subject in the reader's language when the program wrote it in both (a follow-up an evaluation asked
        for: "Follow-up requested: … / 跟进请求：…"); what a person typed, as typed."""
        en, sep, zh = self.subject.partition(FOLLOWUP_SUBJECT_SEPARATOR)
        if not sep or not self.evaluation_id:
            return self.subject
        return FOLLOWUP_SUBJECT_ZH.format(zh) if is_chinese(get_language()) else en
