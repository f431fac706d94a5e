"""Event writes (staff): events, programme sessions with speakers, registrations (once per person) and attendance."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from citybridge.core.concurrency import claim_version
from citybridge.core.models import Organisation, Person, User
from citybridge.core.services import require
from citybridge.core.validation import ErrorCollector, check_dates

from ..models import Event, EventSession, Registration
from ._slots import check_slot
from ._texts import text_pair

__all__ = [
    "event_create",
    "event_session_add",
    "event_session_update",
    "event_update",
    "registration_create",
    "registration_set_attended",
]


def _titles(errors: ErrorCollector, title_en: object, title_zh_hans: object) -> tuple[str, str]:
    return text_pair(errors, "title", title_en, title_zh_hans, missing=_("Give a title in English or Chinese."))


def _places(
    errors: ErrorCollector, venue_en: object, venue_zh_hans: object, city_en: object, city_zh_hans: object
) -> dict:
    """An event's venue (required, in either language) and city, each in both languages."""
    venue = text_pair(errors, "venue", venue_en, venue_zh_hans, missing=_("Give a venue in English or Chinese."))
    city = text_pair(errors, "city", city_en, city_zh_hans, 100)
    return dict(zip(_PLACES, (*venue, *city), strict=True))


def _check_event(errors: ErrorCollector, *, starts_on: date | None, ends_on: date | None, capacity: int | None) -> None:
    with errors.check():
        check_dates(starts_on=starts_on, ends_on=ends_on)
    if starts_on is None:
        errors.add("starts_on", _("This field is required."))
    if ends_on is None:
        errors.add("ends_on", _("This field is required."))
    elif starts_on is not None and ends_on < starts_on:
        errors.add("ends_on", _("The last day cannot be before the first day."))
    if capacity is not None and not (0 < capacity <= 100000):
        errors.add("capacity", _("Give a capacity between 1 and 100,000."))


@transaction.atomic
def event_create(
    *,
    actor: User,
    title_en: str = "",
    title_zh_hans: str = "",
    starts_on: date | None,
    ends_on: date | None,
    venue_en: str = "",
    venue_zh_hans: str = "",
    city_en: str = "",
    city_zh_hans: str = "",
    capacity: int | None = None,
    organisers: list[Organisation] | None = None,
) -> Event:
    require(actor, "outreach.manage_events")
    errors = ErrorCollector()
    en, zh = _titles(errors, title_en, title_zh_hans)
    places = _places(errors, venue_en, venue_zh_hans, city_en, city_zh_hans)
    _check_event(errors, starts_on=starts_on, ends_on=ends_on, capacity=capacity)
    errors.raise_if_any()
    event = Event.objects.create(
        title_en=en, title_zh_hans=zh, starts_on=starts_on, ends_on=ends_on, capacity=capacity, **places
    )
    if organisers:
        event.organisers.set(organisers)
    return event


_PLACES = ("venue_en", "venue_zh_hans", "city_en", "city_zh_hans")
_EVENT_FIELDS = ("title_en", "title_zh_hans", "starts_on", "ends_on", *_PLACES, "capacity")


