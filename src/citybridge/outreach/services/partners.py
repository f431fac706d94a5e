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


def _text(errors: ErrorCollector, field: str, value: object, limit: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > limit:
        errors.add(field, _("Keep this under %(limit)s characters.") % {"limit": limit})
    return text[:limit]


@transaction.atomic
def partner_create(
    *,
    actor: User,
    organisation: Organisation,
    contacts: list[Person] | None = None,
    topics: list[Topic] | None = None,
    technologies: str = "",
    notes: str = "",
) -> Partner:
    require(actor, "outreach.manage_partners")
    errors = ErrorCollector()
    if Partner.objects.filter(organisation=organisation).exists():
        errors.add("organisation", _("This organisation is already a partner."))
    tags = ", ".join(dict.fromkeys(t.strip().lower() for t in (technologies or "").split(",") if t.strip()))
    if len(tags) > 500:
        errors.add("technologies", _("Keep this under %(limit)s characters.") % {"limit": 500})
    notes = _text(errors, "notes", notes, 4000, required=False)
    errors.raise_if_any()
    partner = Partner.objects.create(organisation=organisation, technologies=tags, notes=notes)
    if contacts:
        partner.contacts.set(contacts)
    if topics:
        partner.topics.set(topics)
    return partner


_PARTNER_FIELDS = ("contacts", "topics", "technologies", "notes")


@transaction.atomic
def partner_update(*, actor: User, partner: Partner, expected_version: int | None, **changes: object) -> Partner:
    """Change a partner's contacts, topics, technologies or notes, with the version the edit read (a stale edit is a
    StaleEdit carrying the record as saved now). The organisation is the partner's identity: not changed here.
    Every save is a history row (django-simple-history, with the actor)."""
    require(actor, "outreach.manage_partners", partner)
    unknown = set(changes) - set(_PARTNER_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    claim_version(partner, expected_version)
    errors = ErrorCollector()
    if "technologies" in changes:
        tags = ", ".join(
            dict.fromkeys(t.strip().lower() for t in str(changes["technologies"] or "").split(",") if t.strip())
        )
        if len(tags) > 500:
            errors.add("technologies", _("Keep this under %(limit)s characters.") % {"limit": 500})
        partner.technologies = tags[:500]
    if "notes" in changes:
        partner.notes = _text(errors, "notes", changes["notes"], 4000, required=False)
    errors.raise_if_any()
    partner._history_user = actor
    partner.save()
    if "contacts" in changes:
        partner.contacts.set(changes["contacts"] or [])  # type: ignore[arg-type]
    if "topics" in changes:
        partner.topics.set(changes["topics"] or [])  # type: ignore[arg-type]
    return partner


@transaction.atomic
def agreement_add(
    *,
    actor: User,
    partner: Partner,
    title: str,
    starts_on: date | None,
    ends_on: date | None = None,
    document: object = None,
    scope: str = "",
) -> Agreement:
    """A signed agreement; its document (PDF or DOCX) is bounded by core.files.check_upload before it is kept."""
    require(actor, "outreach.manage_partners")
    errors = ErrorCollector()
    title = _text(errors, "title", title, 200)
    scope = _text(errors, "scope", scope, 2000, required=False)
    with errors.check():
        check_dates(starts_on=starts_on, ends_on=ends_on)
    if starts_on is None:
        errors.add("starts_on", _("This field is required."))
    elif ends_on is not None and ends_on < starts_on:
        errors.add("ends_on", _("The last day cannot be before the first day."))
    if document is not None:
        try:
            check_upload(document, kinds=("pdf", "docx"))
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("document", message)
    errors.raise_if_any()
    agreement = Agreement(partner=partner, title=title, scope=scope, starts_on=starts_on, ends_on=ends_on)
    if document is not None:
        agreement.document.save(f"agreement-{partner.pk}.{_ext(document)}", document, save=False)
    agreement.save()
    return agreement


@transaction.atomic
def agreement_update(
    *, actor: User, agreement: Agreement, expected_version: int | None, **changes: object
) -> Agreement:
    """Change an agreement's title, scope or days (with the version the edit read); a new document replaces the
    old one after check_upload."""
    require(actor, "outreach.manage_partners")
    allowed = {"title", "scope", "starts_on", "ends_on", "document"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    claim_version(agreement, expected_version)
    errors = ErrorCollector()
    title = _text(errors, "title", changes.get("title", agreement.title), 200)
    scope = _text(errors, "scope", changes.get("scope", agreement.scope), 2000, required=False)
    starts_on = changes.get("starts_on", agreement.starts_on)
    ends_on = changes.get("ends_on", agreement.ends_on)
    with errors.check():
        check_dates(starts_on=starts_on, ends_on=ends_on)
    if starts_on is None:
        errors.add("starts_on", _("This field is required."))
    elif ends_on is not None and ends_on < starts_on:  # type: ignore[operator]
        errors.add("ends_on", _("The last day cannot be before the first day."))
    document = changes.get("document")
    if document is not None:
        try:
            check_upload(document, kinds=("pdf", "docx"))
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("document", message)
    errors.raise_if_any()
    agreement.title, agreement.scope, agreement.starts_on, agreement.ends_on = title, scope, starts_on, ends_on
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
    description: str,
    amount: object,
    currency: object,
    received_on: date | None,
) -> Contribution:
    """Money or in kind; the amount (or the value in kind) always with its ISO currency; never negative."""
    require(actor, "outreach.manage_partners")
    errors = ErrorCollector()
    if kind not in ContributionKind.values:
        errors.add("kind", _("Select a valid choice. That choice is not one of the available choices."))
    description = _text(errors, "description", description, 300)
    value = clean_amount(errors, "amount", amount)
    code = clean_currency(errors, "currency", currency)
    if received_on is None:
        errors.add("received_on", _("This field is required."))
    with errors.check():
        check_dates(received_on=received_on)
    errors.raise_if_any()
    return Contribution.objects.create(
        partner=partner, kind=kind, description=description, amount=value, currency=code, received_on=received_on
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
_EDITABLE = (*_TEXTS, "date", "start_time", "end_time", "cost", "cost_currency", "outcomes")


def _texts(
    errors: ErrorCollector, title_en: object, title_zh_hans: object, venue_en: object, venue_zh_hans: object
) -> dict:
    """An engagement's title (required, in either language) and venue, each in both languages."""
    title = text_pair(errors, "title", title_en, title_zh_hans, missing=_("Give a title in English or Chinese."))
    venue = text_pair(errors, "venue", venue_en, venue_zh_hans)
    return dict(zip(_TEXTS, (*title, *venue), strict=True))


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
    merged["outcomes"] = _text(errors, "outcomes", merged["outcomes"], 4000, required=False)
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
    *, actor: User, engagement: Engagement, expected_version: int | None, status: str, outcomes: str | None = None
) -> Engagement:
    """Move along the pipeline (ENGAGEMENT_TRANSITIONS); every step is a history row. "Held" needs the day to have
    come; "followed up" needs at least one follow-up (engagement_followup moves it there itself)."""
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
    if outcomes is not None:
        errors = ErrorCollector()
        engagement.outcomes = _text(errors, "outcomes", outcomes, 4000, required=False)
        errors.raise_if_any()
    engagement.save()
    if status == EngagementStatus.CANCELLED and engagement.session_id and _timetable_open(engagement.course):
        # the dinner is off: take it out of the timetable (the engagement and its history stay)
        session_id = engagement.session_id
        engagement.session = None
        engagement.save(update_fields=["session"])
        Session.objects.filter(pk=session_id, attendance__isnull=True).delete()
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
