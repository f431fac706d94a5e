"""Partner and engagement endpoints. Staff: everything. A partner's users: their own partner and engagements,
attendance as aggregates; `official_ids` is null for anyone but staff. Ids in bodies outside scope: 422."""

from datetime import date as Date
from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from citybridge.academy import selectors as academy_selectors
from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.core import selectors as core_selectors
from citybridge.core.api import Id, Pagination, Strict, TimeOfDay, Version, language_texts
from citybridge.core.models import User
from citybridge.core.services import require

from .. import selectors, services
from ..models import Contribution, ContributionKind, Engagement, EngagementKind, EngagementStatus, Partner, split_tags
from ._texts import errors_as_sent, pair_names, texts_in_languages

router = Router()

#: texts kept in both languages (`<name>_en`, `<name>_zh_hans`; `<name>` alone: the request's language)
_PARTNER_TEXTS = ("technologies", "notes")

KindLit = Literal[tuple(EngagementKind.values)]  # type: ignore[valid-type]
StatusLit = Literal[tuple(EngagementStatus.values)]  # type: ignore[valid-type]
ContribLit = Literal[tuple(ContributionKind.values)]  # type: ignore[valid-type]


class CountOut(Schema):
    label: str
    officials: int


class EngagementAttendanceOut(Schema):
    officials: int
    by_position: list[CountOut]
    by_province: list[CountOut]


def _attendance(a: selectors.Attendance) -> dict:
    return {
        "officials": a.officials,
        "by_position": [{"label": k, "officials": v} for k, v in a.by_position],
        "by_province": [{"label": k, "officials": v} for k, v in a.by_province],
    }


class ContributionOut(Schema):
    id: int
    kind: str
    description: str  # in the request's language (else the other)
    description_en: str
    description_zh_hans: str
    amount: Decimal
    currency: str
    received_on: Date

    @staticmethod
    def resolve_description(obj: Contribution) -> str:
        return obj.display_description()


def _manages(context: dict) -> bool:
    return context["request"].auth.has_perm("outreach.manage_partners")


class PartnerOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    technologies: list[str]  # the tags in the request's language (else the other's), as `notes`
    technologies_en: list[str]
    technologies_zh_hans: list[str]
    topic_ids: list[int] | None = None
    contact_ids: list[int] | None = None
    #: staff only (the partner page shows them to staff), null for a partner's users
    notes: str | None = None
    notes_en: str | None = None
    notes_zh_hans: str | None = None
    version: int

    @staticmethod
    def resolve_organisation_name(obj: Partner) -> str:
        return obj.organisation.display_name()

    @staticmethod
    def resolve_technologies(obj: Partner) -> list[str]:
        return obj.technology_tags()

    @staticmethod
    def resolve_technologies_en(obj: Partner) -> list[str]:
        return split_tags(obj.technologies_en)

    @staticmethod
    def resolve_technologies_zh_hans(obj: Partner) -> list[str]:
        return split_tags(obj.technologies_zh_hans)

    @staticmethod
    def resolve_notes(obj: Partner, context: dict) -> str | None:
        return obj.display_notes() if _manages(context) else None

    @staticmethod
    def resolve_notes_en(obj: Partner, context: dict) -> str | None:
        return obj.notes_en if _manages(context) else None

    @staticmethod
    def resolve_notes_zh_hans(obj: Partner, context: dict) -> str | None:
        return obj.notes_zh_hans if _manages(context) else None

    @staticmethod
    def resolve_topic_ids(obj: Partner) -> list[int] | None:
        return [t.pk for t in obj.topics.all()] if hasattr(obj, "_prefetched_objects_cache") else None

    @staticmethod
    def resolve_contact_ids(obj: Partner, context: dict) -> list[int] | None:
        if not context["request"].auth.has_perm("outreach.manage_partners"):
            return None
        return [p.pk for p in obj.contacts.all()] if hasattr(obj, "_prefetched_objects_cache") else None


class PartnerDetailOut(PartnerOut):
    contributions: list[ContributionOut]
    attendance: EngagementAttendanceOut

    @staticmethod
    def resolve_contributions(obj: Partner) -> list:
        return list(obj.contributions.all())

    @staticmethod
    def resolve_attendance(obj: Partner) -> dict:
        return _attendance(selectors.partner_attendance(partner=obj))


@router.get("/partners", response=list[PartnerOut])
@paginate(Pagination)
def list_partners(request: HttpRequest, q: str = "") -> QuerySet[Partner]:
    """Staff: every partner; a partner's users: their own."""
    return selectors.partner_list(user=request.auth, q=q[:100])


