"""The admin's oldest-first order (undated articles last, as the API's ascending order) is an index walk.

SQLite serves ``published_at ASC NULLS LAST`` from the existing date index; PostgreSQL needs an index
built in that order. Building it takes a share lock on the article table (writes wait, reads go on).
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS article_listing_oldest_idx"
            " ON articles_article (published_at ASC NULLS LAST, id ASC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_listing_oldest_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_stories"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
