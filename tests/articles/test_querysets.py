"""The querysets own who sees which articles, how topics and providers count them, and the newest-first order."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import F

from articles.models import NEWEST_FIRST, Article, TaggedTopic, Topic, ordering_for
from providers.models import Provider
from tests.articles.api_support import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_article):
    science = Topic.objects.create(name="Science", slug="science")
    other = Provider.objects.create(name="Other Wire", domain="other.example", slug="other-example")
    public = make_article(is_published=True)
    draft = make_article(is_published=False, provider=other)
    for article in (public, draft):
        TaggedTopic.objects.create(content_object=article, tag=science)
    return {"public": public, "draft": draft, "science": science, "other": other}


def test_only_users_who_may_view_unpublished_articles_see_them(catalogue, django_user_model):
    everything = {catalogue["public"].pk, catalogue["draft"].pk}
    for user in (None, AnonymousUser(), user_with(django_user_model, "reader", [])):
        assert set(Article.objects.visible_to(user).values_list("pk", flat=True)) == {catalogue["public"].pk}
    for codename in ("view_article", "change_article"):
        editor = user_with(django_user_model, f"editor-{codename}", [codename])
        assert set(Article.objects.visible_to(editor).values_list("pk", flat=True)) == everything


def test_articles_of_a_topic_and_of_a_provider(catalogue):
    assert set(Article.objects.for_topic(catalogue["science"])) == {catalogue["public"], catalogue["draft"]}
    assert list(Article.objects.published().for_topic(catalogue["science"])) == [catalogue["public"]]
    assert list(Article.objects.for_provider(catalogue["other"])) == [catalogue["draft"]]


def test_topics_and_providers_with_and_counting_articles(catalogue):
    published = Article.objects.published()
    assert list(Topic.objects.with_articles_in(published)) == [catalogue["science"]]
    assert Topic.objects.with_articles_in(published).with_article_count(published).get().article_count == 1
    assert Topic.objects.with_article_count().get().article_count == 2
    assert list(Provider.objects.with_articles_in(published).values_list("slug", flat=True)) == ["example-com"]
    counts = dict(Provider.objects.with_article_count(Article.objects.all()).values_list("slug", "article_count"))
    assert counts == {"example-com": 1, "other-example": 1}
    assert Provider.objects.with_article_count(published).get(slug="other-example").article_count == 0


def test_one_ordering_rule_undated_last_in_either_direction():
    assert NEWEST_FIRST == (F("published_at").desc(nulls_last=True), F("id").desc())
    assert ordering_for("title", False, nullable=False) == (F("title").asc(), F("id").asc())
    assert ordering_for("quality", False) == (F("quality").asc(nulls_last=True), F("id").asc())
