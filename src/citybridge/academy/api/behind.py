"""Who-is-behind endpoints: the list and asking for a year to be prepared."""

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from citybridge.core.api import Id, Pagination, Strict

from .. import selectors, services
from ..models import TrainingSummary
from ._common import PositionLit

router = Router()


class BehindOut(Schema):
    official_id: int
    name: str
    position: str
    province: str
    year: int
    total_days: int
    required_days: int
    shortfall: int
    window_start: date | None
    window_end: date | None  # exclusive
    window_days: int
    window_required: int
    window_gap: int
    behind_days: int

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.official.person.display_name()

    @staticmethod
    def resolve_position(obj) -> str:
        return obj.official.position

    @staticmethod
    def resolve_province(obj) -> str:
        return obj.official.province


@router.get("/behind", response=list[BehindOut])
@paginate(Pagination)
def who_is_behind(
    request: HttpRequest,
    year: int | None = Query(None, ge=1990, le=2100),
    academy: Id | None = None,
    organisation: Id | None = None,
    province: str = Query("", max_length=100),
    position: PositionLit | None = None,
    rule: Literal["any", "annual", "window", "both"] = "any",
) -> QuerySet[TrainingSummary]:
    """Officials behind on the annual rule, at risk in the 5-year window, or both, most days missing first, in
    `year` (default: this year). A year not prepared yet answers 409 (staff: POST /behind/prepare)."""
    if not request.auth.has_perm("academy.view_compliance"):
        raise PermissionDenied
    year = year or timezone.localdate().year
    if not selectors.training_year_prepared(year):
        from django.utils.translation import gettext as _
        from ninja.errors import HttpError

        raise HttpError(409, _("The training year %(year)s has not been prepared yet.") % {"year": year})
    qs = selectors.behind_list(
        user=request.auth,
        year=year,
        academy=academy,
        organisation=organisation,
        province=province,
        position=position or "",
        rule=rule,
    )
    return qs


class PrepareIn(Strict):
    year: int = Field(..., ge=1990, le=2100)


@router.post("/behind/prepare", response={202: dict})
def prepare_behind_year(request: HttpRequest, payload: PrepareIn) -> Status[dict]:
    """Program staff: queue the preparation of a training year (done by the background worker)."""
    services.training_year_request(actor=request.auth, year=payload.year)
    return Status(202, {"year": payload.year, "queued": True})
