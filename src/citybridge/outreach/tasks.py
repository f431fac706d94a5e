"""Background jobs of Outreach: follow-up reminder e-mails, each in its recipient's language."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from citybridge.core.tasks import site_url_of

#: remind an assignee of open follow-ups due within this many days (and of every overdue one)
REMIND_DAYS_AHEAD = 1


def followup_reminders(*, today: date | None = None, site_url: str = "") -> int:
    """One e-mail per assignee listing their open follow-ups that are overdue or due by tomorrow, in the assignee's
    language; each follow-up is reminded of at most once a day. Returns the number of e-mails sent."""
    from .models import Activity, ActivityStatus

    today = today or timezone.localdate()
    due = (
        Activity.objects.filter(
            status=ActivityStatus.OPEN,
            assignee__is_active=True,
            due_date__lte=today + timedelta(days=REMIND_DAYS_AHEAD),
        )
        .exclude(reminded_on=today)
        .exclude(assignee__email="")
        .select_related("assignee")
        .order_by("assignee_id", "due_date", "id")
    )
    by_user = defaultdict(list)
    for activity in due:
        by_user[activity.assignee].append(activity)
    site_url = site_url_of(site_url)
    sent = 0
    for user, items in by_user.items():
        context = {
            "items": items,
            "today": today,
            "site_url": site_url,
            "overdue": sum(a.due_date < today for a in items),
        }
        with translation.override(user.preferred_language or "en"):
            subject = "".join(render_to_string("outreach/email/reminder_subject.txt", context).splitlines())
            body = render_to_string("outreach/email/reminder_email.txt", context)
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        Activity.objects.filter(pk__in=[a.pk for a in items]).update(reminded_on=today)
    return sent


@task()
def send_followup_reminders(*, site_url: str = "") -> int:
    """Queued once a day by the worker (daily_followup_reminders, registered with core.tasks.register_daily), or by
    hand with `citybridge manage outreach_reminders`."""
    return followup_reminders(site_url=site_url)


def daily_followup_reminders(today: date) -> str:
    """The daily job (core.tasks.run_daily calls it once per local day, whatever the number of workers): queue the
    reminder e-mails; the task itself skips follow-ups already reminded of today."""
    result = send_followup_reminders.enqueue()
    return f"queued {result.id}"


@task()
def apply_session_expectations(*, session_ids: list[int]) -> int:
    """After an evaluation: judge each answered session's "expectations met" figures and tell the materials
    workflow (services.session_expectations_apply). Returns the number of sessions with a verdict."""
    from .services.evaluations import session_expectations_apply

    return sum(session_expectations_apply(session_id=pk) is not None for pk in session_ids)


@task()
def refresh_public_impact() -> str | None:
    """Recompute the public "Our impact" figures (queued whenever the academy's impact snapshot is saved)."""
    from .services.public import public_impact_refresh

    return public_impact_refresh().computed_at.isoformat()