class PartnerIn(Strict):
    organisation_id: Id
    contact_ids: list[Id] = Field(default_factory=list, max_length=50)
    topic_ids: list[Id] = Field(default_factory=list, max_length=50)
    #: `technologies` (comma-separated tags) or `notes` alone, when neither of its two is sent, is the text in the
    #: request's language
    technologies: str = Field("", max_length=500)
    technologies_en: str | None = Field(None, max_length=500)
    technologies_zh_hans: str | None = Field(None, max_length=500)
    notes: str = Field("", max_length=4000)
    notes_en: str | None = Field(None, max_length=4000)
    notes_zh_hans: str | None = Field(None, max_length=4000)


@router.post("/partners", response={201: PartnerDetailOut})
def create_partner(request: HttpRequest, payload: PartnerIn) -> Status[Partner]:
    user = request.auth
    require(user, "outreach.manage_partners")
    organisation = body_ref(core_selectors.organisation_get, "organisation_id", payload.organisation_id, user=user)
    contacts = [body_ref(core_selectors.person_get, "contact_ids", i, user=user) for i in payload.contact_ids]
    topics = [body_ref(academy_selectors.topic_get, "topic_ids", i, user=user) for i in payload.topic_ids]
    sent = payload.model_dump(include=pair_names(*_PARTNER_TEXTS))
    with errors_as_sent(sent, *_PARTNER_TEXTS):
        partner = services.partner_create(
            actor=user,
            organisation=organisation,
            contacts=contacts,
            topics=topics,
            **texts_in_languages(dict(sent), *_PARTNER_TEXTS),
        )
    return Status(201, selectors.partner_get(user=user, pk=partner.pk))


@router.get("/partners/{id:pk}", response=PartnerDetailOut)
def get_partner(request: HttpRequest, pk: int, response: HttpResponse) -> Partner:
    partner = selectors.partner_get(user=request.auth, pk=pk)
    etag(response, partner)
    return partner


class PartnerPatch(Strict):
    contact_ids: list[Id] | None = Field(None, max_length=50)
    topic_ids: list[Id] | None = Field(None, max_length=50)
    technologies: str | None = Field(None, max_length=500)
    technologies_en: str | None = Field(None, max_length=500)
    technologies_zh_hans: str | None = Field(None, max_length=500)
    notes: str | None = Field(None, max_length=4000)
    notes_en: str | None = Field(None, max_length=4000)
    notes_zh_hans: str | None = Field(None, max_length=4000)
    version: Version | None = None


@router.patch("/partners/{id:pk}", response=PartnerDetailOut)
def update_partner(request: HttpRequest, pk: int, payload: PartnerPatch, response: HttpResponse) -> Partner:
    """Staff. Send the `version` you read (body or `If-Match`); a stale one is answered 409 with the current
    record. The organisation cannot be changed."""
    user = request.auth
    partner = selectors.partner_get(user=user, pk=pk)
    require(user, "outreach.manage_partners")
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "contact_ids" in data:
        ids = data.pop("contact_ids") or []
        data["contacts"] = [body_ref(core_selectors.person_get, "contact_ids", i, user=user) for i in ids]
    if "topic_ids" in data:
        ids = data.pop("topic_ids") or []
        data["topics"] = [body_ref(academy_selectors.topic_get, "topic_ids", i, user=user) for i in ids]
    sent = dict(data)
    data = texts_in_languages(data, *_PARTNER_TEXTS, null_empties=True)
    with stale_as(PartnerDetailOut, request), errors_as_sent(sent, *_PARTNER_TEXTS):
        services.partner_update(
            actor=user, partner=partner, expected_version=expected_version(request, payload.version), **data
        )
    partner = selectors.partner_get(user=user, pk=pk)
    etag(response, partner)
    return partner


class ContributionIn(Strict):
    """The description in one language at least: `description_en`, `description_zh_hans`, or `description` alone
    (the request's language)."""

    kind: ContribLit
    description: str | None = Field(None, max_length=300)
    description_en: str | None = Field(None, max_length=300)
    description_zh_hans: str | None = Field(None, max_length=300)
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    currency: str = Field("", max_length=3)
    received_on: Date


@router.post("/partners/{id:pk}/contributions", response={201: ContributionOut})
def add_contribution(request: HttpRequest, pk: int, payload: ContributionIn) -> Status:
    """A negative amount or a missing currency is a 422 on that field; nothing is saved."""
    partner = selectors.partner_get(user=request.auth, pk=pk)
    require(request.auth, "outreach.manage_partners")
    sent = payload.model_dump()
    with errors_as_sent(sent, "description"):
        contribution = services.contribution_add(
            actor=request.auth, partner=partner, **texts_in_languages(dict(sent), "description")
        )
    return Status(201, contribution)


