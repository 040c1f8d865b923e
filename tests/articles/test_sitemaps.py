"""/sitemap.xml is an index of sections (articles and stories paginated, topics, providers); /robots.txt points at it."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Story
from tests import factories
from tests.articles.story_support import story_of

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return [element.text for element in ET.fromstring(response.content).findall(".//sm:loc", NS)]


def test_index_lists_every_section_and_every_page_of_articles(client, settings):
    settings.NEWSDESK_SITEMAP_ARTICLES_PER_PAGE = 2
    for _ in range(5):
        factories.article()
    assert locations(client.get("/sitemap.xml")) == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-articles.xml?p=3",
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-topics.xml",
        "http://testserver/sitemap-providers.xml",
    ]


def test_article_sections_hold_only_published_articles_page_by_page(client, settings):
    settings.NEWSDESK_SITEMAP_ARTICLES_PER_PAGE = 2
    published = [factories.article() for _ in range(3)]
    hidden = factories.article(published=False)
    pages = locations(client.get("/sitemap-articles.xml")) + locations(client.get("/sitemap-articles.xml?p=2"))
    assert pages == [f"http://testserver{a.get_absolute_url()}" for a in published]
    assert f"http://testserver{hidden.get_absolute_url()}" not in pages
    assert client.get("/sitemap-articles.xml?p=3").status_code == 404


def test_article_entries_carry_lastmod(client):
    article = factories.article()
    root = ET.fromstring(client.get("/sitemap-articles.xml").content)
    assert root.find(".//sm:lastmod", NS).text == article.imported_at.date().isoformat()


def test_the_stories_section_lists_stories_of_several_published_articles_once(client):
    told = story_of([factories.article(), factories.article()], slug="told-twice")
    story_of([factories.article(), factories.article(published=False)], slug="told-once")
    hidden = story_of([factories.article(published=False), factories.article(published=False)], slug="unpublished")
    merged = story_of([factories.article(), factories.article()], slug="merged-away")
    Story.objects.filter(pk=merged.pk).update(merged_into=told)
    root = ET.fromstring(client.get("/sitemap-stories.xml").content)
    assert [element.text for element in root.findall(".//sm:loc", NS)] == ["http://testserver/stories/told-twice/"]
    assert root.find(".//sm:lastmod", NS).text == told.last_published_at.date().isoformat()
    assert hidden.slug not in client.get("/sitemap-stories.xml").content.decode()


def test_topic_and_provider_sections_list_only_those_with_published_articles(client):
    factories.article(topics=("Space",), by=factories.provider("nasa.gov", "NASA"))
    factories.article(published=False, topics=("Embargoed",), by=factories.provider("hidden.example", "Hidden"))
    assert locations(client.get("/sitemap-topics.xml")) == ["http://testserver/topics/space/"]
    assert locations(client.get("/sitemap-providers.xml")) == ["http://testserver/providers/nasa-gov/"]


def test_empty_catalogue_sitemaps_are_valid_and_empty(client):
    assert len(locations(client.get("/sitemap.xml"))) == 4
    assert locations(client.get("/sitemap-articles.xml")) == []


@pytest.mark.parametrize(
    "address",
    [
        "/sitemap-nothing.xml",
        "/sitemap-articles.xml?p=abc",
        "/sitemap-articles.xml?p=0",
        "/sitemap-articles.xml?p=99999",
    ],
)
def test_unknown_sections_and_junk_pages_are_404(client, address):
    factories.article()
    assert client.get(address).status_code == 404


def test_sitemaps_answer_304(client):
    factories.article()
    for address in ("/sitemap.xml", "/sitemap-articles.xml"):
        etag = client.get(address)["ETag"]
        assert client.get(address, headers={"If-None-Match": etag}).status_code == 304


def test_sitemap_queries_do_not_grow_with_the_catalogue(client, django_assert_max_num_queries):
    factories.catalogue(3)
    counts = {}
    for address in ("/sitemap.xml", "/sitemap-articles.xml", "/sitemap-stories.xml", "/sitemap-topics.xml"):
        with CaptureQueriesContext(connection) as queries:
            client.get(address)
        counts[address] = len(queries.captured_queries)
    factories.catalogue(20)
    for address, count in counts.items():
        with django_assert_max_num_queries(count):
            assert client.get(address).status_code == 200
    assert counts["/sitemap.xml"] <= 5  # the validator and one COUNT per section


def test_robots_txt_points_at_the_sitemap_index(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines
    assert "Disallow: /" not in lines  # the site itself stays crawlable
