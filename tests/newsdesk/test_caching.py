"""The response cache: anonymous listings, feeds and API lists come from the cache without a query;
every editorial change shows on the very next request, anything else within NEWSDESK_CACHE_SECONDS;
editors are never served from it; a Redis that is down is a cache miss, never an error."""

import datetime
import io
import logging
import time
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from newsdesk import caching
from newsdesk.caching import CatalogueCacheMiddleware
from tests import factories
from tests.articles.admin_support import change_url, form_data
from tests.articles.api_support import token_client
from tests.factories import article_text, make_editor
from tests.newsdesk.conftest import UNREACHABLE_REDIS_URL, redis_caches

pytestmark = pytest.mark.django_db

# One address for each cached view (see test_the_listings_tested_are_exactly_the_cached_views).
LISTINGS = [
    "/",
    "/topics/weather/",
    "/providers/example-com/",
    "/search/?q=harbour",
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/json/",
    "/topics/weather/feeds/rss/",
    "/topics/weather/feeds/atom/",
    "/topics/weather/feeds/json/",
    "/providers/example-com/feeds/rss/",
    "/providers/example-com/feeds/atom/",
    "/providers/example-com/feeds/json/",
    "/api/v1/articles/",
    "/api/v1/providers/",
    "/api/v1/topics/",
]


LOCAL_MEMORY_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "caching-tests",
        "KEY_PREFIX": "newsdesk",
    }
}


@pytest.fixture(params=["local-memory", "redis"])
def response_cache(request, settings):
    """The response cache on, on either backend, starting empty."""
    if request.param == "redis":
        yield request.getfixturevalue("redis_cache")
        return
    settings.CACHES = LOCAL_MEMORY_CACHES
    settings.NEWSDESK_CACHE_SECONDS = 30
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture
def story():
    """A published article, with a second one of the same topic and provider so their pages outlive it."""
    factories.article(title="Calm seas return", topics=("Weather",))
    return factories.article(title="Storm closes the harbour", topics=("Weather",))


@pytest.fixture
def draft():
    return factories.article(title="Harbour reopens after the storm", topics=("Weather",), published=False)


def text(response) -> str:
    return response.content.decode()


def rendered_without_cache(url: str) -> bytes:
    with override_settings(NEWSDESK_CACHE_SECONDS=0):
        response = Client().get(url)
    assert response.status_code == 200
    return response.content


def count_queries(request) -> int:
    with CaptureQueriesContext(connection) as queries:
        request()
    return len(queries)


# --------------------------------------------------------------------------- what is cached


def test_the_listings_tested_are_exactly_the_cached_views():
    assert {resolve(urlsplit(url).path).view_name for url in LISTINGS} == caching.CACHED_VIEWS


