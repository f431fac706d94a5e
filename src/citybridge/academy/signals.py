"""Signal receivers of the academy, connected in AcademyConfig.ready() (apps.py), never as a side effect of
importing a reading module."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _behind_filters_changed(**kwargs) -> None:
    """Dropped now (this process's later reads in the same transaction) and again when the write commits: a page
    read by another worker between the two would otherwise cache what it saw before the commit."""
    from django.db import transaction

    from .selectors import behind_filters_forget

    behind_filters_forget()
    transaction.on_commit(behind_filters_forget)


def connect() -> None:
    """The who-is-behind academies drop-down (named by their organisations) and prepared years are cached: saving or
    deleting an organisation, an academy or a training year drops them."""
    from citybridge.core.models import Organisation

    from .models import Academy, TrainingYear

    for sender in (Organisation, Academy, TrainingYear):
        for signal in (post_save, post_delete):
            signal.connect(
                _behind_filters_changed, sender=sender, dispatch_uid=f"academy-behind-filters-{sender.__name__}"
            )
