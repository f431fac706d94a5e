"""Background jobs of the climate app. They take ids and call a service."""

from __future__ import annotations

from django_tasks import task


@task()
def recompute_inventories(*, run_id: int) -> str | None:
    """Recompute the inventories of a queued recompute run (services.recompute_run_execute); returns its state."""
    from .services import recompute_run_execute

    run = recompute_run_execute(run_id=run_id)
    return run.status if run else None
