"""The site's icon: an SVG in static/, named by every page (the public site's and the admin's), and
/favicon.ico answering browsers' own requests with it instead of a 404; hashed in production."""

import json
import re

import pytest

from tests import factories
from tests.newsdesk.test_deploy import PRODUCTION, django_process

pytestmark = pytest.mark.django_db

ICON_LINK = re.compile(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">')


def icon_of(html: str) -> str:
    [href] = ICON_LINK.findall(html)
    return href


def test_every_page_names_the_icon_and_it_is_served(client, admin_client):
    article = factories.article()
    for address in ["/", article.get_absolute_url(), "/search/?q=story", "/no-such-page/", "/admin/login/"]:
        assert icon_of(client.get(address).content.decode()) == "/static/favicon.svg", address
    for address in ["/admin/", "/admin/articles/article/", f"/admin/articles/article/{article.pk}/change/"]:
        assert icon_of(admin_client.get(address).content.decode()) == "/static/favicon.svg", address

    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)


def test_favicon_ico_redirects_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    assert client.get("/favicon.ico", follow=True).status_code == 200
    assert client.head("/favicon.ico").status_code == 302
    assert client.post("/favicon.ico").status_code == 405


ICON_PROBE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.template import engines
from django.test import Client, override_settings

with override_settings(STATIC_ROOT=sys.argv[1]):
    call_command("collectstatic", interactive=False, verbosity=0,
                 ignore_patterns=["admin", "rest_framework", "drf_spectacular_sidecar"])
    page = engines["django"].get_template("base.html").render({})
    redirect = Client().get("/favicon.ico", secure=True)
    icon = Client().get(redirect["Location"], secure=True, HTTP_ACCEPT_ENCODING="br")
print(json.dumps({"page": page, "location": redirect["Location"], "icon": [icon.status_code, icon["Content-Type"],
                  icon.get("Content-Encoding"), icon["Cache-Control"]]}))
"""


def test_in_production_the_icon_has_a_hashed_name_served_for_ever(tmp_path):
    result = django_process(["-c", ICON_PROBE, str(tmp_path)], **{**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "testserver"})
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)

    hashed = icon_of(probe["page"])
    assert re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.svg", hashed)
    assert probe["location"] == hashed
    assert probe["icon"] == [200, "image/svg+xml", "br", "max-age=315360000, public, immutable"]