@pytest.mark.parametrize("url", LISTINGS)
def test_a_listing_is_served_again_from_the_cache_without_a_query(
    client, response_cache, story, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200

    with django_assert_num_queries(0):
        again = client.get(url)
        head = client.head(url)

    assert (again.status_code, again.content, again["ETag"]) == (200, first.content, first["ETag"])
    assert (head.status_code, head["ETag"]) == (200, first["ETag"])
    # Headers added outside the cache are on cached answers too.
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/", "/feeds/atom/", "/api/v1/articles/"])
def test_a_conditional_request_gets_its_304_from_the_cache(
    client, response_cache, story, url, django_assert_num_queries
):
    first = client.get(url)

    with django_assert_num_queries(0):
        revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert (revalidated.status_code, revalidated["ETag"], revalidated.content) == (304, first["ETag"], b"")


def test_last_modified_revalidates_from_the_cache_too(client, response_cache, story, django_assert_num_queries):
    first = client.get("/")

    with django_assert_num_queries(0):
        assert client.get("/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


@pytest.mark.parametrize("url", ["/articles/{slug}/", "/sitemap.xml", "/api/v1/articles/{slug}/"])
def test_other_pages_are_not_cached(client, response_cache, story, url):
    url = url.format(slug=story.slug)
    assert client.get(url).status_code == 200

    assert count_queries(lambda: client.get(url)) > 0


def test_cors_headers_follow_each_request_not_the_stored_copy(client, response_cache, story):
    client.get("/api/v1/articles/")  # stored without an Origin

    cross_origin = client.get("/api/v1/articles/", HTTP_ORIGIN="https://reader.example")

    assert cross_origin["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/articles/")


# --------------------------------------------------------------------------- who is served from it


@pytest.mark.parametrize("url", ["/", "/feeds/rss/", "/api/v1/articles/"])
def test_editors_signed_in_or_with_a_token_are_never_served_from_the_cache_nor_stored_in_it(
    client, response_cache, story, url
):
    client.get(url)  # the readers' copy, now cached
    signed_in = Client()
    signed_in.force_login(make_editor())
    with_token = token_client(make_editor("token-editor"))

    for editor in (signed_in, with_token):
        editor.get(url)
        assert count_queries(lambda editor=editor: editor.get(url)) > 0

    assert count_queries(lambda: client.get(url)) == 0


def test_editors_see_unpublished_articles_that_readers_cached_lists_never_show(client, response_cache, story, draft):
    assert draft.slug not in text(client.get("/api/v1/articles/"))

    assert draft.slug in text(token_client(make_editor()).get("/api/v1/articles/"))
    assert draft.slug not in text(client.get("/api/v1/articles/"))


def served_twice(make_response) -> int:
    """How many times the view ran for two identical anonymous requests to a cached address."""
    calls = []

    def view(request):
        calls.append(request)
        return make_response()

    middleware = CatalogueCacheMiddleware(view)
    for _ in range(2):
        middleware(RequestFactory().get("/"))
    return len(calls)


def with_cookie():
    response = HttpResponse("hello")
    response.set_cookie("sessionid", "someone's")
    return response


def with_header(name: str, value: str):
    return lambda: HttpResponse("hello", headers={name: value})


@pytest.mark.parametrize(
    "make_response",
    [
        pytest.param(with_cookie, id="set-cookie"),
        pytest.param(with_header("Cache-Control", "private"), id="private"),
        pytest.param(with_header("Cache-Control", "no-store"), id="no-store"),
        pytest.param(with_header("Vary", "*"), id="vary-star"),
        pytest.param(lambda: HttpResponse("gone", status=404), id="not-200"),
    ],
)
def test_personal_or_failed_responses_are_never_stored(response_cache, make_response):
    assert served_twice(make_response) == 2


def test_a_public_200_is_stored(response_cache):
    assert served_twice(lambda: HttpResponse("hello", headers={"Cache-Control": "no-cache"})) == 1


def test_a_cache_of_zero_seconds_stores_nothing(response_cache, settings):
    settings.NEWSDESK_CACHE_SECONDS = 0
    assert served_twice(lambda: HttpResponse("hello")) == 2


# --------------------------------------------------------------------------- invalidation


EDITORIAL_CHANGES = {
    "publish": lambda story, draft: services.article_publish(article=draft, user=make_editor()),
    "unpublish": lambda story, draft: services.article_unpublish(article=story, user=make_editor()),
    "re-score": lambda story, draft: services.article_set_quality(article=story, quality=97, user=make_editor()),
    "bulk-unpublish": lambda story, draft: services.articles_unpublish(articles=Article.objects.filter(pk=story.pk)),
    "publish-due": lambda story, draft: (
        services.article_schedule_publication(article=draft, publish_at=timezone.now() + datetime.timedelta(hours=1)),
        services.articles_publish_due(now=timezone.now() + datetime.timedelta(hours=2)),
    ),
}


@pytest.mark.parametrize("change", EDITORIAL_CHANGES.values(), ids=EDITORIAL_CHANGES.keys())
def test_an_editorial_change_shows_on_every_listing_on_the_very_next_request(
    client, response_cache, story, draft, change, django_capture_on_commit_callbacks
):
    before = {url: client.get(url).content for url in LISTINGS}
    assert count_queries(lambda: [client.get(url) for url in LISTINGS]) == 0

    with django_capture_on_commit_callbacks(execute=True):
        change(story, draft)

    after = {url: client.get(url).content for url in LISTINGS}
    assert after == {url: rendered_without_cache(url) for url in LISTINGS}
    assert after["/api/v1/articles/"] != before["/api/v1/articles/"]


def test_the_cache_is_invalidated_once_the_change_is_committed(
    client, response_cache, story, django_capture_on_commit_callbacks
):
    client.get("/")

    with django_capture_on_commit_callbacks() as on_commit:
        services.article_unpublish(article=story, user=make_editor())
    assert story.title in text(client.get("/"))  # not committed yet

    for callback in on_commit:
        callback()
    assert story.title not in text(client.get("/"))


def test_an_admin_action_shows_on_the_next_anonymous_request(
    client, response_cache, story, django_capture_on_commit_callbacks
):
    editor = Client()
    editor.force_login(make_editor())
    assert story.title in text(client.get("/"))

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:articles_article_changelist"),
            {"action": "unpublish_selected", "_selected_action": [story.pk]},
        )
    assert response.status_code == 302

    assert story.title not in text(client.get("/"))


@pytest.mark.django_db(transaction=True)
def test_an_api_patch_shows_on_the_next_anonymous_request_after_a_real_commit(client, response_cache, story):
    editor = token_client(make_editor())
    assert '"quality":50' in text(client.get("/api/v1/articles/?fields=slug,quality"))

    response = editor.patch(f"/api/v1/articles/{story.slug}/", {"quality": 88}, format="json")
    assert response.status_code == 200

    assert '"quality":88' in text(client.get("/api/v1/articles/?fields=slug,quality"))


def test_a_correction_in_the_admin_outside_the_services_shows_at_once(client, response_cache, story, admin_client):
    assert story.title in text(client.get("/"))

    data = form_data(admin_client, story, title="Storm closes the harbour for a week")
    assert admin_client.post(change_url(story), data).status_code == 302

    assert "Storm closes the harbour for a week" in text(client.get("/"))


def test_an_import_that_changes_the_catalogue_shows_on_the_next_request(
    client, response_cache, story, tmp_path, django_capture_on_commit_callbacks
):
    assert "Tide tables" not in text(client.get("/"))
    (tmp_path / "tide.txt").write_text(article_text(title="Tide tables", published=True), encoding="utf-8")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(tmp_path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    assert "Tide tables" in text(client.get("/"))


def test_an_unchanged_import_leaves_the_cache_alone(
    client, response_cache, story, tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "tide.txt").write_text(article_text(title="Tide tables", published=True), encoding="utf-8")
    call_command("import_articles", str(tmp_path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    client.get("/")

    with django_capture_on_commit_callbacks() as on_commit:
        call_command("import_articles", str(tmp_path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert on_commit == []


@pytest.mark.django_db(transaction=True)
def test_an_article_posted_to_the_api_shows_on_the_next_anonymous_request(client, response_cache, story):
    # A signed-in (token) write: the cache middleware invalidates, as for an admin correction.
    assert "Tide tables" not in text(client.get("/"))
    front_matter = yaml.safe_load(article_text(title="Tide tables", published=True).split("---")[1])
    response = token_client(make_editor()).post("/api/v1/articles/", front_matter, format="json")
    assert response.status_code == 201, response.content

    assert "Tide tables" in text(client.get("/"))


def test_a_change_that_bypasses_the_services_shows_within_the_cache_seconds(client, response_cache, story, settings):
    """The documented bound: what nothing announces (a database edit, or another process with the
    local-memory cache) is served from the cache for at most NEWSDESK_CACHE_SECONDS."""
    settings.NEWSDESK_CACHE_SECONDS = 1
    assert story.title in text(client.get("/"))

    Article.objects.filter(pk=story.pk).update(is_published=False)
    assert story.title in text(client.get("/"))  # the cached page, until it expires

    time.sleep(1.1)
    assert story.title not in text(client.get("/"))


def test_redis_carries_the_invalidation_to_every_app_server(
    client, redis_cache, story, monkeypatch, django_capture_on_commit_callbacks
):
    server_a, server_b = caches.create_connection("default"), caches.create_connection("default")

    def on_server(server):
        monkeypatch.setattr(caching, "caches", {caching.CACHE_ALIAS: server})

    on_server(server_a)
    assert story.title in text(client.get("/"))
    assert count_queries(lambda: client.get("/")) == 0

    on_server(server_b)  # an editor's request, on another app server
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=story, user=make_editor())

    on_server(server_a)
    assert story.title not in text(client.get("/"))


# --------------------------------------------------------------------------- Redis down


def test_with_redis_unreachable_every_listing_answers_from_the_database(
    client, settings, story, caplog, django_capture_on_commit_callbacks
):
    settings.CACHES = redis_caches(UNREACHABLE_REDIS_URL)
    settings.NEWSDESK_CACHE_SECONDS = 30
    # Anonymous API rate limits live in the cache too: without it they are not counted, not an error.
    settings.NEWSDESK_API_ANON_RATE = "2/minute"

    with caplog.at_level(logging.INFO, logger="newsdesk.cache"):
        for url in LISTINGS * 2:
            assert client.get(url).status_code == 200, url
        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=story, user=make_editor())
        assert story.title not in text(client.get("/"))

    outage = [record for record in caplog.records if record.name == "newsdesk.cache"]
    assert [record.levelname for record in outage] == ["WARNING"]  # once, not once per request
    assert "127.0.0.1:1" in outage[0].getMessage()
