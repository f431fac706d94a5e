"""Follow-up endpoints: list (staff: all, with filters), mine (overdue first), create (staff), one, update with
`version` (staff: everything; the assignee: status and outcome), complete."""

from datetime import date, datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from citybridge.academy import selectors as academy_selectors
from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.core import selectors as core_selectors
from citybridge.core.api import Id, Pagination, Strict, Version
from citybridge.core.models import User

from .. import selectors, services
from ..models import Activity, ActivityStatus, ActivityType

router = Router()

TypeLit = Literal[tuple(ActivityType.values)]  # type: ignore[valid-type]
StatusLit = Literal[tuple(ActivityStatus.values)]  # type: ignore[valid-type]


class ActivityOut(Schema):
    id: int
    type: str
    subject: str
    status: str
    due_date: date | None
    overdue: bool
    outcome: str
    assignee_id: int | None
    person_id: int | None
    organisation_id: int | None
    course_id: int | None
    evaluation_id: int | None
    parent_id: int | None
    official_ids: list[int] | None = None
    created_at: datetime
    completed_at: datetime | None
    version: int

    @staticmethod
    def resolve_overdue(obj: Activity) -> bool:
        from django.utils import timezone

        return obj.status == ActivityStatus.OPEN and obj.due_date is not None and obj.due_date < timezone.localdate()

    @staticmethod
    def resolve_official_ids(obj: Activity, context: dict) -> list[int] | None:
        """Staff only (officials' personal data); null for anyone else."""
        if not context["request"].auth.has_perm("outreach.view_official_data"):
            return None
        return [o.pk for o in obj.officials.all()]


@router.get("/activities/mine", response=list[ActivityOut])
@paginate(Pagination)
def my_activities(request: HttpRequest, include_closed: bool = False) -> QuerySet[Activity]:
    """Your follow-ups: overdue first, then by due date."""
    return selectors.my_activities(user=request.auth, include_closed=include_closed)


@router.get("/activities", response=list[ActivityOut])
@paginate(Pagination)
def list_activities(
    request: HttpRequest,
    status: StatusLit | None = None,
    assignee: Id | None = None,
    unassigned: bool = False,
    overdue: bool = False,
) -> QuerySet[Activity]:
    """Staff: every follow-up; anyone else: those assigned to them."""
    return selectors.activity_list(
        user=request.auth, status=status or "", assignee=assignee, unassigned=unassigned, overdue=overdue
    )


class ActivityPatch(Strict):
    type: TypeLit | None = None
    subject: str | None = Field(None, max_length=300)
    due_date: date | None = None
    status: StatusLit | None = None
    outcome: str | None = Field(None, max_length=4000)
    assignee_id: Id | None = None
    person_id: Id | None = None
    organisation_id: Id | None = None
    parent_id: Id | None = None
    official_ids: list[Id] | None = Field(None, max_length=50)
    version: Version | None = None


class ActivityIn(ActivityPatch):
    type: TypeLit
    subject: str = Field(..., max_length=300)


def _user_get(*, user: User, pk: int) -> User:
    return User.objects.get(pk=pk, is_active=True)


def _refs(request: HttpRequest, data: dict) -> dict:
    user = request.auth
    out = {}
    for field, name, get in (
        ("assignee_id", "assignee", _user_get),
        ("person_id", "person", core_selectors.person_get),
        ("organisation_id", "organisation", core_selectors.organisation_get),
        ("parent_id", "parent", selectors.activity_get),
    ):
        if field in data:
            out[name] = body_ref(get, field, data.pop(field), user=user)
    if "official_ids" in data:
        ids = data.pop("official_ids") or []
        out["officials"] = [body_ref(academy_selectors.official_get, "official_ids", i, user=user) for i in ids]
    return {**data, **out}


@router.post("/activities", response={201: ActivityOut})
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status[Activity]:
    """Staff. A due date before today is refused."""
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    from citybridge.core.services import require

    require(request.auth, "outreach.add_activity")
    activity = services.activity_create(actor=request.auth, **_refs(request, data))
    return Status(201, selectors.activity_get(user=request.auth, pk=activity.pk))


@router.get("/activities/{id:pk}", response=ActivityOut)
def get_activity(request: HttpRequest, pk: int, response: HttpResponse) -> Activity:
    activity = selectors.activity_get(user=request.auth, pk=pk)
    etag(response, activity)
    return activity


@router.patch("/activities/{id:pk}", response=ActivityOut)
def update_activity(request: HttpRequest, pk: int, payload: ActivityPatch, response: HttpResponse) -> Activity:
    """Send the `version` you read (body or `If-Match`); a stale one is answered 409 with the current follow-up."""
    activity = selectors.activity_get(user=request.auth, pk=pk)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    from citybridge.core.services import require

    require(request.auth, "outreach.change_activity", activity)
    with stale_as(ActivityOut, request):
        services.activity_update(
            actor=request.auth,
            activity=activity,
            expected_version=expected_version(request, payload.version),
            **_refs(request, data),
        )
    activity = selectors.activity_get(user=request.auth, pk=pk)
    etag(response, activity)
    return activity


class CompleteIn(Strict):
    outcome: str = Field(..., max_length=4000)
    version: Version | None = None


@router.post("/activities/{id:pk}/complete", response=ActivityOut)
def complete_activity(request: HttpRequest, pk: int, payload: CompleteIn, response: HttpResponse) -> Activity:
    activity = selectors.activity_get(user=request.auth, pk=pk)
    with stale_as(ActivityOut, request):
        services.activity_complete(
            actor=request.auth,
            activity=activity,
            expected_version=expected_version(request, payload.version),
            outcome=payload.outcome,
        )
    activity = selectors.activity_get(user=request.auth, pk=pk)
    etag(response, activity)
    return activity
