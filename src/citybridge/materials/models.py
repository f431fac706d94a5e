"""Lecture materials: a lecturer's deck through review, translation and approval (issue #13).

Material (the deck, its state and owners) → MaterialVersion (each upload, a file in Django's storage) → Segment
(one sentence of that version, source and target). MaterialEvent is the workflow's history (who, when, comment).
GlossaryTerm is the project glossary; Counter holds the translation memory's generation (bumped on every write
that changes a reviewed segment), so each process's cached memory knows when to rebuild.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from citybridge.core.concurrency import Versioned
from citybridge.core.models import Person, User


class State(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("material state", "Submitted")
    ADAPTATION = "adaptation", pgettext_lazy("material state", "Adaptation review")
    TRANSLATION = "translation", pgettext_lazy("material state", "Translation")
    APPROVAL = "approval", pgettext_lazy("material state", "Academy approval")
    STYLE = "style", pgettext_lazy("material state", "Style and acceptability check")
    READY = "ready", pgettext_lazy("material state", "Ready")
    DELIVERED = "delivered", pgettext_lazy("material state", "Delivered")


#: the order of the steps; a step's due date is back-scheduled from the session date by LEAD_DAYS
ORDER = [s.value for s in State]
#: days before the session each step must be done by (configurable in settings: CITYBRIDGE_MATERIALS_LEAD_DAYS)
DEFAULT_LEAD_DAYS = {"submitted": 42, "adaptation": 35, "translation": 21, "approval": 14, "style": 7, "ready": 1}
#: who owns each step (the role expected to act next)
OWNER_ROLE = {
    "submitted": "program_staff",
    "adaptation": "program_staff",
    "translation": "translator",
    "approval": "academy_coordinator",
    "style": "program_staff",
    "ready": "program_staff",
    "delivered": "",
}


class SegmentStatus(models.TextChoices):
    UNTRANSLATED = "untranslated", pgettext_lazy("segment status", "Untranslated")
    DRAFT = "draft", pgettext_lazy("segment status", "Draft")
    REVIEWED = "reviewed", pgettext_lazy("segment status", "Reviewed")


class FileKind(models.TextChoices):
    PPTX = "pptx", "PPTX"
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


def _coordinated(user: User) -> set[int]:
    return user.scoped_organisation_ids("academy_coordinator")


class MaterialQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> MaterialQuerySet:
        """Staff: all. Lecturers: their own. Translators: materials in translation assigned to them. Academy
        coordinators: materials of sessions of their academies' courses."""
        if not user or not user.is_authenticated:
            return self.none()
        if user.is_program_staff:
            return self
        cond = Q(pk__in=[])
        if user.person_id and user.has_role("lecturer"):
            cond |= Q(lecturer_id=user.person_id)
        if user.has_role("translator"):
            cond |= Q(translator_id=user.pk, state=State.TRANSLATION)
        orgs = _coordinated(user)
        if orgs:
            cond |= Q(session__course__academy__organisation_id__in=orgs)
        return self.filter(cond)


class Material(Versioned):
    title = models.CharField(_("title"), max_length=200)
    lecturer = models.ForeignKey(Person, verbose_name=_("lecturer"), on_delete=models.PROTECT, related_name="materials")
    session = models.ForeignKey(
        "academy.Session", verbose_name=_("session"), on_delete=models.PROTECT, related_name="materials"
    )
    module = models.ForeignKey(
        "academy.Module",
        verbose_name=_("module"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="materials",
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("translator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="materials_to_translate",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    adaptation_notes = models.TextField(_("notes on applicability to China"), blank=True, max_length=10000)
    local_examples = models.TextField(_("suggested local examples and data"), blank=True, max_length=10000)
    case_links = models.TextField(_("links to cases"), blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="materials_created",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("lecture material")
        verbose_name_plural = _("lecture materials")
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "due_date"])]
        permissions = [("view_material_scoped", "May see materials in scope")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Its step's due date has passed (a step's due date is none once it is ready or delivered)."""
        return self.due_date is not None and self.due_date < timezone.localdate()


class MaterialVersion(models.Model):
    material = models.ForeignKey(
        Material, verbose_name=_("lecture material"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version number"))
    kind = models.CharField(_("kind"), max_length=8, choices=FileKind.choices)
    file = models.FileField(_("file"), upload_to="materials/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("file size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    translated_file = models.FileField(
        _("translated deck"), upload_to="materials/translated/%Y/%m/", blank=True, max_length=300
    )
    translated_at = models.DateTimeField(_("translated deck built"), null=True, blank=True)
    # applied, overflows [{slide, shape, fill}], error
    build_report = models.JSONField(_("translated deck build report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["material", "number"], name="material_version_number")]

    def __str__(self) -> str:
        return f"{self.material_id} v{self.number}"


class Segment(Versioned):
    doc_version = models.ForeignKey(
        MaterialVersion, verbose_name=_("deck version"), on_delete=models.CASCADE, related_name="segments"
    )
    sid = models.CharField(_("segment id"), max_length=200)
    position = models.PositiveIntegerField(_("order"))
    source = models.TextField(_("source"), max_length=20000)
    target = models.TextField(_("translation"), blank=True, max_length=20000)
    status = models.CharField(
        _("status"), max_length=20, choices=SegmentStatus.choices, default=SegmentStatus.UNTRANSLATED
    )
    context = models.CharField(_("context"), max_length=20)
    slide = models.PositiveIntegerField(_("slide number"), default=0)
    changed = models.BooleanField(_("changed since the previous version"), default=False)
    #: the target is a machine translation no person has edited yet (materials/mt.py); never stored as reviewed
    machine = models.BooleanField(_("machine translation"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["doc_version", "sid"], name="segment_version_sid")]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.sid


class MaterialEvent(models.Model):
    """One step of the workflow's history: from → to, who, when, comment."""

    material = models.ForeignKey(
        Material, verbose_name=_("lecture material"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(_("previous step"), max_length=20, blank=True)
    to_state = models.CharField(_("new step"), max_length=20)
    action = models.CharField(_("action"), max_length=20)  # submit, advance, return, assign, upload
    # "assign": the translator assigned, named at display time in the reader's language (a stored label was in the
    # language of whoever assigned, with the e-mail)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned translator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("material history entry")
        verbose_name_plural = _("material history entries")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class GlossaryTerm(models.Model):
    en = models.CharField(_("English"), max_length=200)
    zh = models.CharField(_("Chinese"), max_length=200)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    source = models.CharField(_("source"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["en", "id"]
        constraints = [models.UniqueConstraint(fields=["en", "zh"], name="glossary_en_zh")]

    def __str__(self) -> str:
        return f"{self.en} = {self.zh}"


class Counter(models.Model):
    """Named generation counters (``tm``: reviewed segments changed; ``glossary``: terms changed)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    value = models.PositiveBigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("generation counter")
        verbose_name_plural = _("generation counters")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class OverdueNotice(models.Model):
    """One overdue reminder e-mail: to whom, for which day, about which materials. Unique per recipient and day, so
    the worker sends each owner at most one a day, even with two workers (the row is claimed before sending)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    materials = models.JSONField(_("lecture materials"), default=list)  # ids of the overdue materials the e-mail listed
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("overdue notice")
        verbose_name_plural = _("overdue notices")
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="materials_overdue_once_a_day")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.day}"
