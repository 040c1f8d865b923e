"""The permission to update an existing article's content through the ingest API (not the Editors
group's: the pipeline's own account holds it), and the content fields the audit trail records."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_public_validators"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": (
                    models.OrderBy(models.F("published_at"), descending=True, nulls_last=True),
                    models.OrderBy(models.F("id"), descending=True),
                ),
                "permissions": [
                    ("change_article_editorial", "Can publish, unpublish, schedule and score articles"),
                    ("update_article_content", "Can update an existing article's content through the ingest API"),
                ],
            },
        ),
        migrations.AlterField(
            model_name="editorialchange",
            name="field",
            field=models.CharField(
                choices=[
                    ("is_published", "published"),
                    ("quality", "quality"),
                    ("scheduled_publish_at", "scheduled publication"),
                    ("title", "title"),
                    ("url", "canonical URL"),
                    ("excerpt", "excerpt"),
                    ("body", "body"),
                    ("published_at", "source date"),
                    ("original_url", "original URL"),
                    ("amp_url", "AMP URL"),
                    ("cdn_amp_url", "AMP cache URL"),
                    ("category", "category"),
                    ("article_type", "type"),
                    ("heat", "heat"),
                    ("provider", "provider"),
                    ("topics", "topics"),
                    ("images", "images"),
                    ("related", "related links"),
                    ("secured", "secured payload"),
                    ("extra", "unknown keys"),
                ],
                max_length=20,
            ),
        ),
    ]
