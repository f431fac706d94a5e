from datetime import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _purge_roster_previews(now: datetime) -> int:
    from .services import roster_uploads_purge

    return roster_uploads_purge(now=now)


class AcademyConfig(AppConfig):
    name = "citybridge.academy"
    label = "academy"
    verbose_name = _("Government Training")

    def ready(self) -> None:
        from citybridge.core.tasks import register_housekeeping

        from . import signals

        signals.connect()
        # roster previews nobody confirmed hold personal data: the worker removes them after a day
        register_housekeeping("roster_previews", _purge_roster_previews)
