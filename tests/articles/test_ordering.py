"""Newest first, undated articles last: on the site, in the feeds and in the admin, on both databases, as index walks.

PostgreSQL sorts NULL first in a descending order and SQLite last; the suite runs on both (.ci/run),
so each test here holds on each.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.filters import ORDERING_FIELDS
from articles.models import NEWEST_FIRST, Article
from tests import factories

pytestmark = pytest.mark.django_db

ARTICLE_CHANGELIST = reverse("admin:articles_article_changelist")
PUBLISHED_COLUMN = 4  # "published" in ArticleAdmin.list_display, counted from 1 as the admin's ?o= does


@pytest.fixture
def dated_and_undated():
    """Two dated published articles around an undated one, created in between."""
    older = factories.article(title="Older story")
    undated = factories.article(title="Undated story", published_at=None)
    newer = factories.article(title="Newer story")
    assert older.published_at < newer.published_at
    return older, undated, newer


def titles_in(html: str, *titles: str) -> list[str]:
    return sorted(titles, key=html.index)


def test_the_home_page_lists_undated_articles_after_every_dated_one(client, dated_and_undated):
    html = client.get("/").content.decode()
    assert titles_in(html, "Older story", "Undated story", "Newer story") == [
        "Newer story",
        "Older story",
        "Undated story",
    ]


def test_a_topic_a_provider_and_the_feed_order_them_alike(client, dated_and_undated):
    expected = ["Newer story", "Older story", "Undated story"]
    for url in ("/topics/science/", "/providers/example-com/", "/feeds/rss/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert titles_in(response.content.decode(), *expected) == expected, url


def test_the_default_order_of_the_catalogue_is_the_same(dated_and_undated):
    older, undated, newer = dated_and_undated
    assert list(Article.objects.all()) == [newer, older, undated]
    assert list(Article.objects.published().for_listing()) == [newer, older, undated]


def test_the_admin_lists_an_undated_article_last_in_either_direction(admin_client, dated_and_undated):
    older, undated, newer = dated_and_undated

    def listed(query: str) -> list[Article]:
        response = admin_client.get(ARTICLE_CHANGELIST + query)
        assert response.status_code == 200
        return list(response.context["cl"].result_list)

    assert listed("") == [newer, older, undated]
    assert listed(f"?o={PUBLISHED_COLUMN}") == [older, newer, undated]
    assert listed(f"?o=-{PUBLISHED_COLUMN}") == [newer, older, undated]


def test_the_admins_oldest_first_is_the_apis_ascending_order_ties_and_undated_included(admin_client, client):
    same_time = factories.article(title="First at noon").published_at
    for n in range(2):
        factories.article(title=f"Also at noon {n}", published_at=same_time)
    undated = [factories.article(title=f"Undated {n}", published_at=None).slug for n in range(2)]

    def listed(query: str) -> list[str]:
        response = admin_client.get(ARTICLE_CHANGELIST + query)
        assert response.status_code == 200
        return [article.slug for article in response.context["cl"].result_list]

    oldest_first = listed(f"?o={PUBLISHED_COLUMN}")
    api_ascending = [item["slug"] for item in client.get("/api/v1/articles/?ordering=published_at").json()["results"]]
    assert oldest_first == api_ascending
    assert oldest_first[-2:] == undated  # after every dated one, by ascending id
    newest_first = listed(f"?o=-{PUBLISHED_COLUMN}")
    assert newest_first == listed("") and newest_first[-2:] == list(reversed(undated))


def test_the_admins_oldest_first_page_walks_the_date_index(admin_client, dated_and_undated):
    with CaptureQueriesContext(connection) as ran:
        assert admin_client.get(ARTICLE_CHANGELIST + f"?o={PUBLISHED_COLUMN}").status_code == 200
    order = 'ORDER BY "articles_article"."published_at" ASC'
    pages = [query["sql"] for query in ran.captured_queries if order in query["sql"]]
    assert len(pages) == 1, [query["sql"][-120:] for query in ran.captured_queries]
    # A short list is read whole; a long one a page at a time.
    plan = query_plan(pages[0] if " LIMIT " in pages[0] else pages[0] + " LIMIT 50")
    assert not sorting_steps(plan), "\n".join(plan)


# --------------------------------------------------------------------------- query plans
# With NULLS LAST, PostgreSQL needs its indexes built in that order (migration 0008). Told to avoid
# sorts and sequential scans, it still sorts when no index serves the order; breaking ties by id
# within one date ("Incremental Sort" on a presorted date) is fine. SQLite says when it sorts.


def test_the_listing_order_is_an_index_walk_not_a_sort(dated_and_undated):
    sql, params = Article.objects.published().order_by(*NEWEST_FIRST)[:20].query.sql_with_params()
    plan = query_plan(sql, params)
    assert not sorting_steps(plan), "\n".join(plan)
    assert any(index in line for line in plan for index in ("article_listing_order_idx", "article_published_date_idx"))


@pytest.mark.parametrize("ordering", [f"{sign}{name}" for name in ORDERING_FIELDS for sign in ("", "-")])
def test_every_api_ordering_pages_through_an_index_not_a_sort(client, dated_and_undated, ordering):
    factories.article(title="Unscored", quality=None)
    with CaptureQueriesContext(connection) as ran:
        first = client.get(f"/api/v1/articles/?ordering={ordering}&page_size=1")
        assert client.get(first.json()["next"]).status_code == 200  # a cursor's page: a range on the same index
    statements = [query["sql"] for query in ran.captured_queries if "LIMIT" in query["sql"]]
    assert len(statements) >= 2
    for sql in statements:
        plan = query_plan(sql, subqueries=False)  # the nested topics, images and links aside
        assert not sorting_steps(plan), "\n".join(plan)


def test_the_admins_date_drill_down_probes_walk_the_date_index(admin_client, dated_and_undated):
    with CaptureQueriesContext(connection) as ran:
        assert admin_client.get(ARTICLE_CHANGELIST).status_code == 200
    probes = [query["sql"] for query in ran.captured_queries if ' AS "first"' in query["sql"]]
    assert probes, [query["sql"][:120] for query in ran.captured_queries]
    for sql in probes:
        plan = query_plan(sql)
        assert not sorting_steps(plan), "\n".join(plan)


def query_plan(sql: str, params=(), *, subqueries: bool = True) -> list[str]:
    """The database's plan for ``sql``, a line per step; without its subqueries' steps if asked."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            kept, inside = [], None  # inside: the indentation of the SubPlan being left out
            for (line,) in cursor.fetchall():
                depth = len(line) - len(line.lstrip())
                if inside is not None and depth > inside:
                    continue
                inside = depth if not subqueries and line.lstrip().startswith("SubPlan") else None
                if inside is None:
                    kept.append(line)
            return kept
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        rows = cursor.fetchall()  # (id, parent, unused, detail)
        left_out = set()
        for node, parent, _, detail in rows:
            if not subqueries and (parent in left_out or "SUBQUERY" in detail):
                left_out.add(node)
        return [detail for node, _, _, detail in rows if node not in left_out]


def sorting_steps(plan: list[str]) -> list[str]:
    """The steps that sort rows rather than read them in order from an index."""
    if connection.vendor == "postgresql":
        return [line for line in plan if "Sort  (" in line and "Incremental Sort" not in line]
    return [
        line for line in plan if "TEMP B-TREE FOR ORDER BY" in line or "TEMP B-TREE FOR RIGHT PART OF ORDER BY" in line
    ]
