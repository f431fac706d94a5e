"""Signal receivers of the academy, connected in AcademyConfig.ready() (apps.py), never as a side effect of
importing a reading module."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _behind_filters_changed(**kwargs) -> None:
    from .selectors import behind_filters_forget

    behind_filters_forget()


def connect() -> None:
    """The who-is-behind drop-downs (organisations, provinces) are cached: saving or deleting an organisation or
    a jurisdiction drops them."""
    from citybridge.core.models import Organisation

    from .models import Jurisdiction

    for sender in (Organisation, Jurisdiction):
        for signal in (post_save, post_delete):
            signal.connect(
                _behind_filters_changed, sender=sender, dispatch_uid=f"academy-behind-filters-{sender.__name__}"
            )
