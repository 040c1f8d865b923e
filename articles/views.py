"""The public site: every page starts from ``Article.objects.published()``.

Listings are paginated without ``COUNT(*)``: a page fetches one row more than it shows to know
whether an older page exists. Each page costs a fixed number of queries (see the tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from providers.models import Provider

from .conditional import conditional_on_catalogue, respond_if_modified
from .models import Article, Topic, clean_search_query
from .permissions import can_view_unpublished
from .templatetags.public_site import http_url, image_src, render_markdown, site_url_of

PAGE_NUMBER = re.compile(r"^[1-9][0-9]{0,6}$")


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


@require_safe
@conditional_on_catalogue
def home(request):
    page = listing_page(request, Article.objects.published().for_listing())
    context = {"page": page, "title": paged_title("Latest news", page), "feeds": feed_links()}
    return render(request, "articles/home.html", context)


@require_safe
def article_detail(request, slug):
    article = Article.objects.with_related().filter(slug=slug).first()
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
    page = listing_page(request, articles.for_listing())
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
