"""Background jobs. They take plain values (ids, strings) and call services or Django's mail API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task


@task()
def send_templated_email(*, subject_template: str, body_template: str, context: dict, to: list[str],
                         language: str = "en") -> int:
    with translation.override(language):
        subject = "".join(render_to_string(subject_template, context).splitlines())
        body = render_to_string(body_template, context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


# --------------------------------------------------------------------------- stuck work (leases)


@dataclass(frozen=True)
class StuckWork:
    """Work an app hands to background workers under a lease: ``count(now)`` counts the items whose lease has
    expired (read only: /healthz), ``reap(now)`` marks them failed so they can be offered again (the worker)."""

    count: Callable[[datetime], int]
    reap: Callable[[datetime], int]


#: filled by the apps' AppConfig.ready(); core knows no app's models
STUCK_WORK: dict[str, StuckWork] = {}


def register_stuck_work(name: str, *, count: Callable[[datetime], int], reap: Callable[[datetime], int]) -> None:
    STUCK_WORK[name] = StuckWork(count=count, reap=reap)


def count_stuck_work(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {name: work.count(now) for name, work in sorted(STUCK_WORK.items())}


def reap_stuck_work(now: datetime | None = None) -> dict[str, int]:
    """Called by `citybridge worker` when it starts and then periodically: every registered reaper runs."""
    now = now or timezone.now()
    return {name: work.reap(now) for name, work in sorted(STUCK_WORK.items())}
