"""`citybridge worker`: django-tasks-db's worker plus a heartbeat row that /healthz reads, and a reaper that
marks failed the work of dead workers (expired leases, core.tasks.reap_stuck_work) and runs the apps' periodic
clean-ups (core.tasks.run_housekeeping: e.g. roster previews older than a day) and, once a day whatever the number
of workers, the daily jobs (core.tasks.run_daily: e.g. overdue reminders)."""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

HEARTBEAT_SECONDS = 5
#: every this many beats (and at start) the worker reaps work whose lease expired (a dead worker's runs) and runs
#: the housekeeping
REAP_EVERY_BEATS = 6

logger = logging.getLogger(__name__)


def _beat(name: str, stop: threading.Event) -> None:
    from citybridge.core.models import WorkerHeartbeat
    from citybridge.core.tasks import reap_stuck_work, run_daily, run_housekeeping

    beats = 0
    while not stop.is_set():
        try:
            close_old_connections()
            WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
            if beats % REAP_EVERY_BEATS == 0:
                reaped = {k: v for k, v in reap_stuck_work().items() if v}
                if reaped:
                    logger.warning("marked failed, lease expired: %s", reaped)
                cleaned = {k: v for k, v in run_housekeeping().items() if v}
                if cleaned:
                    logger.info("housekeeping removed: %s", cleaned)
                daily = run_daily()
                if daily:
                    logger.info("daily jobs run: %s", daily)
        except Exception:  # the database may be briefly unavailable; try again on the next beat
            logger.debug("heartbeat or reaper failed", exc_info=True)
        beats += 1
        stop.wait(HEARTBEAT_SECONDS)


class Command(DbWorkerCommand):
    help = "Run the background task worker (with a heartbeat for /healthz)."

    def handle(self, *args, **options) -> None:
        name = f"{socket.gethostname()}:{os.getpid()}"
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(name, stop), daemon=True)
        beat.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
            from citybridge.core.models import WorkerHeartbeat

            WorkerHeartbeat.objects.filter(name=name).delete()
