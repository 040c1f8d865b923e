"""The stories admin: its list (what it hides, its filters, a cost that does not grow with it), the story
page's decisions through the audited services, stale pages, who may act, and the article list's story column."""

import datetime as dt

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, EditorialChange, Story
from articles.services import stories_merge
from articles.stories.placement import stories_refresh
from tests import factories

pytestmark = pytest.mark.django_db

STORIES = reverse("admin:articles_story_changelist")
ARTICLES = reverse("admin:articles_article_changelist")


def story_of(*articles: Article, slug: str | None = None) -> Story:
    """A story holding ``articles``, counted and led as the importer leaves it."""
    story = Story.objects.create(slug=slug or f"story-of-{articles[0].slug}")
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(story=story)
    stories_refresh([story.pk])
    story.refresh_from_db()
    return story


def story_with(size: int, *, topics=("Science",), slug: str | None = None, **fields) -> Story:
    providers = [factories.provider(f"site{n}.example") for n in range(3)]
    articles = [factories.article(topics=topics, by=providers[n % 3], **fields) for n in range(size)]
    return story_of(*articles, slug=slug)


def change_url(story: Story) -> str:
    return reverse("admin:articles_story_change", args=[story.pk])


def curate(client, story: Story, **data):
    return client.post(reverse("admin:articles_story_curate", args=[story.pk]), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def shown(response) -> list[Story]:
    return list(response.context["cl"].result_list)


@pytest.fixture
def viewer(django_user_model):
    """Staff who may see the whole catalogue, but not curate."""
    user = django_user_model.objects.create_user(username="viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="articles", codename="view_article"))
    return user


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_live_stories_with_their_columns(editor_client):
    story = story_with(3)
    merged = story_with(2)
    Story.objects.filter(pk=merged.pk).update(merged_into=story)
    empty = Story.objects.create(slug="empty")

    response = editor_client.get(STORIES)

    assert response.status_code == 200
    assert shown(response) == [story]
    assert empty not in shown(response)
    html = response.content.decode()
    assert story.headline in html
    assert story.lead.title in html
    assert "site" in html  # the lead's provider


def test_the_list_searches_headlines(editor_client):
    wanted, other = story_with(2), story_with(2)
    Story.objects.filter(pk=wanted.pk).update(headline="Volcano erupts", headline_set_by_editor=True)

    response = editor_client.get(STORIES, {"q": "volcano"})

    assert shown(response) == [Story.objects.get(pk=wanted.pk)]
    assert other not in shown(response)


def test_the_topic_filter_lists_each_story_once(editor_client):
    # Two articles of the story are in the topic: a join would list it twice.
    tagged = story_with(2, topics=("Volcanoes", "Science"))
    untagged = story_with(2, topics=("Courts",))
    topic = factories.topic("Volcanoes")

    response = editor_client.get(STORIES, {"topic__id__exact": topic.pk})

    assert shown(response) == [tagged]
    assert untagged not in shown(response)
    assert response.context["cl"].result_count == 1


def test_the_date_filter_reads_the_last_article_date(editor_client):
    recent = story_with(2, published_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    old = story_with(2, published_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    # As the filter's "Past 7 days" link gives them.
    now = dt.datetime.now(dt.UTC)
    since, until = (now - dt.timedelta(days=7)).isoformat(), (now + dt.timedelta(days=1)).isoformat()

    response = editor_client.get(STORIES, {"last_seen_at__gte": since, "last_seen_at__lt": until})

    assert shown(response) == [recent]
    assert old not in shown(response)


@pytest.mark.parametrize("query", ["", "q=Story", "topic__id__exact={topic}", "last_seen_at__isnull=False"])
def test_the_list_costs_the_same_at_3_and_30_stories(editor_client, django_assert_max_num_queries, query):
    def queries_at(count: int) -> int:
        while Story.objects.filter(size__gt=0).count() < count:
            story_with(2)
        url = f"{STORIES}?{query.format(topic=factories.topic('Science').pk)}"
        with CaptureQueriesContext(connection) as captured:
            response = editor_client.get(url)
        assert response.status_code == 200
        assert len(shown(response)) == count
        return len(captured)

    small = queries_at(3)
    with django_assert_max_num_queries(small):
        editor_client.get(STORIES)
    assert queries_at(30) == small


# --- The story page --------------------------------------------------------------------------


def test_the_story_page_lists_its_articles_and_costs_the_same_at_3_and_30(editor_client, django_assert_max_num_queries):
    small, large = story_with(3), story_with(30)
    with CaptureQueriesContext(connection) as captured:
        response = editor_client.get(change_url(small))
    assert response.status_code == 200
    assert len(response.context["story_articles"]) == 3
    html = response.content.decode()
    for article in Article.objects.filter(story=small):
        assert article.title in html
    assert "Set as lead" in html and "Split out" in html and "Publish the lead and hold the rest" in html

    with django_assert_max_num_queries(len(captured)):
        response = editor_client.get(change_url(large))
    assert len(response.context["story_articles"]) == 30


def test_set_as_lead_is_audited(editor_client, desk_editor):
    story = story_with(3)
    other = Article.objects.filter(story=story).exclude(pk=story.lead_id).first()

    response = curate(editor_client, story, operation="set_lead", article=other.pk)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.lead_id == other.pk and story.lead_set_by_editor
    change = EditorialChange.objects.get(field=EditorialChange.Field.STORY_LEAD)
    assert (change.article_id, change.new_value, change.user, change.via) == (
        other.pk,
        other.slug,
        desk_editor,
        "admin",
    )


def test_split_out_makes_a_story_of_one_and_is_audited(editor_client):
    story = story_with(3)
    leaving = Article.objects.filter(story=story).exclude(pk=story.lead_id).first()

    response = curate(editor_client, story, operation="split", article=leaving.pk)

    assert response.status_code == 302
    leaving.refresh_from_db()
    assert leaving.story_id != story.pk and leaving.story_placed_by_editor
    assert Story.objects.get(pk=story.pk).size == 2
    change = EditorialChange.objects.get(field=EditorialChange.Field.STORY, article=leaving)
    assert (change.old_value, change.new_value) == (story.slug, leaving.story.slug)


def test_move_by_slug_is_audited(editor_client):
    story, target = story_with(2), story_with(2, slug="the-target")
    moving = Article.objects.filter(story=story).first()

    curate(editor_client, story, operation="move", article=moving.pk, slug="the-target")

    assert Article.objects.get(pk=moving.pk).story_id == target.pk
    assert Story.objects.get(pk=target.pk).size == 3
    change = EditorialChange.objects.get(field=EditorialChange.Field.STORY)
    assert (change.old_value, change.new_value) == (story.slug, "the-target")


def test_move_to_an_unknown_story_says_so(editor_client):
    story = story_with(2)
    moving = Article.objects.filter(story=story).first()

    response = curate(editor_client, story, operation="move", article=moving.pk, slug="nowhere")

    assert Article.objects.get(pk=moving.pk).story_id == story.pk
    assert any("nowhere" in message for message in messages_of(editor_client.get(response.url)))


def test_headline_set_and_given_back_to_the_lead(editor_client):
    story = story_with(2)
    lead_title = story.lead.title

    curate(editor_client, story, operation="headline", headline="An editor's headline")
    assert Story.objects.get(pk=story.pk).headline == "An editor's headline"

    curate(editor_client, story, operation="headline", headline="")
    story.refresh_from_db()
    assert (story.headline, story.headline_set_by_editor) == (lead_title, False)
    assert EditorialChange.objects.filter(field=EditorialChange.Field.STORY_HEADLINE).count() == 2


def test_publish_the_lead_and_hold_the_rest(editor_client):
    story = story_with(3, published=False)

    curate(editor_client, story, operation="publish_lead_only")

    published = set(Article.objects.filter(story=story, is_published=True).values_list("pk", flat=True))
    assert published == {story.lead_id}
    assert EditorialChange.objects.filter(
        field=EditorialChange.Field.IS_PUBLISHED, article_id=story.lead_id, new_value=True
    ).exists()


def test_merge_by_slug_from_the_page(editor_client):
    story, other = story_with(2), story_with(2, slug="other-story")

    curate(editor_client, story, operation="merge", slug="other-story")

    assert Story.objects.get(pk=story.pk).size == 4
    assert Story.objects.get(pk=other.pk).merged_into_id == story.pk
    assert EditorialChange.objects.filter(field=EditorialChange.Field.STORY, new_value=story.slug).count() == 2


def test_the_merge_action_goes_into_the_largest_unless_told(editor_client):
    small, large, middle = story_with(1), story_with(3), story_with(2)
    selected = [str(s.pk) for s in (small, large, middle)]

    confirm = editor_client.post(STORIES, {"action": "merge_selected", helpers.ACTION_CHECKBOX_NAME: selected})
    assert confirm.status_code == 200
    assert confirm.context["largest"] == large

    editor_client.post(
        STORIES,
        {"action": "merge_selected", helpers.ACTION_CHECKBOX_NAME: selected, "apply": "1", "into": str(middle.pk)},
    )

    assert Story.objects.get(pk=middle.pk).size == 6
    assert set(Story.objects.filter(merged_into=middle).values_list("pk", flat=True)) == {small.pk, large.pk}
    changes = EditorialChange.objects.filter(field=EditorialChange.Field.STORY, via=EditorialChange.Via.BULK)
    assert changes.count() == 4


# --- Stale pages ------------------------------------------------------------------------------


def test_a_page_of_a_story_merged_meanwhile_gets_the_message(editor_client):
    story, other = story_with(2), story_with(2)
    article = Article.objects.filter(story=story).exclude(pk=story.lead_id).first()
    # Another editor merges the story while this page is open.
    stories_merge(stories=[story], into=other)

    response = curate(editor_client, story, operation="set_lead", article=article.pk)

    assert response.status_code == 302
    followed = editor_client.get(response.url, follow=True)
    assert followed.status_code == 200
    assert any("merged into" in message for message in messages_of(followed))
    assert not EditorialChange.objects.filter(field=EditorialChange.Field.STORY_LEAD).exists()


def test_an_article_moved_meanwhile_gets_the_message(editor_client):
    story, elsewhere = story_with(3), story_with(2)
    article = Article.objects.filter(story=story).exclude(pk=story.lead_id).first()
    Article.objects.filter(pk=article.pk).update(story=elsewhere)

    response = curate(editor_client, story, operation="split", article=article.pk)

    assert response.status_code == 302
    assert any("moved to another story" in message for message in messages_of(editor_client.get(response.url)))
    assert Article.objects.get(pk=article.pk).story_id == elsewhere.pk


def test_a_merged_story_page_leads_to_its_target(editor_client):
    story, other = story_with(2), story_with(2)
    Story.objects.filter(pk=story.pk).update(merged_into=other)

    response = editor_client.get(change_url(story))

    assert response.status_code == 302 and response.url == change_url(other)


def test_nonsense_posted_to_the_page_is_a_message(editor_client):
    story = story_with(2)

    response = curate(editor_client, story, operation="set_lead", article="not-a-number")
    assert response.status_code == 302
    assert any(message.startswith("article:") for message in messages_of(editor_client.get(response.url)))

    response = curate(editor_client, story, operation="headline", headline="x" * 501)
    assert any("500 characters" in message for message in messages_of(editor_client.get(response.url)))
    assert Story.objects.get(pk=story.pk).headline == story.headline


# --- Who may act ------------------------------------------------------------------------------


def test_a_non_curator_reads_but_cannot_merge(viewer_client):
    story, other = story_with(2), story_with(2, slug="other-story")

    page = viewer_client.get(change_url(story))
    assert page.status_code == 200
    assert "Publish the lead and hold the rest" not in page.content.decode()
    listing = viewer_client.get(STORIES)
    assert listing.status_code == 200
    assert "merge_selected" not in listing.content.decode()

    assert curate(viewer_client, story, operation="merge", slug="other-story").status_code == 403
    viewer_client.post(
        STORIES,
        {
            "action": "merge_selected",
            helpers.ACTION_CHECKBOX_NAME: [story.pk, other.pk],
            "apply": "1",
            "into": story.pk,
        },
    )
    assert Story.objects.get(pk=other.pk).merged_into_id is None
    assert not EditorialChange.objects.exists()


def test_the_merge_action_is_offered_to_curators_only(rf, desk_editor, viewer):
    from django.contrib.admin import site

    story_admin = site._registry[Story]
    for user, offered in ((desk_editor, {"merge_selected"}), (viewer, set())):
        request = rf.get(STORIES)
        request.user = user
        assert set(story_admin.get_actions(request)) == offered


# --- The article list -------------------------------------------------------------------------


def test_the_article_list_shows_and_filters_by_story(editor_client):
    together = story_with(3)
    alone = story_with(1)

    response = editor_client.get(ARTICLES)
    html = response.content.decode()
    assert html.count("in a story of 3") == 3  # under each of its articles' titles
    assert "in a story of 1" not in html and alone.articles.exists()

    with_others = {a.pk for a in editor_client.get(ARTICLES, {"in_story": "others"}).context["cl"].result_list}
    assert with_others == set(Article.objects.filter(story=together).values_list("pk", flat=True))
    by_itself = {a.pk for a in editor_client.get(ARTICLES, {"in_story": "alone"}).context["cl"].result_list}
    assert by_itself == set(Article.objects.filter(story=alone).values_list("pk", flat=True))


def test_the_story_column_costs_no_query_per_row(editor_client, django_assert_max_num_queries):
    story_with(2)
    with CaptureQueriesContext(connection) as captured:
        editor_client.get(ARTICLES)
    for _ in range(10):
        story_with(3)
    with django_assert_max_num_queries(len(captured)):
        editor_client.get(ARTICLES)
