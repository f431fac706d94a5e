from datetime import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _purge_roster_previews(now: datetime) -> int:
    from .services import roster_uploads_purge

    return roster_uploads_purge(now=now)


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
    #: what the section menu (_nav.html, core.templatetags.chrome.section_nav) shows depends on these only
    nav_perms = (
        "academy.view_compliance",
        "academy.manage_duplicates",
        "academy.manage_lecturers",
        "academy.view_own_lecturer_profile",
        "academy.plan_season",
        "academy.view_impact",
    )

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from citybridge.core.tasks import register_housekeeping, register_stuck_work

        from . import confirmed_count, official_sort, signals

        signals.connect()
        # the columns the database keeps (the officials' sort names, the courses' confirmed counts): on SQLite their
        # triggers are dropped while migrations run (a table rebuild fails with them), installed again afterwards and
        # the values caught up (core/db_triggers.py)
        for name, kept in (("official_sort", official_sort.KEPT), ("confirmed_count", confirmed_count.KEPT)):
            pre_migrate.connect(kept.drop_before_migrate, sender=self, dispatch_uid=f"academy_{name}_drop", weak=False)
            post_migrate.connect(kept.ensure, sender=self, dispatch_uid=f"academy_{name}_ensure", weak=False)
        # roster previews nobody confirmed hold personal data: the worker removes them after a day
        register_housekeeping("roster_previews", _purge_roster_previews)

        # timetable runs are solved under a lease: the worker reaps expired ones, /healthz counts them
        register_stuck_work("timetable_runs", count=_count_stuck_timetables, reap=_reap_stuck_timetables)
