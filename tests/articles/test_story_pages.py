"""The story pages and the story cards of the listings, as readers and editors get them."""

import json
import re

import pytest
from django.urls import reverse

from articles.models import Article, Story
from articles.stories.placement import stories_refresh
from tests import factories

from .story_support import story_of
from .test_views import Elements

pytestmark = pytest.mark.django_db

MAX_QUERIES = 6


def three_providers_story(slug: str = "the-story", **fields) -> tuple[Story, list[Article]]:
    members = [
        factories.article(by=factories.provider("example.com"), title="First report", quality=40),
        factories.article(by=factories.provider("other.example"), title="Second report", quality=90),
        factories.article(by=factories.provider("third.example"), title="Third report", quality=60),
    ]
    return story_of(members, slug, **fields), members


def test_story_page_lists_every_published_article_newest_first_with_its_provider(client):
    story, members = three_providers_story()
    hidden = factories.article(published=False, title="Held back")
    Article.objects.filter(pk=hidden.pk).update(story=story)
    stories_refresh([story.pk])

    response = client.get(reverse("articles:story_detail", args=[story.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(r'card__title"><a href="[^"]+">([^<]+)<', html)
    assert titles == ["Third report", "Second report", "First report"]
    assert "Held back" not in html
    for name in ("Example News", "Other.Example", "Third.Example"):
        assert name in html
    assert "Full coverage" in html


def test_story_page_has_its_own_metadata_and_json_ld(client):
    story, members = three_providers_story()
    response = client.get(story.get_absolute_url())
    page = Elements(response.content.decode())

    story.refresh_from_db()
    assert story.headline == "Second report"  # the best published member leads
    assert page.all("link", rel="canonical")[0]["href"] == f"http://testserver{story.get_absolute_url()}"
    assert "3 articles from 3 providers" in page.meta("description")
    data = json.loads(page.json_ld[0])
    assert data["@type"] == "CollectionPage"
    assert data["url"] == f"http://testserver{story.get_absolute_url()}"
    assert [item["name"] for item in data["mainEntity"]["itemListElement"]] == [
        "Third report",
        "Second report",
        "First report",
    ]
    feeds = [link["href"] for link in page.all("link", rel="alternate")]
    assert reverse("articles:story_feed_atom", args=[story.slug]) in feeds
    assert response.headers["ETag"]


def test_story_page_validator_moves_when_the_story_changes(client):
    story, members = three_providers_story()
    first = client.get(story.get_absolute_url())
    assert client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=first.headers["ETag"]).status_code == 304
    Story.objects.filter(pk=story.pk).update(headline="Renamed", headline_set_by_editor=True)
    stories_refresh([story.pk])  # as every story service does: it stamps updated_at
    assert client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=first.headers["ETag"]).status_code == 200


def test_a_merged_story_redirects_permanently_to_the_survivor(client):
    survivor, _ = three_providers_story("survivor")
    merged = Story.objects.create(slug="merged", merged_into=survivor)

    response = client.get(merged.get_absolute_url())

    assert response.status_code == 301
    assert response.headers["Location"] == survivor.get_absolute_url()
    feed = client.get(reverse("articles:story_feed_rss", args=["merged"]))
    assert feed.status_code == 301
    assert feed.headers["Location"] == reverse("articles:story_feed_rss", args=["survivor"])


def test_a_story_without_a_published_article_is_a_404_for_readers_and_a_preview_for_editors(client, admin_client):
    story = story_of([factories.article(published=False, title="Draft only")], "drafts")

    assert client.get(story.get_absolute_url()).status_code == 404
    assert client.get(reverse("articles:story_feed_json", args=[story.slug])).status_code == 404
    assert client.get("/stories/no-such-story/").status_code == 404

    preview = admin_client.get(story.get_absolute_url())
    assert preview.status_code == 200
    assert "Draft only" in preview.content.decode()
    assert "no-store" in preview.headers["Cache-Control"]
    assert preview.headers["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("rss", "application/rss+xml"), ("atom", "application/atom+xml"), ("json", "application/feed+json")],
)
def test_story_feeds_carry_its_published_articles(client, name, content_type):
    story, members = three_providers_story()
    factories.article(title="Elsewhere")  # not in the story
    response = client.get(reverse(f"articles:story_feed_{name}", args=[story.slug]))

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    body = response.content.decode()
    assert all(member.title in body for member in members)
    assert "Elsewhere" not in body


def test_article_page_says_how_many_other_providers_cover_it(client):
    story, members = three_providers_story()
    html = client.get(members[0].get_absolute_url()).content.decode()
    assert "Covered by 2 other providers" in html
    assert f'href="{story.get_absolute_url()}"' in html

    alone = story_of([factories.article(title="Alone")], "alone")
    assert "Covered by" not in client.get(Article.objects.get(story=alone).get_absolute_url()).content.decode()


def test_home_shows_one_card_per_story_its_lead_with_and_n_more(client):
    story, members = three_providers_story()
    solo = factories.article(title="Not yet placed")  # an article without a story still shows

    html = client.get("/").content.decode()

    titles = re.findall(r'card__title"><a href="[^"]+">([^<]+)<', html)
    assert titles.count("Second report") == 1  # the lead
    assert "First report" not in titles and "Third report" not in titles
    assert solo.title in titles
    assert f'<a href="{story.get_absolute_url()}">and 2 more</a>' in html


def test_home_leaves_out_a_story_whose_lead_is_unpublished(client):
    story, members = three_providers_story()
    Article.objects.filter(story=story).update(is_published=False)
    stories_refresh([story.pk])
    assert "report" not in client.get("/").content.decode()


@pytest.mark.parametrize("kind", ["topic", "provider"])
def test_topic_and_provider_listings_collapse_a_story_into_one_card(client, kind):
    source = factories.provider("example.com")
    members = [factories.article(by=source, title=f"Report {n}") for n in range(3)]
    other = factories.article(by=source, title="Unrelated")
    story_of(members)
    address = "/topics/science/" if kind == "topic" else source.get_absolute_url()

    html = client.get(address).content.decode()

    titles = re.findall(r'card__title"><a href="[^"]+">([^<]+)<', html)
    assert titles == ["Unrelated", "Report 2"]
    assert "and 2 more" in html
    assert other.title in html


@pytest.mark.parametrize("kind", ["home", "topic", "provider", "story", "article"])
def test_story_aware_pages_cost_the_same_few_queries_whatever_the_size(
    client, settings, kind, django_assert_max_num_queries
):
    settings.NEWSDESK_SITE_PAGE_SIZE = 20

    def build(count: int, slug: str) -> Story:
        members = [
            factories.article(by=factories.provider(f"p{n % 4}.example"), topics=("Science",)) for n in range(count)
        ]
        # Two stories per build, so listings have something to collapse.
        story_of(members[: count // 2], f"{slug}-a")
        return story_of(members[count // 2 :], slug)

    def address(story: Story) -> str:
        member = Article.objects.filter(story=story).first()
        return {
            "home": "/",
            "topic": "/topics/science/",
            "provider": member.provider.get_absolute_url(),
            "story": story.get_absolute_url(),
            "article": member.get_absolute_url(),
        }[kind]

    small = address(build(3, "small"))
    with django_assert_max_num_queries(MAX_QUERIES) as small_queries:
        assert client.get(small).status_code == 200
    large = address(build(30, "large"))
    with django_assert_max_num_queries(MAX_QUERIES) as large_queries:
        assert client.get(large).status_code == 200
    assert len(large_queries) == len(small_queries)


def test_home_walks_the_newest_first_index_with_the_lead_condition(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    three_providers_story()
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    listing = next(q["sql"] for q in queries.captured_queries if '"articles_story"' in q["sql"] and "LIMIT" in q["sql"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test database is tiny: make the planner show whether an index can serve the order at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + listing)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + listing)
        lines = [str(row[-1]) for row in cursor.fetchall()]
    plan = " ".join(lines)
    assert "article_listing_order_idx" in plan or "article_published_date_idx" in plan, plan
    # PostgreSQL's incremental sort only orders the ties of one date by id as the walk reaches them.
    full_sorts = [line for line in lines if line.strip().removeprefix("->").strip().startswith("Sort  (")]
    assert not full_sorts and "TEMP B-TREE" not in plan.upper(), plan
