"""The API's cursor parameter against arbitrary input: every answer is a page or the API's 400, never a 5xx.

Run on both databases: PostgreSQL refuses a NUL in a text parameter where SQLite compares it.
"""

import base64
import json
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from articles.filters import ORDERING_FIELDS

ORDERINGS = ["", *(f"{sign}{field}" for field in ORDERING_FIELDS for sign in ("", "-"))]
# Every character, NUL and lone surrogates included.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=60)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(ANY_TEXT, children, max_size=3),
    max_leaves=8,
)
positions = st.one_of(
    ANY_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:?[0-9]{2})?\Z"),
    json_values,
)


def encoded(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()


@st.composite
def cursors_for(draw, ordering: str):
    """Anything, but mostly what passes for one of our cursors: the keys, an ordering (usually the
    requested one), a position of any type."""
    token = ordering or "-published_at"
    well_formed = st.fixed_dictionaries(
        {
            "o": st.sampled_from([token] * 4 + ORDERINGS[1:]) | ANY_TEXT,
            "p": st.tuples(positions, json_values | st.integers()).map(list),
        },
        optional={"r": st.sampled_from([0, 1]) | json_values},
    )
    return draw(
        st.one_of(
            ANY_TEXT,
            st.integers(min_value=2_000, max_value=20_000).map(lambda n: "A" * n),  # huge
            st.binary(max_size=200).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),  # base64 of junk
            json_values.map(encoded),  # base64 of JSON that is not a cursor
            well_formed.map(encoded),
            well_formed.map(encoded),
        )
    )


FUZZ = settings(
    max_examples=40,  # per ordering and caller: 720 requests, a few seconds
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def fuzz_catalogue(mixed_catalogue, settings):
    settings.NEWSDESK_API_ANON_RATE = None  # hundreds of anonymous requests in one test
    return mixed_catalogue


@pytest.mark.parametrize("as_editor", [False, True], ids=["anonymous", "editor"])
@pytest.mark.parametrize("ordering", ORDERINGS, ids=lambda ordering: ordering or "default")
@FUZZ
@given(data=st.data())
def test_any_cursor_is_a_page_or_a_400_naming_it(fuzz_catalogue, api, editor_api, ordering, as_editor, data):
    cursor = data.draw(cursors_for(ordering), label="cursor")
    params = {"cursor": cursor, **({"ordering": ordering} if ordering else {})}
    # As a client would send it: UTF-8, lone surrogates as their (invalid) UTF-8 bytes.
    query = urlencode(params, quote_via=lambda text, *args: quote(text, safe="", errors="surrogatepass"))
    # A savepoint per request, so a database error fails this example alone (PostgreSQL
    # would refuse every later query of an aborted transaction).
    with transaction.atomic():
        response = (editor_api if as_editor else api).get(f"/api/v1/articles/?{query}")
    event(f"HTTP {response.status_code}")
    assert response.status_code in (200, 400), response.content[:500]
    body = response.json()
    if response.status_code == 400:
        assert body["status"] == 400 and body["code"] == "invalid"
        assert list(body["errors"]) == ["cursor"]
    else:
        assert isinstance(body["results"], list)
