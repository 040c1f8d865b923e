"""Stories in the REST API: the article's ``story``, ``/api/v1/stories/``, ``?story=``, and bad input."""

import datetime as dt

import pytest

from articles.models import Article, Story, TaggedTopic
from articles.stories.placement import stories_refresh
from tests import factories

from .api_support import results
from .story_support import story_of

pytestmark = pytest.mark.django_db

STORIES = "/api/v1/stories/"


def providers(count: int):
    return [factories.provider(f"p{n}.example") for n in range(count)]


def story_with(build_catalogue, slug: str, *, published: int, held_back: int = 0, topic: str | None = None) -> Story:
    members = build_catalogue(published) + build_catalogue(held_back, published=False)
    sources = providers(len(members))
    for article, source in zip(members, sources, strict=True):
        Article.objects.filter(pk=article.pk).update(provider=source)
    if topic:
        for article in members:
            TaggedTopic.objects.create(content_object=article, tag=factories.topic(topic), position=5)
    return story_of(members, slug)


def test_every_article_carries_its_story_sized_for_the_caller(api, editor_api, build_catalogue):
    story = story_with(build_catalogue, "rates", published=2, held_back=1)
    member = Article.objects.filter(story=story, is_published=True).first()

    public = api.get(f"/api/v1/articles/{member.slug}/").json()["story"]
    editor = editor_api.get(f"/api/v1/articles/{member.slug}/").json()["story"]

    assert public == {
        "slug": "rates",
        "size": 2,
        "links": {"self": "http://testserver/api/v1/stories/rates/", "html": "http://testserver/stories/rates/"},
    }
    assert editor["size"] == 3


def test_an_article_without_a_story_has_null_and_fields_story_works(api, build_catalogue):
    [alone] = build_catalogue(1)
    story_with(build_catalogue, "pair", published=2)

    rows = results(api.get("/api/v1/articles/", {"fields": "slug,story"}))

    assert all(set(row) == {"slug", "story"} for row in rows)
    by_slug = {row["slug"]: row["story"] for row in rows}
    assert by_slug[alone.slug] is None
    assert sum(1 for story in by_slug.values() if story and story["slug"] == "pair") == 2


def test_the_story_filter_on_articles(api, editor_api, build_catalogue):
    story_with(build_catalogue, "one", published=2, held_back=1)
    story_with(build_catalogue, "two", published=1)

    assert len(results(api.get("/api/v1/articles/", {"story": "one"}))) == 2
    assert len(results(editor_api.get("/api/v1/articles/", {"story": "one"}))) == 3
    assert len(results(api.get("/api/v1/articles/", {"story": "one,two"}))) == 3
    assert results(api.get("/api/v1/articles/", {"story": "none-such"})) == []
    bad = api.get("/api/v1/articles/", {"story": "not a slug!"})
    assert bad.status_code == 400 and "story" in bad.json()["errors"]


def test_story_list_is_newest_first_by_default_and_largest_on_request(api, build_catalogue):
    older = story_with(build_catalogue, "older", published=3)
    newer = story_with(build_catalogue, "newer", published=1)
    story_with(build_catalogue, "hidden", published=0, held_back=2)

    assert [row["slug"] for row in results(api.get(STORIES))] == ["newer", "older"]
    assert [row["slug"] for row in results(api.get(STORIES, {"ordering": "largest"}))] == ["older", "newer"]
    row = results(api.get(STORIES))[1]
    assert row["size"] == 3 and row["provider_count"] == 3
    assert row["lead"] == Story.objects.get(pk=older.pk).lead.slug
    assert row["links"]["articles"] == "http://testserver/api/v1/articles/?story=older"
    assert newer.last_published_at > older.last_published_at


def test_editors_see_stories_without_a_published_article(editor_api, build_catalogue):
    story_with(build_catalogue, "hidden", published=0, held_back=2)
    [row] = results(editor_api.get(STORIES))
    assert row["slug"] == "hidden" and row["size"] == 2 and row["links"]["html"] is None


def test_story_list_filters(api, build_catalogue):
    small = story_with(build_catalogue, "small", published=1, topic="Climate")
    story_with(build_catalogue, "large", published=3)

    assert [row["slug"] for row in results(api.get(STORIES, {"min_size": 2}))] == ["large"]
    assert [row["slug"] for row in results(api.get(STORIES, {"topic": "climate"}))] == ["small"]
    since = (small.last_published_at + dt.timedelta(minutes=1)).isoformat()
    assert [row["slug"] for row in results(api.get(STORIES, {"since": since}))] == ["large"]
    assert [row["slug"] for row in results(api.get(STORIES, {"until": since}))] == ["small"]


