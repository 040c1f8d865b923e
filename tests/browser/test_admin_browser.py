"""The editorial admin in real Chromium, as an editor uses it: log in, read the dashboard, filter
the list, publish two articles with the bulk action, score one in the list, and check the public
article pages. Screenshots of the dashboard and the changelist go to artifacts/screenshots/.

The admin pages run under the site's Content-Security-Policy (no inline script or style): any
violation logged by the browser fails the test. External images get a local placeholder, so the
run needs no network.
"""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from articles.admin.dashboard import DASHBOARD_CACHE_KEY
from articles.models import Article, ArticleImage, EditorialChange, TaggedTopic
from tests.browser.conftest import LiveSession
from tests.factories import PASSWORD, bulk_articles, make_editor, provider, topic

pytestmark = pytest.mark.django_db(transaction=True)


class Session(LiveSession):
    """An editor's page in the admin."""

    def messages(self) -> str:
        return self.page.locator(".messagelist").inner_text()


def log_in(page, base_url: str, username: str):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


@pytest.fixture
def desk(monkeypatch):
    """An editor created the documented way (``make editor`` runs this command)."""
    monkeypatch.setenv("NEWSDESK_EDITOR_PASSWORD", PASSWORD)
    call_command("create_editor", "desk", "--no-input", verbosity=0)
    cache.delete(DASHBOARD_CACHE_KEY)
    yield "desk"
    cache.delete(DASHBOARD_CACHE_KEY)


@pytest.fixture
def catalogue():
    herald = provider("herald.example", "The Herald")
    others = [provider(f"paper{n}.example", f"Paper {n}") for n in range(30)]
    courts = topic("Courts")
    mine = bulk_articles(3, source=herald, topic=courts)
    for n, source in enumerate(others):
        bulk_articles(2, start=100 + 2 * n, source=source, topic=topic("AI"))
    ArticleImage.objects.filter(article__in=mine).update(url="https://img.example.com/herald.jpg")
    return mine


