"""Background jobs. They take plain values (ids, strings) and call services or Django's mail API."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_templated_email(*, subject_template: str, body_template: str, context: dict, to: list[str],
                         language: str = "en") -> int:
    with translation.override(language):
        subject = "".join(render_to_string(subject_template, context).splitlines())
        body = render_to_string(body_template, context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


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
    site_url = (site_url or f"https://{settings.ALLOWED_HOSTS[0]}").rstrip("/")
    context = {
        "user_email": user.email, "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user), "site_url": site_url,
    }
    with translation.override(user.preferred_language or "en"):
        subject = "".join(render_to_string("core/email/account_created_subject.txt", context).splitlines())
        body = render_to_string("core/email/account_created_email.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
