"""The admin index dashboard: server-rendered SVG pictures (no script, no inline style, no CDN),
a fixed number of aggregate queries, cached, with the app list kept."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles.admin.dashboard import DASHBOARD_CACHE_KEY
from articles.models import Article
from tests.factories import bulk_articles, make_editor, provider, topic

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.delete(DASHBOARD_CACHE_KEY)
    yield
    cache.delete(DASHBOARD_CACHE_KEY)


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def svg_blocks(html: str) -> list[str]:
    """The dashboard's charts (the admin's own theme icons are SVG too)."""
    return re.findall(r'<svg (?:class="nd-compact" )?viewBox=.*?role="img".*?</svg>', html, flags=re.DOTALL)


def assert_safe_markup(html: str):
    dashboard = html[html.index('class="nd-dashboard"') : html.index("</section>")]
    assert "<script" not in dashboard and "style=" not in dashboard and "<style" not in dashboard
    assert "http://" not in dashboard and "https://" not in dashboard.replace("http://www.w3.org", "")


def test_empty_catalogue(editor_client):
    response = editor_client.get(INDEX)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Articles imported per day" in html and "Published share" in html and "Quality distribution" in html
    assert "No articles yet." in html and "No topics yet." in html
    assert "0 articles in the catalogue" in html
    assert len(svg_blocks(html)) == 3
    assert 'id="content-main"' in html and "app-articles" in html  # the app list is still there
    assert_safe_markup(html)


def test_filled_catalogue(editor_client):
    herald = provider("herald.example", "The Herald <Daily>")
    bulk_articles(6, source=herald, topic=topic("Courts"))
    bulk_articles(3, start=100, topic=topic("AI"))
    Article.objects.filter(pk__in=Article.objects.order_by("pk").values("pk")[:3]).update(is_published=True, quality=85)
    Article.objects.filter(title="Bulk article 100").update(quality=None)

    html = editor_client.get(INDEX).content.decode()

    assert len(svg_blocks(html)) == 5
    assert "9 articles imported in the last 30 days" in html
    assert "3 of 9 articles are published (33.3%)" in html
    assert "Unrated: 1" in html and "80–89: 3" in html and "50–59: 5" in html
    assert "The Herald &lt;Daily&gt; (6)" in html and "Courts (6)" in html and "AI (3)" in html
    assert f"?provider__id__exact={herald.pk}" in html and "?quality_band=70-100" in html
    assert_safe_markup(html)


def test_a_fixed_number_of_queries_cached_between_loads(editor_client, django_assert_max_num_queries):
    bulk_articles(5, topic=topic("AI"))
    with django_assert_max_num_queries(14) as first:
        editor_client.get(INDEX)
    bulk_articles(50, start=10, source=provider("other.example"), topic=topic("Courts"))
    cache.delete(DASHBOARD_CACHE_KEY)
    with django_assert_max_num_queries(len(first)):
        editor_client.get(INDEX)
    with django_assert_max_num_queries(len(first) - 6):
        editor_client.get(INDEX)


def test_staff_without_article_permission_see_no_dashboard(client, django_user_model):
    staff = django_user_model.objects.create_user(username="staff", is_staff=True)
    client.force_login(staff)
    html = client.get(INDEX).content.decode()
    assert "nd-dashboard" not in html and 'id="content-main"' in html
