"""The public site in real Chromium, as a reader uses it: desktop and a 390 px phone, with and without JavaScript.

External images are answered by a local placeholder so the run needs no network and the
screenshots still show the layout. Accessibility is checked by axe-core (vendored from npm);
axe is injected into a context that bypasses the CSP, while the reader's own contexts keep the
CSP and must log no violation of it.
"""

import re

import pytest
from django.contrib.auth.models import Permission

from articles.models import Article
from articles.services import article_publish
from tests import factories
from tests.browser.conftest import PLACEHOLDER_IMAGE, LiveSession

pytestmark = pytest.mark.django_db(transaction=True)

CITING = "Live facial recognition helps deliver justice in Croydon"  # seed 001, cites 000
CITED = "Live Facial Recognition used in Croydon"  # seed 000


class Reader(LiveSession):
    """A reader's page: the deliberate visits to missing pages ("/no-such…") are not failures."""

    def __init__(self, page, base_url: str):
        super().__init__(page, base_url, expected_missing=("/no-such",))


@pytest.fixture
def catalogue(imported_seeds, django_user_model):
    """The seeds, all published but the body-only draft, plus a few more articles with hostile text."""
    editor = django_user_model.objects.create_user(username="desk", password="x" * 20)
    for article in Article.objects.filter(is_draft=False):
        article_publish(article=article, user=editor)
    factories.article(
        title='A <script>alert("title")</script> story',
        excerpt="<img src=x onerror=alert(1)> excerpt",
        body="Body with [a bad link](javascript:alert(1)) and **bold** text.",
        topics=("AI",),
        url="https://example.com/hostile",
    )
    return Article.objects.published()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_reader_follows_home_article_related_topic_provider_and_search(live_server, page, screenshot, catalogue):
    reader = Reader(page, live_server.url)
    reader.open("/")
    assert page.locator("h1").inner_text() == "Latest news"
    assert page.locator(".card").count() == 4  # one card per story: seeds 000 and 001 report the same event
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "solid"
    screenshot(page, "desktop-home")

    # The story's lead stands for it; "and 1 more" opens its full coverage, where the other report is.
    page.get_by_role("link", name="and 1 more", exact=True).click()
    assert page.locator(".kicker").first.inner_text().lower() == "full coverage"
    assert page.locator("h1").inner_text() == CITED
    assert page.locator(".card").count() == 2
    screenshot(page, "desktop-story")

    page.get_by_role("link", name=CITING, exact=True).click()
    assert page.locator("h1").inner_text() == CITING
    source = page.get_by_role("link", name=re.compile("Read at the source"))
    assert source.get_attribute("rel") == "noopener noreferrer"
    assert source.get_attribute("href").startswith("https://news.met.police.uk/")
    screenshot(page, "desktop-article")

    # The cited article is in the catalogue and published: its related link stays on Newsdesk.
    related = page.locator(".related").get_by_role("link", name=CITED, exact=True)
    assert related.get_attribute("href").startswith("/articles/")
    related.click()
    assert page.locator("h1").inner_text() == CITED
    assert page.url.startswith(live_server.url + "/articles/")

    page.locator(".article__topics").get_by_role("link", name="AI", exact=True).click()
    assert page.locator("h1").inner_text() == "AI"
    assert page.locator(".card").count() == 4  # seeds 000 and 001 share one card here too
    screenshot(page, "desktop-topic")

    page.locator(".card").first.locator(".meta a").first.click()
    assert page.locator(".kicker").inner_text().lower() == "publisher"
    screenshot(page, "desktop-provider")

    page.get_by_role("searchbox", name="Search articles").fill("facial recognition")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=facial"))
    assert page.locator("h1").inner_text() == "Results for “facial recognition”"
    assert page.locator(".card").count() == 4
    screenshot(page, "desktop-search")
    reader.assert_clean()


def test_hostile_article_shows_its_text_and_runs_nothing(live_server, page, catalogue):
    reader = Reader(page, live_server.url)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reader.open("/")
    page.get_by_role("link", name='A <script>alert("title")</script> story').click()
    assert page.locator("h1").inner_text() == 'A <script>alert("title")</script> story'
    assert page.get_by_role("link", name="a bad link").count() == 0  # javascript: link dropped, text kept
    assert "a bad link" in page.locator(".article__body").inner_text()
    assert dialogs == []
    reader.assert_clean()


