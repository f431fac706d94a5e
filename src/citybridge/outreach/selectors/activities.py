"""Follow-up reads: "my follow-ups" (overdue first), the staff list with filters, one follow-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from citybridge.academy.models import OfficialProfile

from ..models import Activity, ActivityStatus

if TYPE_CHECKING:
    from citybridge.core.models import User


__all__ = ["activity_get", "activity_list", "my_activities"]


def _with_related(qs: QuerySet[Activity], user: User) -> QuerySet[Activity]:
    qs = qs.select_related("assignee__person", "person", "organisation", "course", "parent")
    if user.has_perm("outreach.view_official_data"):  # officials' names: staff only
        qs = qs.prefetch_related(Prefetch("officials", OfficialProfile.objects.select_related("person")))
    return qs


def my_activities(*, user: User, include_closed: bool = False) -> QuerySet[Activity]:
    """The user's follow-ups: open ones overdue first (oldest due date first), then the rest by due date, those
    without a date last. Closed ones only when asked."""
    today = timezone.localdate()
    qs = Activity.objects.visible_to(user).filter(assignee_id=user.pk)
    if not include_closed:
        qs = qs.filter(status=ActivityStatus.OPEN)
    qs = qs.annotate(
        overdue=Case(
            When(status=ActivityStatus.OPEN, due_date__lt=today, then=Value(0)),
            When(due_date__isnull=True, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue", "due_date", "id")
    return _with_related(qs, user)


def activity_list(
    *, user: User, status: str = "", assignee: int | None = None, unassigned: bool = False, overdue: bool = False
) -> QuerySet[Activity]:
    qs = Activity.objects.visible_to(user)
    if status in ActivityStatus.values:
        qs = qs.filter(status=status)
    if unassigned:
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee_id=assignee)
    if overdue:
        qs = qs.filter(status=ActivityStatus.OPEN, due_date__lt=timezone.localdate())
    return _with_related(qs.order_by("due_date", "id"), user)


def activity_get(*, user: User, pk: int) -> Activity:
    return get_object_or_404(_with_related(Activity.objects.visible_to(user), user), pk=pk)
