"""Building stories in tests: articles from the factories put in one story, then counted and led as imports do."""

from articles.models import Article, Story
from articles.stories.placement import stories_refresh


def story_of(articles: list[Article], slug: str = "the-story", **fields) -> Story:
    story = Story.objects.create(slug=slug, **fields)
    Article.objects.filter(pk__in=[article.pk for article in articles]).update(story=story)
    stories_refresh([story.pk])
    story.refresh_from_db()
    return story
