"""Search: the search page (/search/?q=, ranked) and the API's ``q`` (cursor-paged), on both databases.

PostgreSQL matches English word stems through the GIN-indexed ``search_document`` (migration 0006);
SQLite's fallback matches substrings. Where the two differ by design, a test states both.
"""

import itertools
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import models as article_models
from articles.filters import MAX_QUERY_LENGTH
from articles.models import Article
from tests import factories
from tests.articles.api_support import results
from tests.articles.test_api_pagination import walk
from tests.factories import article_text

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
ARTICLE_LINK = re.compile(r'href="/articles/([-\w]+)/"')


def page_slugs(client, query: str) -> list[str]:
    """The articles of the first search page, in the order shown."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200, response.content[:500]
    return list(dict.fromkeys(ARTICLE_LINK.findall(response.content.decode())))


def every_page_slugs(client, query: str) -> list[str]:
    """The articles of every search page, following "older" links until the last page."""
    found, number = [], 1
    while True:
        response = client.get("/search/", {"q": query, **({"page": number} if number > 1 else {})})
        assert response.status_code == 200, response.content[:500]
        found += dict.fromkeys(ARTICLE_LINK.findall(response.content.decode()))
        if 'rel="next"' not in response.content.decode():
            return found
        number += 1


def api_slugs(api, query: str, **params) -> list[str]:
    return [item["slug"] for item in results(api.get("/api/v1/articles/", {"q": query, "fields": "slug", **params}))]


def every_api_slug(api, query: str) -> list[str]:
    """The articles of every API page, following the cursor."""
    address = "/api/v1/articles/?" + urlencode({"q": query, "page_size": 2, "fields": "slug"})
    return [slug for page in walk(api, address) for slug in page]


def found_by(client, api, query: str) -> set[str]:
    """What both the search page and the API find for ``query``, checking they agree."""
    on_page = set(every_page_slugs(client, query))
    assert on_page == set(every_api_slug(api, query)), query
    return on_page


@pytest.fixture
def rates():
    """Three published articles with the query words in different fields."""
    return {
        "held": factories.article(
            title="Rates held steady",
            excerpt="The central bank met on Thursday.",
            body="Inflation is falling across the region.",
        ),
        "rise": factories.article(title="Rates rise again", excerpt="Borrowing costs more.", body="Markets shrugged."),
        "budget": factories.article(title="Council votes on budget", excerpt="A late session.", body="No surprises."),
    }


def slugs_of(*articles) -> set[str]:
    return {article.slug for article in articles}


def article_table_columns() -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, "articles_article")}


# --- What matches ---------------------------------------------------------------------------


def test_a_word_is_found_in_title_excerpt_or_body_whatever_its_case(client, api, rates):
    assert found_by(client, api, "RATES") == slugs_of(rates["held"], rates["rise"])
    assert found_by(client, api, "central") == slugs_of(rates["held"])  # excerpt
    assert found_by(client, api, "inflation") == slugs_of(rates["held"])  # body


def test_every_word_is_required(client, api, rates):
    assert found_by(client, api, "inflation held") == slugs_of(rates["held"])  # body and title
    assert found_by(client, api, "inflation unicorn") == set()


def test_phrase_exclusion_and_or_syntax(client, api):
    adjacent = factories.article(title="Police trial facial recognition in Croydon")
    apart = factories.article(title="Recognition of facial hair styles")
    budget = factories.article(title="Council votes on budget")
    # A quoted phrase: its words in that order on PostgreSQL; on SQLite (a fallback) its words anywhere.
    expected_phrase = slugs_of(adjacent) if ON_POSTGRESQL else slugs_of(adjacent, apart)
    assert found_by(client, api, '"facial recognition"') == expected_phrase
    assert found_by(client, api, "facial -hair") == slugs_of(adjacent)
    assert found_by(client, api, "budget or hair") == slugs_of(apart, budget)
    assert found_by(client, api, "croydon or budget -council") == slugs_of(adjacent)


def test_words_are_english_stems_on_postgresql_and_substrings_on_sqlite(client, api):
    rate = factories.article(title="Bank rate unchanged")
    if ON_POSTGRESQL:
        assert found_by(client, api, "rates") == slugs_of(rate)  # stem "rate"
        assert found_by(client, api, "rat") == set()
    else:
        assert found_by(client, api, "rates") == set()
        assert found_by(client, api, "rat") == slugs_of(rate)  # part of "rate"


def test_unpublished_articles_are_never_found_by_anonymous_callers(client, api, editor_api):
    published = factories.article(title="Comet seen over Leeds")
    held_back = factories.article(title="Comet seen over York", published=False)
    assert found_by(client, api, "comet") == slugs_of(published)
    assert held_back.slug not in client.get("/search/", {"q": "comet york"}).content.decode()
    assert api_slugs(api, "comet york") == []
    # Editors' API searches the whole catalogue, and can narrow it.
    assert set(api_slugs(editor_api, "comet")) == slugs_of(published, held_back)
    assert api_slugs(editor_api, "comet", is_published="false") == [held_back.slug]


# --- Ranking (the page) and ordering (the API) ----------------------------------------------


def test_search_page_ranks_title_then_excerpt_then_body_matches_newest_first(client):
    in_title = factories.article(title="Comet over the bay", excerpt="Sky watchers gathered.")
    in_excerpt = factories.article(title="Night sky", excerpt="A comet was seen.")
    in_body_often = factories.article(title="Astronomy notes", excerpt="Weekly.", body="comet " * 10)
    in_body = factories.article(title="Letters", excerpt="Readers write.", body="I saw the comet.")  # newest
    if ON_POSTGRESQL:  # weights title > excerpt > body, a title match above any number of body matches
        expected = [in_title, in_excerpt, in_body_often, in_body]
    else:  # the fallback ranks by words in the title, then newest first
        expected = [in_title, in_body, in_body_often, in_excerpt]
    assert page_slugs(client, "comet") == [article.slug for article in expected]


def test_search_page_ranks_only_the_newest_matches(client, monkeypatch):
    in_title = factories.article(title="Comet over the bay")  # the best match, but the oldest
    newer = [factories.article(title="Night sky", excerpt=f"Comet sighting {n}.") for n in range(2)]
    monkeypatch.setattr(article_models, "RANKED_MATCHES", 2)
    assert page_slugs(client, "comet") == [article.slug for article in reversed(newer)]
    assert in_title.slug not in every_page_slugs(client, "comet")


def test_search_pages_are_labelled_as_results_not_by_date(client, settings):
    settings.NEWSDESK_SITE_PAGE_SIZE = 1
    for n in range(3):
        factories.article(title=f"Comet report {n}")
    middle = client.get("/search/", {"q": "comet", "page": 2}).content.decode()
    assert "Previous results" in middle and "More results" in middle
    assert "Newer articles" not in middle and "Older articles" not in middle
    assert "Older articles" in client.get("/", {"page": 2}).content.decode()


def test_api_keeps_its_ordering_with_q_and_pages_through_every_match_with_the_cursor(api):
    matches = [factories.article(title=f"Comet report {n}", quality=n * 10) for n in range(5)]
    factories.article(title="Budget report")
    assert api_slugs(api, "comet") == [article.slug for article in reversed(matches)]  # newest first
    assert api_slugs(api, "comet", ordering="quality") == [article.slug for article in matches]
    pages = walk(api, "/api/v1/articles/?q=comet&page_size=2&fields=slug")
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [slug for page in pages for slug in page] == [article.slug for article in reversed(matches)]


def test_q_is_documented_in_the_schema_with_its_ordering(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/articles/"]["get"]["parameters"]
    description = next(parameter for parameter in parameters if parameter["name"] == "q")["description"]
    assert '"a phrase"' in description and "-word" in description and "not relevance" in description


# --- Input that matches nothing, or is hostile ----------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "!!! ??? ...",  # punctuation: no word at all
        "& | ! <-> :* ( )",  # tsquery operators
        '"',  # an unclosed quote
        "- or -",
        "zebra\x00crossing",  # NUL
        "x" * MAX_QUERY_LENGTH,  # as long as allowed, one word
        "x " * (MAX_QUERY_LENGTH // 2),  # as long as allowed, a hundred words
        "' OR 1=1 --",
        '<script>alert("x")</script>',
        "%",
        "_",
        "\\",
        "日本語",
    ],
)
def test_hostile_or_empty_queries_answer_200_and_find_nothing(client, api, rates, query):
    assert found_by(client, api, query) == set()


def test_stop_words_find_nothing_on_postgresql(client, api, rates):
    if ON_POSTGRESQL:  # "the" and "on" are in every English text: the parser drops them
        assert found_by(client, api, "the on") == set()
    else:  # the fallback has no stop words: they are substrings like any other
        assert found_by(client, api, "the on") == slugs_of(rates["held"])


def test_control_characters_are_word_breaks_on_the_page_and_in_the_api(client, api, rates):
    story = factories.article(title="Zebra crossing repainted")
    assert found_by(client, api, "zebra\x00crossing\u202e") == slugs_of(story)
    # Nothing but control characters is no search at all: the page shows its form, the API its whole list.
    assert "Type a few words" in client.get("/search/", {"q": "\x00\u202e"}).content.decode()
    assert len(api_slugs(api, "\x00\u202e")) == 4


def test_a_query_over_the_limit_is_refused_politely(client, api, rates):
    response = client.get("/search/", {"q": "rates " * 50})
    assert response.status_code == 200
    assert "That search is too long" in response.content.decode()
    response = api.get("/api/v1/articles/", {"q": "x" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["q"]


# --- Cost -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, most",
    [
        ("/search/?q=story", 4),  # the catalogue's last change (ETag), the page, its topics, its images
        ("/search/?q=story+-nothing+or+report", 4),
        ("/api/v1/articles/?q=story&page_size=2", 1),  # the page, nested lists included
    ],
)
def test_search_costs_the_same_few_queries_whatever_the_catalogue_size(
    client, settings, address, most, django_assert_max_num_queries
):
    settings.NEWSDESK_SITE_PAGE_SIZE = 2
    factories.catalogue(3)
    with django_assert_max_num_queries(most) as small:
        assert client.get(address).status_code == 200
    factories.catalogue(30)
    with django_assert_max_num_queries(most) as large:
        assert client.get(address).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


if ON_POSTGRESQL:

    def test_postgresql_finds_matches_through_the_gin_index():
        # A catalogue large enough that the planner would not rather read the whole table.
        provider = factories.provider()
        Article.objects.bulk_create(
            [
                Article(
                    source_key=f"https://example.com/filler/{n}",
                    url=f"https://example.com/filler/{n}",
                    slug=f"filler-{n}",
                    title=f"Council meeting {n}",
                    body="Minutes of the meeting. " * 20,
                    is_published=n % 2 == 0,
                    provider=provider,
                )
                for n in range(3_000)
            ]
        )
        comets = [factories.article(title=f"Comet sighting {n}") for n in range(3)]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")
            sql, params = Article.objects.published().search("comet").query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Bitmap Index Scan on article_search_document_idx" in plan, plan
        assert set(Article.objects.published().search("comet").values_list("slug", flat=True)) == slugs_of(*comets)


def test_the_search_document_is_a_database_column_no_model_query_reads():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "articles_article")
    assert ("search_document" in article_table_columns()) == ON_POSTGRESQL
    assert ("article_search_document_idx" in indexes) == ON_POSTGRESQL
    # Not a model field: ordinary queries never fetch it, and the importer never writes it.
    assert "search_document" not in str(Article.objects.all().query)
    assert "search_document" not in [field.column for field in Article._meta.concrete_fields]


# --- Writes keep the search current ---------------------------------------------------------


def test_an_imported_article_is_found_and_a_reimport_updates_what_finds_it(client, api, run_import, write_article):
    front_matter = article_text(title="Harbour news", published=True)
    path = write_article("harbour.txt", front_matter + "Seals were seen near the pier.\n", dedent=False)
    assert run_import(path)[0] == 0
    assert len(found_by(client, api, "seals")) == 1
    path.write_text(front_matter + "Dolphins were seen near the pier.\n", encoding="utf-8")
    assert run_import(path)[0] == 0
    assert found_by(client, api, "seals") == set()
    assert len(found_by(client, api, "dolphins")) == 1


def test_a_body_too_large_for_a_tsvector_is_stored_and_its_start_searchable(client, api):
    # 330,000 distinct words: a tsvector of the whole body would pass PostgreSQL's 1 MB limit.
    words = ("".join(letters) for letters in itertools.product("bcdfghjklmnp", repeat=6))
    filler = " ".join(itertools.islice(words, 330_000))
    article = factories.article(title="Long read", body=f"aardvark {filler[:150_000]} zymurgy {filler[150_000:]}")
    assert found_by(client, api, "aardvark") == slugs_of(article)
    # PostgreSQL indexes the first 100,000 characters of a body; the fallback reads all of it.
    assert found_by(client, api, "zymurgy") == (set() if ON_POSTGRESQL else slugs_of(article))


# --- The migration --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_search_document_migration_reverses_cleanly():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("articles")
    try:
        executor.migrate([("articles", "0005_drop_redundant_date_index")])
        assert "search_document" not in article_table_columns()
    finally:
        MigrationExecutor(connection).migrate(latest)  # a fresh executor: the first one's view is stale
    assert ("search_document" in article_table_columns()) == ON_POSTGRESQL
