"""Background jobs of the cities app. They take ids and call a service."""

from __future__ import annotations

from django_tasks import task


@task()
def run_selection(*, run_id: int) -> str | None:
    """Compute a queued selection run (see services.selection_run_execute); returns its final state."""
    from .services import selection_run_execute

    run = selection_run_execute(run_id=run_id)
    return run.status if run else None
