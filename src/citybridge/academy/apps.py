from datetime import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _count_stuck_timetables(now: datetime) -> int:
    from .models import TimetableRun

    return TimetableRun.objects.stuck(now).count()


def _reap_stuck_timetables(now: datetime) -> int:
    from .services.timetable import timetable_runs_reap  # imported when used: it loads the solver

    return timetable_runs_reap(now=now)


class AcademyConfig(AppConfig):
    name = "citybridge.academy"
    label = "academy"
    verbose_name = _("Government Training")

    def ready(self) -> None:
        from citybridge.core.tasks import register_stuck_work

        # timetable runs are solved under a lease: the worker reaps expired ones, /healthz counts them
        register_stuck_work("timetable_runs", count=_count_stuck_timetables, reap=_reap_stuck_timetables)
