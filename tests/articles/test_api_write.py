"""Writing through the API: curation (PATCH, audited) and ingest (POST, the importer's parser and loader)."""

import json
from io import StringIO

import pytest
import yaml
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from articles.models import Article, EditorialChange, RelatedLink
from articles.services import article_set_quality, editors_group_ensure
from tests.articles.api_support import token_client, user_with
from tests.factories import article_text

# --------------------------------------------------------------------------- who may write


def test_anonymous_writes_are_a_401_asking_for_a_token(api, build_catalogue):
    article = build_catalogue(1)[0]
    for response in (
        api.patch(f"/api/v1/articles/{article.slug}/", {"quality": 90}, format="json"),
        api.post("/api/v1/articles/", {"webUrl": "https://example.com/x", "title": "X"}, format="json"),
    ):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "not_authenticated"
    article.refresh_from_db()
    assert article.quality == 0
    assert Article.objects.count() == 1


def test_anonymous_patch_of_an_unpublished_article_is_a_401_not_a_404(api, build_catalogue):
    held_back = build_catalogue(1, published=False)[0]
    assert api.patch(f"/api/v1/articles/{held_back.slug}/", {"is_published": True}, format="json").status_code == 401


def test_a_bad_token_is_a_401(build_catalogue):
    article = build_catalogue(1)[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.patch(f"/api/v1/articles/{article.slug}/", {"quality": 1}, format="json").status_code == 401
    assert client.get("/api/v1/articles/").status_code == 401


def test_users_without_the_permissions_get_a_403(reader_api, django_user_model, build_catalogue):
    article = build_catalogue(1)[0]
    assert reader_api.patch(f"/api/v1/articles/{article.slug}/", {"quality": 90}, format="json").status_code == 403
    assert reader_api.post("/api/v1/articles/", {"title": "X"}, format="json").status_code == 403
    viewer = token_client(user_with(django_user_model, "viewer", ["view_article"]))
    response = viewer.patch(f"/api/v1/articles/{article.slug}/", {"quality": 90}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    # change_article alone edits text in the admin; publishing and scoring need the editorial permission too.
    changer = token_client(user_with(django_user_model, "changer", ["view_article", "change_article"]))
    assert changer.patch(f"/api/v1/articles/{article.slug}/", {"quality": 90}, format="json").status_code == 403
    article.refresh_from_db()
    assert article.quality == 0
    assert not EditorialChange.objects.exists()


def test_the_editors_group_can_curate_and_ingest(django_user_model, build_catalogue):
    editors_group_ensure()
    user = django_user_model.objects.create_user(username="grouped")
    user.groups.add(Group.objects.get(name="Editors"))
    client = token_client(user)
    article = build_catalogue(1, published=False)[0]
    assert client.patch(f"/api/v1/articles/{article.slug}/", {"is_published": True}, format="json").status_code == 200
    response = client.post("/api/v1/articles/", ingest_mapping(), format="json")
    assert response.status_code == 201


# --------------------------------------------------------------------------- PATCH


def test_patch_publishes_through_the_audited_service(editor_api, api, api_editor, build_catalogue):
    article = build_catalogue(1, published=False)[0]
    response = editor_api.patch(f"/api/v1/articles/{article.slug}/", {"is_published": True}, format="json")
    assert response.status_code == 200
    assert response.json()["is_published"] is True
    article.refresh_from_db()
    assert article.is_published and article.published_set_by_editor
    change = EditorialChange.objects.get(article=article)
    assert (change.field, change.old_value, change.new_value, change.user, change.via) == (
        "is_published",
        False,
        True,
        api_editor,
        "api",
    )
    assert api.get(f"/api/v1/articles/{article.slug}/").status_code == 200  # now public


def test_patch_unpublishes_and_scores_in_one_request(editor_api, api, build_catalogue):
    article = build_catalogue(1)[0]
    response = editor_api.patch(
        f"/api/v1/articles/{article.slug}/", {"is_published": False, "quality": 87}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["is_published"], response.json()["quality"]) == (False, 87)
    article.refresh_from_db()
    assert (article.is_published, article.quality, article.quality_set_by_editor) == (False, 87, True)
    assert set(EditorialChange.objects.filter(article=article).values_list("field", "new_value", "via")) == {
        ("is_published", False, "api"),
        ("quality", 87, "api"),
    }
    assert api.get(f"/api/v1/articles/{article.slug}/").status_code == 404


def test_patch_quality_null_clears_the_score(editor_api, build_catalogue):
    article = build_catalogue(1)[0]
    response = editor_api.patch(f"/api/v1/articles/{article.slug}/", {"quality": None}, format="json")
    assert response.status_code == 200 and response.json()["quality"] is None
    article.refresh_from_db()
    assert article.quality is None


def test_patch_works_with_the_admin_session_and_its_csrf_token(api_editor, build_catalogue):
    article = build_catalogue(1)[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(api_editor)
    url = f"/api/v1/articles/{article.slug}/"
    refused = client.patch(url, json.dumps({"quality": 55}), content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get("/admin/login/")  # sets the CSRF cookie, as the admin does
    token = client.cookies["csrftoken"].value
    accepted = client.patch(url, json.dumps({"quality": 55}), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
    article.refresh_from_db()
    assert article.quality == 55


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"quality": 101}, "quality"),
        ({"quality": -1}, "quality"),
        ({"quality": "x"}, "quality"),
        ({"quality": "50"}, "quality"),
        ({"quality": 50.5}, "quality"),
        ({"quality": True}, "quality"),
        ({"is_published": "yes"}, "is_published"),
        ({"is_published": 1}, "is_published"),
        ({"is_published": None}, "is_published"),
        ({"title": "New headline"}, "title"),
        ({"secured": "x"}, "secured"),
        ({"slug": "new-slug"}, "slug"),
        ({"colour": "blue"}, "colour"),
        ({"quality": 60, "body": "rewritten"}, "body"),
    ],
)
def test_bad_patches_are_a_400_naming_the_field_and_change_nothing(editor_api, build_catalogue, payload, field):
    article = build_catalogue(1)[0]
    before = Article.objects.filter(pk=article.pk).values().get()
    response = editor_api.patch(f"/api/v1/articles/{article.slug}/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Article.objects.filter(pk=article.pk).values().get() == before
    assert not EditorialChange.objects.exists()


def test_a_read_only_field_says_it_is_read_only(editor_api, build_catalogue):
    article = build_catalogue(1)[0]
    response = editor_api.patch(f"/api/v1/articles/{article.slug}/", {"title": "x"}, format="json")
    assert "read-only" in response.json()["errors"]["title"][0]


@pytest.mark.parametrize(
    "body", [b"{}", b"[]", b'"quality"', b"null", b"{not json", b"quality: 5\n", b'{"quality": NaN}']
)
def test_patch_bodies_that_are_not_a_change_are_a_400(editor_api, build_catalogue, body):
    article = build_catalogue(1)[0]
    response = editor_api.generic("PATCH", f"/api/v1/articles/{article.slug}/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_patch_must_be_json(editor_api, build_catalogue):
    article = build_catalogue(1)[0]
    response = editor_api.patch(
        f"/api/v1/articles/{article.slug}/", "quality=5", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_patch_of_a_missing_article_is_a_404(editor_api, db):
    assert editor_api.patch("/api/v1/articles/nope/", {"quality": 5}, format="json").status_code == 404


def test_put_and_delete_are_not_allowed(editor_api, build_catalogue):
    article = build_catalogue(1)[0]
    for method in ("put", "delete"):
        response = getattr(editor_api, method)(f"/api/v1/articles/{article.slug}/", {}, format="json")
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"
    assert Article.objects.filter(pk=article.pk).exists()


# --------------------------------------------------------------------------- POST (ingest)


def ingest_mapping(**overrides) -> dict:
    """An article in the file format's keys (as JSON), plus a body."""
    mapping = yaml.safe_load(article_text(**overrides).strip().strip("-"))
    mapping["body"] = "The full text."
    return mapping


def test_ingest_creates_an_article_with_the_importers_rules(editor_api, api_editor):
    payload = ingest_mapping(
        webUrl="https://Example.com/news/a-test-article?utm_source=x#top",
        secured="c2VjcmV0;aXY=",
        futureKey={"kept": True},
        images=[{"url": "javascript:alert(1)"}, {"url": "https://img.example.com/1.jpg", "width": 10}],
    )
    response = editor_api.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "created"
    assert any("images[0] skipped" in warning for warning in body["warnings"])
    article = Article.objects.get()
    assert article.url == "https://example.com/news/a-test-article"  # normalised, like an import
    assert article.secured == "c2VjcmV0;aXY="  # kept…
    assert b"c2VjcmV0" not in response.content  # …never shown
    assert article.extra == {"futureKey": {"kept": True}}
    assert article.body == "The full text."
    assert [t.name for t in article.ordered_topics] == ["Testing"]
    assert list(article.images.values_list("url", flat=True)) == ["https://img.example.com/1.jpg"]
    assert body["article"]["slug"] == article.slug
    assert body["article"]["extra"] == {"futureKey": {"kept": True}}
    assert response["Location"] == f"http://testserver/api/v1/articles/{article.slug}/"
    assert article.source_path == "api"


def test_ingest_again_is_unchanged_then_updated_keeping_editorial_decisions(pipeline_api, api_editor):
    assert pipeline_api.post("/api/v1/articles/", ingest_mapping(), format="json").status_code == 201
    again = pipeline_api.post("/api/v1/articles/", ingest_mapping(), format="json")
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    article = Article.objects.get()
    article_set_quality(article=article, quality=95, user=api_editor)
    changed = pipeline_api.post("/api/v1/articles/", ingest_mapping(title="A better title", quality=10), format="json")
    assert changed.status_code == 200 and changed.json()["outcome"] == "updated"
    article.refresh_from_db()
    assert (article.title, article.quality) == ("A better title", 95)
    assert Article.objects.count() == 1


def test_ingest_and_import_articles_write_the_same_article(editor_api, write_article, run_import):
    payload = ingest_mapping(
        related=[
            {"title": "Elsewhere", "webUrl": "https://bbc.com/x", "provider": {"name": "BBC", "domain": "bbc.com"}}
        ]
    )
    assert editor_api.post("/api/v1/articles/", payload, format="json").status_code == 201
    columns = [
        "url",
        "slug",
        "title",
        "excerpt",
        "body",
        "published_at",
        "category",
        "article_type",
        "quality",
        "heat",
        "is_published",
        "provider__domain",
        "secured",
        "extra",
        "schema_era",
    ]
    through_api = Article.objects.values(*columns).get()
    body = payload.pop("body")
    path = write_article("same.md", "---\n" + yaml.safe_dump(payload, sort_keys=False) + "---\n" + body, dedent=False)
    status, _, _ = run_import(path)
    assert status == 0
    assert Article.objects.count() == 1
    assert Article.objects.values(*columns).get() == through_api


def test_ingest_accepts_the_2020_era_keys(editor_api):
    payload = ingest_mapping(webUrl=None, sourceUrl="https://example.org/2020/story", ampUrl="https://example.org/amp")
    response = editor_api.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["article"]["amp_url"] == "https://example.org/amp"
    assert Article.objects.get().schema_era == "2020"


def test_ingest_links_related_articles_of_the_catalogue(editor_api, build_catalogue):
    existing = build_catalogue(1)[0]
    payload = ingest_mapping(related=[{"title": existing.title, "webUrl": existing.url}])
    response = editor_api.post("/api/v1/articles/", payload, format="json")
    assert response.json()["article"]["related"][0]["article"] == existing.slug
    assert RelatedLink.objects.get(source__source_path="api").article == existing


def test_a_rejected_article_lists_every_problem_and_writes_nothing(editor_api):
    payload = ingest_mapping(webUrl="javascript:alert(1)", title=None, quality=500, publishedDateTime="someday")
    response = editor_api.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    problems = response.json()["errors"]["article"]
    text = " ".join(problems)
    assert "webUrl" in text and "title" in text and "quality" in text and "publishedDateTime" in text
    assert len(problems) >= 4
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "overrides, word",
    [
        ({"webUrl": "javascript:alert(document.cookie)"}, "webUrl"),
        ({"webUrl": "ftp://example.com/file"}, "webUrl"),
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"title": ["a", "list"]}, "title"),
        ({"webUrl": None}, "URL"),
        ({"quality": "high"}, "quality"),
        ({"provider": "BBC"}, "provider"),
        ({"topics": {"not": "a list"}}, "topics"),
        ({"secured": {"not": "text"}}, "secured"),
    ],
)
def test_ingest_rejects_what_the_importer_rejects(editor_api, overrides, word):
    response = editor_api.post("/api/v1/articles/", ingest_mapping(**overrides), format="json")
    assert response.status_code == 400
    assert word in " ".join(response.json()["errors"]["article"])
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"---\ntitle: YAML front matter\nwebUrl: https://example.com/y\n---\nbody",  # YAML-ish junk
        b"title: YAML-ish\nwebUrl: https://example.com/y\n",
        b"{'title': 'single quotes'}",
        b'{"title": "x", "webUrl": "https://example.com/x", "quality": NaN}',
        b"[" * 100_000 + b"]" * 100_000,
        b"\xff\xfe not utf-8",
        b"",
    ],
)
def test_ingest_of_a_body_that_is_not_a_json_article_is_a_400(editor_api, raw):
    response = editor_api.generic("POST", "/api/v1/articles/", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert not Article.objects.exists()


@pytest.mark.parametrize("document", [[{"title": "x"}], "an article", 42, None, True])
def test_ingest_of_json_that_is_not_an_object_is_a_400(editor_api, document):
    response = editor_api.generic("POST", "/api/v1/articles/", json.dumps(document), content_type="application/json")
    assert response.status_code == 400
    assert "JSON object" in response.json()["errors"]["article"][0]


def test_ingest_body_must_be_text(editor_api):
    response = editor_api.post("/api/v1/articles/", {**ingest_mapping(), "body": {"html": "<p>"}}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]


def test_ingest_must_be_json(editor_api):
    text = article_text()
    response = editor_api.generic("POST", "/api/v1/articles/", text, content_type="text/yaml")
    assert response.status_code == 415
    assert not Article.objects.exists()


def test_ingest_over_the_size_limit_is_a_413(editor_api, settings):
    settings.NEWSDESK_IMPORT_MAX_BYTES = 1000
    response = editor_api.post("/api/v1/articles/", ingest_mapping(excerpt="x" * 2000), format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Article.objects.exists()


@pytest.mark.parametrize("limit", [None, 4_000_000])
def test_an_ingest_body_over_the_limit_is_a_413_however_large(editor_api, settings, limit):
    # Over Django's own request limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) too: still the documented 413.
    if limit:
        settings.NEWSDESK_IMPORT_MAX_BYTES = limit
    size = max(settings.NEWSDESK_IMPORT_MAX_BYTES + 100_000, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 100_000)
    response = editor_api.post("/api/v1/articles/", {**ingest_mapping(), "body": "x" * size}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Article.objects.exists()


def test_an_ingest_body_under_a_raised_limit_is_read_past_djangos_own(editor_api, settings):
    settings.NEWSDESK_IMPORT_MAX_BYTES = 4_000_000
    response = editor_api.post("/api/v1/articles/", {**ingest_mapping(), "body": "x" * 3_000_000}, format="json")
    assert response.status_code == 201, response.content
    assert len(Article.objects.get().body) == 3_000_000


def test_ingested_html_is_stored_as_text_and_served_as_json(editor_api, api):
    payload = ingest_mapping(title="<script>alert(1)</script> Rates", published=True)
    response = editor_api.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 201
    slug = response.json()["article"]["slug"]
    served = api.get(f"/api/v1/articles/{slug}/")
    assert served["Content-Type"] == "application/json"
    assert served.json()["title"] == "<script>alert(1)</script> Rates"


def test_import_command_output_is_untouched_by_the_api(editor_api, seeds_dir):
    # The command still imports files after API ingests (they share the loader).
    editor_api.post("/api/v1/articles/", ingest_mapping(), format="json")
    call_command("import_articles", str(seeds_dir), stdout=StringIO(), stderr=StringIO(), no_progress=True)
    assert Article.objects.count() == 6