def test_phone_layout_of_every_page_type(live_server, phone_page, screenshot, catalogue):
    reader = Reader(phone_page, live_server.url)
    citing = Article.objects.get(title=CITING)
    pages = {
        "home": "/",
        "article": citing.get_absolute_url(),
        "topic": "/topics/computer-vision/",
        "provider": citing.provider.get_absolute_url(),
        "search": "/search/?q=croydon",
        "not-found": "/articles/no-such-article/",
    }
    for name, path in pages.items():
        response = reader.open(path)
        assert response.status == (404 if name == "not-found" else 200), name
        assert no_horizontal_scroll(phone_page), name
        screenshot(phone_page, f"phone-{name}")
    assert phone_page.evaluate("window.innerWidth") == 390
    reader.assert_clean()


def test_site_works_without_javascript(live_server, browser, catalogue):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="and 1 more", exact=True).click()
        page.get_by_role("link", name=CITING, exact=True).click()
        assert page.locator("h1").inner_text() == CITING
        page.get_by_role("searchbox", name="Search articles").fill("stratford")
        page.get_by_role("button", name="Search").click()
        assert page.locator(".card h2").all_inner_texts() == [
            "Met Police begins deploying live facial recognition cameras in Stratford"
        ]
    finally:
        context.close()


@pytest.fixture
def axe_page(browser):
    """A page whose context ignores the CSP, so axe-core can be injected as a script (accessibility runs only)."""
    contexts = []

    def make(**options):
        context = browser.new_context(bypass_csp=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.route(
            re.compile(r"^https?://(?!localhost|127\.0\.0\.1)"),
            lambda route: (
                route.fulfill(status=200, content_type="image/svg+xml", body=PLACEHOLDER_IMAGE)
                if route.request.resource_type == "image"
                else route.abort()
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_has_no_accessibility_violations(
    live_server, axe_page, axe_violations, catalogue, django_user_model, scheme
):
    citing = Article.objects.get(title=CITING)
    draft = Article.objects.get(is_draft=True)
    pages = {
        "home": "/",
        "article": citing.get_absolute_url(),
        "story": citing.story.get_absolute_url(),
        "topic": "/topics/ai/",
        "provider": citing.provider.get_absolute_url(),
        "search results": "/search/?q=croydon",
        "search form": "/search/",
        "search too long": "/search/?q=" + "x" * 300,
        "not found": "/no-such-page/",
    }
    desktop = axe_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    phone = axe_page(viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme=scheme)
    for name, path in pages.items():
        for page in (desktop, phone):
            page.goto(live_server.url + path)
            assert axe_violations(page) == [], (name, page.viewport_size)

    # An editor's preview of the unpublished draft, banner included.
    editor = django_user_model.objects.create_user(username="previewer", password="a-long-test-password", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_article", content_type__app_label="articles"))
    desktop.goto(live_server.url + "/admin/login/")
    desktop.fill("#id_username", "previewer")
    desktop.fill("#id_password", "a-long-test-password")
    desktop.click("input[type=submit]")
    desktop.goto(live_server.url + draft.get_absolute_url())
    assert "Preview — not published" in desktop.locator(".preview-banner").inner_text()
    assert axe_violations(desktop) == [], "preview"


def test_empty_catalogue_home_is_accessible_and_points_editors_to_the_admin(
    live_server, axe_page, axe_violations, page, screenshot
):
    reader = Reader(page, live_server.url)
    reader.open("/")
    assert page.get_by_role("link", name="/admin/").get_attribute("href") == "/admin/"
    screenshot(page, "desktop-home-empty")
    reader.assert_clean()
    checker = axe_page(viewport={"width": 390, "height": 844})
    checker.goto(live_server.url + "/")
    assert axe_violations(checker) == []


def test_admin_works_under_the_site_csp(live_server, page, admin_user, catalogue):
    """The CSP applies to /admin/ too: logging in, the changelist and a change form log no violation."""
    reader = Reader(page, live_server.url)
    reader.open("/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")  # pytest-django's admin_user
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    reader.open("/admin/articles/article/")
    assert page.locator("#result_list").count() == 1
    page.locator("#result_list tbody tr").first.locator("a").first.click()
    page.wait_for_load_state()
    assert "/change/" in page.url
    reader.assert_clean()


def test_api_docs_work_under_the_csp(live_server, page):
    """Swagger UI loads, expands an operation and runs it, with no CSP violation (its one inline style is hash-allowed)."""
    reader = Reader(page, live_server.url)
    reader.open("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock")
    page.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.wait_for_selector(".live-responses-table")
    assert "200" in page.locator(".live-responses-table tbody .response-col_status").first.inner_text()
    reader.assert_clean()
