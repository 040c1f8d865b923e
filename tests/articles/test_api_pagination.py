"""Cursor pagination: opaque, ordering-aware, stable under inserts, bounded, never counting."""

import base64
import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.filters import ORDERING_FIELDS
from tests.articles.api_support import BASE_DATE, expected_order, results


def walk(client, url: str, *, link: str = "next") -> list[list[str]]:
    """Every page from ``url`` following ``link``: a list of pages of slugs."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([item["slug"] for item in body["results"]])
        url = body[link]
        assert len(pages) < 100
    return pages


def cursor_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["cursor"][0]


def make_cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("ordering", [f"{sign}{field}" for field in ORDERING_FIELDS for sign in ("", "-")])
def test_following_next_then_previous_walks_every_article_once_in_order(api, mixed_catalogue, ordering):
    forward = walk(api, f"/api/v1/articles/?ordering={ordering}&page_size=3")
    assert [slug for page in forward for slug in page] == expected_order(list(mixed_catalogue), ordering)
    assert [len(page) for page in forward] == [3, 3, 2]

    last = api.get(f"/api/v1/articles/?ordering={ordering}&page_size=3").json()["next"]
    last = api.get(last).json()["next"]
    backward = walk(api, last, link="previous")
    assert backward == list(reversed(forward))


def test_first_and_last_pages_say_there_is_nothing_beyond(api, build_catalogue):
    build_catalogue(3)
    only = api.get("/api/v1/articles/?page_size=3").json()
    assert only["next"] is None and only["previous"] is None
    first = api.get("/api/v1/articles/?page_size=2").json()
    assert first["previous"] is None and first["next"]
    second = api.get(first["next"]).json()
    assert second["next"] is None and second["previous"]


def test_links_keep_the_filters_and_ordering(api, build_catalogue):
    build_catalogue(6)
    body = api.get("/api/v1/articles/?topic=ai&ordering=-heat&page_size=1&fields=slug").json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert query["topic"] == ["ai"] and query["ordering"] == ["-heat"] and query["fields"] == ["slug"]
    assert query["page_size"] == ["1"]


def test_pages_are_stable_under_inserts(api, build_catalogue, make_article):
    articles = build_catalogue(6)  # newest first: 5, 4 | 3, 2 | 1, 0
    first = api.get("/api/v1/articles/?page_size=2").json()
    assert [item["slug"] for item in first["results"]] == [articles[5].slug, articles[4].slug]
    # New articles arrive: newer than everything, and one at exactly the boundary's date.
    make_article(is_published=True, title="Breaking", published_at=BASE_DATE + dt.timedelta(days=30))
    make_article(is_published=True, title="Same hour", published_at=articles[4].published_at)
    rest = walk(api, first["next"])
    seen = [slug for page in rest for slug in page]
    assert seen == [articles[3].slug, articles[2].slug, articles[1].slug, articles[0].slug]


def test_page_size_up_to_100(api, build_catalogue):
    build_catalogue(3)
    assert len(results(api.get("/api/v1/articles/?page_size=100"))) == 3
    assert len(results(api.get("/api/v1/articles/?page_size=1"))) == 1
    assert len(results(api.get("/api/v1/articles/"))) == 3  # default 20


@pytest.mark.parametrize("value", ["1000", "101"])
def test_a_page_size_over_100_is_a_400_that_says_so(api, build_catalogue, value):
    build_catalogue(1)
    response = api.get(f"/api/v1/articles/?page_size={value}")
    assert response.status_code == 400
    message = response.json()["errors"]["page_size"][0]
    assert "At most 100" in message


@pytest.mark.parametrize("value", ["0", "-5", "abc", "1.5"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_400(api, build_catalogue, value):
    build_catalogue(1)
    response = api.get(f"/api/v1/articles/?page_size={value}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page_size"]


def test_page_size_applies_to_providers_and_topics_too(api, build_catalogue):
    build_catalogue(2)
    assert api.get("/api/v1/topics/?page_size=500").status_code == 400
    assert api.get("/api/v1/providers/?page_size=500").status_code == 400


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        base64.urlsafe_b64encode(b"not json").decode(),
        make_cursor([1, 2]),
        make_cursor({"o": "-published_at"}),
        make_cursor({"o": "-published_at", "p": ["2024-01-01T00:00:00+00:00"]}),
        make_cursor({"o": "-published_at", "p": ["2024-01-01T00:00:00+00:00", "1"]}),
        make_cursor({"o": "-published_at", "p": ["2024-01-01T00:00:00+00:00", True]}),
        make_cursor({"o": "-published_at", "p": ["2024-01-01T00:00:00+00:00", 2**70]}),
        make_cursor({"o": "-published_at", "p": ["2024-01-01T00:00:00", 1]}),  # naive
        make_cursor({"o": "-published_at", "p": ["tomorrow", 1]}),
        make_cursor({"o": "-published_at", "p": [12, 1]}),
        make_cursor({"o": "-published_at", "p": ["2024-01-01T00:00:00+00:00", 1], "r": 2}),
        make_cursor({"o": "-published_at", "p": ["2024-01-01T00:00:00+00:00", 1], "x": 1}),
        "A" * 3000,
    ],
)
def test_a_bad_cursor_is_a_400_naming_it(api, build_catalogue, cursor):
    build_catalogue(2)
    response = api.get("/api/v1/articles/", {"cursor": cursor})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize(
    "ordering, position",
    [
        ("-heat", [2**40, 1]),
        ("-heat", [None, 1]),
        ("-quality", ["high", 1]),
        ("title", [7, 1]),
        ("title", ["x" * 600, 1]),
    ],
)
def test_a_cursor_with_a_value_of_the_wrong_kind_is_a_400(api, build_catalogue, ordering, position):
    build_catalogue(2)
    cursor = make_cursor({"o": ordering, "p": position})
    response = api.get("/api/v1/articles/", {"cursor": cursor, "ordering": ordering})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


def test_a_cursor_only_works_with_the_ordering_it_was_issued_for(api, build_catalogue):
    build_catalogue(4)
    next_link = api.get("/api/v1/articles/?ordering=-quality&page_size=2").json()["next"]
    response = api.get("/api/v1/articles/", {"ordering": "title", "cursor": cursor_of(next_link)})
    assert response.status_code == 400
    assert "ordering=-quality" in response.json()["errors"]["cursor"][0]


def test_the_cursor_is_opaque(api, build_catalogue):
    build_catalogue(3)
    next_link = api.get("/api/v1/articles/?page_size=1").json()["next"]
    cursor = cursor_of(next_link)
    assert "2024" not in cursor and ":" not in cursor


def test_no_request_counts_the_table(api, editor_api, build_catalogue):
    build_catalogue(5)
    with CaptureQueriesContext(connection) as queries:
        first = api.get("/api/v1/articles/?page_size=2").json()
        api.get(first["next"])
        api.get("/api/v1/providers/")
        api.get("/api/v1/topics/")
        editor_api.get("/api/v1/articles/?is_published=true")
    assert queries.captured_queries
    assert not [
        q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"].upper() and "GROUP BY" not in q["sql"]
    ]


@pytest.mark.parametrize(
    "value", ["a\x00b", "\ud800", "title \udfff"], ids=["nul", "lone-high-surrogate", "lone-low-surrogate"]
)
def test_a_title_cursor_holding_what_no_title_holds_is_a_400(api, build_catalogue, value):
    # json.dumps escapes both, so they reach the database unless the cursor is refused:
    # PostgreSQL rejects NUL, and neither driver can encode a lone surrogate.
    build_catalogue(2)
    response = api.get(
        "/api/v1/articles/", {"ordering": "title", "cursor": make_cursor({"o": "title", "p": [value, 1]})}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"cursor": ["Invalid cursor: use the next or previous link as given."]}


@pytest.mark.parametrize(
    "cursor",
    [
        make_cursor({"o": "\ud800", "p": ["x", 1]}),  # echoed in the ordering message, it could not be encoded
        make_cursor({"o": "-published_at", "p": ["0001-01-01T00:00:00+23:59", 1]}),  # before year 1 in UTC
        make_cursor({"o": "-published_at", "p": ["9999-12-31T23:59:59-23:59", 1]}),  # after 9999 in UTC
        base64.urlsafe_b64encode(b"[" * 1500).decode(),  # nested past the JSON decoder's recursion limit
    ],
    ids=["surrogate-ordering", "before-year-1", "after-year-9999", "deep-nesting"],
)
def test_a_cursor_that_would_break_decoding_or_the_query_is_a_400(api, build_catalogue, cursor):
    build_catalogue(2)
    response = api.get("/api/v1/articles/", {"cursor": cursor})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]
