"""The article API as readers see it: representation, visibility, sparse fieldsets, query counts.

Its fixtures (``api``, ``editor_api``, ``build_catalogue``…) are in tests/conftest.py, shared with
the other API tests; helpers in tests/articles/api_support.py.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from hypothesis import given
from hypothesis import strategies as st

from articles.api.rows import parse_datetime_value
from articles.api.serializers import (
    EDITOR_FIELDS,
    PUBLIC_FIELDS,
    ArticleSerializer,
    iso_datetime,
    iso_datetime_from_json,
)
from articles.models import Article, RelatedLink, TaggedTopic, Topic
from articles.services import article_publish, article_unpublish
from tests.articles.api_support import results, seed, token_client

# --------------------------------------------------------------------------- visibility


def test_anonymous_callers_see_published_articles_only(api, build_catalogue):
    published = build_catalogue(3)
    build_catalogue(2, published=False)
    slugs = [item["slug"] for item in results(api.get("/api/v1/articles/"))]
    assert slugs == [article.slug for article in reversed(published)]


def test_an_unpublished_article_is_a_404_indistinguishable_from_a_missing_one(api, build_catalogue):
    held_back = build_catalogue(1, published=False)[0]
    hidden = api.get(f"/api/v1/articles/{held_back.slug}/")
    missing = api.get("/api/v1/articles/no-such-article/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"status": 404, "code": "not_found", "detail": "Not found."}


def test_authenticated_users_without_permissions_see_published_only(reader_api, build_catalogue):
    build_catalogue(1)
    held_back = build_catalogue(1, published=False)[0]
    assert len(results(reader_api.get("/api/v1/articles/"))) == 1
    assert reader_api.get(f"/api/v1/articles/{held_back.slug}/").status_code == 404


def test_editors_see_every_article(editor_api, build_catalogue):
    build_catalogue(2)
    held_back = build_catalogue(1, published=False)[0]
    assert len(results(editor_api.get("/api/v1/articles/"))) == 3
    response = editor_api.get(f"/api/v1/articles/{held_back.slug}/")
    assert response.status_code == 200
    assert response.json()["is_published"] is False


def test_what_one_request_sees_never_carries_over_to_the_next(api, editor_api, build_catalogue):
    # The rows every list and detail start from are built once per process (articles.api.views.article_rows).
    published = build_catalogue(3)
    held_back = build_catalogue(1, published=False)[0]
    newest_first = [article.slug for article in reversed(published)]
    assert held_back.slug in [item["slug"] for item in results(editor_api.get("/api/v1/articles/"))]
    assert [item["slug"] for item in results(api.get("/api/v1/articles/"))] == newest_first
    assert len(results(api.get("/api/v1/articles/?topic=politics&ordering=title&page_size=1"))) == 1
    assert [item["slug"] for item in results(api.get("/api/v1/articles/"))] == newest_first
    assert api.get(f"/api/v1/articles/{held_back.slug}/").status_code == 404
    article_publish(article=held_back)
    assert held_back.slug in [item["slug"] for item in results(api.get("/api/v1/articles/"))]
    assert api.get(f"/api/v1/articles/{held_back.slug}/").status_code == 200


def test_the_editors_group_sees_every_article(api, build_catalogue, django_user_model):
    from articles.services import editors_group_ensure

    editors_group_ensure()
    user = django_user_model.objects.create_user(username="grouped")
    user.groups.add(Group.objects.get(name="Editors"))
    held_back = build_catalogue(1, published=False)[0]
    assert token_client(user).get(f"/api/v1/articles/{held_back.slug}/").status_code == 200


# --------------------------------------------------------------------------- representation


def test_article_json_has_exactly_the_documented_fields(api, editor_api, published_seeds):
    slug = seed("000").slug
    anonymous = api.get(f"/api/v1/articles/{slug}/").json()
    assert list(anonymous) == list(PUBLIC_FIELDS)
    editor = editor_api.get(f"/api/v1/articles/{slug}/").json()
    assert list(editor) == [*PUBLIC_FIELDS, *EDITOR_FIELDS]
    # The schema's declared fields and the fast representation never drift apart.
    assert set(ArticleSerializer().fields) == {*PUBLIC_FIELDS, *EDITOR_FIELDS}


def test_article_json_values_come_from_the_catalogue(api, published_seeds):
    article = seed("000")
    data = api.get(f"/api/v1/articles/{article.slug}/").json()
    assert data["id"] == article.pk
    assert data["title"] == article.title
    assert data["excerpt"] == article.excerpt
    assert data["body"] == article.body
    assert data["url"] == article.url
    assert data["amp_url"] == (article.amp_url or None)
    assert data["published_at"] == article.published_at.isoformat().replace("+00:00", "Z")
    assert data["category"] == article.category
    assert data["type"] == article.article_type
    assert data["quality"] == article.quality
    assert data["heat"] == article.heat
    assert data["is_published"] is True
    assert data["provider"] == {
        "name": article.provider.name,
        "domain": article.provider.domain,
        "slug": article.provider.slug,
    }
    assert data["topics"] == [{"name": topic.name, "slug": topic.slug} for topic in article.ordered_topics]
    assert data["images"] == [
        {"url": image.url, "width": image.width, "height": image.height, "title": image.title}
        for image in article.images.order_by("position")
    ]
    links = list(article.related_links.select_related("provider").order_by("position"))
    assert links and data["related"] == [
        {
            "title": link.title,
            "url": link.url,
            "excerpt": link.excerpt,
            "published_at": link.published_at.isoformat().replace("+00:00", "Z") if link.published_at else None,
            "provider": {"name": link.provider.name, "domain": link.provider.domain, "slug": link.provider.slug}
            if link.provider
            else None,
            "quality": link.quality,
            "article": None,  # none of 000's related articles is in the catalogue
        }
        for link in links
    ]
    assert any(item["published_at"] for item in data["related"])


def test_links_are_the_api_address_and_the_public_page(api, editor_api, published_seeds):
    article = seed("000")
    links = api.get(f"/api/v1/articles/{article.slug}/").json()["links"]
    assert links == {
        "self": f"http://testserver/api/v1/articles/{article.slug}/",
        "html": f"http://testserver{article.get_absolute_url()}",
    }
    assert api.get(links["self"]).status_code == 200
    held_back = seed("001")
    assert editor_api.get(f"/api/v1/articles/{held_back.slug}/").json()["links"]["html"] is None


def test_related_article_is_our_slug_only_when_visible_to_the_caller(api, editor_api, published_seeds):
    # 001 (held back) cites 000 (published); make 000 cite 001 too, to see both directions.
    citing, cited = seed("001"), seed("000")
    RelatedLink.objects.create(source=cited, position=99, title=citing.title, url=citing.url, article=citing)

    def targets(client, slug):
        return {item["url"]: item["article"] for item in client.get(f"/api/v1/articles/{slug}/").json()["related"]}

    assert targets(editor_api, citing.slug)[cited.url] == cited.slug
    assert targets(api, cited.slug)[citing.url] is None  # held back: not visible to readers
    assert targets(editor_api, cited.slug)[citing.url] == citing.slug
    outside = [slug for url, slug in targets(api, cited.slug).items() if url != citing.url]
    assert outside and all(slug is None for slug in outside)  # not in the catalogue


def test_secured_is_never_in_any_response(api, editor_api, published_seeds):
    secrets = [secured for secured in Article.objects.values_list("secured", flat=True) if secured]
    assert secrets
    bodies = [
        api.get("/api/v1/articles/").content,
        editor_api.get("/api/v1/articles/").content,
        editor_api.get("/api/v1/articles/?fields=extra,body").content,
        *[
            editor_api.get(f"/api/v1/articles/{slug}/").content
            for slug in Article.objects.values_list("slug", flat=True)
        ],
    ]
    for body in bodies:
        assert b"secured" not in body
        for secret in secrets:
            assert secret.split(";")[0][:40].encode() not in body


def test_unknown_source_keys_are_shown_to_editors_only(api, editor_api, build_catalogue):
    article = build_catalogue(1, extra={"nextVersionField": {"x": 1}})[0]
    assert "extra" not in api.get(f"/api/v1/articles/{article.slug}/").json()
    assert editor_api.get(f"/api/v1/articles/{article.slug}/").json()["extra"] == {"nextVersionField": {"x": 1}}


def test_a_body_only_draft_has_null_url_and_no_date(editor_api, published_seeds):
    draft = Article.objects.get(is_draft=True)
    data = editor_api.get(f"/api/v1/articles/{draft.slug}/").json()
    assert data["url"] is None and data["published_at"] is None and data["provider"] is None
    assert data["body"] == draft.body


# --------------------------------------------------------------------------- sparse fieldsets


def test_fields_selects_a_subset_in_the_documented_order(api, build_catalogue):
    article = build_catalogue(1)[0]
    data = api.get(f"/api/v1/articles/{article.slug}/?fields=title,slug").json()
    assert data == {"slug": article.slug, "title": article.title}
    listed = results(api.get("/api/v1/articles/?fields=links&fields=id"))
    assert list(listed[0]) == ["id", "links"]


@pytest.mark.parametrize("fields", ["titel", "title,secured", "extra", ",", "source_key"])
def test_unknown_or_unavailable_fields_are_a_400_naming_the_parameter(api, build_catalogue, fields):
    article = build_catalogue(1)[0]
    for url in ("/api/v1/articles/", f"/api/v1/articles/{article.slug}/"):
        response = api.get(url, {"fields": fields})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["fields"]


def test_editors_may_select_extra(editor_api, build_catalogue):
    article = build_catalogue(1, extra={"k": "v"})[0]
    assert editor_api.get(f"/api/v1/articles/{article.slug}/?fields=extra").json() == {"extra": {"k": "v"}}


# --------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("catalogue_size", [3, 40])
@pytest.mark.parametrize("page_size", [1, 100])
def test_article_list_costs_a_constant_number_of_queries(
    api, build_catalogue, django_assert_max_num_queries, catalogue_size, page_size
):
    build_catalogue(catalogue_size)
    build_catalogue(2, published=False)
    # One query for the page with its topics, images and related links; a second one only when
    # the page reaches the articles without the sort value (no date), which come last.
    with django_assert_max_num_queries(2):
        page = results(api.get(f"/api/v1/articles/?page_size={page_size}"))
    assert len(page) == min(page_size, catalogue_size)
    assert all(item["topics"] and item["images"] and item["related"] for item in page)
    with django_assert_max_num_queries(2):
        results(api.get(f"/api/v1/articles/?page_size={page_size}&topic=ai&topic=science&ordering=-quality"))


@pytest.mark.parametrize("catalogue_size", [3, 40])
def test_article_list_for_an_editor_costs_a_constant_number_of_queries(
    editor_api, build_catalogue, django_assert_max_num_queries, catalogue_size
):
    build_catalogue(catalogue_size)
    # + the token, and the user's permissions (two queries)
    with django_assert_max_num_queries(5):
        assert len(results(editor_api.get("/api/v1/articles/?page_size=100"))) == catalogue_size


@pytest.mark.parametrize("catalogue_size", [3, 40])
def test_article_detail_costs_a_constant_number_of_queries(
    api, build_catalogue, django_assert_max_num_queries, catalogue_size
):
    articles = build_catalogue(catalogue_size)
    with django_assert_max_num_queries(1):
        assert api.get(f"/api/v1/articles/{articles[-1].slug}/").status_code == 200


def test_a_list_reads_only_the_columns_asked_for(api, build_catalogue, django_assert_max_num_queries):
    build_catalogue(5)
    with django_assert_max_num_queries(2) as queries:
        assert len(results(api.get("/api/v1/articles/?fields=slug,title,published_at"))) == 5
    sql = queries.captured_queries[0]["sql"]
    assert '"body"' not in sql and "taggedtopic" not in sql and "relatedlink" not in sql


@pytest.mark.parametrize("catalogue_size", [3, 40])
def test_topic_list_and_detail_cost_a_constant_number_of_queries(
    api, build_catalogue, django_assert_max_num_queries, catalogue_size
):
    build_catalogue(catalogue_size)
    with django_assert_max_num_queries(1):
        assert len(results(api.get("/api/v1/topics/?page_size=100"))) == 3
    with django_assert_max_num_queries(1):
        assert api.get("/api/v1/topics/ai/").status_code == 200


# --------------------------------------------------------------------------- topics


def test_topics_list_with_counts_of_visible_articles(api, editor_api, build_catalogue):
    build_catalogue(3)  # topics: 0 → ai, science; 1 → science, politics; 2 → politics, ai
    build_catalogue(1, published=False)  # 3 → ai, science
    listed = {item["slug"]: item["article_count"] for item in results(api.get("/api/v1/topics/"))}
    assert listed == {"ai": 2, "politics": 2, "science": 2}
    as_editor = {item["slug"]: item["article_count"] for item in results(editor_api.get("/api/v1/topics/"))}
    assert as_editor == {"ai": 3, "politics": 2, "science": 3}


def test_a_topic_of_unpublished_articles_only_is_not_shown_to_readers(api, editor_api, build_catalogue, make_article):
    build_catalogue(1)
    embargoed = Topic.objects.create(name="Embargoed", slug="embargoed")
    draft = make_article(is_published=False)
    TaggedTopic.objects.create(content_object=draft, tag=embargoed)
    Topic.objects.create(name="Unused", slug="unused")
    listed = {item["slug"] for item in results(api.get("/api/v1/topics/"))}
    assert "embargoed" not in listed and "unused" not in listed
    assert api.get("/api/v1/topics/embargoed/").status_code == 404
    assert api.get(embargoed.get_absolute_url()).status_code == 404  # as the public page says
    assert editor_api.get("/api/v1/topics/embargoed/").json()["article_count"] == 1
    assert {"embargoed", "unused"} <= {item["slug"] for item in results(editor_api.get("/api/v1/topics/"))}

    article_publish(article=draft)
    assert api.get("/api/v1/topics/embargoed/").json()["article_count"] == 1
    article_unpublish(article=draft)
    assert api.get("/api/v1/topics/embargoed/").status_code == 404


@pytest.mark.parametrize("catalogue_size", [3, 40])
def test_an_editors_topics_cost_a_constant_number_of_queries(
    editor_api, build_catalogue, django_assert_max_num_queries, catalogue_size
):
    build_catalogue(catalogue_size)
    # The token, its user and the user's permissions, then the page.
    with django_assert_max_num_queries(4):
        assert len(results(editor_api.get("/api/v1/topics/?page_size=100"))) == 3
    with django_assert_max_num_queries(4):
        assert editor_api.get("/api/v1/topics/ai/").status_code == 200


def test_topic_detail(api, build_catalogue):
    build_catalogue(1)
    data = api.get("/api/v1/topics/ai/").json()
    assert data == {
        "name": "AI",
        "slug": "ai",
        "article_count": 1,
        "links": {
            "self": "http://testserver/api/v1/topics/ai/",
            "articles": "http://testserver/api/v1/articles/?topic=ai",
            "html": f"http://testserver{Topic.objects.get(slug='ai').get_absolute_url()}",
        },
    }
    assert [item["slug"] for item in results(api.get(data["links"]["articles"]))]
    assert api.get("/api/v1/topics/nope/").status_code == 404


def test_topics_are_listed_by_name_and_paginated(editor_api, db):
    for name in ["Zebra", "apple", "Mango", "Kiwi", "Banana"]:
        Topic.objects.create(name=name, slug=name.lower())
    first = editor_api.get("/api/v1/topics/?page_size=2").json()
    second = editor_api.get(first["next"]).json()
    third = editor_api.get(second["next"]).json()
    names = [item["name"] for page in (first, second, third) for item in page["results"]]
    assert sorted(names, key=str.casefold) == sorted(["Zebra", "apple", "Mango", "Kiwi", "Banana"], key=str.casefold)
    assert len(set(names)) == 5 and third["next"] is None


# --------------------------------------------------------------------------- dates from JSON

UTC = dt.UTC


@given(st.datetimes(timezones=st.just(UTC)))
def test_a_date_from_the_databases_json_is_written_as_parsing_it_would(moment):
    shapes = [
        moment.replace(tzinfo=None).isoformat(" "),  # SQLite's text, as Django stores it
        moment.isoformat(),  # PostgreSQL's timestamptz in UTC
        moment.isoformat().replace(f".{moment.microsecond:06d}", f".{moment.microsecond:06d}".rstrip("0")),  # trimmed
        moment.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat() if moment.year < 9999 else moment.isoformat(),
    ]
    for text in shapes:
        assert iso_datetime_from_json(text) == iso_datetime(parse_datetime_value(text)), text
    assert iso_datetime_from_json(shapes[0]).endswith("Z")
    assert iso_datetime_from_json(None) is None