class EngagementOut(Schema):
    id: int
    partner_id: int
    course_id: int
    session_id: int | None
    kind: str
    title: str  # in the request's language (else the other), as `venue`
    title_en: str
    title_zh_hans: str
    date: Date
    start_time: TimeOfDay
    end_time: TimeOfDay
    venue: str
    venue_en: str
    venue_zh_hans: str
    status: str
    cost: Decimal | None
    cost_currency: str
    outcomes: str  # in the request's language (else the other), as `title`
    outcomes_en: str
    outcomes_zh_hans: str
    official_count: int | None = None
    created_at: datetime
    version: int

    @staticmethod
    def resolve_title(obj: Engagement) -> str:
        return obj.display_title()

    @staticmethod
    def resolve_venue(obj: Engagement) -> str:
        return obj.display_venue()

    @staticmethod
    def resolve_outcomes(obj: Engagement) -> str:
        return obj.display_outcomes()


class EngagementDetailOut(EngagementOut):
    host_ids: list[int]
    followup_ids: list[int]
    official_ids: list[int] | None = None
    attendance: EngagementAttendanceOut

    @staticmethod
    def resolve_host_ids(obj: Engagement) -> list[int]:
        return [p.pk for p in obj.hosts.all()]

    @staticmethod
    def resolve_followup_ids(obj: Engagement, context: dict) -> list[int]:
        if not context["request"].auth.has_perm("outreach.manage_partners"):
            return []
        return [a.pk for a in obj.followups.all()]

    @staticmethod
    def resolve_official_ids(obj: Engagement, context: dict) -> list[int] | None:
        """Staff only (officials' personal data); null for partners."""
        if not context["request"].auth.has_perm("outreach.view_official_data"):
            return None
        return [o.pk for o in obj.officials.all()]

    @staticmethod
    def resolve_attendance(obj: Engagement) -> dict:
        return _attendance(selectors.engagement_attendance(engagement=obj))


@router.get("/engagements", response=list[EngagementOut])
@paginate(Pagination)
def list_engagements(
    request: HttpRequest, partner: Id | None = None, status: StatusLit | None = None
) -> QuerySet[Engagement]:
    qs = selectors.engagement_list(user=request.auth, status=status or "")
    return qs.filter(partner_id=partner) if partner else qs


class _Texts(Strict):
    """The title (a new engagement's in at least one language) and the venue; `title` or `venue` alone, when
    neither of its two is sent, is the text in the request's language (the other language's is kept)."""

    title_en: str | None = Field(None, max_length=200)
    title_zh_hans: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=200)
    venue_en: str | None = Field(None, max_length=200)
    venue_zh_hans: str | None = Field(None, max_length=200)
    venue: str | None = Field(None, max_length=200)


class EngagementPatch(_Texts):
    date: Date | None = None
    start_time: TimeOfDay | None = None
    end_time: TimeOfDay | None = None
    cost: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    cost_currency: str | None = Field(None, max_length=3)
    outcomes: str | None = Field(None, max_length=4000)  # alone: the request's language (null empties it)
    outcomes_en: str | None = Field(None, max_length=4000)
    outcomes_zh_hans: str | None = Field(None, max_length=4000)
    host_ids: list[Id] | None = Field(None, max_length=50)
    official_ids: list[Id] | None = Field(None, max_length=500)
    version: Version | None = None


class EngagementIn(_Texts):
    partner_id: Id
    course_id: Id
    kind: KindLit
    date: Date
    start_time: TimeOfDay
    end_time: TimeOfDay
    cost: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    cost_currency: str = Field("", max_length=3)
    status: Literal["interested", "proposed", "confirmed"] = "interested"
    host_ids: list[Id] = Field(default_factory=list, max_length=50)
    official_ids: list[Id] = Field(default_factory=list, max_length=500)


def _people(request: HttpRequest, data: dict) -> dict:
    user = request.auth
    if "host_ids" in data:
        ids = data.pop("host_ids") or []
        data["hosts"] = [body_ref(core_selectors.person_get, "host_ids", i, user=user) for i in ids]
    if "official_ids" in data:
        ids = data.pop("official_ids") or []
        data["officials"] = [body_ref(academy_selectors.official_get, "official_ids", i, user=user) for i in ids]
    return data


