"""ArticleFilterSet through the API: every filter, every ordering, every bad value is a 400 naming it."""

import pytest
from django.http import QueryDict

from articles.filters import ORDERING_FIELDS, ArticleFilterSet
from articles.models import Article, TaggedTopic, Topic
from providers.models import Provider
from tests.articles.api_support import BASE_DATE, expected_order, results


def slugs(response) -> list[str]:
    return [item["slug"] for item in results(response)]


def titles(articles) -> list[str]:
    return [article.slug for article in articles]


@pytest.fixture
def catalogue(build_catalogue):
    """Six published articles (oldest first), topics cycling ai/science/politics."""
    return build_catalogue(6)


# --------------------------------------------------------------------------- filters


def test_topic_filter_matches_any_of_the_topics_without_duplicates(api, catalogue):
    # Article i has topics (i % 3, (i + 1) % 3) of (ai, science, politics).
    ai = {a.slug for i, a in enumerate(catalogue) if 0 in (i % 3, (i + 1) % 3)}
    assert set(slugs(api.get("/api/v1/articles/?topic=ai"))) == ai
    both = slugs(api.get("/api/v1/articles/?topic=ai&topic=science"))
    assert len(both) == len(set(both))
    assert set(both) == {a.slug for i, a in enumerate(catalogue) if {i % 3, (i + 1) % 3} & {0, 1}}
    assert slugs(api.get("/api/v1/articles/?topic=ai,science")) == both
    assert slugs(api.get("/api/v1/articles/?topic=unknown-topic")) == []


def test_provider_filter_takes_slugs_and_domains(api, catalogue, make_article):
    other = Provider.objects.create(name="Other", domain="other.org", slug="other-org")
    theirs = make_article(provider=other, is_published=True, published_at=BASE_DATE)
    everything = {a.slug for a in catalogue} | {theirs.slug}
    assert slugs(api.get("/api/v1/articles/?provider=other-org")) == [theirs.slug]
    assert slugs(api.get("/api/v1/articles/?provider=other.org")) == [theirs.slug]
    assert slugs(api.get("/api/v1/articles/?provider=WWW.Other.org")) == [theirs.slug]
    assert set(slugs(api.get("/api/v1/articles/?provider=other.org&provider=example-com"))) == everything
    assert slugs(api.get("/api/v1/articles/?provider=nobody.example")) == []


def test_published_after_is_inclusive_and_published_before_exclusive(api, catalogue):
    third = catalogue[2].published_at  # BASE + 2h
    after = slugs(api.get("/api/v1/articles/", {"published_after": third.isoformat()}))
    assert after == titles(reversed(catalogue[2:]))
    before = slugs(api.get("/api/v1/articles/", {"published_before": third.isoformat()}))
    assert before == titles(reversed(catalogue[:2]))
    window = slugs(
        api.get(
            "/api/v1/articles/", {"published_after": "2024-01-01T01:00:00Z", "published_before": "2024-01-01T03:00:00Z"}
        )
    )
    assert window == titles(reversed(catalogue[1:3]))


@pytest.mark.parametrize(
    "value, expected_from",
    [
        ("2024-01-01T02:00:00+00:00", 2),
        ("2024-01-01T03:00:00+01:00", 2),  # = 02:00 UTC
        ("2024-01-01T02:00:00", 2),  # no zone: UTC
        ("2024-01-01T02:30Z", 3),
        ("2024-01-01", 0),  # a date: midnight UTC
    ],
)
def test_published_after_reads_iso_8601(api, catalogue, value, expected_from):
    assert slugs(api.get("/api/v1/articles/", {"published_after": value})) == titles(
        reversed(catalogue[expected_from:])
    )


@pytest.mark.parametrize("parameter", ["published_after", "published_before"])
@pytest.mark.parametrize(
    "value", ["yesterday", "2024-02-30", "2024-13-01", "01/02/2024", "2024-01-01T25:00", "0000-01-01"]
)
def test_bad_dates_are_a_400_naming_the_parameter(api, catalogue, parameter, value):
    response = api.get("/api/v1/articles/", {parameter: value})
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [parameter]
    assert parameter in body["detail"]
    assert "ISO 8601" in body["errors"][parameter][0]


def test_quality_range(api, catalogue):
    # Qualities are 0..5 (index % 101).
    assert slugs(api.get("/api/v1/articles/?quality_min=2&quality_max=4")) == titles(reversed(catalogue[2:5]))
    assert slugs(api.get("/api/v1/articles/?quality_min=0&quality_max=0")) == [catalogue[0].slug]
    assert slugs(api.get("/api/v1/articles/?quality_min=100")) == []


