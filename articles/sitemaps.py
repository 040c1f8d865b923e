"""Sitemap sections of the published catalogue; /sitemap.xml is their index, so it scales past 50,000 URLs.

A section page of 10,000 articles is rendered with a lean template (``sitemap_section.xml``:
no ``spaceless`` pass, no hreflang loop) and without a ``reverse()`` per article.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from providers.models import Provider

from .models import Article, Topic

SLUG_PLACEHOLDER = "slug-placeholder"


class ArticleSitemap(Sitemap):
    def __init__(self):
        # "/articles/<slug>/" split once around a placeholder, so each article is two concatenations.
        self.before_slug, self.after_slug = reverse("articles:detail", kwargs={"slug": SLUG_PLACEHOLDER}).split(
            SLUG_PLACEHOLDER
        )

    @property
    def limit(self) -> int:
        return settings.NEWSDESK_SITEMAP_ARTICLES_PER_PAGE

    def items(self):
        # Ordered by id: stable pages while new articles arrive.
        return Article.objects.published().order_by("id").only("id", "slug", "imported_at")

    def location(self, article):
        return f"{self.before_slug}{article.slug}{self.after_slug}"

    def lastmod(self, article):
        return article.imported_at

    def get_latest_lastmod(self):
        return None  # The default evaluates every item just to build the index.


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.with_articles_in(Article.objects.published()).order_by("id").only("id", "slug")


class ProviderSitemap(Sitemap):
    def items(self):
        return Provider.objects.with_articles_in(Article.objects.published()).order_by("id").only("id", "slug")


SITEMAPS = {"articles": ArticleSitemap, "topics": TopicSitemap, "providers": ProviderSitemap}
