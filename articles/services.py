"""Every editorial write goes through here, so the admin, the API, the importer and the scheduler share one audited path.

An editor's decision (publish, unpublish, score) also marks the field as set by an editor,
which protects it from being overwritten by a later import of the article's file.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Article, EditorialChange

EDITOR_LOCK_FIELD = {
    EditorialChange.Field.IS_PUBLISHED: "published_set_by_editor",
    EditorialChange.Field.QUALITY: "quality_set_by_editor",
}


def article_publish(*, article: Article, user=None, via: str = EditorialChange.Via.OTHER) -> Article:
    return _article_set_editorial(article=article, field=EditorialChange.Field.IS_PUBLISHED, value=True, user=user, via=via)


def article_unpublish(*, article: Article, user=None, via: str = EditorialChange.Via.OTHER) -> Article:
    return _article_set_editorial(article=article, field=EditorialChange.Field.IS_PUBLISHED, value=False, user=user, via=via)


def article_set_quality(*, article: Article, quality: int | None, user=None, via: str = EditorialChange.Via.OTHER) -> Article:
    validate_quality(quality)
    return _article_set_editorial(article=article, field=EditorialChange.Field.QUALITY, value=quality, user=user, via=via)


def validate_quality(quality: int | None) -> None:
    if quality is None:
        return
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 100:
        raise ValidationError({"quality": f"Quality must be a whole number from 0 to 100, not {quality!r}."})


def _article_set_editorial(*, article: Article, field: str, value, user, via: str) -> Article:
    lock_field = EDITOR_LOCK_FIELD[field]
    with transaction.atomic():
        # Re-read under a row lock so the audit's old value is the one really replaced.
        current = Article.objects.select_for_update().only("pk", field, lock_field).get(pk=article.pk)
        old_value = getattr(current, field)
        Article.objects.filter(pk=article.pk).update(**{field: value, lock_field: True})
        if old_value != value:
            editorial_changes_record(
                [EditorialChange(article_id=article.pk, field=field, old_value=old_value, new_value=value,
                                 user=_real_user(user), via=via)]
            )
    setattr(article, field, value)
    setattr(article, lock_field, True)
    return article


def editorial_changes_record(changes: Iterable[EditorialChange]) -> list[EditorialChange]:
    """Write audit rows in one query (callers pass only real changes)."""
    return EditorialChange.objects.bulk_create(list(changes))


def _real_user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None
