"""Event reads: the list, one event with its programme (speakers, their organisations), registrations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from ..models import Event, EventSession, Registration

if TYPE_CHECKING:
    from citybridge.core.models import User


__all__ = ["event_get", "event_list", "event_programme", "event_session_get", "registration_get", "registration_list"]


def event_list(*, user: User) -> QuerySet[Event]:
    return (
        Event.objects.visible_to(user)
        .annotate(
            registered=Count("registrations", distinct=True),
            attended=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
        )
        .order_by("-starts_on", "id")
    )


def event_get(*, user: User, pk: int) -> Event:
    return get_object_or_404(Event.objects.visible_to(user).prefetch_related("organisers"), pk=pk)


def event_programme(*, event: Event) -> list[EventSession]:
    return list(
        event.sessions.prefetch_related("speakers__organisation", "speaker_organisations").order_by(
            "date", "start_time", "id"
        )
    )


def registration_list(*, user: User, event: Event) -> QuerySet[Registration]:
    """Staff only see who registered (people's names); others see nothing."""
    if not user.has_perm("outreach.manage_events"):
        return Registration.objects.none()
    return event.registrations.select_related("person", "organisation").order_by("id")


def registration_get(*, user: User, pk: int) -> Registration:
    qs = Registration.objects.select_related("event", "person", "organisation")
    if not user.has_perm("outreach.manage_events"):
        qs = qs.none()
    return get_object_or_404(qs, pk=pk)


def event_session_get(*, user: User, pk: int) -> EventSession:
    """A programme item of an event the user sees, else 404."""
    return get_object_or_404(
        EventSession.objects.filter(event__in=Event.objects.visible_to(user)).select_related("event"), pk=pk
    )