@pytest.mark.parametrize("parameter", ["quality_min", "quality_max", "heat_min"])
@pytest.mark.parametrize("value", ["abc", "1.5", "1e3", "99999999999999999999999"])
def test_bad_numbers_are_a_400_naming_the_parameter(api, catalogue, parameter, value):
    response = api.get("/api/v1/articles/", {parameter: value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


@pytest.mark.parametrize("parameter, value", [("quality_min", "101"), ("quality_max", "-1"), ("heat_min", "-2")])
def test_out_of_range_numbers_are_a_400(api, catalogue, parameter, value):
    response = api.get("/api/v1/articles/", {parameter: value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_heat_min(api, catalogue):
    # Heats are 0, 10, …, 50.
    assert slugs(api.get("/api/v1/articles/?heat_min=30")) == titles(reversed(catalogue[3:]))
    assert len(slugs(api.get("/api/v1/articles/?heat_min=-1"))) == 6


def test_category_and_type(api, catalogue, make_article):
    opinion = make_article(is_published=True, category="opinion", article_type="video", published_at=BASE_DATE)
    assert slugs(api.get("/api/v1/articles/?category=opinion")) == [opinion.slug]
    assert slugs(api.get("/api/v1/articles/?type=video")) == [opinion.slug]
    assert len(slugs(api.get("/api/v1/articles/?category=news&type=article"))) == 6
    assert slugs(api.get("/api/v1/articles/?category=News")) == []  # exact


def test_q_searches_title_excerpt_and_body_for_every_word(api, catalogue, make_article):
    found = make_article(
        is_published=True,
        title="Rates held",
        excerpt="The central bank",
        body="Inflation is falling",
        published_at=BASE_DATE,
    )
    assert slugs(api.get("/api/v1/articles/?q=rates")) == [found.slug]
    assert slugs(api.get("/api/v1/articles/?q=CENTRAL")) == [found.slug]
    assert slugs(api.get("/api/v1/articles/?q=inflation+held")) == [found.slug]
    assert slugs(api.get("/api/v1/articles/?q=inflation+unicorn")) == []
    assert slugs(api.get("/api/v1/articles/?q=story+003")) == [catalogue[3].slug]
    assert api.get("/api/v1/articles/", {"q": "x" * 201}).status_code == 400


def test_is_published_filter_is_for_editors(api, editor_api, build_catalogue):
    published = build_catalogue(2)
    held_back = build_catalogue(1, published=False)
    assert slugs(editor_api.get("/api/v1/articles/?is_published=false")) == titles(held_back)
    assert slugs(editor_api.get("/api/v1/articles/?is_published=true")) == titles(reversed(published))
    for value in ("true", "false"):
        response = api.get(f"/api/v1/articles/?is_published={value}")
        assert response.status_code == 400
        assert "editors" in response.json()["errors"]["is_published"][0]
    response = editor_api.get("/api/v1/articles/?is_published=maybe")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["is_published"]


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("topic", "not a slug"),
        ("topic", "a/b"),
        ("provider", "bbc com"),
        ("topic", ",".join(f"t{i}" for i in range(21))),
    ],
)
def test_bad_slugs_are_a_400_naming_the_parameter(api, catalogue, parameter, value):
    response = api.get("/api/v1/articles/", {parameter: value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_every_invalid_parameter_is_named_at_once(api, catalogue):
    response = api.get("/api/v1/articles/?quality_min=abc&published_before=soon&ordering=best")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"quality_min", "published_before", "ordering"}


def test_unknown_parameters_are_ignored(api, catalogue):
    assert len(slugs(api.get("/api/v1/articles/?colour=blue"))) == 6


# --------------------------------------------------------------------------- ordering


@pytest.mark.parametrize("ordering", [f"{sign}{field}" for field in ORDERING_FIELDS for sign in ("", "-")])
def test_each_ordering_in_both_directions(api, mixed_catalogue, ordering):
    listed = slugs(api.get(f"/api/v1/articles/?ordering={ordering}&page_size=100"))
    assert listed == expected_order(list(mixed_catalogue), ordering)


def test_default_ordering_is_newest_first_with_undated_last(api, mixed_catalogue):
    assert slugs(api.get("/api/v1/articles/?page_size=100")) == expected_order(list(mixed_catalogue), "-published_at")


@pytest.mark.parametrize("value", ["best", "published", "-id", "quality,-heat", "secured"])
def test_invalid_ordering_is_a_400_naming_it(api, catalogue, value):
    response = api.get("/api/v1/articles/", {"ordering": value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ordering"]


# --------------------------------------------------------------------------- the FilterSet on its own


def test_the_filterset_works_without_drf_for_the_html_listings(catalogue):
    filterset = ArticleFilterSet(QueryDict("topic=ai&ordering=-quality"), queryset=Article.objects.published())
    assert filterset.is_valid()
    listed = list(filterset.qs)
    assert listed and listed == sorted(listed, key=lambda a: (-a.quality, -a.pk))
    assert all(TaggedTopic.objects.filter(content_object=a, tag__slug="ai").exists() for a in filterset.qs)
    invalid = ArticleFilterSet(QueryDict("quality_min=x&is_published=true"), queryset=Article.objects.published())
    assert not invalid.is_valid()
    assert set(invalid.errors) == {"quality_min", "is_published"}  # no request: not an editor


def test_the_validation_form_is_built_once_per_kind_of_caller_and_each_request_gets_its_own_fields(rf, db):
    from tests.factories import make_editor

    editor_request = rf.get("/")
    editor_request.user = make_editor()
    readers = [ArticleFilterSet(QueryDict(f"quality_min={n}"), queryset=Article.objects.none()) for n in (1, 2)]
    editors = [
        ArticleFilterSet(QueryDict("is_published=true"), queryset=Article.objects.none(), request=editor_request)
        for _ in range(2)
    ]

    assert readers[0].get_form_class() is readers[1].get_form_class()
    assert editors[0].get_form_class() is editors[1].get_form_class() is not readers[0].get_form_class()
    assert readers[0].form.fields["quality_min"] is not readers[1].form.fields["quality_min"]
    assert [r.is_valid() for r in readers] == [True, True]
    assert [r.form.cleaned_data["quality_min"] for r in readers] == [1, 2]
    assert all(e.is_valid() for e in editors)


def test_filtering_on_topics_never_duplicates_articles(api, catalogue):
    science = Topic.objects.get(slug="science")
    ai = Topic.objects.get(slug="ai")
    # Give every article both topics: a JOIN would list each twice.
    for article in catalogue:
        for position, topic in enumerate((ai, science)):
            TaggedTopic.objects.get_or_create(content_object=article, tag=topic, defaults={"position": position + 5})
    listed = slugs(api.get("/api/v1/articles/?topic=ai&topic=science&page_size=100"))
    assert sorted(listed) == sorted(a.slug for a in catalogue)
