"""`citybridge worker`: django-tasks-db's worker plus a heartbeat row that /healthz reads."""

from __future__ import annotations

import os
import socket
import threading

from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

HEARTBEAT_SECONDS = 5


def _beat(name: str, stop: threading.Event) -> None:
    from citybridge.core.models import WorkerHeartbeat

    while not stop.is_set():
        try:
            close_old_connections()
            WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
        except Exception:  # the database may be briefly unavailable; try again on the next beat
            pass
        stop.wait(HEARTBEAT_SECONDS)


class Command(DbWorkerCommand):
    help = "Run the background task worker (with a heartbeat for /healthz)."

    def handle(self, *args, **options):
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
