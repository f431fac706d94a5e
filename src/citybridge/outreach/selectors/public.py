"""Public record reads. The public impact page reads one stored row (never recomputes); lists are small."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from citybridge.academy.models import ImpactSnapshot

from ..models import PressMention, ReferenceDocument, Supporter, Testimonial
from ..services.public import PUBLIC_KEY

if TYPE_CHECKING:
    from citybridge.core.models import User


__all__ = [
    "PublicImpact",
    "document_get",
    "document_list",
    "press_get",
    "press_list",
    "public_impact",
    "supporter_list",
    "testimonial_get",
    "testimonial_list",
]

FIGURES = ("officials", "population", "companies", "courses", "academies", "lecturers", "donated_days")


@dataclass(frozen=True)
class PublicImpact:
    figures: dict[str, int]
    computed_at: datetime | None
    updating: bool


def public_impact() -> PublicImpact:
    """One query: the stored public figures (zeros before the worker's first run)."""
    snap = ImpactSnapshot.objects.filter(key=PUBLIC_KEY).only("data", "computed_at", "stale").first()
    data = (snap.data or {}) if snap else {}
    return PublicImpact(
        figures={name: int(data.get(name, 0)) for name in FIGURES},
        computed_at=snap.computed_at if snap else None,
        updating=snap is None or snap.stale,
    )


def press_list() -> QuerySet[PressMention]:
    """Press mentions are public."""
    return PressMention.objects.order_by("-published_on", "id")


def press_get(*, user: User, pk: int) -> PressMention:
    return get_object_or_404(PressMention.objects.all(), pk=pk)


def supporter_list() -> QuerySet[Supporter]:
    return Supporter.objects.select_related("organisation").order_by("id")


def testimonial_list(*, user: User) -> QuerySet[Testimonial]:
    """Staff: every testimonial; everyone else (and the public page): published ones with consent."""
    qs = Testimonial.objects.select_related("person")
    if getattr(user, "is_authenticated", False) and user.has_perm("outreach.manage_public_record"):
        return qs.order_by("-id")
    return qs.published().order_by("-id")


def testimonial_get(*, user: User, pk: int) -> Testimonial:
    return get_object_or_404(testimonial_list(user=user), pk=pk)


def document_list(*, user: User) -> QuerySet[ReferenceDocument]:
    qs = ReferenceDocument.objects.all()
    if not (getattr(user, "is_authenticated", False) and user.has_perm("outreach.manage_public_record")):
        qs = qs.filter(public=True)
    return qs.order_by("-uploaded_at", "id")


def document_get(*, user: User, pk: int) -> ReferenceDocument:
    """A reference document in the user's scope (staff: all; others: public ones), else 404."""
    return get_object_or_404(document_list(user=user), pk=pk)