@pytest.fixture
def desktop(browser):
    """An editor's desktop: wider than the site tests' page, as the admin has a sidebar and filters."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    yield context.new_page()
    context.close()


def test_editor_filters_publishes_scores_and_sees_the_public_page(
    live_server, browser, desktop, screenshot, desk, catalogue
):
    first, second, third = catalogue
    page = desktop
    admin = Session(page, live_server.url)

    admin.open("/admin/login/?next=/admin/")
    page.fill("#id_username", desk)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    # The dashboard: five pictures, the app list below.
    page.wait_for_selector(".nd-dashboard")
    assert page.locator(".nd-dashboard svg[role=img]").count() == 5
    assert "The Herald" in page.locator(".nd-dashboard").text_content()  # the top provider
    assert page.locator("#content-main .app-articles").count() == 1

    # Find the provider through the filter's search box, not a 31-item list.
    admin.open("/admin/articles/article/")
    assert page.locator("#changelist-filter").get_by_role("link", name="Paper 7").count() == 0
    page.fill("#nd-filter-provider_q", "herald")
    page.press("#nd-filter-provider_q", "Enter")
    page.locator("#changelist-filter").get_by_role("link", name="The Herald").click()
    page.wait_for_url("**provider__id__exact=*")
    assert page.locator("#result_list tbody tr").count() == 3

    # Publish two with the bulk action.
    page.check(f"input.action-select[value='{first.pk}']")
    page.check(f"input.action-select[value='{second.pk}']")
    page.select_option("select[name=action]", "publish_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    assert "Published 2 articles." in admin.messages()

    # Score one in the list and save.
    row = page.locator("#result_list tbody tr", has=page.locator(f"input.action-select[value='{first.pk}']"))
    row.locator("input[name$='-quality']").fill("88")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert "1 article was changed successfully." in admin.messages()
    assert row.locator("input[name$='-quality']").input_value() == "88"
    screenshot(page, "admin-changelist")

    stored = {a.pk: (a.is_published, a.quality) for a in Article.objects.filter(pk__in=[first.pk, second.pk, third.pk])}
    assert stored == {first.pk: (True, 88), second.pk: (True, 50), third.pk: (False, 50)}
    audited = {(c.article_id, c.field, c.via) for c in EditorialChange.objects.all()}
    assert audited == {
        (first.pk, "is_published", "bulk"),
        (second.pk, "is_published", "bulk"),
        (first.pk, "quality", "admin"),
    }

    # The change form shows the audit trail; the dashboard counts the two publications.
    admin.open(f"/admin/articles/article/{first.pk}/change/")
    assert page.locator(".nd-history tbody tr").count() == 2
    screenshot(page, "admin-change-form")
    cache.delete(DASHBOARD_CACHE_KEY)
    admin.open("/admin/")
    assert "2 of 63 articles are published" in page.locator("#nd-share-desc").text_content()
    screenshot(page, "admin-dashboard")

    # The editor previews the unpublished one from "View on site"...
    admin.open(f"/admin/articles/article/{third.pk}/change/")
    page.get_by_role("link", name="Preview on site (unpublished)").click()
    page.wait_for_url(f"**{third.get_absolute_url()}")
    assert third.title in page.locator("h1").inner_text()
    assert admin.csp_violations == [] and admin.broken == []

    # ...and a reader sees the published articles, not the held-back one.
    reader_context = browser.new_context()
    reader = Session(reader_context.new_page(), live_server.url)
    try:
        assert reader.open(first.get_absolute_url()).status == 200
        assert first.title in reader.page.locator("h1").inner_text()
        assert reader.open(second.get_absolute_url()).status == 200
        assert reader.open(third.get_absolute_url()).status == 404
        assert reader.csp_violations == []
    finally:
        reader_context.close()


LONG_TITLES = [
    "Met Police begins deploying live facial recognition cameras in Stratford and Walthamstow after a year-long "
    "trial that campaigners say was never properly evaluated by an independent body",
    "Live facial recognition helps deliver justice in Croydon, police say, as figures show 120 arrests in twelve months",
    "London police begin using live facial recognition tech across the capital",
    "Supercalifragilisticexpialidocious-Antidisestablishmentarianism-Pneumonoultramicroscopicsilicovolcanoconiosis headline",
]


@pytest.fixture
def long_catalogue():
    """A page of articles as imports make them: long titles, long provider names, several topics, flags."""
    source = provider("metropolitan-police-service.example", "Metropolitan Police Service News and Press Office")
    articles = bulk_articles(40, source=source, topic=topic("Facial recognition technology"), needs_review=True)
    for article, title in zip(articles, LONG_TITLES * 10, strict=False):
        article.title = title
    Article.objects.bulk_update(articles, ["title"])
    more = [topic(name) for name in ("Civil liberties", "Policing and crime", "London")]
    TaggedTopic.objects.bulk_create(
        [TaggedTopic(content_object=a, tag=t, position=n + 1) for a in articles for n, t in enumerate(more)]
    )
    Article.objects.filter(pk=articles[0].pk).update(scheduled_publish_at=timezone.now() + datetime.timedelta(days=2))
    return articles


LINES_OF_EACH_TITLE = """() => [...document.querySelectorAll('#result_list tbody .nd-title')].map(title => {
    const style = getComputedStyle(title);
    const lineHeight = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
    return Math.round(title.getBoundingClientRect().height / lineHeight);
})"""
RESULTS_SCROLL_SIDEWAYS = (
    "(() => { const r = document.querySelector('#changelist .results'); return r.scrollWidth > r.clientWidth; })()"
)
COLUMNS_OUT_OF_VIEW = """() => [...document.querySelectorAll('#result_list thead th, #result_list tbody tr:first-child > *')]
    .filter(cell => cell.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
                    || cell.scrollWidth > cell.clientWidth + 1)
    .map(cell => cell.className)"""


def test_the_article_list_fits_a_1366_pixel_screen(live_server, browser, screenshot, long_catalogue):
    editor = make_editor("desk", password=PASSWORD)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        admin = Session(page, live_server.url)
        log_in(page, live_server.url, editor.username)
        admin.open("/admin/articles/article/")
        page.wait_for_selector("#result_list")
        screenshot(page, "admin-changelist-1366")

        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        assert page.evaluate(RESULTS_SCROLL_SIDEWAYS) is False
        assert page.evaluate(COLUMNS_OUT_OF_VIEW) == []
        published = page.locator("#result_list tbody tr").first.locator("td.field-is_published input")
        box = published.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1366
        lines = page.evaluate(LINES_OF_EACH_TITLE)
        assert len(lines) == 40 and max(lines) == 3, lines  # the longest titles are cut at three lines
        assert lines[1] <= 2 and lines[2] <= 2, lines  # ordinary ones have room
        headline = page.locator("#result_list th.field-headline").first.bounding_box()
        assert headline["width"] >= 360  # the room goes to the titles
        # A shortened title is still there in full, for the eye (a tooltip) and for assistive technology.
        first = page.locator("#result_list tbody .nd-title").first
        assert first.get_attribute("title") == LONG_TITLES[0]
        assert first.text_content() == LONG_TITLES[0]
        assert admin.csp_violations == [] and admin.broken == []
    finally:
        context.close()
