"""The impact snapshot: marked stale by the writes that change its inputs, recomputed by a background task.

``impact_refresh`` is a helper for the task, the demo and the generator (no request reaches it); pages and the
API only read the stored snapshot (selectors.impact_dashboard)."""


from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from .. import impact as impact_engine
from ..models import (
    CourseModule,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    ImpactSnapshot,
    JurisdictionPopulation,
)


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


def _figures_json(f: impact_engine.ImpactFigures) -> dict:
    return {"officials": f.officials, "population": f.population, "jurisdictions": f.jurisdictions,
            "companies": f.companies, "company_employees": f.company_employees,
            "jurisdictions_without_population": f.jurisdictions_without_population}


def impact_trainings() -> list[impact_engine.Training]:
    """One record per official per completed course they were confirmed in (2 queries + 1 for topics)."""
    topics_of: dict[int, set[int]] = defaultdict(set)
    for course_id, topic_id in CourseModule.objects.filter(course__status=CourseStatus.COMPLETED).values_list(
            "course_id", "module__topics"):
        if topic_id:
            topics_of[course_id].add(topic_id)
    frozen = {k: frozenset(v) for k, v in topics_of.items()}
    empty: frozenset[int] = frozenset()
    rows = Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED, course__status=CourseStatus.COMPLETED)
    return [impact_engine.Training(off, end, academy, course, frozen.get(course, empty), pos, jur, comp_, size)
            for off, end, academy, course, pos, jur, comp_, size in rows.values_list(
                "official_id", "course__end_date", "course__academy_id", "course_id", "position", "jurisdiction_id",
                "company_id", "company_employees").iterator(chunk_size=20000)]


def impact_refresh() -> ImpactSnapshot:
    """Compute the impact report from records and store it (a helper: the task calls it)."""
    # claim first: a write that commits while this computes sets stale again (and queues another refresh)
    ImpactSnapshot.objects.filter(key="all", stale=True).update(stale=False)
    figures = [impact_engine.PopulationFigure(j, d, p) for j, d, p in
               JurisdictionPopulation.objects.values_list("jurisdiction_id", "valid_from", "population")]
    report = impact_engine.impact_report(impact_trainings(), figures)
    data = {
        "total": _figures_json(report.total),
        "by_year": {str(k): _figures_json(v) for k, v in report.by_year.items()},
        "cumulative_by_year": {str(k): _figures_json(v) for k, v in report.cumulative_by_year.items()},
        "by_academy": {str(k): _figures_json(v) for k, v in report.by_academy.items()},
        "by_topic": {str(k): _figures_json(v) for k, v in report.by_topic.items()},
    }
    snap, _c = ImpactSnapshot.objects.update_or_create(
        key="all", defaults={"data": data, "computed_at": timezone.now()}, create_defaults={
            "data": data, "computed_at": timezone.now(), "stale": False})
    return snap


def impact_current() -> ImpactSnapshot | None:
    """The stored snapshot as it is (never recomputed here; None before the first computation)."""
    return ImpactSnapshot.objects.filter(key="all").first()
