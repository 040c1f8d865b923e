"""RSS 2.0, Atom and JSON Feed 1.1 of the published catalogue, for the whole site, a topic, a provider or a story.

Titles and excerpts are pipeline text: in RSS they are HTML-escaped before the XML layer
(readers render both as HTML); Atom titles are plain text and its summaries HTML.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from providers.models import Provider

from .conditional import respond_if_modified
from .models import Article, Story, Topic
from .templatetags.public_site import http_url, render_markdown, site_url_of

SITE_NAME = "Newsdesk"


class Channel:
    """What a feed is about: the whole catalogue, one topic, one provider or one story."""

    def __init__(
        self, request, *, topic: Topic | None = None, provider: Provider | None = None, story: Story | None = None
    ):
        self.request, self.topic, self.provider, self.story = request, topic, provider, story
        self._articles: list[Article] | None = None

    @property
    def title(self) -> str:
        if self.topic:
            return f"{SITE_NAME}: {self.topic.name}"
        if self.provider:
            return f"{SITE_NAME}: {self.provider.name}"
        if self.story:
            return f"{SITE_NAME}: {self.story.headline or self.story.slug}"
        return f"{SITE_NAME}: latest news"

    @property
    def description(self) -> str:
        if self.topic:
            return f"The latest published articles about {self.topic.name}."
        if self.provider:
            return f"The latest published articles from {self.provider.name}."
        if self.story:
            return f"Every provider's coverage of “{self.story.headline or self.story.slug}”."
        return "The latest articles published by the Newsdesk editors."

    @property
    def page_url(self) -> str:
        if self.topic:
            return self.topic.get_absolute_url()
        if self.provider:
            return self.provider.get_absolute_url()
        if self.story:
            return self.story.get_absolute_url()
        return reverse("articles:home")

    def feed_url(self, name: str) -> str:
        if self.topic:
            return reverse(f"articles:topic_feed_{name}", kwargs={"slug": self.topic.slug})
        if self.provider:
            return reverse(f"articles:provider_feed_{name}", kwargs={"slug": self.provider.slug})
        if self.story:
            return reverse(f"articles:story_feed_{name}", kwargs={"slug": self.story.slug})
        return reverse(f"articles:feed_{name}")

    def articles(self) -> list[Article]:
        """The newest published articles, each with ``page_url``: the absolute address of its page (ids, guids)."""
        if self._articles is None:
            articles = Article.objects.published()
            if self.topic:
                articles = articles.for_topic(self.topic)
            if self.provider:
                articles = articles.for_provider(self.provider)
            if self.story:
                articles = articles.filter(story=self.story)
            self._articles = list(articles.for_listing()[: settings.NEWSDESK_FEED_ITEMS])
            for article in self._articles:
                article.page_url = self.request.build_absolute_uri(article.get_absolute_url())
        return self._articles


class RssFeed(Feed):
    """Called with a ``channel`` keyword argument by the views below."""

    name = "rss"

    def get_object(self, request, channel: Channel):
        return channel

    def title(self, channel):
        return channel.title

    def description(self, channel):
        return channel.description

    def link(self, channel):
        return channel.page_url

    def feed_url(self, channel):
        return channel.feed_url(self.name)

    def items(self, channel):
        return channel.articles()

    def item_title(self, article):
        return escape(article.title)

    def item_description(self, article):
        return escape(article.excerpt)

    def item_link(self, article):
        return article.page_url

    def item_guid(self, article):
        return article.page_url

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.imported_at or article.published_at

    def item_author_name(self, article):
        return article.provider.name if article.provider else None

    def item_author_link(self, article):
        return (site_url_of(article.provider.domain) or None) if article.provider else None

    def item_categories(self, article):
        return [topic.name for topic in article.ordered_topics]


class AtomFeed(RssFeed):
    name = "atom"
    feed_type = Atom1Feed

    def subtitle(self, channel):
        return channel.description

    def item_title(self, article):
        return article.title  # Atom titles are text: the XML layer escapes them.


def json_feed(request, channel: Channel) -> JsonResponse:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    absolute = request.build_absolute_uri
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "home_page_url": absolute(channel.page_url),
        "feed_url": absolute(channel.feed_url("json")),
        "description": channel.description,
        "language": settings.LANGUAGE_CODE,
        "items": [_json_feed_item(article) for article in channel.articles()],
    }
    return JsonResponse(data, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False})


def _json_feed_item(article: Article) -> dict:
    item = {"id": article.page_url, "url": article.page_url, "title": article.title}
    if external := http_url(article.url):
        item["external_url"] = external
    if article.body:
        item["content_html"] = render_markdown(article.body, article.url or "")
    else:
        item["content_text"] = article.excerpt or article.title
    if article.excerpt:
        item["summary"] = article.excerpt
    lead = article.lead_image
    if lead and (image := http_url(lead.url, article.url or "")):
        item["image"] = image
    if article.published_at:
        item["date_published"] = article.published_at.isoformat()
    if article.imported_at:
        item["date_modified"] = article.imported_at.isoformat()
    if article.provider:
        author = {"name": article.provider.name}
        if site := site_url_of(article.provider.domain):
            author["url"] = site
        item["authors"] = [author]
    if topics := article.ordered_topics:
        item["tags"] = [topic.name for topic in topics]
    return item


rss_feed, atom_feed = RssFeed(), AtomFeed()
FORMATS = {"rss": rss_feed, "atom": atom_feed, "json": json_feed}


def _channel_view(name: str, lookup=None):
    """A view serving feed format ``name`` of the channel that ``lookup(slug)`` finds (404 when it finds none)."""
    render_feed = FORMATS[name]

    @require_safe
    def view(request, slug=None):
        channel = lookup(request, slug) if lookup else Channel(request)
        if isinstance(channel, HttpResponsePermanentRedirect):
            return channel
        return respond_if_modified(request, lambda: render_feed(request, channel=channel))

    view.__name__ = view.__qualname__ = f"{lookup.__name__ if lookup else 'latest'}_{name}_feed"
    return view


def _topic_channel(request, slug: str) -> Channel:
    return _public_channel(Channel(request, topic=get_object_or_404(Topic, slug=slug)))


def _provider_channel(request, slug: str) -> Channel:
    return _public_channel(Channel(request, provider=get_object_or_404(Provider, slug=slug)))


def _story_channel(request, slug: str) -> Channel | HttpResponsePermanentRedirect:
    """A merged story's feeds lead to the survivor's, as its page does."""
    story = get_object_or_404(Story, slug=slug)
    if story.merged_into_id:
        survivor = get_object_or_404(Story, pk=story.merged_into_id)
        return HttpResponsePermanentRedirect(request.path.replace(f"/{story.slug}/", f"/{survivor.slug}/", 1))
    return _public_channel(Channel(request, story=story))


def _public_channel(channel: Channel) -> Channel:
    # Checked before the conditional response, as on the pages: no feed for what only unpublished articles have.
    if not channel.articles():
        raise Http404("No published article in this feed.")
    return channel


latest_rss, latest_atom, latest_json = (_channel_view(name) for name in ("rss", "atom", "json"))
topic_rss, topic_atom, topic_json = (_channel_view(name, _topic_channel) for name in ("rss", "atom", "json"))
provider_rss, provider_atom, provider_json = (
    _channel_view(name, _provider_channel) for name in ("rss", "atom", "json")
)
story_rss, story_atom, story_json = (_channel_view(name, _story_channel) for name in ("rss", "atom", "json"))
