"""Possible duplicate officials (program staff): list, merge, dismiss."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from citybridge.core.api import Pagination

from .. import selectors, services
from ..models import OfficialProfile, PossibleDuplicate

router = Router()


class DuplicateOfficialOut(Schema):
    id: int
    name: str
    email: str
    organisation_id: int | None


class DuplicateOut(Schema):
    id: int
    reason: str
    course_id: int | None
    created_at: datetime
    new_official: DuplicateOfficialOut | None
    existing_official: DuplicateOfficialOut

    @staticmethod
    def resolve_new_official(obj) -> dict | None:
        return _dup_official(obj.new_official) if obj.new_official_id else None

    @staticmethod
    def resolve_existing_official(obj) -> dict:
        return _dup_official(obj.existing_official)


class DuplicateResolvedOut(Schema):
    id: int
    resolution: str
    resolved_at: datetime | None


def _dup_official(o: OfficialProfile) -> dict:
    return {
        "id": o.pk,
        "name": o.person.display_name(),
        "email": o.person.email,
        "organisation_id": o.person.organisation_id,
    }


def _duplicate(request, pk: int):
    dup = selectors.duplicate_get(user=request.auth, pk=pk)
    if not request.auth.has_perm("academy.manage_duplicates"):
        raise PermissionDenied
    return dup


@router.get("/duplicates", response=list[DuplicateOut])
@paginate(Pagination)
def list_duplicates(request: HttpRequest) -> QuerySet[PossibleDuplicate]:
    """Open possible duplicates found by coordinators' imports (program staff only)."""
    if not request.auth.has_perm("academy.manage_duplicates"):
        raise PermissionDenied
    return selectors.duplicate_list(user=request.auth)


@router.post("/duplicates/{id:pk}/dismiss", response=DuplicateResolvedOut)
def dismiss_duplicate(request: HttpRequest, pk: int) -> PossibleDuplicate:
    return services.duplicate_dismiss(actor=request.auth, duplicate=_duplicate(request, pk))


@router.post("/duplicates/{id:pk}/merge", response=DuplicateResolvedOut)
def merge_duplicate(request: HttpRequest, pk: int) -> PossibleDuplicate:
    """Move the new official's enrolments, attendance and external training onto the existing official."""
    dup = _duplicate(request, pk)
    services.duplicate_merge(actor=request.auth, duplicate=dup)
    dup.refresh_from_db()
    return dup