@router.post("/engagements", response={201: EngagementDetailOut})
def create_engagement(request: HttpRequest, payload: EngagementIn) -> Status[Engagement]:
    """Staff. Outside its course's dates: 422 on `date`. The course's timetable gains the session, unless the course
    is completed (its timetable is closed: the engagement is kept with the partner, without a session)."""
    user = request.auth
    require(user, "outreach.manage_partners")
    data = language_texts(payload.model_dump(), "title", "venue")
    data["partner"] = body_ref(selectors.partner_get, "partner_id", data.pop("partner_id"), user=user)
    data["course"] = body_ref(academy_selectors.course_get, "course_id", data.pop("course_id"), user=user)
    engagement = services.engagement_create(actor=user, **_people(request, data))
    return Status(201, selectors.engagement_get(user=user, pk=engagement.pk))


@router.get("/engagements/{id:pk}", response=EngagementDetailOut)
def get_engagement(request: HttpRequest, pk: int, response: HttpResponse) -> Engagement:
    engagement = selectors.engagement_get(user=request.auth, pk=pk)
    etag(response, engagement)
    return engagement


@router.patch("/engagements/{id:pk}", response=EngagementDetailOut)
def update_engagement(request: HttpRequest, pk: int, payload: EngagementPatch, response: HttpResponse) -> Engagement:
    """Send the `version` you read (body or `If-Match`); a stale one is answered 409 with the current record."""
    engagement = selectors.engagement_get(user=request.auth, pk=pk)
    require(request.auth, "outreach.manage_partners")
    sent = payload.model_dump(exclude_unset=True, exclude={"version"})
    texts = texts_in_languages(language_texts(dict(sent), "title", "venue"), "outcomes", null_empties=True)
    data = _people(request, texts)
    with stale_as(EngagementDetailOut, request), errors_as_sent(sent, "outcomes"):
        services.engagement_update(
            actor=request.auth,
            engagement=engagement,
            expected_version=expected_version(request, payload.version),
            **data,
        )
    engagement = selectors.engagement_get(user=request.auth, pk=pk)
    etag(response, engagement)
    return engagement


class EngagementTransitionIn(Strict):
    status: StatusLit
    #: written with the step when sent (`outcomes` alone: in the request's language); kept when not
    outcomes: str | None = Field(None, max_length=4000)
    outcomes_en: str | None = Field(None, max_length=4000)
    outcomes_zh_hans: str | None = Field(None, max_length=4000)
    version: Version | None = None


@router.post("/engagements/{id:pk}/transition", response=EngagementDetailOut)
def transition_engagement(
    request: HttpRequest, pk: int, payload: EngagementTransitionIn, response: HttpResponse
) -> Engagement:
    """interested → proposed → confirmed → held → followed up (or cancelled before it is held); 422 otherwise."""
    engagement = selectors.engagement_get(user=request.auth, pk=pk)
    require(request.auth, "outreach.manage_partners")
    sent = payload.model_dump(include=pair_names("outcomes"))
    outcomes = texts_in_languages(dict(sent), "outcomes")
    with stale_as(EngagementDetailOut, request), errors_as_sent(sent, "outcomes"):
        services.engagement_transition(
            actor=request.auth,
            engagement=engagement,
            expected_version=expected_version(request, payload.version),
            status=payload.status,
            outcomes_en=outcomes.get("outcomes_en"),
            outcomes_zh_hans=outcomes.get("outcomes_zh_hans"),
        )
    engagement = selectors.engagement_get(user=request.auth, pk=pk)
    etag(response, engagement)
    return engagement


class FollowupIn(Strict):
    subject: str = Field(..., max_length=300)
    due_date: Date | None = None
    assignee_id: Id | None = None
    type: Literal["call", "meeting", "email", "site_visit", "introduction"] = "meeting"


class FollowupOut(Schema):
    id: int
    subject: str
    due_date: Date | None
    engagement_id: int


def _user_get(*, user: User, pk: int) -> User:
    return User.objects.get(pk=pk, is_active=True)


@router.post("/engagements/{id:pk}/follow-ups", response={201: FollowupOut})
def followup_engagement(request: HttpRequest, pk: int, payload: FollowupIn) -> Status:
    """A follow-up (outreach activity) with the officials who attended; the engagement becomes "followed up"."""
    engagement = selectors.engagement_get(user=request.auth, pk=pk)
    require(request.auth, "outreach.manage_partners")
    activity = services.engagement_followup(
        actor=request.auth,
        engagement=engagement,
        subject=payload.subject,
        due_date=payload.due_date,
        assignee=body_ref(_user_get, "assignee_id", payload.assignee_id, user=request.auth),
        type=payload.type,
    )
    return Status(
        201, {"id": activity.pk, "subject": activity.subject, "due_date": activity.due_date, "engagement_id": pk}
    )