def test_the_topic_filter_ignores_held_back_articles_for_readers(api, editor_api, build_catalogue):
    story = story_with(build_catalogue, "mixed", published=1)
    [draft] = build_catalogue(1, published=False)
    TaggedTopic.objects.create(content_object=draft, tag=factories.topic("Secret"), position=5)
    Article.objects.filter(pk=draft.pk).update(story=story)
    stories_refresh([story.pk])

    assert results(api.get(STORIES, {"topic": "secret"})) == []
    assert [row["slug"] for row in results(editor_api.get(STORIES, {"topic": "secret"}))] == ["mixed"]


def test_story_list_pages_with_cursors_in_either_ordering(api, build_catalogue):
    for index in range(5):
        story_with(build_catalogue, f"s{index}", published=1 + index % 2)
    for ordering in ("newest", "largest"):
        first = api.get(STORIES, {"page_size": 2, "ordering": ordering}).json()
        second = api.get(first["next"]).json()
        third = api.get(second["next"]).json()
        slugs = [row["slug"] for page in (first, second, third) for row in page["results"]]
        assert sorted(slugs) == [f"s{index}" for index in range(5)]
        assert third["next"] is None
        back = api.get(second["previous"]).json()
        assert back["results"] == first["results"]


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "garbage"},
        {"cursor": "eyJvIjoiLXB1Ymxpc2hlZF9hdCIsInAiOlsxLDFdfQ"},  # another endpoint's ordering
        {"min_size": "many"},
        {"min_size": "0"},
        {"min_size": "99999999999999999999"},
        {"since": "yesterday"},
        {"until": "2024-02-30"},
        {"since": "0000-01-01"},
        {"ordering": "oldest"},
        {"topic": "not a slug!"},
        {"page_size": "0"},
    ],
)
def test_crafted_input_is_a_400_json_never_a_500(api, build_catalogue, params):
    story_with(build_catalogue, "one", published=1)
    response = api.get(STORIES, params)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")


def test_story_detail_carries_its_visible_members_newest_first(api, editor_api, build_catalogue):
    story = story_with(build_catalogue, "rates", published=2, held_back=1)

    public = api.get(f"{STORIES}rates/")
    editor = editor_api.get(f"{STORIES}rates/").json()

    assert public.status_code == 200
    body = public.json()
    assert body["size"] == 2 and body["headline"] == story.headline
    published = Article.objects.filter(story=story, is_published=True).order_by("-published_at")
    assert [article["slug"] for article in body["articles"]] == [article.slug for article in published]
    assert all(article["story"]["slug"] == "rates" for article in body["articles"])
    assert len(editor["articles"]) == 3 and editor["size"] == 3


def test_a_story_without_a_published_article_is_a_404_for_readers(api, editor_api, build_catalogue):
    story_with(build_catalogue, "drafts", published=0, held_back=1)
    assert api.get(f"{STORIES}drafts/").status_code == 404
    assert api.get(f"{STORIES}none-such/").status_code == 404
    assert editor_api.get(f"{STORIES}drafts/").status_code == 200


def test_a_merged_story_answers_with_the_survivor(api, build_catalogue):
    survivor = story_with(build_catalogue, "survivor", published=2)
    Story.objects.create(slug="merged", merged_into=survivor)

    assert api.get(f"{STORIES}merged/").json()["slug"] == "survivor"
    assert [row["slug"] for row in results(api.get(STORIES))] == ["survivor"]


@pytest.mark.parametrize("caller", ["api", "editor_api"])
def test_story_endpoints_cost_a_constant_number_of_queries(
    request, caller, build_catalogue, django_assert_max_num_queries
):
    client = request.getfixturevalue(caller)
    budget = 2 if caller == "api" else 5  # + the token's user and permissions

    story_with(build_catalogue, "small", published=3)
    with django_assert_max_num_queries(budget) as small_list:
        assert client.get(STORIES).status_code == 200
    with django_assert_max_num_queries(budget) as small_detail:
        assert client.get(f"{STORIES}small/").status_code == 200

    for index in range(10):
        story_with(build_catalogue, f"large-{index}", published=3)
    with django_assert_max_num_queries(budget) as large_list:
        assert client.get(STORIES).status_code == 200
    with django_assert_max_num_queries(budget) as large_detail:
        assert client.get(f"{STORIES}large-0/").status_code == 200
    assert len(large_list) == len(small_list) and len(large_detail) == len(small_detail)


def test_the_article_list_still_costs_the_same_with_stories(api, build_catalogue, django_assert_max_num_queries):
    story_with(build_catalogue, "small", published=3)
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/articles/").status_code == 200
    for index in range(9):
        story_with(build_catalogue, f"more-{index}", published=3)
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/articles/").status_code == 200


def test_dates_are_utc_iso(api, build_catalogue):
    story = story_with(build_catalogue, "dated", published=1)
    [row] = results(api.get(STORIES))
    assert row["last_published_at"] == story.last_published_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
