"""A partner engagement's title and venue, and an event's venue and city, in both languages, as event titles and
session sites are: each text typed so far goes to the language it is written in (Chinese when it holds a CJK
ideograph), so a Chinese page no longer shows "Beijing, hotel restaurant" when a Chinese venue is entered, nor an
English one "国贸大酒店"."""

import re

from django.db import migrations, models

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

#: model → the texts that become pairs (the old column is renamed to the English one)
_PAIRS = {"engagement": ("title", "venue"), "event": ("venue", "city")}
_LENGTHS = {"title": 200, "venue": 200, "city": 100}


def split(apps, schema_editor):
    """Move each Chinese text from the English column, where the rename left it, to the Chinese one."""
    for model_name, fields in _PAIRS.items():
        model = apps.get_model("outreach", model_name)
        for field in fields:
            en, zh = f"{field}_en", f"{field}_zh_hans"
            for pk, text in model.objects.exclude(**{en: ""}).values_list("id", en).iterator():
                if _CJK.search(text):
                    model.objects.filter(pk=pk).update(**{en: "", zh: text})


def join(apps, schema_editor):
    """Back to one column: the English text, else the Chinese one."""
    for model_name, fields in _PAIRS.items():
        model = apps.get_model("outreach", model_name)
        for field in fields:
            en, zh = f"{field}_en", f"{field}_zh_hans"
            for pk, text in model.objects.filter(**{en: ""}).exclude(**{zh: ""}).values_list("id", zh).iterator():
                model.objects.filter(pk=pk).update(**{en: text})


def _operations():
    for model_name, fields in _PAIRS.items():
        for stored in (model_name, f"historical{model_name}"):
            for field in fields:
                length = _LENGTHS[field]
                yield migrations.RenameField(model_name=stored, old_name=field, new_name=f"{field}_en")
                yield migrations.AlterField(
                    model_name=stored,
                    name=f"{field}_en",
                    field=models.CharField(blank=True, max_length=length, verbose_name=f"{field} (English)"),
                )
                yield migrations.AddField(
                    model_name=stored,
                    name=f"{field}_zh_hans",
                    field=models.CharField(
                        blank=True, default="", max_length=length, verbose_name=f"{field} (Chinese)"
                    ),
                    preserve_default=False,
                )


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0004_versioned_programme_items"),
    ]

    operations = [*_operations(), migrations.RunPython(split, join)]
