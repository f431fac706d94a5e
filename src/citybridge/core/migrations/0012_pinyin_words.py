"""Every pinyin key again (people, organisations, cities, courses), now that core.pinyin reads words whose
characters' first readings are not theirs (银行 yínháng, 城市更新 chéngshì gēngxīn, 适应 shìyìng …) and more places
(西藏 Xīzàng, 长滩 Chángtān) as wholes. Only the rows whose key changes are written. Officials' copies of their
person's key follow (academy.official_sort: PostgreSQL's triggers, SQLite's post_migrate backfill)."""

from django.db import migrations


def refill(apps, schema_editor):
    from citybridge.core.pinyin import first_key, name_sort_key

    def person(fz, gz, fe, ge):
        return name_sort_key(fz or "", gz or "", fe or "", ge or "")

    tables = (
        ("core", "Person", ("family_name_zh_hans", "given_name_zh_hans", "family_name_en", "given_name_en"), person),
        ("core", "Organisation", ("name_zh_hans", "name_en", "name"), first_key),
        ("cities", "City", ("name_zh_hans", "name_en", "name"), first_key),
        ("academy", "Course", ("title_zh_hans", "title_en", "title"), first_key),
    )
    with schema_editor.connection.cursor() as cursor:
        for app, name, columns, key in tables:
            model = apps.get_model(app, name)
            rows = model.objects.values_list("id", "pinyin_name", *columns).iterator()
            changed = [(new, pk) for pk, old, *texts in rows if (new := key(*texts)) != old]
            if changed:
                table = schema_editor.connection.ops.quote_name(model._meta.db_table)
                cursor.executemany(f"UPDATE {table} SET pinyin_name = %s WHERE id = %s", changed)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_pinyin_names"),
        ("cities", "0008_city_pinyin_name"),
        ("academy", "0013_course_pinyin_name"),
    ]

    operations = [migrations.RunPython(refill, migrations.RunPython.noop)]
