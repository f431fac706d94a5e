"""Background jobs. They take plain values (ids, strings) and call services or Django's mail API; never a secret
(a token, a link with a token, a password): task arguments are stored in clear and shown in the admin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

if TYPE_CHECKING:
    from django.db.models import QuerySet

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


# --------------------------------------------------------------------------- housekeeping


#: clean-ups the worker runs at start and then periodically, beside the reapers (core.management.commands.worker):
#: name -> function(now) returning how many rows it removed. Filled by the apps' AppConfig.ready().
HOUSEKEEPING: dict[str, Callable[[datetime], int]] = {}


def register_housekeeping(name: str, clean: Callable[[datetime], int]) -> None:
    HOUSEKEEPING[name] = clean


def run_housekeeping(now: datetime | None = None) -> dict[str, int]:
    """Every registered clean-up, each on its own: one failing does not stop the others (it is logged)."""
    import logging

    now = now or timezone.now()
    done = {}
    for name, clean in sorted(HOUSEKEEPING.items()):
        try:
            done[name] = clean(now)
        except Exception:  # the next beat tries again
            logging.getLogger(__name__).exception("housekeeping %s failed", name)
    return done


# --------------------------------------------------------------------------- daily tick

#: jobs the worker runs once a day (the first beat of each local day), however many workers run:
#: name -> function(today) returning something short to record (a count). Filled by the apps' AppConfig.ready();
#: a job that sends mail usually just enqueues its task (``lambda today: send_x.enqueue() and 0``).
DAILY: dict[str, Callable[[date], object]] = {}


def register_daily(name: str, job: Callable[[date], object]) -> None:
    DAILY[name] = job


def run_daily(now: datetime | None = None) -> dict[str, object]:
    """Run each registered daily job not yet run today. A worker first claims (job, day) by inserting a
    ``DailyRun`` row under a unique constraint: of two workers beating at once exactly one gets the row and runs
    the job, the other skips it. A job that raises gives its claim back (the row is deleted), so a later beat
    tries again; the others still run. Returns what each job run now returned."""
    import logging

    from django.db import IntegrityError, transaction

    from .models import DailyRun

    now = now or timezone.now()
    today = timezone.localdate(now)
    done: dict[str, object] = {}
    claimed = set(DailyRun.objects.filter(day=today, name__in=list(DAILY)).values_list("name", flat=True))
    for name, job in sorted(DAILY.items()):
        if name in claimed:
            continue
        try:
            with transaction.atomic():
                run = DailyRun.objects.create(name=name, day=today, started_at=now)
        except IntegrityError:  # another worker claimed it first
            continue
        try:
            result = job(today)
        except Exception:
            logging.getLogger(__name__).exception("daily job %s failed", name)
            DailyRun.objects.filter(pk=run.pk).delete()
            continue
        DailyRun.objects.filter(pk=run.pk).update(result=str(result)[:200])
        done[name] = result
    return done


#: a django-tasks database task still RUNNING after this long is stuck (its worker most likely died)
TASK_STUCK_AFTER = timedelta(hours=1)


def _stuck_tasks(now: datetime) -> QuerySet:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - TASK_STUCK_AFTER)


def _reap_stuck_tasks(now: datetime) -> int:
    """A dead worker's task never finishes: mark it failed so /healthz recovers and the work can be enqueued again."""
    from django_tasks.base import TaskResultStatus

    return _stuck_tasks(now).update(status=TaskResultStatus.FAILED, finished_at=now)


register_stuck_work("tasks", count=lambda now: _stuck_tasks(now).count(), reap=_reap_stuck_tasks)


@task()
def send_password_reset_email(*, user_id: int, domain: str, use_https: bool = False, language: str = "en") -> int:
    """The password-reset e-mail. It takes the user's id and makes the token here, at sending time: a token never
    travels as a task argument (those are stored in clear in the task table). The token is Django's default,
    which a password change, a successful reset or a new sign-in invalidates."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password() or not user.email:
        return 0
    context = {
        "user_email": user.email,
        "domain": domain,
        "protocol": "https" if use_https else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with translation.override(language):
        subject = "".join(render_to_string("core/email/password_reset_subject.txt", context).splitlines())
        body = render_to_string("core/email/password_reset_email.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def site_url_of(given: str = "") -> str:
    """The address links in a worker's e-mail start with: the one the caller knows (a request's), else the
    CITYBRIDGE_SITE_URL setting (the demo sets it to where it serves), else https://<first allowed host>."""
    return (given or settings.SITE_URL).rstrip("/")


@task()
def send_account_created_email(*, user_id: int, site_url: str = "") -> int:
    """Tell a new user their sign-in exists, with a link to choose a password. The one-time token is made here,
    from the id, so no secret travels in the task's arguments."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    site_url = site_url_of(site_url)
    context = {
        "user_email": user.email,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "site_url": site_url,
    }
    with translation.override(user.preferred_language or "en"):
        subject = "".join(render_to_string("core/email/account_created_subject.txt", context).splitlines())
        body = render_to_string("core/email/account_created_email.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
