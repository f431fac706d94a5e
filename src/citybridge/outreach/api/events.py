"""Event endpoints: events with their programme (signed-in users), creating events, programme sessions and
registrations, marking attendance (staff). Registering a person twice: 422 on `person_id`."""

from datetime import date as Date

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.core import selectors as core_selectors
from citybridge.core.api import Id, Pagination, Strict, TimeOfDay, Version, language_texts
from citybridge.core.services import require

from .. import selectors, services
from ..models import Event, EventSession, Registration

router = Router()


class ProgrammeSessionOut(Schema):
    id: int
    date: Date
    start_time: TimeOfDay
    end_time: TimeOfDay
    title_en: str
    title_zh_hans: str
    room: str
    speaker_ids: list[int]
    speaker_organisation_ids: list[int]

    @staticmethod
    def resolve_speaker_ids(obj: EventSession) -> list[int]:
        return [p.pk for p in obj.speakers.all()]

    @staticmethod
    def resolve_speaker_organisation_ids(obj: EventSession) -> list[int]:
        return [o.pk for o in obj.speaker_organisations.all()]


class EventOut(Schema):
    id: int
    title_en: str
    title_zh_hans: str
    starts_on: Date
    ends_on: Date
    venue: str  # in the request's language (else the other), as `city`
    venue_en: str
    venue_zh_hans: str
    city: str
    city_en: str
    city_zh_hans: str
    capacity: int | None
    registered: int | None = None
    attended: int | None = None
    version: int

    @staticmethod
    def resolve_venue(obj: Event) -> str:
        return obj.display_venue()

    @staticmethod
    def resolve_city(obj: Event) -> str:
        return obj.display_city()


class EventDetailOut(EventOut):
    programme: list[ProgrammeSessionOut]

    @staticmethod
    def resolve_programme(obj: Event) -> list:
        return selectors.event_programme(event=obj)


@router.get("/events", response=list[EventOut])
@paginate(Pagination)
def list_events(request: HttpRequest) -> QuerySet[Event]:
    return selectors.event_list(user=request.auth)


class _Places(Strict):
    """The venue (a new event's in at least one language) and the city; `venue` or `city` alone, when neither of
    its two is sent, is the text in the request's language (the other language's is kept)."""

    venue_en: str | None = Field(None, max_length=200)
    venue_zh_hans: str | None = Field(None, max_length=200)
    venue: str | None = Field(None, max_length=200)
    city_en: str | None = Field(None, max_length=100)
    city_zh_hans: str | None = Field(None, max_length=100)
    city: str | None = Field(None, max_length=100)


class EventPatch(_Places):
    title_en: str | None = Field(None, max_length=200)
    title_zh_hans: str | None = Field(None, max_length=200)
    starts_on: Date | None = None
    ends_on: Date | None = None
    capacity: int | None = Field(None, ge=1, le=100000)
    version: Version | None = None


class EventIn(_Places):
    title_en: str = Field("", max_length=200)
    title_zh_hans: str = Field("", max_length=200)
    starts_on: Date
    ends_on: Date
    capacity: int | None = Field(None, ge=1, le=100000)
    organiser_ids: list[Id] = Field(default_factory=list, max_length=20)


@router.post("/events", response={201: EventDetailOut})
def create_event(request: HttpRequest, payload: EventIn) -> Status[Event]:
    user = request.auth
    require(user, "outreach.manage_events")
    data = language_texts(payload.model_dump(), "venue", "city")
    data["organisers"] = [
        body_ref(core_selectors.organisation_get, "organiser_ids", i, user=user) for i in data.pop("organiser_ids")
    ]
    event = services.event_create(actor=user, **data)
    return Status(201, selectors.event_get(user=user, pk=event.pk))


@router.get("/events/{id:pk}", response=EventDetailOut)
def get_event(request: HttpRequest, pk: int, response: HttpResponse) -> Event:
    event = selectors.event_get(user=request.auth, pk=pk)
    etag(response, event)
    return event


@router.patch("/events/{id:pk}", response=EventDetailOut)
def update_event(request: HttpRequest, pk: int, payload: EventPatch, response: HttpResponse) -> Event:
    event = selectors.event_get(user=request.auth, pk=pk)
    require(request.auth, "outreach.manage_events")
    with stale_as(EventDetailOut, request):
        services.event_update(
            actor=request.auth,
            event=event,
            expected_version=expected_version(request, payload.version),
            **language_texts(payload.model_dump(exclude_unset=True, exclude={"version"}), "venue", "city"),
        )
    event = selectors.event_get(user=request.auth, pk=pk)
    etag(response, event)
    return event


class EventSessionIn(Strict):
    date: Date
    start_time: TimeOfDay
    end_time: TimeOfDay
    title_en: str = Field("", max_length=200)
    title_zh_hans: str = Field("", max_length=200)
    room: str = Field("", max_length=100)
    speaker_ids: list[Id] = Field(default_factory=list, max_length=30)
    speaker_organisation_ids: list[Id] = Field(default_factory=list, max_length=30)


@router.post("/events/{id:pk}/sessions", response={201: ProgrammeSessionOut})
def add_session(request: HttpRequest, pk: int, payload: EventSessionIn) -> Status:
    """A programme session inside the event's days (422 on `date` otherwise); speakers are people and
    organisations shared with the courses."""
    user = request.auth
    event = selectors.event_get(user=user, pk=pk)
    require(user, "outreach.manage_events")
    data = payload.model_dump()
    data["speakers"] = [
        body_ref(core_selectors.person_get, "speaker_ids", i, user=user) for i in data.pop("speaker_ids")
    ]
    data["speaker_organisations"] = [
        body_ref(core_selectors.organisation_get, "speaker_organisation_ids", i, user=user)
        for i in data.pop("speaker_organisation_ids")
    ]
    return Status(201, services.event_session_add(actor=user, event=event, **data))


class RegistrationOut(Schema):
    id: int
    event_id: int
    person_id: int
    person_name: str
    organisation_id: int | None
    attended: bool

    @staticmethod
    def resolve_person_name(obj: Registration) -> str:
        return obj.person.display_name()


@router.get("/events/{id:pk}/registrations", response=list[RegistrationOut])
@paginate(Pagination)
def list_registrations(request: HttpRequest, pk: int) -> QuerySet[Registration]:
    """Staff: who registered and came (names). Others: 403."""
    event = selectors.event_get(user=request.auth, pk=pk)
    require(request.auth, "outreach.manage_events")
    return selectors.registration_list(user=request.auth, event=event)


class RegistrationIn(Strict):
    person_id: Id
    organisation_id: Id | None = None


@router.post("/events/{id:pk}/registrations", response={201: RegistrationOut})
def create_registration(request: HttpRequest, pk: int, payload: RegistrationIn) -> Status:
    user = request.auth
    event = selectors.event_get(user=user, pk=pk)
    require(user, "outreach.manage_events")
    registration = services.registration_create(
        actor=user,
        event=event,
        person=body_ref(core_selectors.person_get, "person_id", payload.person_id, user=user),
        organisation=body_ref(core_selectors.organisation_get, "organisation_id", payload.organisation_id, user=user),
    )
    return Status(201, selectors.registration_get(user=user, pk=registration.pk))


class AttendedIn(Strict):
    attended: bool


@router.patch("/registrations/{id:pk}", response=RegistrationOut)
def mark_attended(request: HttpRequest, pk: int, payload: AttendedIn) -> Registration:
    registration = selectors.registration_get(user=request.auth, pk=pk)
    services.registration_set_attended(actor=request.auth, registration=registration, attended=payload.attended)
    return selectors.registration_get(user=request.auth, pk=pk)
