"""The shared cache's table (settings.CACHES, database backend): rate limits and sign-in cool-offs are counted
there, so every web worker and node sees the same counts. Created whatever CACHES says, so a database is always
ready for the default; `createcachetable` would do the same."""

from django.db import migrations

TABLE = "citybridge_cache"


def create(apps, schema_editor):
    from django.core.management import call_command

    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_protect_records_privacy")]

    operations = [migrations.RunPython(create, drop)]
