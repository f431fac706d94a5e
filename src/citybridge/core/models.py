"""Core tables: organisations, people, users and their role memberships, API tokens, worker heartbeats."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import pinyin, provinces
from .concurrency import Versioned
from .countries import COUNTRIES


def is_chinese(language: str | None = None) -> bool:
    return (language or get_language() or "en").lower().startswith("zh")


def bilingual(obj: object, field: str, language: str | None = None) -> str:
    """`obj.<field>_en` / `obj.<field>_zh_hans` in the requested (or active) language, else the other one."""
    en = getattr(obj, f"{field}_en", "") or ""
    zh = getattr(obj, f"{field}_zh_hans", "") or ""
    return (zh or en) if is_chinese(language) else (en or zh)


# --------------------------------------------------------------------------- roles


class Role(models.TextChoices):
    PROGRAM_STAFF = "program_staff", _("Program staff")
    ACADEMY_COORDINATOR = "academy_coordinator", _("Academy coordinator")
    LECTURER = "lecturer", _("Lecturer")
    TRANSLATOR = "translator", _("Translator")
    CITY_COORDINATOR = "city_coordinator", _("City coordinator")
    EXPERT = "expert", _("Expert")
    SOLUTION_PROVIDER = "solution_provider", _("Solution provider")
    PARTNER = "partner", _("Partner")


#: which scope each role needs: "organisation", "city" or None (global within its kind of work)
ROLE_SCOPE = {
    Role.PROGRAM_STAFF: None,
    Role.ACADEMY_COORDINATOR: "organisation",
    Role.LECTURER: None,
    Role.TRANSLATOR: None,
    Role.CITY_COORDINATOR: "city",
    Role.EXPERT: None,
    Role.SOLUTION_PROVIDER: "organisation",
    Role.PARTNER: "organisation",
}


# --------------------------------------------------------------------------- organisations


class PinyinNamedQuerySet(models.QuerySet):
    """bulk_create, bulk_update and update, which skip save(), set `pinyin_name` as save() does (PinyinNamed)."""

    def bulk_create(self, objs: Iterable[PinyinNamed], *args, **kwargs) -> list[PinyinNamed]:  # noqa: ANN002, ANN003
        objs = list(objs)
        for obj in objs:
            obj.pinyin_name = obj.pinyin_key()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Iterable[PinyinNamed], fields: Iterable[str], *args, **kwargs) -> int:  # noqa: ANN002, ANN003
        objs, fields = list(objs), list(fields)
        if set(fields) & set(self.model.PINYIN_SOURCES):
            for obj in objs:
                obj.pinyin_name = obj.pinyin_key()
            fields = [*fields, "pinyin_name"] if "pinyin_name" not in fields else fields
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs) -> int:  # noqa: ANN003 - QuerySet.update's
        """An update of a name column sets the rows' names in pinyin again from what it wrote."""
        if not set(kwargs) & set(self.model.PINYIN_SOURCES):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            keys = list(self.values_list("pk", flat=True))  # before: the filter may read the columns written
            count = super().update(**kwargs)
            rows = list(self.model._base_manager.using(self.db).filter(pk__in=keys))
            for row in rows:
                row.pinyin_name = row.pinyin_key()
            self.model._base_manager.using(self.db).bulk_update(rows, ["pinyin_name"], batch_size=1000)
        return count


class PinyinNamed(models.Model):
    """A model whose lists sort by name in Chinese by `pinyin_name`: core.pinyin's key of its name (`zhang1wei3`),
    set by save() from `pinyin_key()`, and by bulk_create, bulk_update and update (its queryset is a
    PinyinNamedQuerySet). Raw SQL that writes names sets it from the same method (academy.generator)."""

    pinyin_name = models.CharField(_("name in pinyin"), max_length=255, blank=True, editable=False)
    #: the columns the key is read from: a save(update_fields=…) naming one of them saves the key too
    PINYIN_SOURCES: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.pinyin_name = self.pinyin_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.PINYIN_SOURCES):
            kwargs["update_fields"] = {*update_fields, "pinyin_name"}
        super().save(*args, **kwargs)

    def pinyin_key(self) -> str:
        raise NotImplementedError


class OrganisationType(models.TextChoices):
    MINISTRY = "ministry", _("National ministry or department")
    ACADEMY = "academy", _("Training academy")
    CITY_GOVERNMENT = "city_government", _("City government")
    SOE = "soe", _("State-owned enterprise")
    COMPANY = "company", _("Company")
    NGO = "ngo", _("NGO")
    UNIVERSITY = "university", _("University")
    INTERNATIONAL = "international", _("International organisation")
    RESEARCH_LAB = "research_lab", _("Research lab")
    MEDIA = "media", _("Media outlet")


