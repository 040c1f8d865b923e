"""Compressed responses: pages, feeds, sitemaps and the API in brotli or gzip to clients that accept them,
the same body once decoded, conditional requests still answered with 304 (with and without the
response cache), and nothing personal compressed (BREACH)."""

import gzip

import brotli
import pytest
from django.test import Client

from newsdesk.compression import chosen_encoding
from tests import factories
from tests.articles.api_support import EDITOR_PERMISSIONS, token_client, user_with
from tests.factories import make_editor

pytestmark = pytest.mark.django_db

DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}
PUBLIC = [
    "/",
    "/topics/science/",
    "/search/?q=story",
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/json/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/api/v1/articles/",
    "/api/v1/topics/",
    "/api/v1/schema/",
]


@pytest.fixture
def catalogue():
    return [factories.article(title=f"Compressible story {n}", excerpt="Words that repeat. " * 20) for n in range(6)]


def addresses(catalogue) -> list[str]:
    return [*PUBLIC, catalogue[0].get_absolute_url(), f"/api/v1/articles/{catalogue[0].slug}/"]


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_public_responses_are_compressed_and_decode_to_the_same_body(client, catalogue, encoding):
    for address in addresses(catalogue):
        plain = client.get(address)
        compressed = client.get(address, HTTP_ACCEPT_ENCODING=f"{encoding}, deflate")

        assert plain.status_code == compressed.status_code == 200, address
        assert "Content-Encoding" not in plain, address
        assert compressed["Content-Encoding"] == encoding, address
        assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content), address
        assert DECODE[encoding](compressed.content) == plain.content, address
        assert compressed["Content-Type"] == plain["Content-Type"], address
        assert "accept-encoding" in vary(plain) and "accept-encoding" in vary(compressed), address


@pytest.mark.parametrize("cache_seconds", [0, 30], ids=["uncached", "cached"])
def test_conditional_requests_still_get_304_when_compressed(client, catalogue, settings, cache_seconds):
    settings.NEWSDESK_CACHE_SECONDS = cache_seconds
    for address in [
        "/",
        catalogue[0].get_absolute_url(),
        "/feeds/atom/",
        "/sitemap.xml",
        "/api/v1/articles/",
        f"/api/v1/articles/{catalogue[0].slug}/",
    ]:
        first = client.get(address, HTTP_ACCEPT_ENCODING="gzip")
        assert first["Content-Encoding"] == "gzip", address
        etag = first["ETag"]
        assert etag.startswith('W/"'), address  # a compressed body's tag is weak

        again = client.get(address, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, address
        assert again.content == b""
        assert again["ETag"] == etag, address
        assert "accept-encoding" in vary(again), address

        # The uncompressed copy's tag (strong for the API) revalidates the compressed one, and back.
        plain = client.get(address)
        assert "Content-Encoding" not in plain, address  # not the compressed copy from the cache
        assert client.get(address, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
        assert client.get(address, HTTP_IF_NONE_MATCH=etag).status_code == 304, address


def test_the_cache_keeps_one_copy_per_encoding(client, catalogue, settings, django_assert_num_queries):
    settings.NEWSDESK_CACHE_SECONDS = 30
    bodies = {encoding: client.get("/", HTTP_ACCEPT_ENCODING=encoding) for encoding in ("br", "gzip", "")}
    with django_assert_num_queries(0):
        replayed = {encoding: client.get("/", HTTP_ACCEPT_ENCODING=encoding) for encoding in ("br", "gzip", "")}
    for encoding in ("br", "gzip", ""):
        assert replayed[encoding].get("Content-Encoding") == (encoding or None)
        assert replayed[encoding].content == bodies[encoding].content


def test_pages_with_a_csrf_token_are_never_compressed(client):
    login = client.get("/admin/login/", HTTP_ACCEPT_ENCODING="br, gzip")
    assert login.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in login.content.decode()
    assert "Content-Encoding" not in login
    assert "accept-encoding" not in vary(login)


def test_responses_for_someone_signed_in_are_never_compressed(client, catalogue, django_user_model):
    client.force_login(make_editor("desk"))
    for address in ["/admin/", "/admin/articles/article/", "/", "/api/v1/articles/", catalogue[0].get_absolute_url()]:
        response = client.get(address, HTTP_ACCEPT_ENCODING="br, gzip")
        assert response.status_code == 200, address
        assert "Content-Encoding" not in response, address

    with_token = token_client(user_with(django_user_model, "api-editor", EDITOR_PERMISSIONS))
    response = with_token.get("/api/v1/articles/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_a_stale_session_cookie_is_enough_to_turn_compression_off(catalogue):
    reader = Client(HTTP_ACCEPT_ENCODING="gzip")
    assert reader.get("/")["Content-Encoding"] == "gzip"
    reader.cookies["sessionid"] = "no-such-session"
    assert "Content-Encoding" not in reader.get("/")


def test_short_bodies_are_sent_as_they_are(client):
    response = client.get("/robots.txt", HTTP_ACCEPT_ENCODING="gzip")
    assert len(response.content) < 200
    assert "Content-Encoding" not in response


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("BR", "br"),
        ("*", "br"),
        ("*;q=0, gzip;q=0.1", "gzip"),
        ("identity", None),
        ("deflate", None),
        ("gzip;q=0", None),
        ("gzip;q=junk", None),
        ("", None),
    ],
)
def test_the_encoding_is_the_one_the_client_ranks_highest(header, expected):
    assert chosen_encoding(header) == expected
