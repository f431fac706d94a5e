"""Background jobs of the materials app: they take ids and call a service."""

from __future__ import annotations

from django_tasks import task


@task()
def build_translated_deck(*, version_id: int) -> dict:
    """Write the version's translations into its deck and store the translated file (services.version_build)."""
    from .services import version_build

    return version_build(version_id=version_id)


@task()
def send_overdue_reminders(*, site_url: str = "") -> int:
    """Queued once a day by the worker's daily tick (core.tasks.register_daily, MaterialsConfig.ready)."""
    from .services import overdue_reminders

    return overdue_reminders(site_url=site_url)
