"""The public record (staff): press mentions, supporters, testimonials (published only with consent), reference
documents (bounded uploads); and the public impact figures, recomputed by the worker (never on a page view).

Public impact figures: the academy's impact snapshot (officials trained, population led once per jurisdiction,
companies run: academy/impact.py counts them from enrolments) plus four counts made here from the timetable:
courses completed, academies that ran them, lecturers who taught in them and the days those lecturers donated.
They are stored in an ``academy.ImpactSnapshot`` row with the key ``PUBLIC_KEY``, refreshed by the task
``refresh_public_impact`` each time the academy snapshot is recomputed (a post_save receiver queues it)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.academy.models import Course, CourseStatus, ImpactSnapshot, Session
from citybridge.core.concurrency import claim_version
from citybridge.core.files import check_upload
from citybridge.core.models import Organisation, Person, User
from citybridge.core.services import require
from citybridge.core.validation import ErrorCollector, check_dates
from citybridge.materials.deck.safety import DeckError, check_deck
from citybridge.materials.messages import deck_error
from citybridge.materials.services import deck_limits

from ..models import PressMention, ReferenceDocument, Supporter, Testimonial

__all__ = [
    "PUBLIC_KEY",
    "document_update",
    "document_upload",
    "press_create",
    "public_impact_refresh",
    "supporter_create",
    "testimonial_create",
    "testimonial_set_published",
]

PUBLIC_KEY = "outreach_public"


def _bilingual(errors: ErrorCollector, field: str, en: str, zh: str, limit: int) -> tuple[str, str]:
    en, zh = (en or "").strip(), (zh or "").strip()
    if not en and not zh:
        errors.add(f"{field}_en", _("Give it in English or Chinese."))
    for name, text in ((f"{field}_en", en), (f"{field}_zh_hans", zh)):
        if len(text) > limit:
            errors.add(name, _("Keep this under %(limit)s characters.") % {"limit": limit})
    return en[:limit], zh[:limit]


def clean_link(errors: ErrorCollector, field: str, url: str) -> str:
    """Only http and https links with a host (no javascript:, data:, file:)."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        errors.add(field, _("Give a link starting with http:// or https://."))
        return ""
    if len(url) > 500:
        errors.add(field, _("Keep this under %(limit)s characters.") % {"limit": 500})
        return ""
    return url


@transaction.atomic
def press_create(
    *, actor: User, title_en: str = "", title_zh_hans: str = "", outlet: str, published_on: date | None, url: str = ""
) -> PressMention:
    require(actor, "outreach.manage_public_record")
    errors = ErrorCollector()
    en, zh = _bilingual(errors, "title", title_en, title_zh_hans, 300)
    outlet = (outlet or "").strip()
    if not outlet:
        errors.add("outlet", _("This field is required."))
    elif len(outlet) > 200:
        errors.add("outlet", _("Keep this under %(limit)s characters.") % {"limit": 200})
    with errors.check():
        check_dates(published_on=published_on)
    if published_on is None:
        errors.add("published_on", _("This field is required."))
    elif published_on > timezone.localdate():
        errors.add("published_on", _("A press mention cannot be published in the future."))
    link = clean_link(errors, "url", url)
    errors.raise_if_any()
    return PressMention.objects.create(
        title_en=en, title_zh_hans=zh, outlet=outlet, published_on=published_on, url=link
    )


@transaction.atomic
def supporter_create(
    *,
    actor: User,
    name_en: str = "",
    name_zh_hans: str = "",
    thanks_en: str = "",
    thanks_zh_hans: str = "",
    organisation: Organisation | None = None,
    since: date | None = None,
) -> Supporter:
    require(actor, "outreach.manage_public_record")
    errors = ErrorCollector()
    if organisation is not None and not (name_en or name_zh_hans):
        name_en, name_zh_hans = organisation.name_en or "", organisation.name_zh_hans or ""
    en, zh = _bilingual(errors, "name", name_en, name_zh_hans, 200)
    for field, text in (("thanks_en", thanks_en), ("thanks_zh_hans", thanks_zh_hans)):
        if len((text or "").strip()) > 2000:
            errors.add(field, _("Keep this under %(limit)s characters.") % {"limit": 2000})
    errors.raise_if_any()
    return Supporter.objects.create(
        organisation=organisation,
        name_en=en,
        name_zh_hans=zh,
        thanks_en=(thanks_en or "").strip(),
        thanks_zh_hans=(thanks_zh_hans or "").strip(),
        since=since,
    )


def _consent_error() -> ValidationError:
    return ValidationError({"consent": _("A testimonial is published only with the person's consent.")})


@transaction.atomic
def testimonial_create(
    *,
    actor: User,
    person: Person,
    quote_en: str = "",
    quote_zh_hans: str = "",
    consent: bool = False,
    consent_on: date | None = None,
    published: bool = False,
) -> Testimonial:
    """A quote; publishing it without the person's consent is refused (and nothing is saved)."""
    require(actor, "outreach.manage_public_record")
    errors = ErrorCollector()
    en, zh = _bilingual(errors, "quote", quote_en, quote_zh_hans, 2000)
    if published and not consent:
        errors.merge(_consent_error())
    if consent and consent_on is None:
        consent_on = timezone.localdate()
    errors.raise_if_any()
    return Testimonial.objects.create(
        person=person,
        quote_en=en,
        quote_zh_hans=zh,
        consent=bool(consent),
        consent_on=consent_on if consent else None,
        published=bool(published),
        created_by=actor,
    )


