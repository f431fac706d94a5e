"""Background jobs of the academy app. They take plain values and call a service helper."""

from __future__ import annotations

from django_tasks import task


@task()
def prepare_training_year(*, year: int) -> int:
    """Give every serving official a summary row for ``year`` (see services.compliance_prepare_year)."""
    from .services import compliance_prepare_year

    return compliance_prepare_year(year=year)


@task()
def refresh_impact() -> str | None:
    """Recompute the stored impact snapshot from records (queued by services.impact_mark_stale)."""
    from .services.impact import impact_refresh_if_stale

    snap = impact_refresh_if_stale()
    return snap.computed_at.isoformat() if snap and snap.computed_at else None


@task()
def generate_timetable(*, run_id: int) -> str | None:
    """Solve a queued timetable run (services.timetable.timetable_run_execute); returns its final state."""
    from .services.timetable import timetable_run_execute

    run = timetable_run_execute(run_id=run_id)
    return run.status if run else None
