"""Evaluations of sessions and modules by the officials of a course: entered by staff from the paper printout, or
submitted online through a course's link (no account). Anonymous to lecturers: only aggregates reach them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citybridge.academy.models import Academy, Course, Module, OfficialProfile, Session, Topic
from citybridge.core.concurrency import Versioned
from citybridge.core.models import Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from citybridge.core.models import User


__all__ = [
    "SCALE_MAX",
    "SCALE_MIN",
    "SCALES",
    "CommentLanguage",
    "Evaluation",
    "EvaluationAnswer",
    "EvaluationLink",
    "EvaluationSource",
    "ProgramYearTotals",
]

#: every question is answered on one 1–5 scale (1 = poor, 5 = excellent)
SCALE_MIN, SCALE_MAX = 1, 5
#: the scale questions, in form order: (field, label)
SCALES = (
    ("relevance", _("Relevance to China")),
    ("delivery", _("Delivery")),
    ("expectations", _("Expectations met")),
)


class EvaluationSource(models.TextChoices):
    PAPER = "paper", _("Paper form entered by staff")
    ONLINE = "online", _("Online form")


class CommentLanguage(models.TextChoices):
    EN = "en", _("English")
    ZH_HANS = "zh-hans", _("Chinese")


def _coordinated_academy_ids(user: User | AnonymousUser) -> set[int]:
    return user.scoped_organisation_ids("academy_coordinator")


class EvaluationLinkQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> EvaluationLinkQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        return self.filter(course__academy__organisation_id__in=_coordinated_academy_ids(user))


class EvaluationLink(models.Model):
    """A course's online evaluation link (and QR code). `key` is random and unguessable; each visit of the link
    carries a signed one-time ticket, and one evaluation is accepted per ticket."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="eval_links")
    key = models.CharField(_("link key"), max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("open for answers"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EvaluationLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation link")
        verbose_name_plural = _("evaluation links")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.key[:6]}…"


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> EvaluationQuerySet:
        """Individual evaluations: staff all, academy coordinators their academies' (never a lecturer)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        return self.filter(course__academy__organisation_id__in=_coordinated_academy_ids(user))


class Evaluation(models.Model):
    """One official's evaluation of a course: an overall answer and one answer per session or module."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="evaluations")
    source = models.CharField(_("source"), max_length=10, choices=EvaluationSource.choices)
    link = models.ForeignKey(
        EvaluationLink,
        verbose_name=_("evaluation link"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: the one-time ticket the link issued (online only); unique, so a ticket is used once
    ticket = models.CharField(_("one-time ticket"), max_length=64, null=True, blank=True, unique=True, editable=False)
    #: who filled it in, when staff know (paper form with a name). Personal data: staff only.
    official = models.ForeignKey(
        OfficialProfile,
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations",
    )
    contact = models.CharField(_("how to reach me"), max_length=200, blank=True)
    followup_topics = models.ManyToManyField(
        Topic, verbose_name=_("I want follow-up on"), blank=True, related_name="evaluation_requests"
    )
    followup_note = models.TextField(_("follow-up request"), max_length=2000, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.course_id}#{self.pk}"

    @property
    def wants_followup(self) -> bool:
        return bool(self.followup_note.strip()) or self.followup_topics.exists()


class EvaluationAnswerQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> EvaluationAnswerQuerySet:
        """Answers whose aggregates the user may read: staff all; coordinators their academies'; a lecturer the
        answers about their own sessions (aggregates only: selectors never hand a lecturer a row)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        cond = Q(academy__organisation_id__in=_coordinated_academy_ids(user))
        if user.person_id and user.has_role("lecturer"):
            cond |= Q(lecturer_id=user.person_id)
        return self.filter(cond)


class EvaluationAnswer(Versioned):
    """The answers about one session (or module, or the course overall when both are empty). Course, academy,
    lecturer and year are copied from the session when saved so results are one indexed GROUP BY."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="answers"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    module = models.ForeignKey(
        Module, verbose_name=_("module"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lecturer = models.ForeignKey(
        Person, verbose_name=_("lecturer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="+")
    academy = models.ForeignKey(Academy, verbose_name=_("academy"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    relevance = models.PositiveSmallIntegerField(_("Relevance to China"), null=True, blank=True)
    delivery = models.PositiveSmallIntegerField(_("Delivery"), null=True, blank=True)
    expectations = models.PositiveSmallIntegerField(_("Expectations met"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    comment_language = models.CharField(
        _("language of the comment"), max_length=10, choices=CommentLanguage.choices, blank=True
    )
    #: the comment in the other language, typed by staff (never a machine translation service)
    comment_translation = models.TextField(_("comment in the other language"), max_length=4000, blank=True)

    objects = EvaluationAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["lecturer", "year"]),
            models.Index(fields=["module", "year"]),
            models.Index(fields=["course", "session"]),
            models.Index(fields=["academy", "year"]),
            models.Index(fields=["year"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(relevance__isnull=True) | Q(relevance__gte=SCALE_MIN, relevance__lte=SCALE_MAX),
                name="outreach_answer_relevance_scale",
            ),
            models.CheckConstraint(
                condition=Q(delivery__isnull=True) | Q(delivery__gte=SCALE_MIN, delivery__lte=SCALE_MAX),
                name="outreach_answer_delivery_scale",
            ),
            models.CheckConstraint(
                condition=Q(expectations__isnull=True) | Q(expectations__gte=SCALE_MIN, expectations__lte=SCALE_MAX),
                name="outreach_answer_expectations_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}/{self.session_id or '-'}"


class ProgramYearTotals(models.Model):
    """Sums and counts of every answer per year, kept by the evaluation services in the same transaction (one row
    per year): the program mean each result is compared with, without a GROUP BY over every answer."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    n = models.PositiveIntegerField(_("answers"), default=0)
    sum_relevance = models.PositiveIntegerField(_("relevance to China: total of scores"), default=0)
    cnt_relevance = models.PositiveIntegerField(_("relevance to China: scores given"), default=0)
    sum_delivery = models.PositiveIntegerField(_("delivery: total of scores"), default=0)
    cnt_delivery = models.PositiveIntegerField(_("delivery: scores given"), default=0)
    sum_expectations = models.PositiveIntegerField(_("expectations met: total of scores"), default=0)
    cnt_expectations = models.PositiveIntegerField(_("expectations met: scores given"), default=0)

    class Meta:
        verbose_name = _("program totals per year")
        verbose_name_plural = _("program totals per year")

    def __str__(self) -> str:
        return str(self.year)
