"""Feeds, read back by feedparser (a real consumer) and, for JSON Feed, checked against the 1.1 structure."""

import html

import feedparser
import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.services import article_unpublish
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning:feedparser")]

HTTP_URL = {"type": "string", "pattern": "^https?://[^\\s]+$"}
# JSON Feed 1.1 (https://jsonfeed.org/version/1.1): what is required, and the type of every field we send.
JSON_FEED_1_1 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": HTTP_URL,
        "feed_url": HTTP_URL,
        "description": {"type": "string"},
        "user_comment": {"type": "string"},
        "next_url": HTTP_URL,
        "icon": HTTP_URL,
        "favicon": HTTP_URL,
        "language": {"type": "string"},
        "expired": {"type": "boolean"},
        "authors": {"type": "array", "items": {"$ref": "#/$defs/author"}},
        "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
    },
    "$defs": {
        "author": {
            "type": "object",
            "minProperties": 1,
            "properties": {"name": {"type": "string"}, "url": HTTP_URL, "avatar": HTTP_URL},
        },
        "item": {
            "type": "object",
            "required": ["id"],
            "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "url": HTTP_URL,
                "external_url": HTTP_URL,
                "title": {"type": "string"},
                "content_html": {"type": "string"},
                "content_text": {"type": "string"},
                "summary": {"type": "string"},
                "image": HTTP_URL,
                "banner_image": HTTP_URL,
                "date_published": {"type": "string", "format": "date-time"},
                "date_modified": {"type": "string", "format": "date-time"},
                "authors": {"type": "array", "items": {"$ref": "#/$defs/author"}},
                "tags": {"type": "array", "items": {"type": "string"}},
                "language": {"type": "string"},
            },
        },
    },
}
VALIDATOR = jsonschema.Draft202012Validator(
    JSON_FEED_1_1, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)

HOSTILE_TITLE = 'Stocks <b>rally</b> & "bonds" <script>alert(1)</script>'
HOSTILE_EXCERPT = "a < b & <script>steal()</script> <img src=x onerror=alert(1)>"


def feed_addresses(kind: str) -> list[str]:
    prefix = {"site": "", "topic": "/topics/science", "provider": "/providers/example-com"}[kind]
    return [f"{prefix}/feeds/{name}/" for name in ("rss", "atom")]


@pytest.mark.parametrize("kind", ["site", "topic", "provider"])
def test_rss_and_atom_are_read_without_errors_and_hold_only_published_articles(client, kind):
    published = factories.article(title="Published story", topics=("Science", "Space"))
    factories.article(published=False, title="Unpublished story", topics=("Science",))
    for address in feed_addresses(kind):
        response = client.get(address)
        assert response.status_code == 200, address
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (address, parsed.get("bozo_exception"))
        assert parsed.version in {"rss20", "atom10"}
        assert [entry.link for entry in parsed.entries] == [f"http://testserver{published.get_absolute_url()}"]
        entry = parsed.entries[0]
        assert entry.id == entry.link  # absolute, stable
        assert [tag.term for tag in entry.tags] == ["Science", "Space"]
        assert entry.author == "Example News"
        assert entry.published_parsed[:4] == published.published_at.timetuple()[:4]
        assert b"Unpublished story" not in response.content
        assert parsed.feed.links[0].href.startswith("http://testserver/")


