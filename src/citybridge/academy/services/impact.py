"""The impact snapshot: marked stale by the writes that change its inputs, recomputed by a background task.

``impact_refresh`` is a helper for the task, the demo and the generator (no request reaches it); pages and the
API only read the stored snapshot (selectors.impact_dashboard)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .. import impact as impact_engine
from .. import selectors
from ..models import ImpactSnapshot


def _enqueue_refresh() -> None:
    from ..tasks import refresh_impact

    refresh_impact.enqueue()


def impact_mark_stale() -> None:
    """Mark the snapshot stale and, once the write commits, ask the worker to recompute it (one task per
    transaction; a task finding the snapshot fresh does nothing, so a lost or failed task is made good by the next
    write, and a write during a computation -- which claims the snapshot first -- gets its own refresh)."""
    ImpactSnapshot.objects.filter(stale=False).update(stale=True)
    transaction.on_commit(_enqueue_refresh)


def impact_refresh_if_stale() -> ImpactSnapshot | None:
    """The task's body: recompute unless another run already did since the last change."""
    snap = ImpactSnapshot.objects.filter(key="all").first()
    if snap is not None and not snap.stale:
        return snap
    return impact_refresh()


def impact_trainings() -> list[impact_engine.Training]:
    """One record per official per completed course they were confirmed in (selectors.impact_trainings)."""
    return selectors.impact_trainings()


def impact_refresh() -> ImpactSnapshot:
    """Compute the impact report from records and store it (a helper: the task calls it)."""
    # claim first: a write that commits while this computes sets stale again (and queues another refresh)
    ImpactSnapshot.objects.filter(key="all", stale=True).update(stale=False)
    report = impact_engine.impact_report(impact_trainings(), selectors.impact_population_figures())
    data = selectors.impact_report_data(report)
    snap, _c = ImpactSnapshot.objects.update_or_create(
        key="all",
        defaults={"data": data, "computed_at": timezone.now()},
        create_defaults={"data": data, "computed_at": timezone.now(), "stale": False},
    )
    return snap


def impact_current() -> ImpactSnapshot | None:
    """The stored snapshot as it is (never recomputed here; None before the first computation)."""
    return ImpactSnapshot.objects.filter(key="all").first()
