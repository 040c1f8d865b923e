"""Security headers of the public site: a CSP forbidding inline script on every response, and its scoped exceptions;
HTTPS enforced behind the load balancer."""

import re

import pytest
from django.test import RequestFactory, override_settings

from newsdesk.middleware import ContentSecurityPolicyMiddleware
from tests import factories

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, set[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = set(values)
    return parsed


@pytest.mark.parametrize(
    "address", ["/", "/search/?q=x", "/robots.txt", "/feeds/json/", "/sitemap.xml", "/no-such-page/", "/admin/login/"]
)
def test_every_response_has_a_csp_forbidding_inline_script(client, address):
    factories.article()
    csp = directives(client.get(address)["Content-Security-Policy"])
    assert csp["script-src"] == {"'self'"}
    assert csp["default-src"] == {"'self'"}
    assert csp["object-src"] == {"'none'"}
    assert csp["base-uri"] == {"'self'"}
    assert csp["frame-ancestors"] == {"'none'"}
    assert csp["form-action"] == {"'self'"}
    assert csp["style-src"] == {"'self'"}
    assert csp["img-src"] == {"'self'", "https:", "data:"}
    for values in csp.values():
        assert not values & {"'unsafe-inline'", "'unsafe-eval'", "*"}


def test_error_pages_have_the_csp_too(client, monkeypatch):
    monkeypatch.setattr("articles.views.listing_page", lambda *a, **k: 1 / 0)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_pages_contain_no_inline_script_or_style(client):
    article = factories.article(body="Some *text*")
    for address in (
        "/",
        article.get_absolute_url(),
        "/topics/science/",
        "/providers/example-com/",
        "/search/?q=story",
        "/nope/",
    ):
        html = client.get(address).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html, re.I):
            assert 'type="application/ld+json"' in tag, (address, tag)  # a data block: not executed
        assert not re.search(r"<style\b", html, re.I), address
        assert not re.search(r"\sstyle=", html, re.I), address
        assert not re.search(r"\son[a-z]+=", html, re.I), address


def test_other_security_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_plain_http_is_redirected_and_https_behind_the_proxy_gets_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = (
        True  # the production default; pyproject.toml's pytest section turns it off for the plain-HTTP test client
    )
    redirect = client.get("/robots.txt")
    assert (redirect.status_code, redirect["Location"]) == (301, "https://testserver/robots.txt")

    # TLS ended at the load balancer, which says so in X-Forwarded-Proto.
    proxied = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_session_and_csrf_cookies_are_https_only_outside_debug(client, admin_user):
    assert client.get("/admin/login/").cookies["csrftoken"]["secure"]
    signed_in = client.post("/admin/login/", {"username": admin_user.username, "password": "password"})
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] and signed_in.cookies["sessionid"]["httponly"]


def test_path_overrides_are_scoped_to_their_prefix():
    from django.http import HttpResponse

    overrides = {"/api/v1/docs/": {"script-src": "'self' 'unsafe-inline'"}, "/api/": {"img-src": "'self'"}}
    with override_settings(NEWSDESK_CSP_PATH_OVERRIDES=overrides):
        middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    factory = RequestFactory()
    docs = directives(middleware(factory.get("/api/v1/docs/"))["Content-Security-Policy"])
    api = directives(middleware(factory.get("/api/v1/articles/"))["Content-Security-Policy"])
    site = directives(middleware(factory.get("/"))["Content-Security-Policy"])
    assert docs["script-src"] == {"'self'", "'unsafe-inline'"} and docs["img-src"] == {"'self'", "https:", "data:"}
    assert api["script-src"] == {"'self'"} and api["img-src"] == {"'self'"}
    assert site["script-src"] == {"'self'"}
    assert docs["object-src"] == {"'none'"}  # an override replaces only the directives it names


def test_a_view_that_sets_its_own_policy_keeps_it():
    from django.http import HttpResponse

    def view(request):
        response = HttpResponse()
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_the_api_docs_style_hash_matches_the_installed_drf_spectacular_template(settings):
    """The docs exception allows one inline <style> by hash: an upgrade that changes it must fail here."""
    import base64
    import hashlib
    from pathlib import Path

    import drf_spectacular

    template = (Path(drf_spectacular.__file__).parent / "templates/drf_spectacular/swagger_ui.html").read_text()
    style = re.search(r"<style>(.*?)</style>", template, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert settings.NEWSDESK_CSP_PATH_OVERRIDES["/api/v1/docs/"]["style-src"] == f"'self' 'sha256-{digest}'"


def test_the_docs_exception_applies_to_the_docs_page_only(client):
    docs = directives(client.get("/api/v1/docs/")["Content-Security-Policy"])
    assert any(value.startswith("'sha256-") for value in docs["style-src"])
    assert docs["script-src"] == {"'self'"}
    for address in ("/", "/api/v1/", "/admin/login/"):
        assert directives(client.get(address)["Content-Security-Policy"])["style-src"] == {"'self'"}
