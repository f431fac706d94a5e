from datetime import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _count_stuck(now: datetime | None) -> int:
    from .models import RecomputeRun

    return RecomputeRun.objects.stuck(now).count()


def _reap_stuck(now: datetime | None) -> int:
    from .services import recompute_runs_reap

    return recompute_runs_reap(now=now)


class ClimateConfig(AppConfig):
    name = "citybridge.climate"
    label = "climate"
    verbose_name = _("Climate")

    def ready(self) -> None:
        from citybridge.core.tasks import register_stuck_work

        # recompute runs work under a lease, like the cities app's selection runs
        register_stuck_work("climate_recompute_runs", count=_count_stuck, reap=_reap_stuck)
