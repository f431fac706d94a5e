"""Government Training tables: academies, curriculum, courses, sessions, officials, enrolment, attendance,
external training, certificates, the per-official per-year compliance summary and the impact snapshot."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from citybridge.core import pinyin, provinces
from citybridge.core.concurrency import Versioned
from citybridge.core.models import Organisation, Person, PinyinNamed, PinyinNamedQuerySet, bilingual
from citybridge.core.rows import date_text

if TYPE_CHECKING:
    from citybridge.core.models import User

# --------------------------------------------------------------------------- choices


class Position(models.TextChoices):
    MAYOR = "mayor", _("Mayor")
    VICE_MAYOR = "vice_mayor", _("Vice mayor")
    BUREAU_OFFICER = "bureau_officer", _("Central-government bureau officer")
    SOE_EXECUTIVE = "soe_executive", _("SOE executive")
    OTHER = "other", pgettext_lazy("position", "Other")


class Motivation(models.TextChoices):
    MANDATORY = "mandatory", _("Mandatory training requirement")
    FIVE_YEAR_PLAN = "five_year_plan", _("Five-Year-Plan metric")
    LOCAL_GROWTH = "local_growth", _("Local growth")
    DIFFERENTIATION = "differentiation", _("Differentiation")
    COMMUNITY_HEALTH = "community_health", _("Community health")


class SessionFormat(models.TextChoices):
    LECTURE = "lecture", _("Classroom lecture")
    SITE_VISIT = "site_visit", _("Site visit")
    WORKSHOP = "workshop", _("Workshop")
    DINNER = "dinner", _("Dinner")
    LUNCH = "lunch", _("Lunch")
    EXHIBITION = "exhibition", _("Exhibition")


class CourseStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    OPEN = "open", _("Open for enrolment")
    RUNNING = "running", pgettext_lazy("course status", "Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


#: allowed status changes
COURSE_TRANSITIONS = {
    CourseStatus.PLANNING: {CourseStatus.OPEN, CourseStatus.CANCELLED},
    CourseStatus.OPEN: {CourseStatus.PLANNING, CourseStatus.RUNNING, CourseStatus.CANCELLED},
    CourseStatus.RUNNING: {CourseStatus.COMPLETED, CourseStatus.CANCELLED},
    CourseStatus.COMPLETED: set(),
    CourseStatus.CANCELLED: set(),
}


class EnrolmentStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    WITHDRAWN = "withdrawn", pgettext_lazy("enrolment status", "Withdrawn")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


# --------------------------------------------------------------------------- scope helpers


def _academy_ids(user: User) -> set[int]:
    return user.scoped_organisation_ids("academy_coordinator")


def _is_lecturer(user: User) -> bool:
    return bool(user.person_id) and user.has_role("lecturer")


# --------------------------------------------------------------------------- academies and curriculum


class AcademyQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AcademyQuerySet:
        return self if getattr(user, "is_authenticated", False) else self.none()


class Academy(Versioned):
    """The academy profile of an organisation of type "academy"."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="academy",
        limit_choices_to={"type": "academy"},
    )
    official = models.BooleanField(
        _("official training academy"),
        default=True,
        help_text=_("One of the official academies whose classes fulfil the requirement."),
    )
    managed_by_program = models.BooleanField(_("managed by the program"), default=False)
    history = HistoricalRecords()

    objects = AcademyQuerySet.as_manager()

    class Meta:
        verbose_name = _("academy")
        verbose_name_plural = _("academies")
        ordering = ["organisation__name_en", "id"]

    def __str__(self) -> str:
        return self.organisation.display_name()

    def display_name(self, language: str | None = None) -> str:
        return self.organisation.display_name(language)


