"""HTTP behaviour of the API: conditional GET, rate limits, CORS, JSON errors everywhere under /api/."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from articles.api.views import ArticleViewSet

READ_URLS = [
    "/api/v1/",
    "/api/v1/articles/",
    "/api/v1/providers/",
    "/api/v1/topics/",
    "/api/v1/topics/ai/",
    "/api/v1/providers/example-com/",
]


@pytest.fixture
def catalogue(build_catalogue):
    return build_catalogue(3)


# --------------------------------------------------------------------------- conditional GET


@pytest.mark.parametrize("url", [*READ_URLS, "article"])
def test_every_read_has_an_etag_and_answers_304_when_it_matches(api, catalogue, url):
    url = f"/api/v1/articles/{catalogue[0].slug}/" if url == "article" else url
    first = api.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert api.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert api.get(url, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert api.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_etag_changes_with_the_representation(api, editor_api, catalogue):
    url = f"/api/v1/articles/{catalogue[0].slug}/"
    etag = api.get(url)["ETag"]
    assert api.get(url + "?fields=slug")["ETag"] != etag
    assert editor_api.get(url)["ETag"] != etag  # an editor sees more
    editor_api.patch(url, {"quality": 99}, format="json")
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_lists_revalidate_after_a_change(api, editor_api, catalogue):
    etag = api.get("/api/v1/articles/")["ETag"]
    assert api.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    editor_api.patch(f"/api/v1/articles/{catalogue[1].slug}/", {"is_published": False}, format="json")
    changed = api.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and len(changed.json()["results"]) == 2


def test_responses_vary_on_who_asks_and_are_revalidated(api, editor_api, catalogue):
    anonymous = api.get("/api/v1/articles/")
    vary = {part.strip() for part in anonymous["Vary"].split(",")}
    assert {"Accept", "Authorization", "Cookie"} <= vary
    assert "no-cache" in anonymous["Cache-Control"]
    assert "private" in editor_api.get("/api/v1/articles/")["Cache-Control"]


def test_errors_carry_no_etag(api, db):
    response = api.get("/api/v1/articles/nope/")
    assert response.status_code == 404
    assert not response.has_header("ETag")


# --------------------------------------------------------------------------- rate limits


def test_anonymous_callers_are_rate_limited_with_retry_after(api, catalogue, settings):
    settings.NEWSDESK_API_ANON_RATE = "3/minute"
    for _ in range(3):
        assert api.get("/api/v1/articles/").status_code == 200
    limited = api.get("/api/v1/articles/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["code"] == "throttled"
    # Limits count per address.
    assert api.get("/api/v1/articles/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_rate_limit_does_not_trust_x_forwarded_for_by_default(api, catalogue, settings):
    settings.NEWSDESK_API_ANON_RATE = "2/minute"
    for index in range(2):
        api.get("/api/v1/articles/", HTTP_X_FORWARDED_FOR=f"198.51.100.{index}")
    assert api.get("/api/v1/articles/", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_editors_are_not_rate_limited(editor_api, catalogue, settings):
    settings.NEWSDESK_API_ANON_RATE = "2/minute"
    assert all(editor_api.get("/api/v1/articles/").status_code == 200 for _ in range(5))


def test_rate_limiting_can_be_turned_off(api, catalogue, settings):
    settings.NEWSDESK_API_ANON_RATE = None
    assert all(api.get("/api/v1/").status_code == 200 for _ in range(10))


# --------------------------------------------------------------------------- CORS


def test_reads_are_allowed_from_any_origin(api, catalogue):
    response = api.get("/api/v1/articles/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert not response.has_header("Access-Control-Allow-Credentials")


def test_preflight_allows_only_reading_methods(api, catalogue):
    response = api.options(
        f"/api/v1/articles/{catalogue[0].slug}/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
    )
    assert response.status_code == 200
    allowed = {method.strip() for method in response["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}


def test_cors_is_for_the_api_only(db):
    response = Client().get("/robots.txt", HTTP_ORIGIN="https://partner.example")
    assert not response.has_header("Access-Control-Allow-Origin")


# --------------------------------------------------------------------------- JSON errors


@pytest.mark.parametrize(
    "url",
    ["/api/", "/api/v2/articles/", "/api/v1/nothing/", "/api/v1/articles/a/b/c/", "/api/v1/articles/not%20a%20slug/"],
)
def test_unknown_api_addresses_are_a_json_404(url, db):
    response = Client().get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == 404 and body["code"] == "not_found"
    assert "/api/v1/" in body["detail"]


def test_a_json_404_also_with_debug_on(db, settings):
    settings.DEBUG = True
    response = Client().get("/api/v1/nothing/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_missing_trailing_slash_redirects(db):
    response = Client().get("/api/v1/articles")
    assert response.status_code == 301 and response["Location"] == "/api/v1/articles/"


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_exception_is_a_json_500_without_a_traceback(db, settings, monkeypatch, debug):
    settings.DEBUG = debug

    def explode(self, request, *args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(ArticleViewSet, "list", explode)
    response = Client(raise_request_exception=False).get("/api/v1/articles/", HTTP_ORIGIN="https://partner.example")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 500,
        "code": "server_error",
        "detail": "Server error. It has been logged; please try again later.",
    }
    assert b"hunter2" not in response.content and b"Traceback" not in response.content
    assert response["Access-Control-Allow-Origin"] == "*"  # other headers are kept


def test_a_failure_in_rendering_is_a_json_500_too(db, settings, monkeypatch):
    from newsdesk.api.renderers import FastJSONRenderer

    def broken(self, data, accepted_media_type=None, renderer_context=None):
        raise ValueError("renderer secret")

    monkeypatch.setattr(FastJSONRenderer, "render", broken)
    response = Client(raise_request_exception=False).get("/api/v1/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert b"renderer secret" not in response.content


def test_method_not_allowed_is_json(api, catalogue):
    response = api.delete("/api/v1/articles/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_only_json_is_served(api, catalogue):
    response = api.get("/api/v1/articles/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"
    assert api.get("/api/v1/articles/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8").status_code == 200


def test_options_describes_the_resource(api, catalogue):
    response = api.options("/api/v1/articles/")
    assert response.status_code == 200
    assert response.json()["renders"] == ["application/json"]
    assert response.json()["documentation"].endswith("/api/v1/docs/")


def test_the_site_keeps_its_own_error_pages(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_head_is_answered_like_get_without_a_body(catalogue):
    client = APIClient()
    get, head = client.get("/api/v1/articles/"), client.head("/api/v1/articles/")
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == get["ETag"]
