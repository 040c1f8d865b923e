"""Undated articles sort after every dated one, newest first, on PostgreSQL as on SQLite.

PostgreSQL puts NULL first in a descending order, so a published article without a date led
the home page there (and last on SQLite). The ordering now says ``NULLS LAST`` (``NEWEST_FIRST``
in ``articles.models``), and PostgreSQL's descending indexes on nullable columns (the three date
indexes, the published quality one) are rebuilt so, keeping NULL as the smallest value as SQLite
does: an index on ``published_at DESC`` cannot serve ``DESC NULLS LAST``. The API's pages say
the same (``newsdesk.api.pagination``), so every listing stays an index walk.
SQLite needs no change: its ``DESC`` already puts NULL last, and it cannot store ``NULLS LAST``
in an index. The model keeps declaring the indexes by field (their names are unchanged), as
SQLite has them; on PostgreSQL the columns' null order is this migration's.

The rebuild takes a share lock on the article table while each index is built (seconds per
100,000 articles): writes wait, reads go on.
"""

from django.db import migrations, models

TABLE = "articles_article"
# name → (columns before the descending nullable one, that column, columns after it, condition)
DESCENDING_INDEXES = {
    "article_listing_order_idx": ("", "published_at", ", id DESC", ""),
    "article_published_date_idx": ("is_published, ", "published_at", "", ""),
    "article_provider_date_idx": ("provider_id, ", "published_at", "", ""),
    # The API's "best quality first" (0007): its pages order the scored articles the same way.
    "article_published_quality_idx": ("", "quality", ", id DESC", " WHERE is_published"),
}


def _rebuild(schema_editor, null_order: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (before, column, after, condition) in DESCENDING_INDEXES.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON {TABLE} ({before}{column} DESC{null_order}{after}){condition}")


def undated_last(apps, schema_editor):
    _rebuild(schema_editor, " NULLS LAST")


def undated_first(apps, schema_editor):
    _rebuild(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_article_published_ordering_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": (
                    models.OrderBy(models.F("published_at"), descending=True, nulls_last=True),
                    models.OrderBy(models.F("id"), descending=True),
                ),
                "permissions": [("change_article_editorial", "Can publish, unpublish, schedule and score articles")],
            },
        ),
        migrations.RunPython(undated_last, undated_first, elidable=False),
    ]