class Topic(Versioned):
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    motivations = models.JSONField(_("why officials care"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return bilingual(self, "name", language)

    def motivation_labels(self) -> list[str]:
        labels = dict(Motivation.choices)
        return [str(labels[m]) for m in self.motivations if m in labels]


class Module(Versioned):
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("objectives"), blank=True, max_length=4000)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="modules", blank=True)
    days = models.PositiveSmallIntegerField(_("length in days"))
    formats = models.JSONField(_("formats"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["title_en", "id"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return bilingual(self, "title", language)

    def format_labels(self) -> list[str]:
        labels = dict(SessionFormat.choices)
        return [str(labels[f]) for f in self.formats if f in labels]


# --------------------------------------------------------------------------- courses and sessions


class CourseQuerySet(PinyinNamedQuerySet):
    def visible_to(self, user: User) -> CourseQuerySet:
        """Staff: all. Academy coordinators: their academies' courses. Lecturers: courses they teach a session in."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        cond = Q(academy__organisation_id__in=_academy_ids(user))
        if _is_lecturer(user):
            cond |= Exists(Session.objects.filter(course=OuterRef("pk"), lecturer_id=user.person_id))
        return self.filter(cond)


class Course(PinyinNamed, Versioned):
    """`pinyin_name` is the title's key (core.pinyin), the order of the course list by title in Chinese."""

    PINYIN_SOURCES = ("title", "title_en", "title_zh_hans")

    academy = models.ForeignKey(Academy, verbose_name=_("academy"), on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CourseStatus.choices, default=CourseStatus.PLANNING)
    modules = models.ManyToManyField(Module, through="CourseModule", verbose_name=_("modules"), related_name="courses")
    timezone = models.CharField(_("time zone"), max_length=50, default="Asia/Shanghai")
    #: its confirmed enrolments, kept by database triggers (academy/confirmed_count.py): never written by Python
    confirmed_count = models.PositiveIntegerField(_("confirmed enrolments"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-start_date", "id"]
        indexes = [
            models.Index(fields=["academy", "status"]),
            models.Index(fields=["status", "end_date"]),
            # the course list's default order (latest first: academy.views.home, sort "-dates", then key): a page
            # walks this index instead of sorting every course
            models.Index(fields=["-start_date", "-end_date", "id"], name="academy_course_dates_idx"),
            # sorted by class size (confirmed_count, academy/confirmed_count.py)
            models.Index(fields=["confirmed_count", "id"], name="academy_course_confirmed_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="academy_course_dates"),
        ]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return bilingual(self, "title", language)

    def pinyin_key(self) -> str:
        return pinyin.first_key(self.title_zh_hans, self.title_en, self.title)

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class CourseModule(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="course_modules"
    )
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.PROTECT, related_name="course_modules"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("course module")
        verbose_name_plural = _("course modules")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "module"], name="academy_coursemodule_unique")]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.module_id}"


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SessionQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        cond = Q(course__academy__organisation_id__in=_academy_ids(user))
        if _is_lecturer(user):
            cond |= Q(lecturer_id=user.person_id)
        return self.filter(cond)


class Session(Versioned):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    format = models.CharField(_("format"), max_length=20, choices=SessionFormat.choices, default=SessionFormat.LECTURE)
    module = models.ForeignKey(
        Module, verbose_name=_("module"), null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    lecturer = models.ForeignKey(
        Person, verbose_name=_("lecturer"), null=True, blank=True, on_delete=models.PROTECT, related_name="lectures"
    )
    site = models.CharField(_("site"), max_length=200, blank=True)
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_sessions",
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time", "id"]
        indexes = [models.Index(fields=["course", "date"]), models.Index(fields=["lecturer", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="academy_session_times"),
        ]

    def __str__(self) -> str:
        return f"{date_text(self.date)} {self.start_time:%H:%M} {self.display_title()}"

    def display_title(self, language: str | None = None) -> str:
        if self.title_en or self.title_zh_hans:
            return bilingual(self, "title", language)
        if self.module_id:
            return self.module.display_name(language)
        return str(self.get_format_display())


# --------------------------------------------------------------------------- officials


class Jurisdiction(models.Model):
    """A city, district, county or province an official leads. Its population is kept with dates."""

    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province"), max_length=100, blank=True)
    province_code = provinces.code_field()
    country = models.CharField(_("country"), max_length=2, default="CN")

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["province_en", "name_en", "id"]

    def __str__(self) -> str:
        return self.display_name()

    def save(self, *args, **kwargs) -> None:
        provinces.fill_code(self, "province_en", "province_zh_hans", "province", kwargs=kwargs)
        super().save(*args, **kwargs)

    def display_name(self, language: str | None = None) -> str:
        return bilingual(self, "name", language)


class JurisdictionPopulation(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.CASCADE, related_name="populations"
    )
    population = models.PositiveBigIntegerField(_("population"))
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        ordering = ["jurisdiction", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "valid_from"], name="academy_population_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.valid_from}: {self.population}"


#: OfficialProfile's copies of its person's names, kept by the database (academy/official_sort.py)
SORT_NAME_FIELDS = [
    "sort_family_name_en", "sort_given_name_en", "sort_family_name_zh_hans", "sort_given_name_zh_hans",
    "sort_pinyin_name",
]  # fmt: skip


class OfficialQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> OfficialQuerySet:
        """Staff: all. Coordinators: officials with a current (not withdrawn) enrolment at their academy. Lecturers:
        officials confirmed in a course where they teach (names only: views and API drop everything else for them)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        cond = Q(pk__in=[])
        ids = _academy_ids(user)
        if ids:  # a withdrawn enrolment no longer gives access to the official
            cond |= Q(
                pk__in=Enrolment.objects.filter(course__academy__organisation_id__in=ids)
                .exclude(status=EnrolmentStatus.WITHDRAWN)
                .values("official_id")
            )
        if _is_lecturer(user):
            cond |= Q(
                pk__in=Enrolment.objects.filter(
                    status=EnrolmentStatus.CONFIRMED, course__sessions__lecturer_id=user.person_id
                ).values("official_id")
            )
        return self.filter(cond)


class OfficialProfile(Versioned):
    # PROTECT here and below: a training record is never cascaded away; a person's data goes by a privacy erase
    person = models.OneToOneField(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="official")
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction led"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officials",
    )
    #: for filtering: the jurisdiction's province, or the organisation's
    province = models.CharField(_("province"), max_length=100, blank=True, db_index=True)
    province_code = provinces.code_field()
    company = models.ForeignKey(
        Organisation,
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="executives",
    )
    company_employees = models.PositiveIntegerField(_("company employees"), null=True, blank=True)
    service_start = models.DateField(_("service began"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: the person's names copied for the list's name sort (issue 9, "Fast at any depth"): with them and the two
    #: indexes below, a page's keys are read from one covering index of this table instead of walking the person
    #: name index and probing each person's official. Kept equal to the person's columns by the database itself
    #: (triggers on both tables, academy/official_sort.py), whatever writes them: never write them in Python.
    sort_family_name_en = models.CharField(
        _("family name for sorting (English)"), max_length=100, null=True, blank=True, editable=False
    )
    sort_given_name_en = models.CharField(
        _("given name for sorting (English)"), max_length=100, null=True, blank=True, editable=False
    )
    sort_family_name_zh_hans = models.CharField(
        _("family name for sorting (Chinese)"), max_length=100, null=True, blank=True, editable=False
    )
    sort_given_name_zh_hans = models.CharField(
        _("given name for sorting (Chinese)"), max_length=100, null=True, blank=True, editable=False
    )
    sort_pinyin_name = models.CharField(
        _("name in pinyin for sorting"), max_length=255, null=True, blank=True, editable=False
    )
    history = HistoricalRecords(excluded_fields=SORT_NAME_FIELDS)

    objects = OfficialQuerySet.as_manager()

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["person__family_name_en", "id"]
        indexes = [
            models.Index(fields=["position"]),
            # the officials list's name sort in each language (core.listing.localized order), then the person's key
            # (the order the list had when it sorted through the person name index: ties of equal names keep
            # their order) and the official's own
            models.Index(
                fields=[
                    "sort_family_name_en",
                    "sort_given_name_en",
                    "sort_family_name_zh_hans",
                    "sort_given_name_zh_hans",
                    "person",
                    "id",
                ],
                name="academy_official_name_en_idx",
            ),
            models.Index(
                fields=[
                    "sort_pinyin_name",
                    "sort_family_name_zh_hans",
                    "sort_given_name_zh_hans",
                    "sort_family_name_en",
                    "sort_given_name_en",
                    "person",
                    "id",
                ],
                name="academy_official_name_zh_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.person.display_name()

    def save(self, *args, **kwargs) -> None:
        provinces.fill_code(self, "province", kwargs=kwargs)
        super().save(*args, **kwargs)

    def display_province(self, language: str | None = None) -> str:
        return provinces.province_name(self.province_code, language) or self.province


# --------------------------------------------------------------------------- enrolment and attendance


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> EnrolmentQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        cond = Q(course__academy__organisation_id__in=_academy_ids(user))
        if _is_lecturer(user):
            cond |= Q(status=EnrolmentStatus.CONFIRMED) & Exists(
                Session.objects.filter(course=OuterRef("course"), lecturer_id=user.person_id)
            )
        return self.filter(cond)


class Enrolment(models.Model):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrolments")
    official = models.ForeignKey(
        OfficialProfile, verbose_name=_("official"), on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.CONFIRMED
    )
    # what the official led when enrolling: the impact figures count this, not today's profile
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction led"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    company = models.ForeignKey(
        Organisation, verbose_name=_("company"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    company_employees = models.PositiveIntegerField(_("company employees"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    history = HistoricalRecords()

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["enrolled_at", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "official"], name="academy_enrolment_unique")]
        indexes = [models.Index(fields=["official", "status"]), models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.official_id} @ {self.course_id} ({self.status})"

    @property
    def certificate(self) -> Certificate | None:
        """The valid certificate, else the latest revoked one (a re-issue keeps the revoked certificate, whose code
        then still verifies as revoked), else None; one query (list pages read `valid_certificate` and
        `revoked_certificate_code` from academy.selectors.with_certificates instead)."""
        certificates = sorted(self.certificates.all(), key=lambda c: (c.revoked_at is None, c.issued_at, c.pk))
        return certificates[-1] if certificates else None


class Attendance(models.Model):
    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance")
    official = models.ForeignKey(
        OfficialProfile, verbose_name=_("official"), on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)
    recorded_by = models.ForeignKey(
        "core.User", verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["official", "session"], name="academy_attendance_unique")]
        indexes = [models.Index(fields=["session"])]

    def __str__(self) -> str:
        return f"{self.official_id} @ {self.session_id}: {self.status}"


class ExternalTraining(models.Model):
    """Training taken at another academy or institution; counts towards compliance when evidence is attached."""

    official = models.ForeignKey(
        OfficialProfile, verbose_name=_("official"), on_delete=models.PROTECT, related_name="external_training"
    )
    provider = models.CharField(_("provider"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    days = models.PositiveSmallIntegerField(_("training days"))
    evidence = models.FileField(_("evidence"), upload_to="academy/evidence/%Y/", blank=True)
    evidence_reference = models.CharField(
        _("evidence reference"),
        max_length=200,
        blank=True,
        help_text=_("For example the number of the other academy's certificate."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "core.User", verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("external training")
        verbose_name_plural = _("external training")
        ordering = ["-start_date", "id"]

    def __str__(self) -> str:
        return f"{self.provider}: {self.title}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence) or bool(self.evidence_reference.strip())


class Certificate(models.Model):
    # several per enrolment over time: re-issuing after a revocation adds a certificate with a new code and keeps
    # the revoked one (its code verifies as revoked); at most one is not revoked (constraint below)
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="certificates"
    )
    code = models.CharField(_("verification code"), max_length=24, unique=True)
    training_days = models.PositiveSmallIntegerField(_("training days"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        "core.User", verbose_name=_("issued by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(revoked_at__isnull=True), name="academy_certificate_one_valid"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


# --------------------------------------------------------------------------- stored summaries


class TrainingYear(models.Model):
    """A calendar year whose summary rows exist for every official (see services.compliance_prepare_year)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    prepared_at = models.DateTimeField(_("summaries prepared"), auto_now_add=True)

    class Meta:
        verbose_name = _("training year")
        verbose_name_plural = _("training years")

    def __str__(self) -> str:
        return str(self.year)


class TrainingSummary(models.Model):
    """Training days of one official in one calendar year, kept up to date by the services.

    "Who is behind" sorts these rows instead of counting attendance on every request."""

    official = models.ForeignKey(
        OfficialProfile, verbose_name=_("official"), on_delete=models.CASCADE, related_name="summaries"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    academy_days = models.PositiveSmallIntegerField(_("days at academies"), default=0)
    external_days = models.PositiveSmallIntegerField(_("days of external training"), default=0)
    total_days = models.PositiveSmallIntegerField(_("total training days"), default=0)
    required_days = models.PositiveSmallIntegerField(_("required training days"), default=12)
    shortfall = models.PositiveSmallIntegerField(_("shortfall"), default=12)
    # the 5-year window in force on 1 January of the year (or when service began), see compliance.window_standing
    window_start = models.DateField(_("five-year period starts"), null=True, blank=True)
    window_end = models.DateField(_("five-year period ends (exclusive)"), null=True, blank=True)  # exclusive
    window_days = models.PositiveSmallIntegerField(_("training days in the five-year period"), default=0)
    window_required = models.PositiveSmallIntegerField(_("training days required in the five-year period"), default=0)
    # > 0: at risk (the annual pace cannot reach it)
    window_gap = models.PositiveSmallIntegerField(_("days short of the five-year pace"), default=0)
    # shortfall + window_gap: the "either rule" sort key
    behind_days = models.PositiveSmallIntegerField(_("days behind"), default=0)
    # where the days come from, for the explanation on the page: {"year"|"window": {"courses"|"external": {id: n}}}
    detail = models.JSONField(_("breakdown"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("training summary")
        verbose_name_plural = _("training summaries")
        constraints = [models.UniqueConstraint(fields=["official", "year"], name="academy_summary_unique")]
        indexes = [
            models.Index(fields=["year", "-shortfall", "official"], name="academy_summary_behind"),
            models.Index(fields=["year", "-behind_days", "official"], name="academy_summary_any"),
            models.Index(fields=["year", "-window_gap", "official"], name="academy_summary_window"),
        ]

    def __str__(self) -> str:
        return f"{self.official_id} {self.year}: {self.total_days}"


class ImpactSnapshot(models.Model):
    """The impact report computed from records, cached until a write that changes it marks it stale."""

    key = models.CharField(_("snapshot key"), max_length=20, unique=True, default="all")
    data = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    stale = models.BooleanField(_("out of date"), default=True)

    class Meta:
        verbose_name = _("impact snapshot")
        verbose_name_plural = _("impact snapshots")

    def __str__(self) -> str:
        return self.key


# --------------------------------------------------------------------------- possible duplicates


class DuplicateReason(models.TextChoices):
    EMAIL = "email", _("Same e-mail address")
    NAME = "name", _("Same name")


class DuplicateResolution(models.TextChoices):
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Dismissed")


class PossibleDuplicateQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> PossibleDuplicateQuerySet:
        """Program staff only: a coordinator never learns that someone outside their academy matched."""
        if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_program_staff:
            return self.none()
        return self

    def open(self) -> PossibleDuplicateQuerySet:
        return self.filter(resolved_at__isnull=True)


class PossibleDuplicate(models.Model):
    """A coordinator's import row that may be an official outside their academy: imported as a new official and
    left here for program staff to merge or dismiss."""

    new_official = models.ForeignKey(
        OfficialProfile,
        verbose_name=_("new official"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="possible_duplicates",
    )
    existing_official = models.ForeignKey(
        OfficialProfile, verbose_name=_("existing official"), on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=DuplicateReason.choices)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)
    created_by = models.ForeignKey(
        "core.User", verbose_name=_("imported by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=10, choices=DuplicateResolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        "core.User", verbose_name=_("resolved by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PossibleDuplicateQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.new_official_id} ~ {self.existing_official_id} ({self.reason})"


class RosterUpload(models.Model):
    """A roster file between its preview and its confirmation, kept in the database (any web node may answer the
    confirmation); the bytes are checked against their hash before they are imported. Removed once imported, and
    after a day."""

    created_by = models.ForeignKey(
        "core.User", verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file content"))
    sha256 = models.CharField(_("SHA-256 hash"), max_length=64)
    overflow_to_waitlist = models.BooleanField(_("put officials beyond the class size on the waitlist"), default=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("roster upload")
        verbose_name_plural = _("roster uploads")

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"


# --------------------------------------------------------------------------- lecturers (issue #11)

#: weekday numbers as Python's date.weekday(): 0 = Monday … 6 = Sunday
WEEKDAYS = (
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
)


class LecturerLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    CHINESE = "zh", _("Chinese (Mandarin)")
    FRENCH = "fr", _("French")
    GERMAN = "de", _("German")
    SPANISH = "es", _("Spanish")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")


class LecturerQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> LecturerQuerySet:
        """Program staff: every lecturer. A lecturer: their own profile only. Nobody else."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        if _is_lecturer(user):
            return self.filter(person_id=user.person_id)
        return self.none()


class LecturerProfile(Versioned):
    """A donated-time speaker: a Person with what the timetable needs to know about them."""

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="lecturer_profile"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lecturers",
    )
    bio = models.TextField(_("biography"), blank=True, max_length=4000)
    topics = models.ManyToManyField(Topic, verbose_name=_("expertise"), related_name="lecturers", blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    needs_interpretation = models.BooleanField(_("needs interpretation"), default=False)
    home_timezone = models.CharField(_("home time zone"), max_length=50, default="Asia/Shanghai")
    visiting = models.BooleanField(
        _("visiting"), default=False, help_text=_("Travels to the course: their sessions are best grouped.")
    )
    preferred_weekdays = models.JSONField(_("preferred weekdays"), default=list, blank=True)
    max_sessions_per_day = models.PositiveSmallIntegerField(_("most sessions a day"), default=2)
    group_sessions = models.BooleanField(_("group my sessions on consecutive days"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # history: registered in translation.py (bio is bilingual)

    objects = LecturerQuerySet.as_manager()

    class Meta:
        verbose_name = _("lecturer")
        verbose_name_plural = _("lecturers")
        ordering = ["person__family_name_en", "person__given_name_en", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_sessions_per_day__gte=1, max_sessions_per_day__lte=4),
                name="academy_lecturer_max_sessions",
            ),
        ]

    def __str__(self) -> str:
        return self.person.display_name()

    def display_name(self, language: str | None = None) -> str:
        return self.person.display_name(language)

    def display_bio(self, language: str | None = None) -> str:
        return bilingual(self, "bio", language)

    def topic_names(self) -> list[str]:
        """The expertise topics' names (uses the prefetched topics when the list loaded them)."""
        return [t.display_name() for t in self.topics.all()]

    def language_labels(self) -> list[str]:
        labels = dict(LecturerLanguage.choices)
        return [str(labels[c]) for c in self.languages if c in labels]

    def weekday_labels(self) -> list[str]:
        labels = dict(WEEKDAYS)
        return [str(labels[d]) for d in self.preferred_weekdays if d in labels]


class AvailabilityQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AvailabilityQuerySet:
        return self.filter(lecturer__in=LecturerProfile.objects.visible_to(user))


class LecturerAvailability(Versioned):
    """A window in which the lecturer can teach: a date range, and within it the weekdays (none listed: every
    day)."""

    lecturer = models.ForeignKey(
        LecturerProfile, verbose_name=_("lecturer"), on_delete=models.CASCADE, related_name="availability"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        ordering = ["lecturer", "start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="academy_availability_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lecturer_id}: {self.start_date} – {self.end_date}"

    def weekday_labels(self) -> list[str]:
        labels = dict(WEEKDAYS)
        return [str(labels[d]) for d in self.weekdays if d in labels]


# --------------------------------------------------------------------------- planning inputs (issue #11)


class ModuleSessionNeed(Versioned):
    """What one module of a course needs: ``count`` sessions of a format, optionally by a lecturer, at a site
    visit host, on a topic, in the evening."""

    course_module = models.ForeignKey(
        CourseModule, verbose_name=_("module"), on_delete=models.CASCADE, related_name="needs"
    )
    format = models.CharField(_("format"), max_length=20, choices=SessionFormat.choices, default=SessionFormat.LECTURE)
    count = models.PositiveSmallIntegerField(_("sessions"), default=1)
    title = models.CharField(_("title"), max_length=200, blank=True)
    lecturer = models.ForeignKey(
        Person, verbose_name=_("lecturer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("site-visit host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evening = models.BooleanField(_("in the evening"), default=False)

    class Meta:
        verbose_name = _("session need")
        verbose_name_plural = _("session needs")
        ordering = ["course_module__order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1, count__lte=20), name="academy_need_count"),
        ]

    def __str__(self) -> str:
        return f"{self.course_module_id}: {self.count} × {self.format}"


class CoursePlanning(Versioned):
    """A course's timetable settings: the preferred rest weekday and the soft-goal weights."""

    course = models.OneToOneField(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="planning")
    rest_weekday = models.PositiveSmallIntegerField(_("preferred rest day"), null=True, blank=True, choices=WEEKDAYS)
    weights = models.JSONField(_("weights"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timetable settings")
        verbose_name_plural = _("timetable settings")

    def __str__(self) -> str:
        return f"{self.course_id}"


class BlackoutDate(Versioned):
    """A day an academy holds no class (its own closure), besides China's public holidays."""

    academy = models.ForeignKey(
        Academy, verbose_name=_("academy"), on_delete=models.CASCADE, related_name="blackout_dates"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("blackout date")
        verbose_name_plural = _("blackout dates")
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["academy", "date"], name="academy_blackout_unique")]

    def __str__(self) -> str:
        return f"{self.academy_id}: {self.date}"


class SiteHost(Versioned):
    """An organisation that receives a class on a site visit, and on which weekdays (none listed: every day),
    between optional dates."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="site_host"
    )
    weekdays = models.JSONField(_("receives a class on"), default=list, blank=True)
    open_from = models.DateField(_("from"), null=True, blank=True)
    open_until = models.DateField(_("until"), null=True, blank=True)
    closed_dates = models.JSONField(_("closed on"), default=list, blank=True)

    class Meta:
        verbose_name = _("site-visit host")
        verbose_name_plural = _("site-visit hosts")
        ordering = ["organisation__name_en", "id"]

    def __str__(self) -> str:
        return self.organisation.display_name()

    def weekday_labels(self) -> list[str]:
        labels = dict(WEEKDAYS)
        return [str(labels[d]) for d in self.weekdays if d in labels]


class PartnerEvent(Versioned):
    """A partner's event in a course (a dinner, a lunch, an exhibition) with the date it asked for."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="partner_events"
    )
    partner = models.ForeignKey(Organisation, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+")
    format = models.CharField(_("format"), max_length=20, choices=SessionFormat.choices, default=SessionFormat.DINNER)
    title = models.CharField(_("title"), max_length=200, blank=True)
    requested_date = models.DateField(_("requested date"), null=True, blank=True)
    evening = models.BooleanField(_("in the evening"), default=True)

    class Meta:
        verbose_name = _("partner event")
        verbose_name_plural = _("partner events")
        ordering = ["course", "requested_date", "id"]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.partner_id} {self.format}"


class SessionPlan(models.Model):
    """How a session relates to the timetable: which required session it places (``key``, the engine's id,
    kept so a re-plan knows where each session was) and whether the user locked it."""

    session = models.OneToOneField(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="plan")
    key = models.CharField(_("timetable key"), max_length=100, blank=True, db_index=True)
    locked = models.BooleanField(_("locked"), default=False)
    locked_by = models.ForeignKey(
        "core.User", verbose_name=_("locked by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("session plan")
        verbose_name_plural = _("session plans")

    def __str__(self) -> str:
        return f"{self.session_id}: {self.key}{' (locked)' if self.locked else ''}"


# --------------------------------------------------------------------------- timetable runs (issue #11)

#: a worker renews its claim on a running timetable at least this often; a lease this old was left by a dead worker
TIMETABLE_LEASE = timedelta(seconds=120)
TIMETABLE_LEASE_RENEW_EVERY = timedelta(seconds=20)


class TimetableRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("computation state", "Running")
    DONE = "done", _("Ready to review")
    INFEASIBLE = "infeasible", _("No timetable possible")
    FAILED = "failed", _("Failed")
    ACCEPTED = "accepted", _("Accepted")
    DISCARDED = "discarded", _("Discarded")


class TimetableRunKind(models.TextChoices):
    COURSE = "course", _("One course")
    REPLAN = "replan", _("Re-plan")
    SEASON = "season", _("Season")


class TimetableRunQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> TimetableRunQuerySet:
        """Staff: every run. Academy coordinators: the runs of their academies' courses (never a season run)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        ids = _academy_ids(user)
        if not ids:
            return self.none()
        return self.filter(kind__in=[TimetableRunKind.COURSE, TimetableRunKind.REPLAN]).filter(
            course__academy__organisation_id__in=ids
        )

    def stuck(self, now: datetime | None = None) -> TimetableRunQuerySet:
        from django.utils import timezone

        now = now or timezone.now()
        return self.filter(status=TimetableRunStatus.RUNNING).filter(
            Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True, started_at__lt=now - TIMETABLE_LEASE)
        )


class TimetableRun(models.Model):
    """One "Generate timetable": queued → running (progress, lease) → done / infeasible / failed; a done run is
    then accepted (its sessions written) or discarded."""

    kind = models.CharField(_("kind"), max_length=10, choices=TimetableRunKind.choices, default=TimetableRunKind.COURSE)
    course = models.ForeignKey(
        Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.CASCADE, related_name="timetable_runs"
    )
    season_start = models.DateField(_("season starts"), null=True, blank=True)
    season_end = models.DateField(_("season ends"), null=True, blank=True)
    courses = models.ManyToManyField(Course, verbose_name=_("courses"), related_name="+", blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TimetableRunStatus.choices, default=TimetableRunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    progress_note = models.JSONField(_("progress note"), default=dict, blank=True)
    #: the courses' sessions when the run was created: accepting refuses if they changed meanwhile
    base_fingerprint = models.CharField(_("fingerprint of the sessions"), max_length=64, blank=True)
    solution = models.JSONField(_("solution"), default=dict, blank=True)
    error = models.JSONField(_("error"), default=dict, blank=True)
    created_by = models.ForeignKey(
        "core.User", verbose_name=_("started by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "core.User", verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    lease_owner = models.CharField(_("lease owner"), max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    #: who started, accepted or discarded what (the solution itself is not copied into every history row)
    history = HistoricalRecords(
        excluded_fields=["solution", "progress", "progress_note", "lease_owner", "lease_expires_at", "parameters"]
    )

    objects = TimetableRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("timetable run")
        verbose_name_plural = _("timetable runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["course", "status"]), models.Index(fields=["status", "lease_expires_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="academy_ttrun_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in (TimetableRunStatus.QUEUED, TimetableRunStatus.RUNNING)

    @property
    def can_decide(self) -> bool:
        return self.status == TimetableRunStatus.DONE

    @property
    def is_stuck(self) -> bool:
        from django.utils import timezone

        expiry = self.lease_expires_at or (self.started_at + TIMETABLE_LEASE if self.started_at else None)
        return self.status == TimetableRunStatus.RUNNING and expiry is not None and expiry < timezone.now()

    def error_messages(self, language: str | None = None) -> list[str]:
        from citybridge.core.models import is_chinese

        key = "zh-hans" if is_chinese(language) else "en"
        return list(self.error.get(key) or self.error.get("en") or [])
