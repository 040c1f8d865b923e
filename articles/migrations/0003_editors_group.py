"""Create the "Editors" group with exactly the permissions an editor needs.

Editors see the catalogue (articles, providers, topics, related links, images, the audit trail)
and change articles' editorial fields; nothing else. The list is frozen here on purpose, as
migrations must be: ``articles.permissions.EDITOR_PERMISSIONS`` is the living copy that
``create_editor`` re-applies (it also recreates the group if a test flush or a person removed it).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
PERMISSIONS = [
    ("articles", "article", "view_article"),
    ("articles", "article", "change_article"),
    ("articles", "article", "change_article_editorial"),
    ("articles", "topic", "view_topic"),
    ("articles", "relatedlink", "view_relatedlink"),
    ("articles", "articleimage", "view_articleimage"),
    ("articles", "editorialchange", "view_editorialchange"),
    ("providers", "provider", "view_provider"),
]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after the last migration (post_migrate); make sure they exist now.
    for app_label in ("articles", "providers"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    permissions = []
    for app_label, model, codename in PERMISSIONS:
        permissions.append(
            Permission.objects.using(db).get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
        )
    group, _ = Group.objects.using(db).get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_editorial_admin"),
        ("providers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
