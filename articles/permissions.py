"""Who may see unpublished articles, curate them and rewrite their content: the one answer for every door.

The admin, the public pages' preview, the filters, the API and the services ask these predicates;
the permission names are spelled here only (and, frozen, in the migrations that create them).

- ``can_view_unpublished``: the whole catalogue, published or not (``view_article`` or
  ``change_article``, as Django's admin lets either see an article).
- ``can_curate``: publish, unpublish, schedule and score (``change_article`` and the editorial
  permission; the Editors group holds both).
- ``can_update_content``: rewrite an existing article's content through the ingest API (the
  pipeline's account; the Editors group never holds it).
"""

from __future__ import annotations

VIEW_UNPUBLISHED_PERMISSIONS = ("articles.view_article", "articles.change_article")
EDITORIAL_PERMISSION = "articles.change_article_editorial"
CURATE_PERMISSIONS = ("articles.change_article", EDITORIAL_PERMISSION)
CONTENT_UPDATE_PERMISSION = "articles.update_article_content"

EDITORS_GROUP = "Editors"
# (app label, codename): what the Editors group holds, exactly (see migration 0003 and the README).
EDITOR_PERMISSIONS = [
    ("articles", "view_article"),
    ("articles", "add_article"),  # ingest through the API (the admin never adds articles)
    ("articles", "change_article"),
    ("articles", "change_article_editorial"),
    ("articles", "view_topic"),
    ("articles", "view_relatedlink"),
    ("articles", "view_articleimage"),
    ("articles", "view_editorialchange"),
    ("providers", "view_provider"),
    # Never articles.update_article_content: editors create articles through the API, never rewrite them.
]


def can_view_unpublished(user) -> bool:
    """Editors see the whole catalogue; everyone else sees published articles."""
    # Editors sign in, so the permission backends need not be asked about anonymous callers.
    return (
        user is not None
        and user.is_authenticated
        and any(user.has_perm(permission) for permission in VIEW_UNPUBLISHED_PERMISSIONS)
    )


def can_curate(user) -> bool:
    """Publish, unpublish, schedule and score articles, in the admin and through the API."""
    return user is not None and user.is_authenticated and user.has_perms(CURATE_PERMISSIONS)


def can_update_content(user) -> bool:
    """Rewrite an existing article's content and source fields through the ingest API."""
    return user is not None and user.is_authenticated and user.has_perm(CONTENT_UPDATE_PERMISSION)