def test_feed_content_types_and_self_links(client):
    factories.article()
    rss = client.get("/feeds/rss/")
    atom = client.get("/feeds/atom/")
    assert rss["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert atom["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert client.get("/feeds/json/")["Content-Type"] == "application/feed+json"
    assert b'href="http://testserver/feeds/rss/" rel="self"' in rss.content
    assert b'href="http://testserver/feeds/atom/" rel="self"' in atom.content


def test_hostile_titles_and_excerpts_reach_readers_as_text(client):
    factories.article(title=HOSTILE_TITLE, excerpt=HOSTILE_EXCERPT)
    rss = feedparser.parse(client.get("/feeds/rss/").content).entries[0]
    atom = feedparser.parse(client.get("/feeds/atom/").content).entries[0]
    # RSS titles and both summaries are HTML: the markup arrives escaped, so it shows as text.
    assert html.unescape(rss.title) == HOSTILE_TITLE
    assert atom.title == HOSTILE_TITLE  # Atom titles are plain text
    for entry in (rss, atom):
        assert "<script" not in entry.summary and "<img" not in entry.summary
        assert html.unescape(entry.summary) == HOSTILE_EXCERPT
    data = client.get("/feeds/json/").json()
    assert data["items"][0]["title"] == HOSTILE_TITLE
    assert data["items"][0]["content_text"] == HOSTILE_EXCERPT


def test_rss_xml_escaping_survives_control_of_the_title(client):
    factories.article(title="]]></title><script>x</script><title>")
    response = client.get("/feeds/rss/")
    assert not feedparser.parse(response.content).bozo
    assert b"<script>" not in response.content


@pytest.mark.parametrize("kind", ["site", "topic", "provider"])
def test_json_feed_validates_against_the_1_1_structure(client, kind):
    factories.article(
        title="With body", body="Some **markdown** <script>x</script>", images=("/rel.jpg",), topics=("Science",)
    )
    factories.article(title="Without body", excerpt="", images=("javascript:alert(1)",), topics=("Science", "Space"))
    factories.article(published=False, title="Unpublished", topics=("Science",))
    prefix = {"site": "", "topic": "/topics/science", "provider": "/providers/example-com"}[kind]
    response = client.get(f"{prefix}/feeds/json/")
    assert response.status_code == 200
    data = response.json()
    errors = sorted(VALIDATOR.iter_errors(data), key=str)
    assert not errors, [error.message for error in errors]
    assert data["feed_url"] == f"http://testserver{prefix}/feeds/json/"
    assert data["home_page_url"] == f"http://testserver{prefix}/"
    items = {item["title"]: item for item in data["items"]}
    assert set(items) == {"With body", "Without body"}
    with_body = items["With body"]
    assert with_body["content_html"] == "<p>Some <strong>markdown</strong> </p>"
    assert with_body["image"] == "https://example.com/rel.jpg"  # resolved against the article's source URL
    assert with_body["authors"] == [{"name": "Example News", "url": "https://example.com/"}]
    assert with_body["tags"] == ["Science"]
    without = items["Without body"]
    assert without["content_text"] == "Without body" and "content_html" not in without
    assert "image" not in without  # never a javascript: URL


def test_json_feed_schema_rejects_what_the_spec_forbids():
    """The schema is not vacuous: a feed with no content in an item, or a wrong version, fails."""
    good = {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{"id": "1", "content_text": "x"}]}
    assert VALIDATOR.is_valid(good)
    assert not VALIDATOR.is_valid({**good, "version": "https://jsonfeed.org/version/1"})
    assert not VALIDATOR.is_valid({**good, "items": [{"id": "1"}]})
    assert not VALIDATOR.is_valid({**good, "items": [{"id": "1", "content_text": "x", "date_published": "yesterday"}]})
    assert not VALIDATOR.is_valid({**good, "items": [{"id": "1", "content_text": "x", "image": "javascript:x"}]})


def test_empty_feeds_are_valid(client):
    assert not feedparser.parse(client.get("/feeds/rss/").content).bozo
    assert not feedparser.parse(client.get("/feeds/atom/").content).bozo
    data = client.get("/feeds/json/").json()
    assert VALIDATOR.is_valid(data) and data["items"] == []


def test_feed_is_limited_to_the_newest_items(client, settings):
    settings.NEWSDESK_FEED_ITEMS = 3
    made = [factories.article() for _ in range(5)]
    entries = feedparser.parse(client.get("/feeds/rss/").content).entries
    assert [entry.link for entry in entries] == [f"http://testserver{a.get_absolute_url()}" for a in reversed(made[2:])]


@pytest.mark.parametrize("name", ["rss", "atom", "json"])
@pytest.mark.parametrize(
    "prefix", ["/topics/no-such-topic", "/providers/no-such-provider", "/topics/embargoed", "/providers/hidden-example"]
)
def test_feeds_of_unknown_or_unpublished_topics_and_providers_are_404(client, prefix, name):
    factories.article(published=False, topics=("Embargoed",), by=factories.provider("hidden.example", "Hidden"))
    assert client.get(f"{prefix}/feeds/{name}/").status_code == 404


@pytest.mark.parametrize(
    "address",
    ["/feeds/rss/", "/feeds/atom/", "/feeds/json/", "/topics/science/feeds/rss/", "/providers/example-com/feeds/json/"],
)
def test_feeds_answer_304_and_change_when_an_article_is_unpublished(client, editor, address):
    article = factories.article()
    factories.article()
    first = client.get(address)
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    assert client.get(address, headers={"If-None-Match": first["ETag"]}).status_code == 304
    article_unpublish(article=article, user=editor)
    changed = client.get(address, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert article.get_absolute_url().encode() not in changed.content


@pytest.mark.parametrize(
    "address",
    ["/feeds/rss/", "/feeds/atom/", "/feeds/json/", "/topics/science/feeds/atom/", "/providers/example-com/feeds/rss/"],
)
def test_feeds_cost_the_same_few_queries_whatever_the_catalogue_size(client, address, django_assert_max_num_queries):
    factories.catalogue(3)
    with CaptureQueriesContext(connection) as small:
        client.get(address)
    factories.catalogue(30)
    with django_assert_max_num_queries(6):
        assert client.get(address).status_code == 200
    with CaptureQueriesContext(connection) as large:
        client.get(address)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_seed_feeds_are_valid(client, imported_seeds):
    from articles.models import Article

    Article.objects.filter(is_draft=False).update(is_published=True)
    for address in ("/feeds/rss/", "/feeds/atom/", "/topics/ai/feeds/rss/", "/providers/police-uk/feeds/atom/"):
        parsed = feedparser.parse(client.get(address).content)
        assert not parsed.bozo, address
        assert len(parsed.entries) == (
            4 if address.startswith("/feeds") else {"/topics/ai/feeds/rss/": 4}.get(address, 2)
        )
    assert VALIDATOR.is_valid(client.get("/feeds/json/").json())
