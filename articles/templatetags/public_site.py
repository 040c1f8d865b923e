"""Filters that keep pipeline data safe on public pages: http(s)-only URLs, sanitised Markdown, JSON-LD.

Everything an article file carries is untrusted: any text may hold HTML or script and any
URL may be ``javascript:``. Templates escape text by default; these filters cover the rest.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

import markdown
import nh3
from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SAFE_SCHEMES = {"http", "https"}
# Browsers drop tabs and newlines inside URLs ("java\tscript:" runs), so any control character disqualifies one.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x20\x7f-\x9f]")
HOSTNAME = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")

BODY_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "dd",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def http_url(value, base: str = "") -> str:
    """``value`` as an absolute http(s) URL, resolved against ``base`` when relative; ``""`` for anything else."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if not value or CONTROL_CHARACTERS.search(value) or "\\" in value:
        return ""
    try:
        if urlsplit(value).scheme:
            url = value
        else:
            base = http_url(base) if base else ""
            if not base:
                return ""
            url = urljoin(base, value)
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        return ""
    return url


def site_url_of(domain: str) -> str:
    """``https://<domain>/`` for a plausible host name, else ``""``: a base for a provider's relative URLs."""
    domain = (domain or "").strip().lower()
    return f"https://{domain}/" if HOSTNAME.match(domain) else ""


def render_markdown(text: str, base_url: str = "") -> str:
    """Markdown to HTML, then sanitised: only harmless tags, http(s) links, relative URLs resolved or dropped."""
    if not text:
        return ""
    html = markdown.markdown(text, output_format="html")
    base = http_url(base_url)
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes=SAFE_SCHEMES,
        url_relative=("rewrite_with_base", base) if base else "deny",
        link_rel="noopener noreferrer nofollow",
    )


@register.filter
def provider_logo(provider) -> str:
    """The provider's logo as an absolute http(s) URL; relative paths are resolved against its own site."""
    if provider is None:
        return ""
    return http_url(provider.logo_url, site_url_of(provider.domain))


@register.filter
def provider_site(provider) -> str:
    return site_url_of(provider.domain) if provider is not None else ""


@register.filter
def image_src(image, article) -> str:
    """An article image's http(s) URL; a relative one is resolved against the article's source page."""
    if image is None:
        return ""
    return http_url(image.url, article.url or provider_site(article.provider))


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)


def json_ld_text(data) -> str:
    """JSON whose ``<``, ``>`` and ``&`` are escaped, so no string in it can close the script element."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)


@register.filter
def json_ld(data) -> SafeString:
    """A ``<script type="application/ld+json">`` data block (not executed, so allowed by the CSP)."""
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(json_ld_text(data)))
