"""The article changelist: what it shows, its filters and search, list edits through the audited
services, and a cost that does not grow with the catalogue (queries, no whole-table COUNT)."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin.changelist import CappedCountPaginator
from articles.models import Article, ArticleImage, EditorialChange
from tests.factories import bulk_articles, provider, topic

from .admin_support import unbounded_article_counts

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
MAX_QUERIES = 12


def titles(response) -> list[str]:
    return [article.title for article in response.context["cl"].result_list]


def grow_catalogue(total: int):
    """A catalogue of ``total`` articles spread over providers, topics and years, with images."""
    ai, courts = topic("AI"), topic("Courts")
    sources = [provider(f"site{n}.example", f"Site {n}") for n in range(4)]
    existing = Article.objects.count()
    if not existing:
        # Something on the day the date-hierarchy cases drill into, at every size.
        bulk_articles(
            2, start=10_000, source=sources[0], published_at=datetime.datetime(2023, 6, 1, 9, tzinfo=datetime.UTC)
        )
        existing = 2
    per_source = max((total - existing) // len(sources), 1)
    for n, source in enumerate(sources):
        bulk_articles(
            per_source, start=existing + n * per_source, source=source, topic=ai if n % 2 else courts, spread_days=3
        )


FILTERS = [
    pytest.param("", id="none"),
    pytest.param("published=yes", id="published"),
    pytest.param("published=no", id="unpublished"),
    pytest.param("published=scheduled", id="scheduled"),
    pytest.param("quality_band=unrated", id="quality-unrated"),
    pytest.param("quality_band=40-69", id="quality-band"),
    pytest.param("provider_q=site", id="provider-search"),
    pytest.param("provider__id__exact={provider}", id="provider"),
    pytest.param("topic_q=a", id="topic-search"),
    pytest.param("topic__id__exact={topic}", id="topic"),
    pytest.param("needs_review=yes", id="needs-review"),
    pytest.param("needs_review=no", id="reviewed"),
    pytest.param("published_at__year=2023", id="year"),
    pytest.param("published_at__year=2023&published_at__month=6", id="month"),
    pytest.param("published_at__year=2023&published_at__month=6&published_at__day=1", id="day"),
    pytest.param("q=article", id="search"),
    pytest.param("o=2", id="order-by-quality"),
    pytest.param("p=2", id="page-2"),
    pytest.param(
        "provider__id__exact={provider}&topic__id__exact={topic}&published=no&quality_band=40-69", id="combined"
    ),
]


@pytest.mark.parametrize("query", FILTERS)
def test_changelist_costs_the_same_queries_at_any_size_and_never_counts_the_whole_table(
    editor_client, query, django_assert_max_num_queries
):
    grow_catalogue(20)
    url = CHANGELIST + "?" + query.format(provider=provider("site1.example").pk, topic=topic("AI").pk)

    def load():
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(url)
        assert response.status_code == 200, response
        return queries

    small = load()
    grow_catalogue(600)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = load()

    assert len(large) == len(small)
    assert unbounded_article_counts(large) == []


def test_default_list_is_newest_first_with_every_column(editor_client):
    source = provider("example.com", "Example News")
    older, newer = bulk_articles(2, source=source, topic=topic("Privacy"))  # article 0 is the newest
    response = editor_client.get(CHANGELIST)
    html = response.content.decode()

    assert titles(response) == [older.title, newer.title]
    for header in ("Image", "Title", "Provider", "Source date", "Quality", "Published", "Topics"):
        assert f">{header}<" in html or f">{header}</a>" in html, header
    assert f'href="/admin/articles/article/{older.pk}/change/' in html
    assert "Example News" in html and "Privacy" in html
    assert f'src="https://img.example.com/{older.slug}.jpg"' in html
    assert 'name="form-0-quality"' in html and 'name="form-0-is_published"' in html


def test_titles_carry_schedule_and_review_flags(editor_client, make_article):
    make_article(title="Soon", scheduled_publish_at=datetime.datetime(2030, 1, 2, 9, 30, tzinfo=datetime.UTC))
    make_article(title="Draft <b>", needs_review=True)
    html = editor_client.get(CHANGELIST).content.decode()
    assert 'Soon</span> <span class="nd-flag nd-flag-scheduled">scheduled 02/01/2030 9:30 a.m.</span>' in html
    assert (
        'title="Draft &lt;b&gt;">Draft &lt;b&gt;</span> <span class="nd-flag nd-flag-review">needs review</span>'
        in html
    )


def test_thumbnails_are_http_only_and_escaped(editor_client, make_article):
    script = make_article(title="Scripted")
    ArticleImage.objects.create(article=script, position=0, url="javascript:alert(1)")
    quoted = make_article(title="Quoted")
    ArticleImage.objects.create(article=quoted, position=0, url='https://img.example.com/a.jpg"onerror="alert(1)')

    html = editor_client.get(CHANGELIST).content.decode()

    assert "javascript:alert" not in html
    assert 'src="https://img.example.com/a.jpg&quot;onerror=&quot;alert(1)"' in html
    assert '"onerror="' not in html


def test_html_in_titles_is_escaped(editor_client, make_article):
    make_article(title="<script>alert(1)</script>")
    html = editor_client.get(CHANGELIST).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("published=yes", {"published"}),
        ("published=no", {"draft", "scheduled", "unrated", "low"}),
        ("published=scheduled", {"scheduled"}),
        ("quality_band=unrated", {"unrated"}),
        ("quality_band=0-39", {"low"}),
        ("quality_band=40-69", {"draft", "scheduled"}),
        ("quality_band=70-100", {"published"}),
        ("needs_review=yes", {"draft"}),
        ("needs_review=no", {"published", "scheduled", "unrated", "low"}),
        ("q=bananas", {"published"}),
        ("q=somewhere.org", {"low"}),
        ("q=Somewhere+Daily", {"low"}),
    ],
)
def test_filters_and_search_select_the_right_articles(editor_client, make_article, query, expected):
    later = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    make_article(title="published", is_published=True, quality=80, excerpt="About bananas.")
    make_article(title="draft", needs_review=True, quality=40)
    make_article(title="scheduled", scheduled_publish_at=later, quality=69)
    make_article(title="unrated", quality=None)
    make_article(
        title="low", quality=39, provider=provider("somewhere.org", "Somewhere Daily"), url="https://somewhere.org/1"
    )

    response = editor_client.get(f"{CHANGELIST}?{query}")

    assert set(titles(response)) == expected


def test_provider_filter_lists_only_matches_of_its_search(editor_client, make_article):
    for n in range(30):
        provider(f"paper{n}.example", f"Paper {n}")
    chosen = provider("herald.example", "The Herald")
    make_article(title="from the herald", provider=chosen, url="https://herald.example/1")
    make_article(title="elsewhere")

    idle = editor_client.get(CHANGELIST).content.decode()
    searched = editor_client.get(f"{CHANGELIST}?provider_q=herald").content.decode()
    filtered = editor_client.get(f"{CHANGELIST}?provider__id__exact={chosen.pk}")

    assert "Paper 1" not in idle and 'name="provider_q"' in idle
    assert "The Herald" in searched and "Paper 1" not in searched
    assert f"provider__id__exact={chosen.pk}" in searched
    assert titles(filtered) == ["from the herald"]
    assert '<li class="selected"><a href="?provider__id__exact=' in filtered.content.decode()


def test_provider_search_keeps_the_other_filters(editor_client, make_article):
    make_article()
    html = editor_client.get(f"{CHANGELIST}?published=no&provider_q=exa").content.decode()
    assert '<input type="hidden" name="published" value="no">' in html
    assert "?provider__id__exact=" in html and "published=no" in html


def test_topic_filter(editor_client, make_article):
    tagged = make_article(title="tagged")
    make_article(title="untagged")
    ai = topic("AI")
    tagged.tagged_topics.create(tag=ai, position=0)

    assert titles(editor_client.get(f"{CHANGELIST}?topic__id__exact={ai.pk}")) == ["tagged"]
    assert "AI" in editor_client.get(f"{CHANGELIST}?topic_q=ai").content.decode()


def test_a_junk_filter_value_redirects_with_the_error_flag(editor_client, make_article):
    make_article()
    response = editor_client.get(f"{CHANGELIST}?provider__id__exact=abc")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("published_at__gte=junk", id="junk-date"),
        pytest.param("published_at__lt=9999-12-31T23:59:59-23:59", id="date-past-9999-in-utc"),
        pytest.param("provider_q=%00", id="nul-in-provider-search"),
        pytest.param("topic_q=%00", id="nul-in-topic-search"),
        pytest.param("quality_band=%00", id="nul-in-a-choice"),
        pytest.param("published_at__year=9999", id="year-whose-end-is-10000"),
        pytest.param("published_at__year=99999999999", id="year-overflowing-datetime"),
        pytest.param("published_at__month=13", id="month-without-year"),
        pytest.param("provider__id__exact=%C2%B2", id="superscript-digit-id"),
        pytest.param("provider__id__exact=99999999999999999999", id="id-past-64-bits"),
        pytest.param("topic__id__exact=99999999999999999999", id="topic-id-past-64-bits"),
    ],
)
def test_a_malformed_parameter_gets_the_error_flag_not_a_500(editor_client, make_article, query):
    make_article()
    response = editor_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 302 and response["Location"] == f"{CHANGELIST}?e=1"


def test_a_date_bound_typed_in_the_query_string_filters_the_list(editor_client, make_article):
    make_article(title="January", published_at=datetime.datetime(2024, 1, 5, tzinfo=datetime.UTC))
    make_article(title="March", published_at=datetime.datetime(2024, 3, 5, tzinfo=datetime.UTC))
    assert titles(editor_client.get(f"{CHANGELIST}?published_at__gte=2024-02-01")) == ["March"]
    assert titles(editor_client.get(f"{CHANGELIST}?published_at__lt=2024-02-01")) == ["January"]


def test_a_page_number_past_64_bits_is_answered_like_any_page_past_the_end(editor_client):
    bulk_articles(1)
    assert editor_client.get(f"{CHANGELIST}?p=99999999999999999999").status_code == 200  # one page: shown whole
    bulk_articles(51, start=1)
    response = editor_client.get(f"{CHANGELIST}?p=99999999999999999999")
    assert response.status_code == 302 and response["Location"] == f"{CHANGELIST}?e=1"


@pytest.mark.parametrize("query", ["title=x", "title__regex=(", "body__icontains=x", "heat__gt=1", "provider__name=x"])
def test_only_the_lists_own_filters_are_accepted(editor_client, make_article, query):
    make_article()
    assert editor_client.get(f"{CHANGELIST}?{query}").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/admin/providers/provider/?name=%00",
        "/admin/articles/topic/?name=%00",
        "/admin/articles/editorialchange/?field=%00",
        "/admin/articles/relatedlink/?url=%00",
    ],
)
def test_a_nul_in_any_admin_list_lookup_gets_the_error_flag(admin_client, make_article, url):
    make_article()
    response = admin_client.get(url)
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize("url", ["/admin/articles/topic/?name__regex=(", "/admin/articles/relatedlink/?url__iregex=["])
def test_no_admin_list_takes_a_regular_expression(admin_client, make_article, url):
    make_article()
    assert admin_client.get(url).status_code == 400


def test_date_hierarchy_links_only_periods_that_have_articles(editor_client, make_article):
    for year, month, day in [(2022, 5, 3), (2024, 2, 10), (2024, 2, 11), (2024, 7, 1)]:
        make_article(published_at=datetime.datetime(year, month, day, 9, tzinfo=datetime.UTC))

    def links(query=""):
        return [
            choice.get("title")
            for choice in editor_client.get(f"{CHANGELIST}?{query}").context["cl"].date_hierarchy_links["choices"]
        ]

    assert links() == ["2022", "2024"]
    assert links("published_at__year=2024") == ["February 2024", "July 2024"]
    assert links("published_at__year=2024&published_at__month=2") == ["10 February", "11 February"]
    assert links("published_at__year=2024&published_at__month=2&published_at__day=11") == ["11 February"]
    response = editor_client.get(f"{CHANGELIST}?published_at__year=2024&published_at__month=2")
    assert len(response.context["cl"].result_list) == 2


def test_date_hierarchy_drills_down_when_everything_is_in_one_month(editor_client, make_article):
    make_article(published_at=datetime.datetime(2024, 2, 10, tzinfo=datetime.UTC))
    make_article(published_at=datetime.datetime(2024, 2, 12, tzinfo=datetime.UTC))
    links = editor_client.get(CHANGELIST).context["cl"].date_hierarchy_links
    assert [choice["title"] for choice in links["choices"]] == ["10 February", "12 February"]


def test_list_edits_go_through_the_services_and_are_audited(editor_client, desk_editor, make_article):
    editor = desk_editor
    first, second, third = make_article(quality=50), make_article(quality=50), make_article(quality=50)
    page = editor_client.get(CHANGELIST)
    formset = page.context["cl"].formset
    data = {
        "_save": "Save",
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "3",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    wanted = {first.pk: ("75", True), second.pk: ("20", False), third.pk: ("50", False)}
    for n, form in enumerate(formset.forms):
        quality, published = wanted[form.instance.pk]
        data[f"form-{n}-id"] = str(form.instance.pk)
        data[f"form-{n}-quality"] = quality
        if published:
            data[f"form-{n}-is_published"] = "on"

    response = editor_client.post(CHANGELIST, data)

    assert response.status_code == 302
    stored = {a.pk: (a.quality, a.is_published, a.quality_set_by_editor) for a in Article.objects.all()}
    assert stored == {first.pk: (75, True, True), second.pk: (20, False, True), third.pk: (50, False, False)}
    changes = {
        (c.article_id, c.field, c.old_value, c.new_value, c.user_id, c.via) for c in EditorialChange.objects.all()
    }
    assert changes == {
        (first.pk, "quality", 50, 75, editor.pk, "admin"),
        (first.pk, "is_published", False, True, editor.pk, "admin"),
        (second.pk, "quality", 50, 20, editor.pk, "admin"),
    }
    messages = [str(m) for m in editor_client.get(CHANGELIST).context["messages"]]
    assert messages == ["2 articles were changed successfully."]


def test_an_invalid_list_edit_changes_nothing_and_shows_the_error(editor_client, make_article):
    article = make_article(quality=50)
    data = {
        "_save": "Save",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(article.pk),
        "form-0-quality": "101",
    }

    response = editor_client.post(CHANGELIST, data)

    assert response.status_code == 200
    assert response.context["cl"].formset.errors[0]["quality"]
    assert Article.objects.get().quality == 50 and EditorialChange.objects.count() == 0


def test_capped_count_is_labelled_and_deeper_pages_count_further(editor_client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "default_cap", 100)
    bulk_articles(700, image=False)

    first = editor_client.get(CHANGELIST)
    deep = editor_client.get(f"{CHANGELIST}?p=13")

    # Page 1 counts far enough for the next five pages of 50 (300 rows), then stops.
    assert first.context["cl"].paginator.count_label == "more than 300"
    assert "more than 300 articles" in first.content.decode()
    assert deep.context["cl"].paginator.count_label == "700"
    assert len(deep.context["cl"].result_list) == 50
    assert deep.context["cl"].result_list[0].title == "Bulk article 600"


def test_postgresql_uses_the_planner_estimate_and_sqlite_a_capped_count():
    bulk_articles(60, image=False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")
    paginator = CappedCountPaginator(Article.objects.all(), 10, cap=20)
    filtered = CappedCountPaginator(Article.objects.filter(quality=50), 10, cap=20)

    with CaptureQueriesContext(connection) as queries:
        count, filtered_count = paginator.count, filtered.count

    assert filtered_count == 21 and filtered.count_is_capped and filtered.count_label == "more than 20"
    if connection.vendor == "postgresql":
        assert (count, paginator.count_is_estimate, paginator.count_label) == (60, True, "about 60")
        assert "pg_class" in queries[0]["sql"]
    else:
        assert (count, paginator.count_is_capped) == (21, True)
    assert unbounded_article_counts(queries) == []


def test_exact_count_below_the_cap(make_article):
    for _ in range(3):
        make_article()
    paginator = CappedCountPaginator(Article.objects.all(), 10)
    assert (paginator.count, paginator.count_label, paginator.count_is_capped) == (3, "3", False)


class IdReferences(HTMLParser):
    """Every element id of a page, and every id its ``aria-describedby``/``aria-labelledby`` attributes name."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        for name in ("aria-describedby", "aria-labelledby"):
            self.references += [(name, target) for target in (attributes.get(name) or "").split()]


def dangling_references(html: str) -> list[tuple[str, str]]:
    page = IdReferences()
    page.feed(html)
    return [(name, target) for name, target in page.references if target not in page.ids]


def test_editable_columns_refer_only_to_ids_on_the_page(editor_client):
    bulk_articles(3)
    response = editor_client.get(CHANGELIST)
    html = response.content.decode()
    assert 'name="form-0-quality"' in html
    assert dangling_references(html) == []
    # The help text the describedby pointed at is still given, where a pointer would fail.
    quality = re.search(r'<input type="number" name="form-0-quality"[^>]*>', html).group()
    assert 'title="' in quality and 'aria-label="Quality' in quality
