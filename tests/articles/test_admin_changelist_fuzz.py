"""The article changelist against arbitrary query strings: the list, Django's ``?e=1`` page or a 400, never a 5xx.

Run on both databases: PostgreSQL refuses a NUL in a text parameter where SQLite compares it.
"""

from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tests.factories import provider, topic

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
DRILL_DOWN = [f"published_at__{part}" for part in ("year", "month", "day", "gte", "lt")]
FILTERS = [
    "published",
    "quality_band",
    "needs_review",
    "provider__id__exact",
    "provider_q",
    "topic__id__exact",
    "topic_q",
]
CHANGELIST_PARAMS = ["q", "o", "p", "all", "e", "_popup", "_facets"]
# Lookups the list does not offer (Django would run any lookup on the article's own columns).
FOREIGN = ["title", "title__regex", "body__icontains", "heat__gt", "provider__name", "tagged_topics__tag__name"]

ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)  # NUL and lone surrogates included
values = st.one_of(
    ANY_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["yes", "no", "scheduled", "unrated", "0-39", "70-100", "2023", "6", "1", "0", "-1", "9999", "²"]),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.lists(st.integers(min_value=-12, max_value=12).map(str), max_size=3).map(".".join),  # o=1.-2.3
)

query_strings = st.builds(
    lambda offered, foreign: {**offered, **foreign},
    st.dictionaries(
        st.sampled_from(DRILL_DOWN + FILTERS + CHANGELIST_PARAMS), st.lists(values, min_size=1, max_size=2), max_size=5
    ),
    # Now and then a parameter the list does not offer.
    st.sampled_from([False] * 4 + [True]).flatmap(
        lambda add: (
            st.dictionaries(
                st.sampled_from(FOREIGN) | ANY_TEXT, st.lists(values, min_size=1, max_size=1), min_size=1, max_size=1
            )
            if add
            else st.just({})
        )
    ),
)

FUZZ = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def listed(build_catalogue, make_article):
    """A few articles with topics and providers, and one without a date, for the filters to find."""
    build_catalogue(4)
    build_catalogue(2, published=False)
    make_article(title="Undated", published_at=None, provider=provider("undated.example", "Undated"))
    topic("Courts")


@FUZZ
@given(params=query_strings)
@example(params={"published_at__gte": ["junk"]})
@example(params={"provider_q": ["\x00"]})
@example(params={"published_at__year": ["9999"]})
@example(params={"published_at__month": ["13"]})
@example(params={"provider__id__exact": ["99999999999999999999"]})
@example(params={"p": ["99999999999999999999"]})
def test_any_query_string_is_the_list_its_error_page_or_a_400(listed, editor_client, params):
    # As a browser would send it: UTF-8, lone surrogates as their (invalid) UTF-8 bytes.
    query = urlencode(params, doseq=True, quote_via=lambda text, *args: quote(text, safe="", errors="surrogatepass"))
    # A savepoint per request, so a database error fails this example alone.
    with transaction.atomic():
        response = editor_client.get(f"{CHANGELIST}?{query}")
    event(f"HTTP {response.status_code}")
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:
        assert response["Location"] == f"{CHANGELIST}?e=1"