@transaction.atomic
def event_update(*, actor: User, event: Event, expected_version: int | None, **changes: object) -> Event:
    require(actor, "outreach.manage_events")
    unknown = set(changes) - set(_EVENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    claim_version(event, expected_version)
    merged = {name: changes.get(name, getattr(event, name)) for name in _EVENT_FIELDS}
    errors = ErrorCollector()  # text_pair reads an explicit null as an empty text
    merged["title_en"], merged["title_zh_hans"] = _titles(errors, merged["title_en"], merged["title_zh_hans"])
    merged.update(_places(errors, *(merged[name] for name in _PLACES)))
    _check_event(
        errors,
        starts_on=merged["starts_on"],  # type: ignore[arg-type]
        ends_on=merged["ends_on"],  # type: ignore[arg-type]
        capacity=merged["capacity"],  # type: ignore[arg-type]
    )
    if (
        merged["starts_on"]
        and merged["ends_on"]
        and event.sessions.exclude(date__range=(merged["starts_on"], merged["ends_on"])).exists()
    ):
        errors.add("starts_on", _("Some programme items would fall outside the event's days."))
    errors.raise_if_any()
    for name, value in merged.items():
        setattr(event, name, value)
    event.save()
    return event


def _check_programme_item(
    errors: ErrorCollector, *, event: Event, on: date | None, start_time: time | None, end_time: time | None, room: str
) -> None:
    check_slot(
        errors,
        on=on,
        first=event.starts_on,
        last=event.ends_on,
        outside=_("A programme item must fall within the event's days (%(start)s to %(end)s)."),
        start_time=start_time,
        end_time=end_time,
    )
    if len((room or "").strip()) > 100:
        errors.add("room", _("Keep this under %(limit)s characters.") % {"limit": 100})


_ITEM_FIELDS = ("date", "start_time", "end_time", "title_en", "title_zh_hans", "room")


@transaction.atomic
def event_session_update(
    *, actor: User, session: EventSession, expected_version: int | None, **changes: object
) -> EventSession:
    """Change a programme item (day within the event, times, titles, room, speakers and speaking organisations),
    with the version the edit read."""
    require(actor, "outreach.manage_events")
    unknown = set(changes) - set(_ITEM_FIELDS) - {"speakers", "speaker_organisations"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    claim_version(session, expected_version)
    merged = {name: changes.get(name, getattr(session, name)) for name in _ITEM_FIELDS}
    errors = ErrorCollector()
    merged["title_en"], merged["title_zh_hans"] = _titles(errors, merged["title_en"], merged["title_zh_hans"])
    merged["room"] = str(merged["room"] or "").strip()
    _check_programme_item(
        errors,
        event=session.event,
        on=merged["date"],  # type: ignore[arg-type]
        start_time=merged["start_time"],  # type: ignore[arg-type]
        end_time=merged["end_time"],  # type: ignore[arg-type]
        room=merged["room"],  # type: ignore[arg-type]
    )
    errors.raise_if_any()
    for name, value in merged.items():
        setattr(session, name, value)
    session.save()
    if "speakers" in changes:
        session.speakers.set(changes["speakers"] or [])  # type: ignore[arg-type]
    if "speaker_organisations" in changes:
        session.speaker_organisations.set(changes["speaker_organisations"] or [])  # type: ignore[arg-type]
    return session


@transaction.atomic
def event_session_add(
    *,
    actor: User,
    event: Event,
    date: date | None,
    start_time: time | None,
    end_time: time | None,
    title_en: str = "",
    title_zh_hans: str = "",
    room: str = "",
    speakers: list[Person] | None = None,
    speaker_organisations: list[Organisation] | None = None,
) -> EventSession:
    """A programme session inside the event's days; speakers are core people and organisations."""
    require(actor, "outreach.manage_events")
    errors = ErrorCollector()
    en, zh = _titles(errors, title_en, title_zh_hans)
    _check_programme_item(errors, event=event, on=date, start_time=start_time, end_time=end_time, room=room)
    errors.raise_if_any()
    session = EventSession.objects.create(
        event=event,
        date=date,
        start_time=start_time,
        end_time=end_time,
        title_en=en,
        title_zh_hans=zh,
        room=(room or "").strip(),
    )
    if speakers:
        session.speakers.set(speakers)
    if speaker_organisations:
        session.speaker_organisations.set(speaker_organisations)
    return session


def registration_create(
    *, actor: User, event: Event, person: Person, organisation: Organisation | None = None
) -> Registration:
    """Register a person (with the organisation they come from: theirs unless given). Twice is refused."""
    require(actor, "outreach.manage_events")
    duplicate = ValidationError({"person": _("This person is already registered for this event.")})
    if Registration.objects.filter(event=event, person=person).exists():
        raise duplicate
    if event.capacity is not None and event.registrations.count() >= event.capacity:
        raise ValidationError({"event": _("This event is full.")})
    try:
        with transaction.atomic():
            return Registration.objects.create(
                event=event,
                person=person,
                organisation=organisation or person.organisation,
                registered_by=actor,
            )
    except IntegrityError:  # a concurrent registration of the same person won the race
        raise duplicate from None


@transaction.atomic
def registration_set_attended(*, actor: User, registration: Registration, attended: bool) -> Registration:
    require(actor, "outreach.manage_events")
    registration.attended = bool(attended)
    registration.save(update_fields=["attended"])
    return registration
