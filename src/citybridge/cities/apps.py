from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from datetime import datetime


def _count_stuck_runs(now: datetime) -> int:
    from .selectors import run_stuck_count

    return run_stuck_count(now=now)


def _reap_stuck_runs(now: datetime) -> int:
    from .services import selection_runs_reap  # imported when used: it loads the solver

    return selection_runs_reap(now=now)


class CitiesConfig(AppConfig):
    name = "citybridge.cities"
    label = "cities"
    verbose_name = _("Cities")

    def ready(self) -> None:
        from citybridge.core.tasks import register_stuck_work

        # selection runs are computed under a lease: the worker reaps expired ones, /healthz counts them
        register_stuck_work("selection_runs", count=_count_stuck_runs, reap=_reap_stuck_runs)
