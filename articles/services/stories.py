"""What editors decide about stories: merge, move, split, the lead, the headline.

Each decision is audited like the editorial changes (``EditorialChange`` rows on the articles it
touches: ``story`` old slug → new slug, ``story_lead``, ``story_headline``), logged on
``newsdesk.editorial`` once committed, and protected from later imports: a moved or split article
is marked as placed by an editor, and the stories involved as edited, which imports never merge.

Every function takes what the editor saw (``expected_story``): if the story has been merged or
the article moved meanwhile, ``StaleStory`` says so in words, and nothing is written.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import router, transaction

from newsdesk.caching import catalogue_changed

from ..models import Article, EditorialChange, PublicEdit, Story
from ..stories.placement import new_story_slugs, stories_refresh
from .editorial import EditorialResult, _articles_set_field, _real_user

editorial_log = logging.getLogger("newsdesk.editorial")


class StaleStory(Exception):
    """The page the editor acted on is out of date: the message says what changed."""


def stories_merge(*, stories: list[Story], into: Story, user=None, via: str = EditorialChange.Via.ADMIN) -> int:
    """Move every article of ``stories`` into ``into``; returns how many moved. The others lead to ``into``."""
    db = router.db_for_write(Story)
    with transaction.atomic(using=db):
        target = _current(into)
        others = [_current(story) for story in stories if story.pk != into.pk]
        if not others:
            raise StaleStory("Choose at least one other story to merge into this one.")
        involved = [target.pk, *(story.pk for story in others)]
        was_public = _any_public(involved)
        moving = list(Article.objects.select_for_update().filter(story__in=others).values_list("pk", "story__slug"))
        Article.objects.filter(pk__in=[pk for pk, _ in moving]).update(story=target)
        Story.objects.filter(pk__in=[story.pk for story in others]).update(merged_into=target, lead=None)
        Story.objects.filter(merged_into__in=others).update(merged_into=target)
        Story.objects.filter(pk=target.pk).update(edited_by_editor=True)
        _audit(
            [(pk, EditorialChange.Field.STORY, slug, target.slug) for pk, slug in moving],
            user=user,
            via=via,
            summary=f"{len(others)} stories merged into {target.slug}",
        )
        stories_refresh(involved)
        _public_pages_changed(was_public, involved)
    return len(moving)


def article_move_to_story(
    *, article: Article, story: Story, expected_story: Story | None = None, user=None, via=EditorialChange.Via.ADMIN
) -> Story:
    """Put ``article`` in ``story`` (an editor's placement: imports leave it there)."""
    db = router.db_for_write(Story)
    with transaction.atomic(using=db):
        target = _current(story)
        return _move(article, target, expected_story=expected_story, user=user, via=via)


def article_split_from_story(
    *, article: Article, expected_story: Story | None = None, user=None, via=EditorialChange.Via.ADMIN
) -> Story:
    """Take ``article`` out of its story into a new story of its own (placed by an editor)."""
    db = router.db_for_write(Story)
    with transaction.atomic(using=db):
        current = _locked_article(article, expected_story)
        if current.story_id and Story.objects.filter(pk=current.story_id, size__lte=1).exists():
            raise StaleStory(f"“{current.title}” is already alone in its story.")
        [slug] = new_story_slugs(1)
        target = Story.objects.create(slug=slug, headline=current.title, lead=current, edited_by_editor=True)
        return _move(current, target, expected_story=None, user=user, via=via, locked=current)


def story_set_lead(*, story: Story, article: Article, user=None, via: str = EditorialChange.Via.ADMIN) -> Story:
    db = router.db_for_write(Story)
    with transaction.atomic(using=db):
        current = _current(story)
        if not Article.objects.filter(pk=article.pk, story=current).exists():
            raise StaleStory(f"“{article.title}” is no longer in this story; reload the page.")
        if current.published_size and not Article.objects.filter(pk=article.pk, is_published=True).exists():
            raise StaleStory(f"Publish “{article.title}” first: a story's lead is what readers see.")
        old_slug = Article.objects.filter(pk=current.lead_id).values_list("slug", flat=True).first()
        was_public = _any_public([current.pk])
        Story.objects.filter(pk=current.pk).update(lead=article, lead_set_by_editor=True, edited_by_editor=True)
        _audit(
            [(article.pk, EditorialChange.Field.STORY_LEAD, old_slug, article.slug)],
            user=user,
            via=via,
            summary=f"lead of {current.slug} set",
        )
        stories_refresh([current.pk])
        _public_pages_changed(was_public, [current.pk])
    current.refresh_from_db()
    return current


def story_set_headline(*, story: Story, headline: str, user=None, via: str = EditorialChange.Via.ADMIN) -> Story:
    """An editor's headline; an empty one gives the story back the lead's title."""
    headline = " ".join((headline or "").split())
    if len(headline) > Story._meta.get_field("headline").max_length:
        raise StaleStory("A headline can be at most 500 characters.")
    db = router.db_for_write(Story)
    with transaction.atomic(using=db):
        current = _current(story)
        was_public = _any_public([current.pk])
        Story.objects.filter(pk=current.pk).update(
            headline=headline or current.headline, headline_set_by_editor=bool(headline), edited_by_editor=True
        )
        if current.lead_id:
            _audit(
                [(current.lead_id, EditorialChange.Field.STORY_HEADLINE, current.headline, headline or None)],
                user=user,
                via=via,
                summary=f"headline of {current.slug} set",
            )
        stories_refresh([current.pk])
        _public_pages_changed(was_public, [current.pk])
    current.refresh_from_db()
    return current


def story_publish_lead_only(*, story: Story, user=None, via: str = EditorialChange.Via.ADMIN) -> EditorialResult:
    """Publish the story's lead and hold back the rest, through the editorial services (audited each)."""
    db = router.db_for_write(Story)
    with transaction.atomic(using=db):
        current = _current(story)
        if not current.lead_id:
            raise StaleStory("This story has no lead to publish.")
        published = _articles_set_field(
            field=EditorialChange.Field.IS_PUBLISHED, value=True, articles=[current.lead_id], user=user, via=via
        )
        _articles_set_field(
            field=EditorialChange.Field.IS_PUBLISHED,
            value=False,
            articles=Article.objects.filter(story=current).exclude(pk=current.lead_id),
            user=user,
            via=via,
            also={"scheduled_publish_at": None},
        )
    return published


# --- Shared steps ----------------------------------------------------------------------------------


def _current(story: Story) -> Story:
    """The story as stored now, locked; a merged or deleted one is stale."""
    current = Story.objects.select_for_update().filter(pk=story.pk).first()
    if current is None:
        raise StaleStory("This story no longer exists; reload the page.")
    if current.merged_into_id:
        merged = Story.objects.filter(pk=current.merged_into_id).values_list("headline", flat=True).first()
        raise StaleStory(f"This story was merged into “{merged or 'another story'}” meanwhile; reload the page.")
    return current


def _locked_article(article: Article, expected_story: Story | None) -> Article:
    current = Article.objects.select_for_update().filter(pk=article.pk).first()
    if current is None:
        raise StaleStory("This article no longer exists; reload the page.")
    if expected_story is not None and current.story_id != expected_story.pk:
        raise StaleStory(f"“{current.title}” has moved to another story meanwhile; reload the page.")
    return current


def _move(article, target: Story, *, expected_story, user, via, locked=None) -> Story:
    current = locked or _locked_article(article, expected_story)
    old = Story.objects.filter(pk=current.story_id).first()
    involved = [target.pk, *([old.pk] if old else [])]
    was_public = _any_public(involved)
    if old and old.pk == target.pk:
        raise StaleStory(f"“{current.title}” is already in that story.")
    Article.objects.filter(pk=current.pk).update(story=target, story_placed_by_editor=True)
    Story.objects.filter(pk__in=[target.pk, *([old.pk] if old else [])]).update(edited_by_editor=True)
    _audit(
        [(current.pk, EditorialChange.Field.STORY, old.slug if old else None, target.slug)],
        user=user,
        via=via,
        summary=f"article moved to {target.slug}",
    )
    stories_refresh(involved)
    _public_pages_changed(was_public, involved)
    if old and not Article.objects.filter(story=old).exists():
        Story.objects.filter(pk=old.pk).update(merged_into=target)  # its address leads to where its article went
    target.refresh_from_db()
    return target


def _any_public(story_ids) -> bool:
    return Story.objects.filter(pk__in=story_ids, published_size__gt=0).exists()


def _public_pages_changed(was_public: bool, story_ids) -> None:
    """Move the public pages' validators when readers could see a story before or after the change,
    and only then (an unpublished story's changes must not show in a public ETag)."""
    if was_public or _any_public(story_ids):
        PublicEdit.objects.create()


def _audit(changes: list[tuple[int, str, object, object]], *, user, via: str, summary: str) -> None:
    user = _real_user(user)
    EditorialChange.objects.bulk_create(
        [
            EditorialChange(article_id=pk, field=field, old_value=old, new_value=new, user=user, via=via)
            for pk, field, old, new in changes
        ]
    )
    db = router.db_for_write(Story)
    transaction.on_commit(
        partial(_story_change_committed, summary=summary, changes=changes, user=user, via=via), using=db
    )


def _story_change_committed(*, summary: str, changes, user, via: str) -> None:
    username = user.get_username() if user else None
    fields = sorted({field for _, field, _, _ in changes})
    editorial_log.info(
        "%s on %d article(s) by %s via %s",
        summary,
        len(changes),
        username or "nobody",
        via,
        extra={
            "field": fields[0] if len(fields) == 1 else fields,
            "article_count": len(changes),
            "articles": [{"id": pk, "old_value": old, "new_value": new} for pk, _, old, new in changes[:100]],
            "user": username,
            "via": via,
        },
    )
    catalogue_changed()
