"""Partner and engagement writes (staff): partners, agreements, contributions, engagements tied to a course session
(the session is created in the course's timetable with the partner as host), the pipeline, follow-ups."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from citybridge.academy.models import Course, CourseStatus, OfficialProfile, Session, Topic
from citybridge.academy.services import course_compliance_refresh
from citybridge.core.concurrency import claim_version
from citybridge.core.files import check_upload
from citybridge.core.models import Organisation, Person, User
from citybridge.core.services import require
from citybridge.core.validation import ErrorCollector, check_dates

from ..models import (
    ENGAGEMENT_TRANSITIONS,
    Activity,
    Agreement,
    Contribution,
    ContributionKind,
    Engagement,
    EngagementKind,
    EngagementStatus,
    Partner,
    split_tags,
)
from ._slots import check_slot
from ._texts import text_pair

__all__ = [
    "agreement_add",
    "clean_amount",
    "clean_currency",
    "contribution_add",
    "engagement_create",
    "engagement_followup",
    "engagement_transition",
    "engagement_update",
    "agreement_update",
    "partner_create",
    "partner_update",
]

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MAX_AMOUNT = Decimal("999999999999.99")  # max_digits=14, decimal_places=2


def clean_currency(errors: ErrorCollector, field: str, value: object, *, required: bool = True) -> str:
    """An ISO 4217 code, three capital letters ("CNY", "USD"); blank only when not required."""
    text = str(value or "").strip().upper()
    if not text:
        if required:
            errors.add(field, _("Give the currency as an ISO code, for example CNY or USD."))
        return ""
    if not _CURRENCY.match(text):
        errors.add(field, _("A currency is a three-letter ISO code, for example CNY or USD."))
        return ""
    return text


def clean_amount(errors: ErrorCollector, field: str, value: object, *, required: bool = True) -> Decimal | None:
    """A non-negative amount with at most two decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(field, _("Give an amount."))
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter a number."))
        return None
    if not amount.is_finite():
        errors.add(field, _("Enter a number."))
        return None
    if amount < 0:
        errors.add(field, _("An amount cannot be negative."))
        return None
    if amount.as_tuple().exponent < -2 or amount > _MAX_AMOUNT:  # type: ignore[operator]
        errors.add(field, _("Give the amount with at most two decimals and under a trillion."))
        return None
    return amount


_WORD = re.compile(r"\w+")


def _tag_case(tag: str) -> str:
    """A tag in lower case, but for the words written in capitals (LED, HVAC, CO2, 5G), kept as they are."""
    return _WORD.sub(lambda m: m.group() if len(m.group()) > 1 and m.group().isupper() else m.group().lower(), tag)


def _tags(errors: ErrorCollector, field: str, value: object, limit: int = 500) -> str:
    """Comma-separated tags (a Chinese comma or 、 separates them too): stripped, in lower case but for
    abbreviations, each once (whatever its case), joined by ", "."""
    once: dict[str, str] = {}
    for tag in split_tags(str(value or "")):
        once.setdefault(tag.casefold(), _tag_case(tag))
    text = ", ".join(once.values())
    if len(text) > limit:
        errors.add(field, _("Keep this under %(limit)s characters.") % {"limit": limit})
    return text[:limit]


_PARTNER_TEXTS = ("technologies_en", "technologies_zh_hans", "notes_en", "notes_zh_hans")


def _partner_texts(errors: ErrorCollector, values: dict) -> dict:
    """A partner's technologies (tags) and notes, each in both languages; any may be empty."""
    notes = text_pair(errors, "notes", values.get("notes_en"), values.get("notes_zh_hans"), 4000)
    return {
        "technologies_en": _tags(errors, "technologies_en", values.get("technologies_en")),
        "technologies_zh_hans": _tags(errors, "technologies_zh_hans", values.get("technologies_zh_hans")),
        "notes_en": notes[0],
        "notes_zh_hans": notes[1],
    }


