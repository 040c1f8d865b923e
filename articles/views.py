"""The public site: every page starts from ``Article.objects.published()``.

Listings are paginated without ``COUNT(*)``: a page fetches one row more than it shows to know
whether an older page exists. Each page costs a fixed number of queries (see the tests).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F, Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from providers.models import Provider

from .conditional import catalogue_version, conditional_on_catalogue, respond_if_modified
from .models import Article, Story, Topic, clean_search_query
from .permissions import can_view_unpublished
from .templatetags.public_site import http_url, image_src, render_markdown, site_url_of

PAGE_NUMBER = re.compile(r"^[1-9][0-9]{0,6}$")
# A story merged into one that was merged in turn: the services repoint such chains, but never loop here.
MAX_MERGE_HOPS = 5


@dataclass
class ArticlePage:
    """One page of a listing; ``older_url``/``newer_url`` are empty at either end."""

    articles: list[Article]
    number: int
    url: str
    newer_url: str
    older_url: str


def listing_page(request, queryset, *, extra_params: dict | None = None) -> ArticlePage:
    """The requested ``?page=`` of ``queryset``; a page number that is junk, too deep or past the end is a 404."""
    raw = request.GET.get("page", "1")
    if not PAGE_NUMBER.match(raw) or int(raw) > settings.NEWSDESK_SITE_MAX_PAGE:
        raise Http404("No such page.")
    number = int(raw)
    size = settings.NEWSDESK_SITE_PAGE_SIZE
    rows = list(queryset[(number - 1) * size : number * size + 1])
    if number > 1 and not rows:
        raise Http404("No such page.")

    def url_of(page: int) -> str:
        params = {key: value for key, value in (extra_params or {}).items() if value}
        if page > 1:
            params["page"] = page
        return f"{request.path}?{urlencode(params)}" if params else request.path

    older = len(rows) > size and number < settings.NEWSDESK_SITE_MAX_PAGE
    return ArticlePage(
        articles=rows[:size],
        number=number,
        url=url_of(number),
        newer_url=url_of(number - 1) if number > 1 else "",
        older_url=url_of(number + 1) if older else "",
    )


def paged_title(title: str, page: ArticlePage) -> str:
    return f"{title}, page {page.number}" if page.number > 1 else title


def story_leads(articles):
    """One article per story: its lead (the best published member), and articles not yet in a story.

    The condition is on the joined story row of each article the newest-first index walk reaches,
    so the page stays a walk of that index plus one primary-key lookup per row.
    """
    return articles.filter(Q(story__isnull=True) | Q(story__lead=F("pk")))


def story_cards(articles: list[Article]) -> list[Article]:
    """One card per story: the first (newest) article of each story on the page, with ``more_in_story``,
    how many other published articles its story has (the "and N more" that links to the story page)."""
    cards, seen = [], set()
    for article in articles:
        if article.story_id is not None:
            if article.story_id in seen:
                continue
            seen.add(article.story_id)
        story = article.story if article.story_id else None
        article.more_in_story = max(story.published_size - 1, 0) if story else 0
        cards.append(article)
    return cards


@require_safe
@conditional_on_catalogue
def home(request):
    page = listing_page(request, story_leads(Article.objects.published()).for_listing().select_related("story"))
    page.articles = story_cards(page.articles)
    context = {"page": page, "title": paged_title("Latest news", page), "feeds": feed_links()}
    return render(request, "articles/home.html", context)


@require_safe
def article_detail(request, slug):
    article = Article.objects.with_related().select_related("story").filter(slug=slug).first()
    if article is None:
        raise Http404("No such article.")
    if article.is_published:
        return respond_if_modified(request, lambda: _article_response(request, article, preview=False))
    # Editors check an unpublished article from the admin's "View on site"; readers never see it.
    if not can_view_unpublished(request.user):
        raise Http404("No such article.")
    response = _article_response(request, article, preview=True)
    patch_cache_control(response, private=True, no_store=True)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _article_response(request, article: Article, *, preview: bool):
    images = [{"src": src, "image": image} for image in article.images.all() if (src := image_src(image, article))]
    related = [_related_link(link) for link in article.related_links.all()]
    source_url = http_url(article.url) or http_url(article.original_url)
    context = {
        "article": article,
        "preview": preview,
        "feeds": feed_links(),
        "topics": article.ordered_topics,
        "images": images,
        "lead_image": images[0]["src"] if images else "",
        "related": related,
        "source_url": source_url,
        "body_html": mark_safe(render_markdown(article.body, article.url or "")),  # Sanitised by nh3.
        "json_ld": _news_article_json_ld(request, article, images, source_url),
        "story": story if (story := article.story) and story.published_size and not story.merged_into_id else None,
        "other_providers": max(story.provider_count - 1, 0) if story else 0,
    }
    return render(request, "articles/article_detail.html", context)


def _related_link(link) -> dict:
    """Our own page when the related article is in the catalogue and published, else the source."""
    if link.article_id and link.article.is_published:
        href, internal = link.article.get_absolute_url(), True
    else:
        href, internal = http_url(link.url), False
    return {"link": link, "href": href, "internal": internal}


def _news_article_json_ld(request, article: Article, images: list[dict], source_url: str) -> dict:
    page_url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "url": page_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
    }
    if article.excerpt:
        data["description"] = article.excerpt
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
    if article.imported_at:
        data["dateModified"] = article.imported_at.isoformat()
    if images:
        data["image"] = [image["src"] for image in images]
    if source_url:
        data["isBasedOn"] = source_url
    if article.provider:
        organisation = {"@type": "Organization", "name": article.provider.name}
        if site := site_url_of(article.provider.domain):
            organisation["url"] = site
        data["author"] = organisation
        data["publisher"] = organisation
    if topics := article.ordered_topics:
        data["keywords"] = [topic.name for topic in topics]
    return data


@require_safe
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    articles = Article.objects.published().for_topic(topic)
    return _catalogue_page(
        request, topic, articles, template="articles/topic_detail.html", missing="No published article has this topic."
    )


@require_safe
def provider_detail(request, slug):
    provider = get_object_or_404(Provider, slug=slug)
    articles = Article.objects.published().for_provider(provider)
    return _catalogue_page(
        request,
        provider,
        articles,
        template="providers/provider_detail.html",
        missing="No published article is from this provider.",
    )


def _catalogue_page(request, owner: Topic | Provider, articles, *, template: str, missing: str):
    """The page of a topic's or provider's published articles, a 404 when it has none."""
    kind = owner._meta.model_name  # "topic" or "provider": the context entry and the feeds' prefix
    page = listing_page(request, articles.for_listing().select_related("story"))
    page.articles = story_cards(page.articles)
    # Before the conditional check, so no request (not even one with a forged validator) learns
    # of a topic or provider that only unpublished articles have.
    if not page.articles:
        raise Http404(missing)
    context = {
        kind: owner,
        "page": page,
        "title": paged_title(owner.name, page),
        "feeds": feed_links(f"{kind}_", slug=owner.slug),
        "feed_title": f"Newsdesk: {owner.name}",
    }
    return respond_if_modified(request, lambda: render(request, template, context))


@require_safe
def story_detail(request, slug):
    """Full coverage: every published article of a story, newest first, each labelled with its provider."""
    story = get_object_or_404(Story, slug=slug)
    survivor = story
    for _ in range(MAX_MERGE_HOPS):
        if not survivor.merged_into_id:
            break
        survivor = Story.objects.filter(pk=survivor.merged_into_id).first() or survivor
    if survivor.pk != story.pk:
        return HttpResponsePermanentRedirect(survivor.get_absolute_url())
    if story.published_size:
        articles = Article.objects.published()
    elif can_view_unpublished(request.user):
        articles = Article.objects.all()
    else:
        raise Http404("No published article in this story.")
    preview = not story.published_size
    page = listing_page(request, articles.filter(story=story).for_listing())
    if not page.articles:
        raise Http404("No such page.")
    providers = sorted({a.provider.name for a in page.articles if a.provider}, key=str.casefold)
    context = {
        "story": story,
        "page": page,
        "preview": preview,
        "providers": providers,
        "title": paged_title(story.headline or story.slug, page),
        "description": _story_description(story),
        "lead_image": _first_image(page.articles),
        "feeds": feed_links("story_", slug=story.slug),
        "feed_title": f"Newsdesk: {story.headline or story.slug}",
        "json_ld": _story_json_ld(request, story, page.articles),
    }
    if preview:
        response = render(request, "articles/story_detail.html", context)
        patch_cache_control(response, private=True, no_store=True)
        response.headers["X-Robots-Tag"] = "noindex"
        return response
    return respond_if_story_unchanged(request, story, lambda: render(request, "articles/story_detail.html", context))


def respond_if_story_unchanged(request, story: Story, build_response):
    """``respond_if_modified`` with the story's own change time in the validators: an editor's merge,
    move or new lead changes the page without changing anything the catalogue's validator reads."""
    version = catalogue_version()
    fingerprint = f"{version.etag}|{story.updated_at.isoformat() if story.updated_at else '-'}"
    etag = f'W/"{hashlib.sha256(fingerprint.encode()).hexdigest()[:32]}"'
    moments = [moment for moment in (version.last_modified, story.updated_at) if moment]
    last_modified = int(max(moments).timestamp()) if moments else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = build_response()
        if response.status_code != 200:
            return response
    response.headers["ETag"] = etag
    if last_modified:
        response.headers["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def _story_description(story: Story) -> str:
    count = story.published_size or story.size
    providers = story.provider_count
    articles = f"{count} article{'s' if count != 1 else ''}"
    sources = f" from {providers} provider{'s' if providers != 1 else ''}" if providers else ""
    return f"Full coverage of “{story.headline or story.slug}”: {articles}{sources}."


def _first_image(articles: list[Article]) -> str:
    for article in articles:
        if article.lead_image and (src := image_src(article.lead_image, article)):
            return src
    return ""


def _story_json_ld(request, story: Story, articles: list[Article]) -> dict:
    page_url = request.build_absolute_uri(story.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": (story.headline or story.slug)[:110],
        "url": page_url,
        "description": _story_description(story),
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "url": request.build_absolute_uri(article.get_absolute_url()),
                    "name": article.title[:110],
                }
                for position, article in enumerate(articles, start=1)
            ],
        },
    }
    if story.last_published_at:
        data["dateModified"] = story.last_published_at.isoformat()
    if story.first_seen_at:
        data["datePublished"] = story.first_seen_at.isoformat()
    return data


@require_safe
@conditional_on_catalogue
def search(request):
    query = clean_search_query(request.GET.get("q", ""))  # as the API's ``q`` reads it
    too_long = len(query) > settings.NEWSDESK_SEARCH_MAX_LENGTH
    page = None
    if query and not too_long:
        results = Article.objects.published().search(query).for_listing().ranked()
        page = listing_page(request, results, extra_params={"q": query})
    context = {
        "query": query,
        "title": paged_title(f"Results for “{query}”", page) if page else "Search",
        "too_long": too_long,
        "max_length": settings.NEWSDESK_SEARCH_MAX_LENGTH,
        "page": page,
        "feeds": feed_links(),
    }
    return render(request, "articles/search.html", context)


def feed_links(prefix: str = "", **kwargs) -> list[dict]:
    """The three feed formats of a page, for its ``<link rel="alternate">`` tags."""
    formats = [
        ("rss", "application/rss+xml", "RSS"),
        ("atom", "application/atom+xml", "Atom"),
        ("json", "application/feed+json", "JSON Feed"),
    ]
    return [
        {"href": reverse(f"articles:{prefix}feed_{name}", kwargs=kwargs), "type": mime, "label": label}
        for name, mime, label in formats
    ]
