"""Partner and engagement reads, scoped by visible_to(user): staff everything, a partner's users their own.
Attendance for partners is aggregated (counts by position and province); officials' names are for staff only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _

from citybridge.academy.models import OfficialProfile, Position
from citybridge.core import provinces
from citybridge.core.listing import name_order

from ..models import Agreement, Engagement, Partner
from ..results import MIN_GROUP

if TYPE_CHECKING:
    from citybridge.core.models import User


__all__ = [
    "Attendance",
    "agreement_get",
    "agreement_list",
    "engagement_attendance",
    "engagement_get",
    "engagement_list",
    "partner_attendance",
    "partner_get",
    "partner_history",
    "partner_list",
]


def partner_list(*, user: User, q: str = "") -> QuerySet[Partner]:
    qs = (
        Partner.objects.visible_to(user)
        .select_related("organisation")
        .annotate(engagement_count=Count("engagements", distinct=True))
    )
    if q:
        qs = qs.filter(Q(organisation__name_en__icontains=q[:100]) | Q(organisation__name_zh_hans__icontains=q[:100]))
    return qs.order_by(*name_order("name", prefix="organisation__"), "id")


def partner_get(*, user: User, pk: int) -> Partner:
    qs = (
        Partner.objects.visible_to(user)
        .select_related("organisation")
        .prefetch_related("topics", "agreements", "contributions")
    )
    if user.has_perm("outreach.manage_partners"):
        qs = qs.prefetch_related("contacts")
    return get_object_or_404(qs, pk=pk)


def engagement_list(*, user: User, partner: Partner | None = None, status: str = "") -> QuerySet[Engagement]:
    qs = (
        Engagement.objects.visible_to(user)
        .select_related("partner__organisation", "course")
        .annotate(official_count=Count("officials", distinct=True))
    )
    if partner is not None:
        qs = qs.filter(partner=partner)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-date", "id")


def engagement_get(*, user: User, pk: int) -> Engagement:
    qs = Engagement.objects.visible_to(user).select_related("partner__organisation", "course__academy", "session")
    qs = qs.prefetch_related("hosts", "followups")
    if user.has_perm("outreach.view_official_data"):  # officials' names: staff only
        qs = qs.prefetch_related(Prefetch("officials", OfficialProfile.objects.select_related("person")))
    return get_object_or_404(qs, pk=pk)


@dataclass
class Attendance:
    """What a partner may know about who came: how many, and how many per position and per province."""

    officials: int = 0
    by_position: list[tuple[str, int]] = field(default_factory=list)
    by_province: list[tuple[str, int]] = field(default_factory=list)


def _groups(counts: Counter) -> list[tuple[str, int]]:
    """Largest first; the groups of fewer than MIN_GROUP officials as one "other" row, as evaluation results hide
    small groups: "central-government bureau officer: 1" beside a course's dinner points at one person.

    The total is shown too, so the "other" row is the total minus the groups shown: it must itself be none or at
    least MIN_GROUP. While it is smaller, the smallest group shown joins it ("Mayor: 4, other: 1" would still say
    that the fifth official is not a mayor)."""
    rows = sorted(((str(k), v) for k, v in counts.items() if v >= MIN_GROUP), key=lambda kv: (-kv[1], kv[0]))
    other = sum(v for v in counts.values() if v < MIN_GROUP)
    while 0 < other < MIN_GROUP and rows:
        other += rows.pop()[1]
    if other:
        rows.append((_("Other (combined so that no group of fewer than %(n)s shows)") % {"n": MIN_GROUP}, other))
    return rows


def _attendance(rows: list[tuple[str, str, str]], language: str | None = None) -> Attendance:
    """The counts, with every label in `language` (default: the active one)."""
    with translation.override(language or translation.get_language()):
        positions = dict(Position.choices)
        pos = Counter(str(positions.get(p, p)) for p, _c, _t in rows)
        prov = Counter((provinces.province_name(c, language) or t or _("not recorded")) for _p, c, t in rows)
        return Attendance(officials=len(rows), by_position=_groups(pos), by_province=_groups(prov))


def engagement_attendance(*, engagement: Engagement, language: str | None = None) -> Attendance:
    """Aggregates only (one query): no name, no id, no contact leaves here."""
    rows = list(
        OfficialProfile.objects.filter(partner_engagements=engagement).values_list(
            "position", "province_code", "province"
        )
    )
    return _attendance(rows, language)


def partner_attendance(*, partner: Partner, language: str | None = None) -> Attendance:
    """Across the partner's engagements: each official counted once."""
    rows = list(
        OfficialProfile.objects.filter(partner_engagements__partner=partner)
        .distinct()
        .values_list("position", "province_code", "province")
    )
    return _attendance(rows, language)


def agreement_list(*, user: User, partner: Partner | None = None) -> QuerySet[Agreement]:
    """Agreements of the partners the user sees (staff: all; a partner's users: their own)."""
    qs = Agreement.objects.filter(partner__in=Partner.objects.visible_to(user)).select_related("partner__organisation")
    if partner is not None:
        qs = qs.filter(partner=partner)
    return qs.order_by("-starts_on", "id")


def agreement_get(*, user: User, pk: int) -> Agreement:
    return get_object_or_404(agreement_list(user=user), pk=pk)


def partner_history(*, partner: Partner, limit: int = 50) -> list:
    """The partner's saved versions, newest first, with who saved them (staff pages only)."""
    return list(partner.history.select_related("history_user__person").order_by("-history_date", "-history_id")[:limit])