@transaction.atomic
def partner_create(
    *,
    actor: User,
    organisation: Organisation,
    contacts: list[Person] | None = None,
    topics: list[Topic] | None = None,
    technologies_en: str | None = "",
    technologies_zh_hans: str | None = "",
    notes_en: str | None = "",
    notes_zh_hans: str | None = "",
) -> Partner:
    """A partner record for an organisation; technologies (comma-separated tags) and notes in either language or
    both (pages show the reader's language, else the other)."""
    require(actor, "outreach.manage_partners")
    errors = ErrorCollector()
    if Partner.objects.filter(organisation=organisation).exists():
        errors.add("organisation", _("This organisation is already a partner."))
    texts = _partner_texts(
        errors,
        {"technologies_en": technologies_en, "technologies_zh_hans": technologies_zh_hans,
         "notes_en": notes_en, "notes_zh_hans": notes_zh_hans},
    )  # fmt: skip
    errors.raise_if_any()
    partner = Partner.objects.create(organisation=organisation, **texts)
    if contacts:
        partner.contacts.set(contacts)
    if topics:
        partner.topics.set(topics)
    return partner


_PARTNER_FIELDS = ("contacts", "topics", *_PARTNER_TEXTS)


@transaction.atomic
def partner_update(*, actor: User, partner: Partner, expected_version: int | None, **changes: object) -> Partner:
    """Change a partner's contacts, topics, technologies or notes (each text in either language; one not given is
    kept), with the version the edit read (a stale edit is a StaleEdit carrying the record as saved now). The
    organisation is the partner's identity: not changed here. Every save is a history row (django-simple-history,
    with the actor)."""
    require(actor, "outreach.manage_partners", partner)
    unknown = set(changes) - set(_PARTNER_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    claim_version(partner, expected_version)
    errors = ErrorCollector()
    texts = _partner_texts(errors, {name: changes.get(name, getattr(partner, name)) for name in _PARTNER_TEXTS})
    errors.raise_if_any()
    for name, value in texts.items():
        setattr(partner, name, value)
    partner._history_user = actor
    partner.save()
    if "contacts" in changes:
        partner.contacts.set(changes["contacts"] or [])  # type: ignore[arg-type]
    if "topics" in changes:
        partner.topics.set(changes["topics"] or [])  # type: ignore[arg-type]
    return partner


def _agreement_texts(
    errors: ErrorCollector, title_en: object, title_zh_hans: object, scope_en: object, scope_zh_hans: object
) -> dict:
    """An agreement's title (required, in either language) and scope, each in both languages."""
    title = text_pair(errors, "title", title_en, title_zh_hans, missing=_("Give a title in English or Chinese."))
    scope = text_pair(errors, "scope", scope_en, scope_zh_hans, 2000)
    return {"title_en": title[0], "title_zh_hans": title[1], "scope_en": scope[0], "scope_zh_hans": scope[1]}


_AGREEMENT_TEXTS = ("title_en", "title_zh_hans", "scope_en", "scope_zh_hans")


def _check_agreement(errors: ErrorCollector, starts_on: object, ends_on: object, document: object) -> None:
    with errors.check():
        check_dates(starts_on=starts_on, ends_on=ends_on)
    if starts_on is None:
        errors.add("starts_on", _("This field is required."))
    elif ends_on is not None and ends_on < starts_on:  # type: ignore[operator]
        errors.add("ends_on", _("The last day cannot be before the first day."))
    if document is not None:
        try:
            check_upload(document, kinds=("pdf", "docx"))
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("document", message)


@transaction.atomic
def agreement_add(
    *,
    actor: User,
    partner: Partner,
    title_en: str | None = "",
    title_zh_hans: str | None = "",
    starts_on: date | None,
    ends_on: date | None = None,
    document: object = None,
    scope_en: str | None = "",
    scope_zh_hans: str | None = "",
) -> Agreement:
    """A signed agreement, its title (in one language at least) and scope in both languages; its document (PDF or
    DOCX) is bounded by core.files.check_upload before it is kept."""
    require(actor, "outreach.manage_partners")
    errors = ErrorCollector()
    texts = _agreement_texts(errors, title_en, title_zh_hans, scope_en, scope_zh_hans)
    _check_agreement(errors, starts_on, ends_on, document)
    errors.raise_if_any()
    agreement = Agreement(partner=partner, starts_on=starts_on, ends_on=ends_on, **texts)
    if document is not None:
        agreement.document.save(f"agreement-{partner.pk}.{_ext(document)}", document, save=False)
    agreement.save()
    return agreement


@transaction.atomic
def agreement_update(
    *, actor: User, agreement: Agreement, expected_version: int | None, **changes: object
) -> Agreement:
    """Change an agreement's title, scope (each in either language; one not given is kept) or days (with the version
    the edit read); a new document replaces the old one after check_upload."""
    require(actor, "outreach.manage_partners")
    allowed = {*_AGREEMENT_TEXTS, "starts_on", "ends_on", "document"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    claim_version(agreement, expected_version)
    errors = ErrorCollector()
    texts = _agreement_texts(errors, *(changes.get(name, getattr(agreement, name)) for name in _AGREEMENT_TEXTS))
    starts_on = changes.get("starts_on", agreement.starts_on)
    ends_on = changes.get("ends_on", agreement.ends_on)
    document = changes.get("document")
    _check_agreement(errors, starts_on, ends_on, document)
    errors.raise_if_any()
    for name, value in texts.items():
        setattr(agreement, name, value)
    agreement.starts_on, agreement.ends_on = starts_on, ends_on
    if document is not None:
        agreement.document.save(f"agreement-{agreement.partner_id}.{_ext(document)}", document, save=False)
    agreement._history_user = actor
    agreement.save()
    return agreement


def _ext(f: object) -> str:
    name = str(getattr(f, "name", "") or "")
    return "docx" if name.lower().endswith(".docx") else "pdf"


@transaction.atomic
def contribution_add(
    *,
    actor: User,
    partner: Partner,
    kind: str,
    description_en: str | None = "",
    description_zh_hans: str | None = "",
    amount: object,
    currency: object,
    received_on: date | None,
) -> Contribution:
    """Money or in kind, described in one language at least; the amount (or the value in kind) always with its ISO
    currency; never negative."""
    require(actor, "outreach.manage_partners")
    errors = ErrorCollector()
    if kind not in ContributionKind.values:
        errors.add("kind", _("Select a valid choice. That choice is not one of the available choices."))
    description = text_pair(
        errors,
        "description",
        description_en,
        description_zh_hans,
        300,
        missing=_("Give a description in English or Chinese."),
    )
    value = clean_amount(errors, "amount", amount)
    code = clean_currency(errors, "currency", currency)
    if received_on is None:
        errors.add("received_on", _("This field is required."))
    with errors.check():
        check_dates(received_on=received_on)
    errors.raise_if_any()
    return Contribution.objects.create(
        partner=partner,
        kind=kind,
        description_en=description[0],
        description_zh_hans=description[1],
        amount=value,
        currency=code,
        received_on=received_on,
    )


def _check_engagement(
    errors: ErrorCollector,
    *,
    course: Course,
    kind: str,
    on: date | None,
    start_time: time | None,
    end_time: time | None,
) -> None:
    if kind not in EngagementKind.values:
        errors.add("kind", _("Select a valid choice. That choice is not one of the available choices."))
    check_slot(
        errors,
        on=on,
        first=course.start_date,
        last=course.end_date,
        outside=_("An engagement must fall within its course's dates (%(start)s to %(end)s)."),
        start_time=start_time,
        end_time=end_time,
    )


def _timetable_open(course: Course) -> bool:
    """Whether an engagement's session may be added to, moved in or taken out of the course's timetable. A
    completed course's timetable is closed (academy's session_save refuses it too): a session added there afterwards,
    which nobody has a mark for, would take training days from everyone confirmed in the course."""
    return course.status not in (CourseStatus.COMPLETED, CourseStatus.CANCELLED)


@transaction.atomic
def engagement_create(
    *,
    actor: User,
    partner: Partner,
    course: Course,
    kind: str,
    title_en: str = "",
    title_zh_hans: str = "",
    date: date | None,
    start_time: time | None,
    end_time: time | None,
    venue_en: str = "",
    venue_zh_hans: str = "",
    hosts: list[Person] | None = None,
    officials: list[OfficialProfile] | None = None,
    cost: object = None,
    cost_currency: object = "",
    status: str = EngagementStatus.INTERESTED,
) -> Engagement:
    """An engagement and its timetable row: a Session of the course on that day, of the engagement's kind, with the
    partner's organisation as host. Refused outside the course's dates. On a completed course the engagement is
    recorded without a session (_timetable_open)."""
    require(actor, "outreach.manage_partners")
    errors = ErrorCollector()
    texts = _texts(errors, title_en, title_zh_hans, venue_en, venue_zh_hans)
    _check_engagement(errors, course=course, kind=kind, on=date, start_time=start_time, end_time=end_time)
    amount = clean_amount(errors, "cost", cost, required=False)
    code = clean_currency(errors, "cost_currency", cost_currency, required=amount is not None)
    if status not in (EngagementStatus.INTERESTED, EngagementStatus.PROPOSED, EngagementStatus.CONFIRMED):
        errors.add("status", _("A new engagement starts as an interested contact, proposed or confirmed."))
    if course.status == "cancelled":
        errors.add("course", _("This course was cancelled."))
    errors.raise_if_any()
    session = None
    if _timetable_open(course):
        session = Session.objects.create(
            course=course,
            date=date,
            start_time=start_time,
            end_time=end_time,
            format=kind,
            partner=partner.organisation,
            **_session_texts(texts),
        )
        course_compliance_refresh(course, years={date.year})
    engagement = Engagement.objects.create(
        partner=partner,
        course=course,
        session=session,
        kind=kind,
        date=date,
        start_time=start_time,
        end_time=end_time,
        cost=amount,
        cost_currency=code,
        status=status,
        created_by=actor,
        **texts,
    )
    if hosts:
        engagement.hosts.set(hosts)
    if officials:
        engagement.officials.set(officials)
    return engagement


_TEXTS = ("title_en", "title_zh_hans", "venue_en", "venue_zh_hans")
_OUTCOMES = ("outcomes_en", "outcomes_zh_hans")
_EDITABLE = (*_TEXTS, "date", "start_time", "end_time", "cost", "cost_currency", *_OUTCOMES)


def _texts(
    errors: ErrorCollector, title_en: object, title_zh_hans: object, venue_en: object, venue_zh_hans: object
) -> dict:
    """An engagement's title (required, in either language) and venue, each in both languages."""
    title = text_pair(errors, "title", title_en, title_zh_hans, missing=_("Give a title in English or Chinese."))
    venue = text_pair(errors, "venue", venue_en, venue_zh_hans)
    return dict(zip(_TEXTS, (*title, *venue), strict=True))


def _outcomes(errors: ErrorCollector, en: object, zh: object) -> dict:
    """What came of an engagement, in both languages (either may be empty)."""
    return dict(zip(_OUTCOMES, text_pair(errors, "outcomes", en, zh, 4000), strict=True))


def _session_texts(texts: dict) -> dict:
    """The timetable session's title and site: the engagement's title and venue, language by language (the
    session shows the other language where one is empty, as the engagement does)."""
    return {"title_en": texts["title_en"], "title_zh_hans": texts["title_zh_hans"],
            "site_en": texts["venue_en"], "site_zh_hans": texts["venue_zh_hans"]}  # fmt: skip


@transaction.atomic
def engagement_update(
    *, actor: User, engagement: Engagement, expected_version: int | None, **changes: object
) -> Engagement:
    """Change the title, day, times, venue, cost, outcomes, hosts or officials (with the version the edit read);
    the timetable session follows."""
    require(actor, "outreach.manage_partners")
    unknown = set(changes) - set(_EDITABLE) - {"hosts", "officials"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    claim_version(engagement, expected_version)
    merged = {name: changes.get(name, getattr(engagement, name)) for name in _EDITABLE}
    errors = ErrorCollector()
    merged.update(_texts(errors, *(merged[name] for name in _TEXTS)))
    merged.update(_outcomes(errors, merged["outcomes_en"], merged["outcomes_zh_hans"]))
    _check_engagement(
        errors,
        course=engagement.course,
        kind=engagement.kind,
        on=merged["date"],  # type: ignore[arg-type]
        start_time=merged["start_time"],  # type: ignore[arg-type]
        end_time=merged["end_time"],  # type: ignore[arg-type]
    )
    if engagement.session_id and not _timetable_open(engagement.course):
        for name in ("date", "start_time", "end_time"):
            if merged[name] != getattr(engagement, name):
                errors.add(name, _("The course is completed: its timetable cannot be changed."))
    merged["cost"] = clean_amount(errors, "cost", merged["cost"], required=False)
    merged["cost_currency"] = clean_currency(
        errors, "cost_currency", merged["cost_currency"], required=merged["cost"] is not None
    )
    errors.raise_if_any()
    moved_from = engagement.date
    for name, value in merged.items():
        setattr(engagement, name, value)
    engagement.save()
    if engagement.session_id and _timetable_open(engagement.course):
        Session.objects.filter(pk=engagement.session_id).update(
            date=engagement.date,
            start_time=engagement.start_time,
            end_time=engagement.end_time,
            **_session_texts({name: merged[name] for name in _TEXTS}),
        )
        if engagement.date != moved_from:
            course_compliance_refresh(engagement.course, years={moved_from.year, engagement.date.year})
    if "hosts" in changes:
        engagement.hosts.set(changes["hosts"] or [])  # type: ignore[arg-type]
    if "officials" in changes:
        engagement.officials.set(changes["officials"] or [])  # type: ignore[arg-type]
    return engagement


@transaction.atomic
def engagement_transition(
    *,
    actor: User,
    engagement: Engagement,
    expected_version: int | None,
    status: str,
    outcomes_en: str | None = None,
    outcomes_zh_hans: str | None = None,
) -> Engagement:
    """Move along the pipeline (ENGAGEMENT_TRANSITIONS); every step is a history row. "Held" needs the day to have
    come; "followed up" needs at least one follow-up (engagement_followup moves it there itself). The outcomes, in
    either language, are written with the step (None: kept as they are)."""
    require(actor, "outreach.manage_partners")
    if status not in EngagementStatus.values:
        raise ValidationError({"status": _("Select a valid choice. That choice is not one of the available choices.")})
    if status not in ENGAGEMENT_TRANSITIONS.get(engagement.status, set()):
        labels = dict(EngagementStatus.choices)
        raise ValidationError(
            {
                "status": _("An engagement that is “%(current)s” cannot become “%(new)s”.")
                % {"current": labels[engagement.status], "new": labels[status]}
            }
        )
    from django.utils import timezone

    if status == EngagementStatus.HELD and engagement.date > timezone.localdate():
        raise ValidationError({"status": _("An engagement cannot be held before its day.")})
    if status == EngagementStatus.FOLLOWED_UP and not engagement.followups.exists():
        raise ValidationError({"status": _("Create a follow-up from this engagement first.")})
    claim_version(engagement, expected_version)
    engagement.status = status
    if outcomes_en is not None or outcomes_zh_hans is not None:
        errors = ErrorCollector()
        texts = _outcomes(
            errors,
            engagement.outcomes_en if outcomes_en is None else outcomes_en,
            engagement.outcomes_zh_hans if outcomes_zh_hans is None else outcomes_zh_hans,
        )
        errors.raise_if_any()
        for name, value in texts.items():
            setattr(engagement, name, value)
    engagement.save()
    if status == EngagementStatus.CANCELLED and engagement.session_id and _timetable_open(engagement.course):
        # the dinner is off: take it out of the timetable (the engagement and its history stay)
        session_id = engagement.session_id
        engagement.session = None
        engagement.save(update_fields=["session"])
        # kept when attendance was taken or a lecturer's material is tied to it (neither may lose its session)
        Session.objects.filter(pk=session_id, attendance__isnull=True, materials__isnull=True).delete()
        course_compliance_refresh(engagement.course, years={engagement.date.year})
    return engagement


@transaction.atomic
def engagement_followup(
    *,
    actor: User,
    engagement: Engagement,
    subject: str,
    due_date: date | None = None,
    assignee: User | None = None,
    type: str = "meeting",
) -> Activity:
    """A follow-up (outreach Activity) from a held engagement: about the partner's organisation, with the officials
    who attended and the course; the engagement becomes "followed up"."""
    require(actor, "outreach.manage_partners")
    if engagement.status not in (EngagementStatus.HELD, EngagementStatus.FOLLOWED_UP):
        raise ValidationError({"status": _("Follow-ups come after the engagement was held.")})
    from .activities import activity_create

    activity = activity_create(
        actor=actor,
        type=type,
        subject=subject,
        due_date=due_date,
        assignee=assignee,
        officials=list(engagement.officials.all()),
        organisation=engagement.partner.organisation,
    )
    Activity.objects.filter(pk=activity.pk).update(course=engagement.course)
    engagement.followups.add(activity)
    if engagement.status == EngagementStatus.HELD:
        engagement.status = EngagementStatus.FOLLOWED_UP
        engagement.version += 1
        engagement.save()
    return activity
