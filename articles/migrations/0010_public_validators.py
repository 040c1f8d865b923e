"""The public pages' validators read only what readers see (articles.conditional), each an index's newest entry.

- ``article_published_imported_idx`` replaces ``article_imported_idx``: the latest import of a
  published article;
- ``editorial_publication_idx``: the latest publication or withdrawal;
- ``PublicEdit``: the admin's edits readers can see, with its own index on ``changed_at``;
- ``article_published_provider_idx``: whether a provider has a published article, and how many
  (the API's providers for readers), without reading its unpublished ones.

Building the article indexes takes a share lock on the table (seconds per 100,000 articles):
writes wait, reads go on.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("articles", "0009_international_hosts_in_ascii"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicEdit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("changed_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
        ),
        migrations.RemoveIndex(
            model_name="article",
            name="article_imported_idx",
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["imported_at"],
                name="article_published_imported_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("is_published", True)), fields=["provider"], name="article_published_provider_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="editorialchange",
            index=models.Index(
                condition=models.Q(("field", "is_published")), fields=["changed_at"], name="editorial_publication_idx"
            ),
        ),
        migrations.AddField(
            model_name="publicedit",
            name="log_entry",
            field=models.OneToOneField(
                blank=True,
                help_text="The admin's record of the edit.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="admin.logentry",
            ),
        ),
    ]
