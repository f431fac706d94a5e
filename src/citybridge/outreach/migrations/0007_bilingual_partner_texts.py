"""A partner's technologies of interest and notes, an agreement's title and scope, a contribution's description and
an engagement's outcomes in both languages, as an engagement's title and venue became in 0005: each text typed so
far goes to the language it is written in (Chinese when it holds a Chinese character, core.han), so a Chinese page
no longer shows "Hosts a dinner for each Low-carbon Cities class." when a Chinese text is entered, nor an English
one Chinese. Technologies are tags: each tag goes to its own language ("heat pumps, 热泵" becomes one of each)."""

from django.db import migrations, models

from citybridge.core.han import has_han

#: model → {text: (label, kind, limit)}; the old column is renamed to the English one
_PAIRS = {
    "partner": {
        "technologies": ("technologies of interest", models.CharField, 500),
        "notes": ("notes", models.TextField, 4000),
    },
    "agreement": {
        "title": ("title", models.CharField, 200),
        "scope": ("scope", models.TextField, 2000),
    },
    "contribution": {"description": ("description", models.CharField, 300)},
    "engagement": {"outcomes": ("outcomes", models.TextField, 4000)},
}
#: texts that are comma-separated tags (split tag by tag); the separators Partner.technology_tags reads
_TAGS = {"technologies"}
_SEPARATORS = (",", "，", "、")


def _tags(text):
    for sep in _SEPARATORS[1:]:
        text = text.replace(sep, _SEPARATORS[0])
    return [t for t in (s.strip() for s in text.split(_SEPARATORS[0])) if t]


def split(apps, schema_editor):
    """Move each Chinese text (or tag) from the English column, where the rename left it, to the Chinese one."""
    for model_name, fields in _PAIRS.items():
        model = apps.get_model("outreach", model_name)
        for field in fields:
            en, zh = f"{field}_en", f"{field}_zh_hans"
            for pk, text in model.objects.exclude(**{en: ""}).values_list("id", en).iterator():
                if field in _TAGS:
                    tags = _tags(text)
                    chinese = [t for t in tags if has_han(t)]
                    if chinese:
                        english = [t for t in tags if not has_han(t)]
                        model.objects.filter(pk=pk).update(**{en: ", ".join(english), zh: ", ".join(chinese)})
                elif has_han(text):
                    model.objects.filter(pk=pk).update(**{en: "", zh: text})


def join(apps, schema_editor):
    """Back to one column: the English text, else the Chinese one (tags: the English tags, then the Chinese)."""
    for model_name, fields in _PAIRS.items():
        model = apps.get_model("outreach", model_name)
        for field in fields:
            en, zh = f"{field}_en", f"{field}_zh_hans"
            for pk, english, chinese in model.objects.exclude(**{zh: ""}).values_list("id", en, zh).iterator():
                if field in _TAGS:
                    text = ", ".join(dict.fromkeys([*_tags(english), *_tags(chinese)]))
                    model.objects.filter(pk=pk).update(**{en: text[: fields[field][2]]})
                elif not english:
                    model.objects.filter(pk=pk).update(**{en: chinese})


def _operations():
    for model_name, fields in _PAIRS.items():
        for stored in (model_name, f"historical{model_name}"):
            for field, (label, kind, limit) in fields.items():
                yield migrations.RenameField(model_name=stored, old_name=field, new_name=f"{field}_en")
                yield migrations.AlterField(
                    model_name=stored,
                    name=f"{field}_en",
                    field=kind(blank=True, max_length=limit, verbose_name=f"{label} (English)"),
                )
                yield migrations.AddField(
                    model_name=stored,
                    name=f"{field}_zh_hans",
                    field=kind(blank=True, default="", max_length=limit, verbose_name=f"{label} (Chinese)"),
                    preserve_default=False,
                )


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0006_organisation_dependants_protected"),
    ]

    operations = [*_operations(), migrations.RunPython(split, join)]
