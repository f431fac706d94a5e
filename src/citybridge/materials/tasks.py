"""Background jobs of the materials app: they take ids and call a service."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django_tasks import task

if TYPE_CHECKING:
    from citybridge.core.models import User

    from .models import Material


@task()
def build_translated_deck(*, version_id: int) -> dict:
    """Write the version's translations into its deck and store the translated file (services.version_build)."""
    from .services import version_build

    return version_build(version_id=version_id)


def overdue_owners(today: date) -> dict[User, list[Material]]:
    """Who owns each overdue step (a material whose step's due date is before ``today``, not delivered): the assigned
    translator for translation (staff when none is assigned), the coordinators of the course's academy for academy
    approval, program staff for the other steps. Active users with an e-mail address only."""
    from collections import defaultdict

    from citybridge.core.models import RoleMembership, User

    from .models import Material, State

    overdue = list(
        Material.objects.filter(due_date__lt=today)
        .exclude(state=State.DELIVERED)
        .select_related("translator", "session__course__academy")
        .order_by("due_date", "id")
    )
    if not overdue:
        return {}
    active = User.objects.filter(is_active=True).exclude(email="")
    staff = list(active.filter(role_memberships__role="program_staff").distinct())
    orgs = {m.session.course.academy.organisation_id for m in overdue if m.state == State.APPROVAL}
    coordinators: dict[int, list[User]] = defaultdict(list)
    for membership in RoleMembership.objects.filter(
        role="academy_coordinator", organisation_id__in=orgs, user__in=active
    ).select_related("user"):
        coordinators[membership.organisation_id].append(membership.user)
    owners: dict[User, list[Material]] = defaultdict(list)
    for m in overdue:
        if m.state == State.TRANSLATION and m.translator is not None and m.translator.is_active and m.translator.email:
            to = [m.translator]
        elif m.state == State.APPROVAL:
            to = coordinators.get(m.session.course.academy.organisation_id) or staff
        else:
            to = staff
        for user in to:
            owners[user].append(m)
    return owners


def overdue_reminders(*, today: date | None = None, site_url: str = "") -> int:
    """One e-mail per owner of overdue steps, in the owner's language, at most one a day: the ``OverdueNotice`` row
    (unique per recipient and day) is claimed first; a second run the same day, or a second worker, skips that
    owner. A failed send gives the claim back so the next run tries again. Returns the number of e-mails sent."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import IntegrityError, transaction
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from citybridge.core.tasks import site_url_of

    from .models import OverdueNotice, State

    today = today or timezone.localdate()
    site_url = site_url_of(site_url)
    labels = dict(State.choices)
    sent = 0
    for user, items in overdue_owners(today).items():
        try:
            with transaction.atomic():
                notice = OverdueNotice.objects.create(recipient=user, day=today, materials=[m.pk for m in items])
        except IntegrityError:  # already reminded today
            continue
        with translation.override(user.preferred_language or "en"):
            rows = [{"material": m, "state": str(labels[m.state]), "days": (today - m.due_date).days} for m in items]
            context = {"rows": rows, "site_url": site_url, "today": today}
            subject = "".join(render_to_string("materials/email/overdue_subject.txt", context).splitlines())
            body = render_to_string("materials/email/overdue_email.txt", context)
        try:
            sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:
            OverdueNotice.objects.filter(pk=notice.pk).delete()
            raise
    return sent


@task()
def send_overdue_reminders(*, site_url: str = "") -> int:
    """Queued once a day by the worker's daily tick (core.tasks.register_daily, MaterialsConfig.ready)."""
    return overdue_reminders(site_url=site_url)
