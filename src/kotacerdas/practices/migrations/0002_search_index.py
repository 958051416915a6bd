"""Create the library's search index tables (FTS5 on SQLite, analysed-token tables on
PostgreSQL). They are not models: ``kotacerdas.textsearch`` owns their layout."""

from django.db import migrations


def create_index(apps, schema_editor):
    from kotacerdas.practices import search

    search.create_index_schema()


def drop_index(apps, schema_editor):
    from kotacerdas.practices import search

    search.backend().drop_schema()


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