class OrganisationQuerySet(PinyinNamedQuerySet):
    def visible_to(self, user: User) -> OrganisationQuerySet:
        """Organisations are public records inside the platform: every signed-in user sees them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self

    def search(self, q: str) -> OrganisationQuerySet:
        q = (q or "").strip()
        if not q:
            return self
        return self.filter(
            Q(name_en__icontains=q)
            | Q(name_zh_hans__icontains=q)
            | Q(short_name_en__icontains=q)
            | Q(short_name_zh_hans__icontains=q)
        )


class Organisation(PinyinNamed, Versioned):
    PINYIN_SOURCES = ("name", "name_en", "name_zh_hans")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    province = models.CharField(_("province or state"), max_length=100, blank=True)
    province_code = provinces.code_field()
    city = models.CharField(pgettext_lazy("place", "city"), max_length=100, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # a child organisation is not cut loose silently (services.organisation_delete)
        related_name="children",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # history: registered in translation.py, after the per-language columns exist

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en", "name_zh_hans", "id"]  # core_org_name_en_idx's columns, in its order
        indexes = [
            models.Index(fields=["type", "country"]),
            # the list's name sort in each language (core.listing.name_order), read from the index alone
            models.Index(fields=["name_en", "name_zh_hans", "id"], name="core_org_name_en_idx"),
            models.Index(fields=["pinyin_name", "name_zh_hans", "name_en", "id"], name="core_org_name_zh_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name()

    def save(self, *args, **kwargs) -> None:
        provinces.fill_code(self, "province_en", "province_zh_hans", kwargs=kwargs)
        super().save(*args, **kwargs)

    def pinyin_key(self) -> str:
        return pinyin.first_key(self.name_zh_hans, self.name_en, self.name)

    def display_province(self, language: str | None = None) -> str:
        return (
            provinces.province_name(self.province_code, language)
            or (
                (self.province_zh_hans or self.province_en)
                if is_chinese(language)
                else (self.province_en or self.province_zh_hans)
            )
            or ""
        )

    def display_name(self, language: str | None = None) -> str:
        if is_chinese(language):
            return self.name_zh_hans or self.name_en or ""
        return self.name_en or self.name_zh_hans or ""


# --------------------------------------------------------------------------- people


#: two-character Chinese surnames (复姓), written family-first like any Chinese name
CHINESE_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 轩辕 令狐 钟离 闾丘 独孤 南宫 万俟 端木 申屠 西门"
    " 呼延 澹台 公冶 太史 濮阳 淳于 单于 赫连 拓跋".split()
)
_TONES = re.compile(r"\d")  # core.pinyin's keys carry the tone (zuo3qiu1); a name written in English does not


class PersonQuerySet(PinyinNamedQuerySet):
    def visible_to(self, user: User) -> PersonQuerySet:
        """Staff see everyone; others see themselves, the people of organisations they are scoped to, and the
        people an app grants them personal-data access to (academy: officials enrolled at their academy)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_program_staff:
            return self
        cond = Q(pk=user.person_id) if user.person_id else Q(pk__in=[])
        org_ids = user.scoped_organisation_ids()
        if org_ids:
            cond |= Q(organisation_id__in=org_ids)
        granted = _granted(user)
        if granted is not None:
            cond |= granted
        return self.filter(cond)

    def personal_data_condition(self, user: User) -> Q:
        """Who may read a person's e-mail, phone and notes (one rule for pages, API and exports).

        Program staff: everyone. The person: themself. People whose data an app restricts (officials): only whom
        that app grants it to (coordinators of an academy where the official has a non-withdrawn enrolment).
        Other people: also the users scoped to their organisation."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return Q(pk__in=[])
        if user.is_program_staff:
            return ~Q(pk__in=[])
        from .privacy import registry

        cond = Q(pk=user.person_id) if user.person_id else Q(pk__in=[])
        org_ids = user.scoped_organisation_ids()
        if org_ids:
            in_scope = Q(organisation_id__in=org_ids)
            for restricted in registry.restricted_conditions():
                in_scope &= ~restricted
            cond |= in_scope
        granted = _granted(user)
        if granted is not None:
            cond |= granted
        return cond

    def with_personal_data_access(self, user: User) -> PersonQuerySet:
        """Annotates `personal_data_visible` (bool) on each row, from personal_data_condition(user)."""
        if getattr(user, "is_authenticated", False) and user.is_active and user.is_program_staff:
            return self.annotate(personal_data_visible=Value(True, output_field=BooleanField()))
        return self.annotate(
            personal_data_visible=ExpressionWrapper(self.personal_data_condition(user), output_field=BooleanField())
        )

    def search(self, q: str) -> PersonQuerySet:
        q = (q or "").strip()
        if not q:
            return self
        return self.filter(search_name__icontains=q)


def _granted(user: User) -> Q | None:
    from .privacy import registry

    return registry.granted_condition(user)


class Person(PinyinNamed, Versioned):
    """Anyone the programs deal with; most never sign in. Names as each language writes them."""

    #: fields that are personal data, for privacy export and erasure
    PERSONAL_DATA_FIELDS = ("email", "phone", "notes")
    PINYIN_SOURCES = (
        "family_name", "given_name", "family_name_en", "given_name_en", "family_name_zh_hans", "given_name_zh_hans"
    )  # fmt: skip

    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    title = models.CharField(_("title or position"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # its people are not cut loose silently (services.organisation_delete)
        related_name="people",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=[("en", "English"), ("zh-hans", "简体中文")], default="en"
    )
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    #: set by a privacy erase (core.privacy.person_erase): names replaced, personal data cleared
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)
    #: both languages' full names, for search ("张伟 Wei Zhang"); kept up to date by save()
    search_name = models.CharField(_("names for search"), max_length=420, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # history: registered in translation.py, after the per-language columns exist

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # the columns of core_person_name_en_idx, in its order: a default-ordered list (the API's) reads its pages'
        # keys from that index alone, as the page sorted by name does
        ordering = ["family_name_en", "given_name_en", "family_name_zh_hans", "given_name_zh_hans", "id"]
        # the name sort of the people and officials lists, one per language (core.listing.name_order): every column
        # of the ORDER BY is in the index, so a page's keys are read from the index alone (no table row, no sort
        # of the rest); the officials list walks it and joins each person's official by its unique key
        indexes = [
            models.Index(
                fields=["family_name_en", "given_name_en", "family_name_zh_hans", "given_name_zh_hans", "id"],
                name="core_person_name_en_idx",
            ),
            models.Index(
                fields=[
                    "pinyin_name",
                    "family_name_zh_hans",
                    "given_name_zh_hans",
                    "family_name_en",
                    "given_name_en",
                    "id",
                ],
                name="core_person_name_zh_idx",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.display_name()

    def save(self, *args, **kwargs) -> None:
        self.search_name = self.search_key()
        super().save(*args, **kwargs)

    def search_key(self) -> str:
        """Both languages' full names, as `search_name` holds them."""
        return f"{self.full_name_zh()} {self.full_name_en()}".strip()

    def pinyin_key(self) -> str:
        return pinyin.name_sort_key(
            self.family_name_zh_hans or "", self.given_name_zh_hans or "", self.family_name_en or "",
            self.given_name_en or "",
        )  # fmt: skip

    def full_name_en(self) -> str:
        return " ".join(p for p in (self.given_name_en, self.family_name_en) if p)

    def full_name_zh(self) -> str:
        """Chinese usage: a Chinese name family-first with no space (张伟); a Western name written in Chinese
        characters given name · family name (史蒂夫·海默). A family name of one character, or a two-character
        Chinese compound surname, is Chinese; so is a longer one whose pinyin is the English family name (左丘,
        Zuoqiu: a rare compound surname the list lacks). Any other longer family name is a transliteration."""
        family, given = self.family_name_zh_hans or "", self.given_name_zh_hans or ""
        if family and given and len(family) > 1 and family not in CHINESE_COMPOUND_SURNAMES:
            written = "".join(ch for ch in (self.family_name_en or "").casefold() if ch.isalpha())
            if not written or _TONES.sub("", pinyin.sort_key(family, surname=True)) != written:
                return f"{given}·{family}"
        return f"{family}{given}"

    def display_name(self, language: str | None = None) -> str:
        if is_chinese(language):
            return self.full_name_zh() or self.full_name_en()
        return self.full_name_en() or self.full_name_zh()


