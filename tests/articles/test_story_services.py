"""Editors' story decisions: audited, refused in words when stale or wrong, and seen by the public
pages' validators only when readers can see the story."""

import logging

import pytest

from articles import services
from articles.conditional import catalogue_version
from articles.models import EditorialChange, PublicEdit, Story
from tests import factories
from tests.articles.story_support import story_of

pytestmark = pytest.mark.django_db


def test_merge_moves_every_article_audits_each_and_logs_one_line(caplog, django_capture_on_commit_callbacks):
    editor = factories.make_editor()
    a = story_of([factories.article(title="A one"), factories.article(title="A two")], slug="a")
    b = story_of([factories.article(title="B one")], slug="b")
    with caplog.at_level(logging.INFO, logger="newsdesk.editorial"):
        with pytest.raises(services.StaleStory):
            services.stories_merge(stories=[a], into=a, user=editor)
        with django_capture_on_commit_callbacks(execute=True):
            moved = services.stories_merge(stories=[b], into=a, user=editor)
    assert moved == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.size, b.size, b.merged_into_id, a.edited_by_editor) == (3, 0, a.pk, True)
    change = EditorialChange.objects.get(field=EditorialChange.Field.STORY)
    assert (change.old_value, change.new_value, change.user, change.via) == ("b", "a", editor, "admin")
    assert [r.message for r in caplog.records if "merged" in r.message] == [
        "1 stories merged into a on 1 article(s) by desk via admin"
    ]


def test_a_decision_on_a_merged_story_is_refused_in_words():
    a = story_of([factories.article()], slug="a")
    b = story_of([factories.article()], slug="b")
    services.stories_merge(stories=[b], into=a)
    with pytest.raises(services.StaleStory, match="merged into"):
        services.story_set_headline(story=b, headline="Too late")
    with pytest.raises(services.StaleStory, match="merged into"):
        services.stories_merge(stories=[a], into=b)


def test_the_lead_must_be_published_when_readers_see_the_story():
    published = factories.article(title="Out", is_published=True)
    held = factories.article(title="Held back", is_published=False)
    story = story_of([published, held])
    with pytest.raises(services.StaleStory, match="Publish"):
        services.story_set_lead(story=story, article=held)
    assert Story.objects.get(pk=story.pk).lead_id == published.pk


def test_a_public_storys_change_moves_the_validators_and_an_unpublished_ones_does_not():
    hidden = story_of([factories.article(is_published=False)], slug="hidden")
    before = catalogue_version()
    services.story_set_headline(story=hidden, headline="Nobody sees this")
    assert PublicEdit.objects.count() == 0 and catalogue_version() == before
    public = story_of([factories.article(is_published=True)], slug="public")
    services.story_set_headline(story=public, headline="Everyone sees this")
    assert PublicEdit.objects.count() == 1


def test_split_makes_a_story_of_one_whose_address_names_no_article():
    article = factories.article(title="A secret draft title", is_published=False)
    story = story_of([article, factories.article(title="Other")], slug="together")
    alone = services.article_split_from_story(article=article, expected_story=story)
    assert alone.size == 1 and "secret" not in alone.slug
    with pytest.raises(services.StaleStory, match="moved to another story"):
        services.article_split_from_story(article=article, expected_story=story)
