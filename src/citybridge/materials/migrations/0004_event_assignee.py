"""A translator's assignment names the translator by account (shown in the reader's language at display time): the
stored label ("Fang Wang (tr@example.org)", in the language of whoever assigned) of earlier assignments is read
back to its account by the e-mail it ends with, and dropped when that account is found."""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

EMAIL = re.compile(r"[^\s()（）<>]+@[^\s()（）<>]+")


def assignees_from_labels(apps, schema_editor):
    MaterialEvent = apps.get_model("materials", "MaterialEvent")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for event in MaterialEvent.objects.filter(action="assign", assignee__isnull=True).exclude(comment=""):
        emails = EMAIL.findall(event.comment)
        user = User.objects.filter(email__iexact=emails[-1]).first() if emails else None
        if user is not None:
            event.assignee, event.comment = user, ""
            event.save(update_fields=["assignee", "comment"])


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0003_overdue_notice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="materialevent",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(assignees_from_labels, migrations.RunPython.noop),
    ]
