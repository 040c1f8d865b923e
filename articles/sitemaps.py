"""Sitemap sections of the published catalogue (articles, stories, topics, providers); /sitemap.xml is
their index, so it scales past 50,000 URLs.

A section page of 10,000 articles is rendered with a lean template (``sitemap_section.xml``:
no ``spaceless`` pass, no hreflang loop) and without a ``reverse()`` per article.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from providers.models import Provider

from .models import Article, Story, Topic

SLUG_PLACEHOLDER = "slug-placeholder"


class PagedSitemap(Sitemap):
    """A large section, paginated, each entry's address built from its slug without a ``reverse()``."""

    url_name = ""

    def __init__(self):
        # "/articles/<slug>/" (or the section's address) split once around a placeholder: two concatenations an entry.
        self.before_slug, self.after_slug = reverse(self.url_name, kwargs={"slug": SLUG_PLACEHOLDER}).split(
            SLUG_PLACEHOLDER
        )

    @property
    def limit(self) -> int:
        return settings.NEWSDESK_SITEMAP_ARTICLES_PER_PAGE

    def location(self, item):
        return f"{self.before_slug}{item.slug}{self.after_slug}"

    def get_latest_lastmod(self):
        return None  # The default evaluates every item just to build the index.


class ArticleSitemap(PagedSitemap):
    url_name = "articles:detail"

    def items(self):
        # Ordered by id: stable pages while new articles arrive.
        return Article.objects.published().order_by("id").only("id", "slug", "imported_at")

    def lastmod(self, article):
        return article.imported_at


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.with_articles_in(Article.objects.published()).order_by("id").only("id", "slug")


class ProviderSitemap(Sitemap):
    def items(self):
        return Provider.objects.with_articles_in(Article.objects.published()).order_by("id").only("id", "slug")


class StorySitemap(PagedSitemap):
    """Full-coverage pages: stories that more than one published article tell (a story of one is its
    article's page again), not those merged into another (their address redirects)."""

    url_name = "articles:story_detail"

    def items(self):
        return (
            Story.objects.published()
            .filter(published_size__gt=1, merged_into=None)
            .order_by("id")
            .only("id", "slug", "last_published_at")
        )

    def lastmod(self, story):
        return story.last_published_at  # a story's page changes when a newer article joins it


SITEMAPS = {"articles": ArticleSitemap, "stories": StorySitemap, "topics": TopicSitemap, "providers": ProviderSitemap}
