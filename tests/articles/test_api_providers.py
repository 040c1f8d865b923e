"""Providers in the API: listed by name with counts of visible articles, a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.services import article_publish, article_unpublish
from providers.models import Provider
from tests.articles.api_support import results
from tests.articles.test_ordering import query_plan


def test_providers_list_with_counts_of_visible_articles(api, editor_api, build_catalogue):
    build_catalogue(3)
    build_catalogue(2, published=False)
    listed = {item["slug"]: item["article_count"] for item in results(api.get("/api/v1/providers/"))}
    assert listed == {"example-com": 3}
    # bbc.com is only cited in related links: an editor sees it, with no article of its own.
    as_editor = {item["slug"]: item["article_count"] for item in results(editor_api.get("/api/v1/providers/"))}
    assert as_editor == {"example-com": 5, "bbc-com": 0}


def test_a_provider_of_unpublished_articles_only_is_not_shown_to_readers(
    api, editor_api, build_catalogue, make_article
):
    build_catalogue(1)
    hidden = Provider.objects.create(name="Embargoed Wire", domain="embargoed.example", slug="embargoed-example")
    draft = make_article(provider=hidden, is_published=False)
    make_article(provider=hidden, is_published=False)
    assert "embargoed-example" not in {item["slug"] for item in results(api.get("/api/v1/providers/"))}
    assert api.get("/api/v1/providers/embargoed-example/").status_code == 404
    assert api.get(hidden.get_absolute_url()).status_code == 404  # as the public page says
    assert editor_api.get("/api/v1/providers/embargoed-example/").json()["article_count"] == 2

    article_publish(article=draft)
    assert api.get("/api/v1/providers/embargoed-example/").json()["article_count"] == 1
    article_unpublish(article=draft)
    assert api.get("/api/v1/providers/embargoed-example/").status_code == 404


def test_provider_detail(api, build_catalogue):
    build_catalogue(2)
    provider = Provider.objects.get(slug="example-com")
    provider.logo_url, provider.logo_width, provider.logo_height = "/logo.png", 64, 32
    provider.save()
    assert api.get("/api/v1/providers/example-com/").json() == {
        "name": "Example News",
        "domain": "example.com",
        "slug": "example-com",
        "logo": {"url": "/logo.png", "width": 64, "height": 32},
        "article_count": 2,
        "links": {
            "self": "http://testserver/api/v1/providers/example-com/",
            "articles": "http://testserver/api/v1/articles/?provider=example-com",
            "html": f"http://testserver{provider.get_absolute_url()}",
        },
    }
    assert api.get("/api/v1/providers/nobody/").status_code == 404


def test_a_providers_articles_link_lists_its_articles(api, build_catalogue):
    articles = build_catalogue(2)
    link = api.get("/api/v1/providers/example-com/").json()["links"]["articles"]
    assert [item["slug"] for item in results(api.get(link))] == [a.slug for a in reversed(articles)]


def test_a_provider_without_a_logo_says_so(editor_api, build_catalogue):
    build_catalogue(1)
    assert editor_api.get("/api/v1/providers/bbc-com/").json()["logo"] is None


def test_providers_are_paginated_by_name(editor_api, db):
    for index in range(5):
        Provider.objects.create(name=f"Provider {index}", domain=f"p{index}.example", slug=f"p{index}-example")
    first = editor_api.get("/api/v1/providers/?page_size=2").json()
    names = [item["name"] for item in first["results"]]
    url = first["next"]
    while url:
        page = editor_api.get(url).json()
        names += [item["name"] for item in page["results"]]
        url = page["next"]
    assert names == [f"Provider {index}" for index in range(5)]


@pytest.mark.parametrize("catalogue_size", [3, 40])
def test_provider_list_and_detail_cost_a_constant_number_of_queries(
    api, editor_api, build_catalogue, make_article, django_assert_max_num_queries, catalogue_size
):
    build_catalogue(catalogue_size)
    for index in range(catalogue_size):
        source = Provider.objects.create(name=f"P{index}", domain=f"p{index}.example", slug=f"p{index}-example")
        make_article(provider=source, is_published=index % 2 == 0)
    with django_assert_max_num_queries(1):
        assert len(results(api.get("/api/v1/providers/?page_size=100"))) == 1 + (catalogue_size + 1) // 2
    with django_assert_max_num_queries(1):
        assert api.get("/api/v1/providers/example-com/").status_code == 200
    # An editor's token, user and permissions cost the same few queries whatever the catalogue.
    with django_assert_max_num_queries(4):
        assert len(results(editor_api.get("/api/v1/providers/?page_size=100"))) == catalogue_size + 2
    with django_assert_max_num_queries(4):
        assert editor_api.get("/api/v1/providers/example-com/").status_code == 200


def test_readers_providers_are_found_and_counted_through_the_published_provider_index(api, build_catalogue):
    build_catalogue(3)
    with CaptureQueriesContext(connection) as ran:
        assert results(api.get("/api/v1/providers/"))
    (sql,) = [query["sql"] for query in ran.captured_queries]
    plan = "\n".join(query_plan(sql))
    assert "article_published_provider_idx" in plan, plan
