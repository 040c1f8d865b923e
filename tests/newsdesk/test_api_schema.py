"""The OpenAPI schema and the documentation page: valid, complete, served locally, no inline script."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.test import Client
from openapi_spec_validator import validate


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_the_schema_is_also_served_as_json(db):
    response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    validate(response.json())


def test_every_api_operation_is_documented(schema):
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert {
        ("/api/v1/articles/", "get"),
        ("/api/v1/articles/", "post"),
        ("/api/v1/articles/{slug}/", "get"),
        ("/api/v1/articles/{slug}/", "patch"),
        ("/api/v1/providers/", "get"),
        ("/api/v1/providers/{slug}/", "get"),
        ("/api/v1/topics/", "get"),
        ("/api/v1/topics/{slug}/", "get"),
    } <= operations
    assert ("/api/v1/articles/{slug}/", "put") not in operations
    assert ("/api/v1/articles/{slug}/", "delete") not in operations


def test_every_parameter_is_described(schema):
    missing = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description", "").strip()
    ]
    assert not missing


def test_every_field_is_described(schema):
    missing = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, definition in component.get("properties", {}).items()
        if not definition.get("description", "").strip()
    ]
    assert not missing


def test_the_article_list_documents_every_filter_and_the_pagination(schema):
    parameters = {p["name"] for p in schema["paths"]["/api/v1/articles/"]["get"]["parameters"]}
    assert {
        "topic",
        "provider",
        "published_after",
        "published_before",
        "quality_min",
        "quality_max",
        "heat_min",
        "category",
        "type",
        "story",
        "q",
        "is_published",
        "ordering",
        "cursor",
        "page_size",
        "fields",
        "If-None-Match",
    } <= parameters
    ordering = next(p for p in schema["paths"]["/api/v1/articles/"]["get"]["parameters"] if p["name"] == "ordering")
    assert set(ordering["schema"]["enum"]) == {
        f"{sign}{field}" for field in ("published_at", "quality", "heat", "title") for sign in ("", "-")
    }


def test_the_article_schema_has_the_documented_fields_and_never_secured(schema):
    properties = schema["components"]["schemas"]["Article"]["properties"]
    assert list(properties) == [
        "id",
        "slug",
        "title",
        "excerpt",
        "body",
        "url",
        "amp_url",
        "published_at",
        "category",
        "type",
        "quality",
        "heat",
        "is_published",
        "provider",
        "topics",
        "images",
        "related",
        "links",
        "story",
        "extra",
    ]
    # Only the ingest body mentions it: it is accepted, kept, and never returned.
    readable = {name: c for name, c in schema["components"]["schemas"].items() if name != "ArticleIngestRequest"}
    assert "secured" not in yaml.safe_dump(readable)


def test_the_schema_says_how_to_get_a_token(schema):
    assert "drf_create_token" in schema["info"]["description"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_anonymous_reading_is_documented(schema):
    assert {} in schema["paths"]["/api/v1/articles/"]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/articles/"]["post"]["security"]


def test_the_docs_page_uses_local_assets_and_no_inline_script(db):
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    assert all('src="' in attributes and not body.strip() for attributes, body in scripts)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(not asset.startswith(("http:", "https:", "//")) for asset in assets)
    static = [asset for asset in assets if asset.startswith("/static/")]
    assert any("swagger-ui-bundle.js" in asset for asset in static)
    for asset in static:
        assert finders.find(asset.removeprefix("/static/")), asset
    script = next(src for src in re.findall(r'src="([^"]+)"', html) if not src.startswith("/static/"))
    initialiser = Client().get(script.replace("&amp;", "&"))
    assert initialiser.status_code == 200
    assert "SwaggerUIBundle" in initialiser.content.decode()
    assert "/api/v1/schema/" in initialiser.content.decode()


def test_the_docs_page_is_allowed_by_the_content_security_policy(db):
    response = Client().get("/api/v1/docs/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]


def test_the_docs_pages_inline_style_is_allowed_by_its_hash_only(db):
    import base64
    import hashlib

    response = Client().get("/api/v1/docs/")
    styles = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    for style in styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["style-src"]
    assert "unsafe-inline" not in policy["style-src"]
    assert "sha256" not in Client().get("/api/v1/").get("Content-Security-Policy", "")


def test_the_ingest_body_documents_its_required_title(schema, db):
    # What the parser requires is what the schema says (the URL key is one of two, said in prose).
    assert schema["components"]["schemas"]["ArticleIngestRequest"]["required"] == ["title"]


def test_the_story_endpoints_are_documented_with_their_filters(schema):
    listing = schema["paths"]["/api/v1/stories/"]["get"]
    assert {"topic", "since", "until", "min_size", "ordering", "cursor", "page_size"} <= {
        parameter["name"] for parameter in listing["parameters"]
    }
    assert "/api/v1/stories/{slug}/" in schema["paths"]
    assert "articles" in schema["components"]["schemas"]["StoryDetail"]["properties"]
    assert set(schema["components"]["schemas"]["ArticleStory"]["properties"]) == {"slug", "size", "links"}
