"""The shared cache: the catalogue generation and the response cache (the Redis backend: newsdesk.redis_cache).

Anonymous listing pages, feeds and API lists are rendered once per ``NEWSDESK_CACHE_SECONDS``
and then served from the cache without a query. Every cached response's key holds the
*catalogue generation*, a value in the cache that :func:`catalogue_changed` replaces after each
editorial change: every app server sharing the cache misses at once and renders afresh. What
does not replace it (a change made straight in the database; with the local-memory cache, a
change made by another process) shows when the entries expire: ``NEWSDESK_CACHE_SECONDS`` is
the bound on how long a reader can see a withdrawn article.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_cache_key, get_conditional_response, has_vary_header, learn_cache_key
from django.utils.http import parse_http_date_safe

logger = logging.getLogger("newsdesk.cache")

CACHE_ALIAS = "default"
GENERATION_KEY = "catalogue-generation"

# What readers list and subscribe to (URL names, so a changed path keeps its caching).
CACHED_VIEWS = frozenset(
    {
        "articles:home",
        "articles:topic",
        "articles:search",
        "providers:detail",
        *(
            f"articles:{channel}feed_{kind}"
            for channel in ("", "topic_", "provider_")
            for kind in ("rss", "atom", "json")
        ),
        "api:v1:article-list",
        "api:v1:provider-list",
        "api:v1:topic-list",
    }
)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# --- The catalogue generation --------------------------------------------------------------------


def catalogue_changed() -> None:
    """Make every cached page, feed and API list stale at once, on every app server sharing the cache.

    Call it after the change is committed (``transaction.on_commit``): a reader who renders
    in between would otherwise store the old catalogue under the new generation.
    """
    caches[CACHE_ALIAS].set(GENERATION_KEY, _new_generation(), timeout=None)


def catalogue_generation(cache) -> int | None:
    """The current generation; ``None`` when the cache cannot be reached."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:  # first use, or evicted
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _new_generation() -> int:
    # The clock rather than a counter: a generation never comes back (not even after the key is
    # evicted) to a value that entries still in the cache were stored under.
    return time.time_ns()


# --- The response cache --------------------------------------------------------------------------


class CatalogueCacheMiddleware:
    """Serves anonymous GET/HEAD requests for listings, feeds and API lists from the cache.

    In ``MIDDLEWARE`` after the security and CSP middleware (their headers go on every answer,
    cached or not) and before sessions, CORS, CSRF and messages, so it sees what they add: a
    response that sets a cookie is never stored, and the request headers named in the stored
    response's ``Vary`` (Cookie, Origin, Accept, Accept-Encoding…) are part of its key, as in
    Django's own cache middleware. Unlike that middleware, the server-side lifetime is
    independent of ``Cache-Control``: browsers still revalidate every time, and get their 304
    from the cache.

    Requests with a session cookie or an ``Authorization`` header (editors: they see unpublished
    articles and previews) always reach the views, and a successful write by a signed-in user
    (an admin edit of a title, a deletion: writes outside the editorial services) also
    invalidates the cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in WRITE_METHODS:
            response = self.get_response(request)
            if response.status_code < 400 and _signed_in(request):
                catalogue_changed()
            return response
        seconds = settings.NEWSDESK_CACHE_SECONDS
        if not seconds or not _is_anonymous_listing(request):
            return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        generation = catalogue_generation(cache)
        if generation is None:  # the cache is unreachable: straight to the database
            return self.get_response(request)
        # Read once, before rendering: a page rendered from the catalogue before a change stays
        # under the generation that the change then replaces. The release keeps a rolling deploy's
        # old and new code from serving each other's pages.
        key_prefix = f"catalogue.{settings.NEWSDESK_RELEASE}.{generation}"
        key = get_cache_key(request, key_prefix, "GET", cache=cache)
        stored = cache.get(key) if key else None
        if stored is not None:
            return _replay(request, *stored)
        response = self.get_response(request)
        if request.method == "GET" and _is_storable(response):
            key = learn_cache_key(request, response, seconds, key_prefix, cache=cache)
            cache.set(key, (response.content, list(response.items())), seconds)
        return response


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def _is_anonymous_listing(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "Authorization" in request.headers:
        return False
    try:
        return resolve(request.path_info).view_name in CACHED_VIEWS
    except Resolver404:
        return False


def _is_storable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not has_vary_header(response, "*")
    )


def _replay(request, content: bytes, headers: list[tuple[str, str]]) -> HttpResponse:
    """The stored response, or a 304 when the client's copy (``If-None-Match``/``If-Modified-Since``) is current."""
    response = HttpResponse(content, headers=dict(headers))
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified")),
        response=response,
    )
