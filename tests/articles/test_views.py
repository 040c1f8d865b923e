"""The public pages as a reader (and an editor previewing) gets them: content, leaks, bad input, metadata, speed."""

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Topic
from articles.services import article_publish, article_unpublish
from newsdesk.views import server_error
from tests import factories

from .admin_support import form_data

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
MAX_QUERIES = 6


class Elements(HTMLParser):
    """Start tags with their attributes, and JSON-LD blocks, of an HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        self._in_json_ld = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def hrefs(self) -> list[str]:
        return [a["href"] for t, a in self.tags if "href" in a]

    def srcs(self) -> list[str]:
        return [a["src"] for t, a in self.tags if "src" in a]

    def meta(self, key: str) -> str | None:
        for tag, a in self.tags:
            if tag == "meta" and key in (a.get("name"), a.get("property")):
                return a.get("content")
        return None


def page(response) -> Elements:
    return Elements(response.content.decode())


def only_http_links(elements: Elements) -> None:
    for url in elements.hrefs() + elements.srcs():
        assert url == "#main" or (url.startswith(("http://", "https://", "/")) and not url.startswith("//")), url


# --- Home -----------------------------------------------------------------------------------


def test_empty_catalogue_home_says_editors_publish_from_the_admin(client):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "No articles have been published yet" in text
    assert 'href="/admin/"' in text


def test_home_with_only_unpublished_articles_is_the_empty_page(client):
    factories.article(published=False, title="Held back by the desk")
    response = client.get("/")
    assert "Held back by the desk" not in response.content.decode()
    assert "No articles have been published yet" in response.content.decode()


def test_home_lists_published_articles_newest_first_with_their_details(client):
    older = factories.article(title="The older story", topics=("Space", "Science"))
    newer = factories.article(title="The newer story", images=("https://img.example.com/new.jpg",))
    factories.article(published=False, title="An unpublished story")
    response = client.get("/")
    text = response.content.decode()
    assert text.index("The newer story") < text.index("The older story")
    assert "An unpublished story" not in text
    elements = page(response)
    assert newer.get_absolute_url() in elements.hrefs() and older.get_absolute_url() in elements.hrefs()
    assert "https://img.example.com/new.jpg" in elements.srcs()
    assert "/topics/space/" in elements.hrefs()
    assert "/providers/example-com/" in elements.hrefs()
    assert newer.excerpt in text
    assert 'datetime="' + newer.published_at.isoformat() in text
    assert "No articles have been published yet" not in text


def test_home_paginates_with_newer_and_older_links_without_counting(client, settings):
    settings.NEWSDESK_SITE_PAGE_SIZE = 2
    stories = [factories.article(title=f"Paged story {n}") for n in range(5)]  # newest last
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/")
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    first_page = page(first)
    assert "/?page=2" in first_page.hrefs()
    assert not first_page.all("a", rel="prev")
    assert "Paged story 4" in first.content.decode() and "Paged story 2" not in first.content.decode()

    second = client.get("/?page=2")
    assert second.status_code == 200
    assert "Paged story 2" in second.content.decode() and "Paged story 1" in second.content.decode()
    assert page(second).all("a", rel="prev")[0]["href"] == "/"
    assert page(second).all("a", rel="next")[0]["href"] == "/?page=3"
    assert page(second).all("link", rel="canonical")[0]["href"] == "http://testserver/?page=2"

    last = client.get("/?page=3")
    assert stories[0].title in last.content.decode()
    assert not page(last).all("a", rel="next")


def test_a_full_last_page_has_no_older_link(client, settings):
    settings.NEWSDESK_SITE_PAGE_SIZE = 2
    for _ in range(4):
        factories.article()
    assert page(client.get("/")).all("a", rel="next")[0]["href"] == "/?page=2"
    last = client.get("/?page=2")
    assert len(page(last).all("article")) == 2
    assert not page(last).all("a", rel="next")
    assert client.get("/?page=3").status_code == 404


@pytest.mark.parametrize("junk", ["abc", "0", "-1", "1.5", "999999", "99999999999999999999", "2 OR 1=1", "", "%00"])
def test_junk_page_numbers_are_a_friendly_404(client, junk):
    factories.article()
    response = client.get("/", {"page": junk})
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_page_past_the_end_is_404_and_page_1_is_the_home_page(client):
    factories.article(title="Only story")
    assert client.get("/?page=2").status_code == 404
    assert "Only story" in client.get("/?page=1").content.decode()


def test_pages_deeper_than_the_limit_are_404(client, settings):
    settings.NEWSDESK_SITE_PAGE_SIZE = 1
    settings.NEWSDESK_SITE_MAX_PAGE = 2
    for _ in range(4):
        factories.article()
    second = client.get("/?page=2")
    assert second.status_code == 200
    assert not page(second).all("a", rel="next")
    assert client.get("/?page=3").status_code == 404


def test_junk_query_parameters_are_ignored_and_not_in_the_canonical_link(client):
    factories.article()
    response = client.get("/", {"utm_source": "x", "q": XSS, "page": "1"})
    assert response.status_code == 200
    assert page(response).all("link", rel="canonical")[0]["href"] == "http://testserver/"


# --- Article page ---------------------------------------------------------------------------


def test_article_page_shows_everything_about_the_article(client):
    cited = factories.article(title="Our own copy of the cited story")
    article = factories.article(
        title="Main story",
        excerpt="The short version.",
        body="First paragraph with **bold** text.\n\n* one\n* two",
        category="news",
        topics=("Space", "Science"),
        images=("https://img.example.com/1.jpg", "/relative/2.jpg"),
        related=(
            {"title": "Cited here too", "url": cited.url, "article": cited},
            {"title": "Elsewhere only", "url": "https://other.example/story"},
        ),
        by=factories.provider("bbc.co.uk", "BBC"),
        url="https://bbc.co.uk/news/main-story",
        published_at=datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
    )
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    text = response.content.decode()
    elements = page(response)
    assert "<h1>Main story</h1>" in text
    assert "The short version." in text
    assert "<strong>bold</strong>" in text and "<li>one</li>" in text
    assert "/providers/bbc-co-uk/" in elements.hrefs()
    assert '<time datetime="2024-03-05T09:30:00+00:00">5 March 2024, 09:30 UTC</time>' in text
    source = elements.all("a", href="https://bbc.co.uk/news/main-story")
    assert source and source[0]["rel"] == "noopener noreferrer"
    assert "Read at the source" in text
    assert "https://img.example.com/1.jpg" in elements.srcs()
    assert "https://bbc.co.uk/relative/2.jpg" in elements.srcs()  # relative to the article's source page
    assert {"/topics/space/", "/topics/science/"} <= set(elements.hrefs())
    assert cited.get_absolute_url() in elements.hrefs()  # in the catalogue and published: our page
    outbound = elements.all("a", href="https://other.example/story")
    assert outbound and outbound[0]["rel"] == "noopener noreferrer"


def test_related_article_that_is_not_published_links_to_the_source_not_to_us(client):
    hidden = factories.article(published=False, title="Cited but held back", url="https://cited.example/held")
    article = factories.article(related=({"title": "Cited", "url": hidden.url, "article": hidden},))
    elements = page(client.get(article.get_absolute_url()))
    assert hidden.get_absolute_url() not in elements.hrefs()
    assert "https://cited.example/held" in elements.hrefs()
    assert "Cited but held back" not in client.get(article.get_absolute_url()).content.decode()


def test_related_link_follows_the_cited_article_being_published_and_unpublished(client, editor):
    cited = factories.article(published=False, url="https://cited.example/story")
    article = factories.article(related=({"title": "Cited", "url": cited.url, "article": cited},))
    assert cited.get_absolute_url() not in page(client.get(article.get_absolute_url())).hrefs()
    article_publish(article=cited, user=editor)
    assert cited.get_absolute_url() in page(client.get(article.get_absolute_url())).hrefs()
    article_unpublish(article=cited, user=editor)
    assert cited.get_absolute_url() not in page(client.get(article.get_absolute_url())).hrefs()


def test_seeded_related_link_is_followed_to_our_own_page_once_both_are_published(client, imported_seeds, editor):
    citing = Article.objects.get(url__endswith="478451")
    cited = Article.objects.get(url__endswith="478292")
    article_publish(article=citing, user=editor)
    assert cited.get_absolute_url() not in page(client.get(citing.get_absolute_url())).hrefs()
    article_publish(article=cited, user=editor)
    assert cited.get_absolute_url() in page(client.get(citing.get_absolute_url())).hrefs()


def test_unknown_article_is_a_friendly_404(client):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_unpublished_article_is_404_for_anonymous_readers(client):
    article = factories.article(published=False, title="Secret draft title")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "Secret draft title" not in response.content.decode()


def test_unpublished_article_is_404_for_a_logged_in_user_without_the_view_permission(client, editor):
    article = factories.article(published=False, title="Secret draft title")
    client.force_login(editor)  # staff, but no articles.view_article
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "Secret draft title" not in response.content.decode()


def test_editor_with_the_view_permission_previews_an_unpublished_article(client, editor):
    editor.user_permissions.add(
        Permission.objects.get(codename="view_article", content_type=ContentType.objects.get_for_model(Article))
    )
    article = factories.article(published=False, title="Draft under review")
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    assert "Draft under review" in text
    assert "Preview — not published" in text
    assert page(response).meta("robots") == "noindex"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control and "public" not in cache_control
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")
    assert reverse("admin:articles_article_change", args=[article.pk]) in page(response).hrefs()


def test_published_article_has_no_preview_banner_even_for_an_editor(admin_client):
    article = factories.article(title="Live story")
    response = admin_client.get(article.get_absolute_url())
    assert "Preview — not published" not in response.content.decode()
    assert page(response).meta("robots") is None


def test_superuser_previews_and_a_previewed_related_target_is_still_not_linked_for_readers(admin_client, client):
    hidden = factories.article(published=False)
    assert admin_client.get(hidden.get_absolute_url()).status_code == 200
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_body_only_draft_from_the_seeds_is_not_public(client, imported_seeds):
    draft = Article.objects.get(is_draft=True)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get("/").content.decode()


# --- Hostile data ---------------------------------------------------------------------------


def test_script_in_title_excerpt_body_and_related_text_is_escaped_or_removed(client):
    article = factories.article(
        title=f"Title {XSS}",
        excerpt=f"Excerpt {XSS}",
        body=f"Body {XSS}\n\n<iframe src='https://evil.example'></iframe>\n\n[click](javascript:alert(1))",
        topics=(f"Topic {XSS}",),
        related=({"title": f"Related {XSS}", "excerpt": f"Related excerpt {XSS}"},),
    )
    topic_page = factories.topic(f"Topic {XSS}").get_absolute_url()
    for address in (
        article.get_absolute_url(),
        "/",
        "/search/?q=Title",
        topic_page,
        article.provider.get_absolute_url(),
    ):
        response = client.get(address)
        text = response.content.decode()
        elements = page(response)
        assert [s.get("type") for s in elements.all("script")] in ([], ["application/ld+json"]), address
        assert not [name for _, attrs in elements.tags for name in attrs if name.startswith("on")], address
        assert "x" not in elements.srcs()
        assert not elements.all("iframe")
        assert "javascript:" not in text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text, address
    detail = client.get(article.get_absolute_url()).content.decode()
    assert "Body" in detail and "click" in detail  # the harmless text of the body survives


@pytest.mark.parametrize(
    "bad_url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>x</script>",
        "vbscript:x",
        "//",
    ],
)
def test_non_http_urls_never_become_links_or_images(client, bad_url):
    logo_provider = factories.provider("bad.example", "Bad Logo News", logo_url=bad_url)
    article = factories.article(
        url=bad_url,
        original_url=bad_url,
        images=(bad_url,),
        related=({"title": "Bad related", "url": bad_url},),
        by=logo_provider,
    )
    for address in (article.get_absolute_url(), "/", logo_provider.get_absolute_url()):
        response = client.get(address)
        assert response.status_code == 200
        elements = page(response)
        only_http_links(elements)
        assert "javascript:" not in response.content.decode().lower().replace("\t", "")
    detail = client.get(article.get_absolute_url()).content.decode()
    assert "Read at the source" not in detail
    assert "Bad related" in detail  # the title stays, as text


def test_provider_logo_path_is_resolved_against_the_provider_site(client):
    provider = factories.provider(
        "engadget.com", "Engadget", logo_url="/assets/images/engadget-50x50.jpg", logo_width=50, logo_height=50
    )
    article = factories.article(by=provider)
    for address in (provider.get_absolute_url(), article.get_absolute_url()):
        assert "https://engadget.com/assets/images/engadget-50x50.jpg" in page(client.get(address)).srcs()


def test_provider_with_a_junk_domain_gets_no_outbound_link_or_logo(client):
    provider = factories.provider("not a domain/..", "Odd", logo_url="/logo.png")
    factories.article(by=provider)
    elements = page(client.get(provider.get_absolute_url()))
    only_http_links(elements)
    assert not [src for src in elements.srcs() if "logo.png" in src]


def test_json_ld_cannot_be_broken_out_of_by_a_title(client):
    title = 'Breaking </script><script>alert("pwned")</script> & more'
    article = factories.article(title=title, excerpt="</SCRIPT><!--")
    response = client.get(article.get_absolute_url())
    text = response.content.decode()
    assert "</script><script>alert" not in text
    blocks = page(response).json_ld
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == title
    assert data["description"] == "</SCRIPT><!--"


# --- Metadata -------------------------------------------------------------------------------


def test_article_page_metadata(client):
    article = factories.article(
        title="A headline for sharing",
        excerpt="A description for search engines.",
        images=("https://img.example.com/share.jpg",),
        topics=("Space",),
        by=factories.provider("reuters.com", "Reuters"),
    )
    response = client.get(article.get_absolute_url())
    elements = page(response)
    canonical = f"http://testserver{article.get_absolute_url()}"
    assert "<title>A headline for sharing · Newsdesk</title>" in response.content.decode()
    assert elements.meta("description") == "A description for search engines."
    assert elements.all("link", rel="canonical")[0]["href"] == canonical
    assert elements.meta("og:type") == "article"
    assert elements.meta("og:title") == "A headline for sharing"
    assert elements.meta("og:url") == canonical
    assert elements.meta("og:image") == "https://img.example.com/share.jpg"
    assert elements.meta("twitter:card") == "summary_large_image"
    assert elements.meta("twitter:title") == "A headline for sharing"
    assert elements.meta("article:published_time") == article.published_at.isoformat()
    data = json.loads(elements.json_ld[0])
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "A headline for sharing"
    assert data["url"] == canonical
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["image"] == ["https://img.example.com/share.jpg"]
    assert data["publisher"] == {"@type": "Organization", "name": "Reuters", "url": "https://reuters.com/"}
    assert data["keywords"] == ["Space"]
    assert data["isBasedOn"] == article.url


def test_listing_pages_have_titles_descriptions_canonicals_and_feed_links(client):
    article = factories.article(topics=("Space",), by=factories.provider("nasa.gov", "NASA"))
    cases = {
        "/": ("Latest news", ["/feeds/rss/", "/feeds/atom/", "/feeds/json/"]),
        "/topics/space/": (
            "Space",
            ["/topics/space/feeds/rss/", "/topics/space/feeds/atom/", "/topics/space/feeds/json/"],
        ),
        "/providers/nasa-gov/": (
            "NASA",
            ["/providers/nasa-gov/feeds/rss/", "/providers/nasa-gov/feeds/atom/", "/providers/nasa-gov/feeds/json/"],
        ),
        article.get_absolute_url(): (article.title, ["/feeds/rss/", "/feeds/atom/", "/feeds/json/"]),
    }
    for address, (title, feeds) in cases.items():
        response = client.get(address)
        elements = page(response)
        assert f"<title>{title} · Newsdesk</title>" in response.content.decode(), address
        assert elements.meta("description"), address
        assert elements.meta("og:title") == title
        assert elements.all("link", rel="canonical")[0]["href"] == f"http://testserver{address}"
        alternates = elements.all("link", rel="alternate")
        assert [link["href"] for link in alternates] == feeds, address
        assert [link["type"] for link in alternates] == [
            "application/rss+xml",
            "application/atom+xml",
            "application/feed+json",
        ]


def test_search_and_404_pages_are_not_indexed(client):
    assert page(client.get("/search/?q=x")).meta("robots") == "noindex"
    assert page(client.get("/nowhere/")).meta("robots") == "noindex"


# --- Topic and provider pages ---------------------------------------------------------------


def test_topic_page_lists_only_its_published_articles(client):
    factories.article(title="About space", topics=("Space",))
    factories.article(title="About cooking", topics=("Cooking",))
    factories.article(published=False, title="Unpublished space", topics=("Space",))
    text = client.get("/topics/space/").content.decode()
    assert "<h1>Space</h1>" in text
    assert "About space" in text
    assert "About cooking" not in text and "Unpublished space" not in text


def test_topic_page_paginates(client, settings):
    settings.NEWSDESK_SITE_PAGE_SIZE = 1
    factories.article(title="Space one", topics=("Space",))
    factories.article(title="Space two", topics=("Space",))
    first = client.get("/topics/space/")
    assert "/topics/space/?page=2" in page(first).hrefs()
    assert "Space one" in client.get("/topics/space/?page=2").content.decode()
    assert client.get("/topics/space/?page=3").status_code == 404
    assert client.get("/topics/space/?page=x").status_code == 404


def test_topic_with_only_unpublished_articles_and_unknown_topics_are_404(client):
    factories.article(published=False, topics=("Embargoed",))
    assert client.get("/topics/embargoed/").status_code == 404
    assert client.get("/topics/never-heard-of-it/").status_code == 404
    assert not Topic.objects.with_articles_in(Article.objects.published()).filter(slug="embargoed").exists()


def test_provider_page_lists_only_its_published_articles(client):
    bbc = factories.provider("bbc.com", "BBC")
    factories.article(title="BBC story", by=bbc)
    factories.article(title="Other story")
    factories.article(published=False, title="BBC unpublished", by=bbc)
    response = client.get("/providers/bbc-com/")
    text = response.content.decode()
    assert "<h1>BBC</h1>" in text
    assert "BBC story" in text and "Other story" not in text and "BBC unpublished" not in text
    outbound = page(response).all("a", href="https://bbc.com/")
    assert outbound and outbound[0]["rel"] == "noopener noreferrer"


def test_provider_with_only_unpublished_articles_and_unknown_providers_are_404(client):
    factories.article(published=False, by=factories.provider("hidden.example", "Hidden"))
    assert client.get("/providers/hidden-example/").status_code == 404
    assert client.get("/providers/no-such-provider/").status_code == 404


# --- Search ---------------------------------------------------------------------------------


def test_search_finds_published_articles_by_every_word(client):
    factories.article(title="Facial recognition in Croydon")
    factories.article(title="Recognition of facts")
    factories.article(published=False, title="Facial recognition draft")
    text = client.get("/search/", {"q": "facial RECOGNITION"}).content.decode()
    assert "Facial recognition in Croydon" in text
    assert "Recognition of facts" not in text and "Facial recognition draft" not in text
    assert "Results for “facial RECOGNITION”" in text


def test_search_with_no_match_says_so(client):
    factories.article(title="Something")
    text = client.get("/search/", {"q": "zebra"}).content.decode()
    assert "No published article matches all of those words." in text


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_search_shows_the_form_without_querying_articles(client, query):
    factories.article(title="Something")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "Type a few words" in response.content.decode()
    assert "Something" not in response.content.decode()
    assert not any("articles_article" in q["sql"] and "LIKE" in q["sql"].upper() for q in queries.captured_queries)


def test_absurdly_long_search_is_refused_politely(client):
    factories.article(title="Something")
    response = client.get("/search/", {"q": "word " * 5000})
    assert response.status_code == 200
    assert "That search is too long" in response.content.decode()


@pytest.mark.parametrize("query", ["nul\x00byte", "%", "_", "' OR 1=1 --", XSS, "\u202e\u0000\u0007", "日本語"])
def test_hostile_search_input_is_harmless(client, query):
    factories.article(title="nul byte story")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_nul_byte_is_treated_as_a_word_break(client):
    factories.article(title="nul byte story")
    assert "nul byte story" in client.get("/search/", {"q": "nul\x00byte"}).content.decode()


def test_search_pagination_keeps_the_query(client, settings):
    settings.NEWSDESK_SITE_PAGE_SIZE = 1
    factories.article(title="Comet one")
    factories.article(title="Comet two")
    first = client.get("/search/", {"q": "comet"})
    assert "/search/?q=comet&page=2" in page(first).hrefs()
    assert "Comet one" in client.get("/search/", {"q": "comet", "page": "2"}).content.decode()
    assert client.get("/search/", {"q": "comet", "page": "junk"}).status_code == 404


# --- Methods and errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["/", "/search/?q=a", "/articles/x/", "/topics/x/", "/providers/x/", "/feeds/rss/", "/feeds/json/"]
)
def test_pages_refuse_writes(client, address):
    assert client.post(address).status_code == 405


def test_head_is_answered(client):
    factories.article()
    response = client.head("/")
    assert response.status_code == 200
    assert response.has_header("ETag")


def test_500_page_renders_without_any_context(rf):
    response = server_error(rf.get("/articles/x/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_a_crashing_view_gets_the_friendly_500_page(client, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("articles.views.listing_page", crash)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# --- Conditional GET ------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["home", "article", "topic", "provider", "search"])
def test_pages_answer_304_to_a_current_etag_or_date(client, which):
    article = factories.article()
    address = {
        "home": "/",
        "article": article.get_absolute_url(),
        "topic": "/topics/science/",
        "provider": article.provider.get_absolute_url(),
        "search": "/search/?q=story",
    }[which]
    first = client.get(address)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert "must-revalidate" in first["Cache-Control"]
    again = client.get(address, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(address, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(address, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_publishing_or_unpublishing_anything_changes_the_validators(client, editor):
    article = factories.article()
    other = factories.article(published=False)
    etag = client.get("/").headers["ETag"]
    article_publish(article=other, user=editor)
    changed = client.get("/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    article_unpublish(article=article, user=editor)
    response = client.get(article.get_absolute_url(), headers={"If-None-Match": changed["ETag"]})
    assert response.status_code == 404


def test_an_import_and_an_admin_edit_change_the_validators(
    client, admin_client, imported_seeds, run_import, seeds_dir, editor
):
    for article in Article.objects.filter(is_draft=False):
        article_publish(article=article, user=editor)
    first = client.get("/")["ETag"]
    seed = sorted(seeds_dir.glob("000_*"))[0]
    seed.write_text(seed.read_text().replace("Live Facial Recognition used in Croydon", "A retitled story"))
    assert run_import(seeds_dir)[0] == 0
    after_import = client.get("/", headers={"If-None-Match": first})
    assert after_import.status_code == 200 and "A retitled story" in after_import.content.decode()
    article = Article.objects.get(title="A retitled story")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    assert admin_client.post(change_url, form_data(admin_client, article, title="Retitled by hand")).status_code == 302
    assert client.get("/", headers={"If-None-Match": after_import["ETag"]}).status_code == 200


def test_a_forged_validator_never_turns_a_hidden_page_into_a_304(client):
    factories.article()
    hidden = factories.article(
        published=False, topics=("Embargoed",), by=factories.provider("hidden.example", "Hidden")
    )
    forged = {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT", "If-None-Match": "*"}
    for address in (
        hidden.get_absolute_url(),
        "/topics/embargoed/",
        "/providers/hidden-example/",
        "/topics/embargoed/feeds/rss/",
        "/providers/hidden-example/feeds/json/",
        "/articles/never-existed/",
    ):
        assert client.get(address, headers=forged).status_code == 404, address


def test_a_404_carries_no_validators(client):
    response = client.get("/articles/nothing-here/")
    assert response.status_code == 404
    assert not response.has_header("ETag")


def test_release_setting_changes_the_etag(client, settings):
    factories.article()
    before = client.get("/")["ETag"]
    settings.NEWSDESK_RELEASE = "next-deploy"
    assert client.get("/")["ETag"] != before


# --- Queries --------------------------------------------------------------------------------


def count_queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(queries.captured_queries)


@pytest.mark.parametrize("kind", ["home", "article", "topic", "provider", "search", "home page 2"])
def test_every_page_costs_the_same_few_queries_whatever_the_catalogue_size(
    client, settings, kind, django_assert_max_num_queries
):
    settings.NEWSDESK_SITE_PAGE_SIZE = 5

    def address(articles) -> str:
        article = articles[-1]
        return {
            "home": "/",
            "article": article.get_absolute_url(),
            "topic": "/topics/science/",
            "provider": article.provider.get_absolute_url(),
            "search": "/search/?q=story",
            "home page 2": "/?page=2",
        }[kind]

    small = factories.catalogue(6)
    small_count = count_queries(client, address(small))
    large = small + factories.catalogue(40)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(address(large))
    assert response.status_code == 200
    assert count_queries(client, address(large)) == small_count


def test_editor_preview_query_count_is_bounded(admin_client, django_assert_max_num_queries):
    factories.catalogue(3)
    draft = factories.article(published=False, related=({"title": "x"},) * 10, topics=("A", "B", "C"))
    with django_assert_max_num_queries(MAX_QUERIES + 2):  # + the session and the user
        assert admin_client.get(draft.get_absolute_url()).status_code == 200


def test_no_page_uses_count(client):
    factories.catalogue(3)
    for address in ("/", "/topics/science/", "/providers/example-com/", "/search/?q=story"):
        with CaptureQueriesContext(connection) as queries:
            client.get(address)
        assert not [q for q in queries.captured_queries if re.search(r"\bCOUNT\(", q["sql"], re.I)], address