# --------------------------------------------------------------------------- users


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("e-mail is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """Signs in with e-mail. `is_staff` is Django admin access only; program roles live in RoleMembership."""

    username = None
    email = models.EmailField(_("e-mail"), unique=True)
    person = models.OneToOneField(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="user"
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=[("en", "English"), ("zh-hans", "简体中文")], blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    # Role lookups are cached per request on the instance.
    @property
    def memberships(self) -> list[RoleMembership]:
        cache = getattr(self, "_memberships_cache", None)
        if cache is None:
            cache = list(self.role_memberships.all()) if self.pk else []
            self._memberships_cache = cache
        return cache

    def has_role(self, role: str) -> bool:
        return self.is_active and (self.is_superuser or any(m.role == role for m in self.memberships))

    @property
    def is_program_staff(self) -> bool:
        return self.is_active and (self.is_superuser or any(m.role == Role.PROGRAM_STAFF for m in self.memberships))

    def roles(self) -> set[str]:
        return {m.role for m in self.memberships}

    def scope_key(self) -> tuple:
        """Everything of the user that decides which rows they may list (their key, whether they are active or
        superuser, their person and every role with its scope): a list statement kept for one user serves only a
        user equal in all of these (core.paging.Kept), and a changed role is another key. An active superuser may
        list every row: their roles are not read (that would be a query on each of their requests)."""
        everything = self.is_active and self.is_superuser
        roles = (
            ()
            if everything
            else tuple(sorted((m.role, m.organisation_id or 0, m.city_id or 0) for m in self.memberships))
        )
        return (self.pk, self.is_active, self.is_superuser, self.person_id, roles)

    def scoped_organisation_ids(self, role: str | None = None) -> set[int]:
        return {m.organisation_id for m in self.memberships if m.organisation_id and (role is None or m.role == role)}

    def scoped_city_ids(self) -> set[int]:
        return {m.city_id for m in self.memberships if m.city_id}


class RoleMembership(models.Model):
    """A user's role, scoped to an organisation (academy, company, partner) or a city where the role needs it."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    # PROTECT: deleting an organisation or city must not silently take people's roles (and their history) with it
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT
    )
    city = models.ForeignKey(
        "cities.City", verbose_name=pgettext_lazy("place", "city"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [
            # one membership per user, role and scope (three partial indexes: SQLite has no NULLS NOT DISTINCT)
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="core_rolemembership_unique_org",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "city"], condition=Q(city__isnull=False), name="core_rolemembership_unique_city"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(organisation__isnull=True, city__isnull=True),
                name="core_rolemembership_unique_global",
            ),
            models.CheckConstraint(
                name="core_rolemembership_scope",
                condition=(
                    Q(
                        role__in=["academy_coordinator", "solution_provider", "partner"],
                        organisation__isnull=False,
                        city__isnull=True,
                    )
                    | Q(role="city_coordinator", city__isnull=False, organisation__isnull=True)
                    | Q(
                        role__in=["program_staff", "lecturer", "translator", "expert"],
                        organisation__isnull=True,
                        city__isnull=True,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.organisation or self.city
        return f"{self.get_role_display()}" + (f" — {scope}" if scope else "")


class ApiToken(models.Model):
    """A personal access token. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("token prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WorkerHeartbeat(models.Model):
    """Written every few seconds by each running `citybridge worker`; read by /healthz."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    last_seen = models.DateTimeField(_("last heartbeat"), default=timezone.now)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.name


class DailyRun(models.Model):
    """One row per daily job and day: the claim a worker inserts before running the job (core.tasks.run_daily).
    The unique constraint lets exactly one of several workers run a job on a given day."""

    name = models.CharField(_("name"), max_length=100)
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    result = models.CharField(_("result"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("daily job")
        verbose_name_plural = _("daily jobs")
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="core_dailyrun_name_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"


class AuditAction(models.TextChoices):
    PRIVACY_EXPORT = "privacy_export", _("Personal data exported")
    PRIVACY_ERASE = "privacy_erase", _("Personal data erased")


class AuditEvent(models.Model):
    """Who did what to whom, for actions that must be accountable (privacy requests). Never holds erased data."""

    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    target_type = models.CharField(_("target type"), max_length=100)
    target_id = models.PositiveBigIntegerField(_("target id"))
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class RateCount(models.Model):
    """The API rate limits' counter (core/ratelimit.py): one row per throttle scope and client (a hash of scope,
    window length and user id or client address) with the requests served in the current fixed window and in the
    one before it. Written by one `INSERT … ON CONFLICT DO UPDATE … RETURNING` per request, atomic on SQLite and
    PostgreSQL; rows whose window is older than the previous one are deleted by the worker's daily tick."""

    key = models.CharField(_("client key"), max_length=32, primary_key=True)
    # the window's length in seconds (fixed per key: it is in the hash)
    duration = models.PositiveIntegerField(_("window length (seconds)"))
    period = models.BigIntegerField(_("window number"))  # the window: epoch seconds // duration
    count = models.PositiveIntegerField(_("requests in this window"), default=0)  # requests served in that window
    # requests served in the window before it
    previous = models.PositiveIntegerField(_("requests in the previous window"), default=0)
    # whether the latest request was refused (refusals are not counted)
    refused = models.BooleanField(_("latest request refused"), default=False)

    class Meta:
        verbose_name = _("API request count")
        verbose_name_plural = _("API request counts")

    def __str__(self) -> str:
        return f"{self.key} {self.period}: {self.previous} + {self.count}"