@transaction.atomic
def testimonial_set_published(
    *, actor: User, testimonial: Testimonial, published: bool, consent: bool | None = None
) -> Testimonial:
    """Publish or withdraw. Withdrawing consent withdraws the testimonial from the public record too."""
    require(actor, "outreach.manage_public_record")
    new_consent = testimonial.consent if consent is None else bool(consent)
    if published and not new_consent:
        raise _consent_error()
    if new_consent and not testimonial.consent:
        testimonial.consent_on = timezone.localdate()
    testimonial.consent = new_consent
    testimonial.published = bool(published) and new_consent
    testimonial.version += 1
    testimonial.save()
    return testimonial


@transaction.atomic
def document_upload(
    *, actor: User, file: object, title_en: str = "", title_zh_hans: str = "", language: str, public: bool = False
) -> ReferenceDocument:
    """A reference document (PDF, DOCX or PPTX), bounded by core.files.check_upload before anything opens it; a
    PPTX's parts are then checked as lecture decks are (materials.deck.safety.check_deck)."""
    require(actor, "outreach.manage_public_record")
    errors = ErrorCollector()
    en, zh = _bilingual(errors, "title", title_en, title_zh_hans, 300)
    if language not in ("en", "zh-hans"):
        errors.add("language", _("Select a valid choice. That choice is not one of the available choices."))
    kind = ""
    if file is None:
        errors.add("file", _("This field is required."))
    else:
        try:
            kind = check_upload(file, kinds=("pdf", "docx", "pptx"))
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("file", message)
        if kind == "pptx":  # a deck's parts read as lecture materials read them: a broken one is no deck
            try:
                check_deck(file.read(), deck_limits())
            except DeckError as exc:
                errors.add("file", deck_error(exc.code, exc.params))
            finally:
                file.seek(0)
    errors.raise_if_any()
    doc = ReferenceDocument(title_en=en, title_zh_hans=zh, language=language, public=bool(public), uploaded_by=actor)
    doc.file.save(f"reference.{kind}", file, save=False)
    doc.save()
    return doc


@transaction.atomic
def document_update(
    *, actor: User, document: ReferenceDocument, expected_version: int | None, **changes: object
) -> ReferenceDocument:
    """Change a reference document's titles, language or scope (public or staff only), with the version the edit
    read. The file itself is not replaced here: upload a new document."""
    require(actor, "outreach.manage_public_record")
    allowed = {"title_en", "title_zh_hans", "language", "public"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    claim_version(document, expected_version)
    errors = ErrorCollector()
    en, zh = _bilingual(
        errors,
        "title",
        str(changes.get("title_en", document.title_en) or ""),
        str(changes.get("title_zh_hans", document.title_zh_hans) or ""),
        300,
    )
    language = changes.get("language", document.language)
    if language not in ("en", "zh-hans"):
        errors.add("language", _("Select a valid choice. That choice is not one of the available choices."))
    errors.raise_if_any()
    document.title_en, document.title_zh_hans, document.language = en, zh, language
    if "public" in changes:
        document.public = bool(changes["public"])
    document._history_user = actor
    document.save()
    return document


def public_impact_counts() -> dict[str, int]:
    """Courses completed; academies that ran one; lecturers who taught a session of one; days they donated (a
    lecturer teaching two sessions on one day donates one day: distinct lecturer and date)."""
    done = Course.objects.filter(status=CourseStatus.COMPLETED)
    courses = done.aggregate(n=Count("id"), academies=Count("academy_id", distinct=True))
    taught = Session.objects.filter(course__status=CourseStatus.COMPLETED, lecturer__isnull=False)
    lecturers = taught.values("lecturer_id").distinct().count()
    days = taught.values("lecturer_id", "date").distinct().count()
    return {
        "courses": courses["n"],
        "academies": courses["academies"],
        "lecturers": lecturers,
        "donated_days": days,
    }


def public_impact_refresh() -> ImpactSnapshot:
    """The worker's job: the academy snapshot's totals and the four counts, in one row the public page reads."""
    academy = ImpactSnapshot.objects.filter(key="all").first()
    total = (academy.data or {}).get("total", {}) if academy else {}
    data = {
        "officials": int(total.get("officials", 0)),
        "population": int(total.get("population", 0)),
        "jurisdictions": int(total.get("jurisdictions", 0)),
        "companies": int(total.get("companies", 0)),
        **public_impact_counts(),
        "academy_computed_at": academy.computed_at.isoformat() if academy and academy.computed_at else None,
    }
    snap, _c = ImpactSnapshot.objects.update_or_create(
        key=PUBLIC_KEY, defaults={"data": data, "computed_at": timezone.now(), "stale": False}
    )
    return snap
