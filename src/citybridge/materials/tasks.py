"""Background jobs of the materials app: they take ids and call a service."""

from __future__ import annotations

from django_tasks import task


@task()
def build_translated_deck(*, version_id: int) -> dict:
    """Write the version's translations into its deck and store the translated file (services.version_build)."""
    from .services import version_build

    return version_build(version_id=version_id)
