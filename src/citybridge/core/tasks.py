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
