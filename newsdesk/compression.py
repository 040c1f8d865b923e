"""Compressed responses: brotli or gzip, as the client accepts, for pages, feeds, sitemaps and the API.

Where it sits: in ``MIDDLEWARE`` inside the response cache (which stores, and replays, the
compressed bytes with ``Vary: Accept-Encoding``, so a listing is compressed once per cache
lifetime) and outside the views and the middleware that render or change a body (only the API's
JSON errors for failures outside its views are made further out, and go uncompressed). Views set
their validators on the uncompressed body; a compressed response's strong ETag becomes weak, as Django's GZipMiddleware
does, and a 304 gets the ETag and ``Vary`` its 200 would have had (conditional requests compare
ETags weakly, so either form of the tag revalidates).

BREACH: compressing a response that reflects what an attacker sends next to a secret lets the
attacker guess the secret from the compressed length. So nothing personal is compressed: not the
responses to a request that identifies someone (a session cookie or an ``Authorization`` header:
the admin, editors' API calls and previews), nor a response that sets a cookie (a page carrying
a CSRF token, such as the admin's login form, sets or renews the CSRF cookie; a login sets the
session's). What is compressed is what any anonymous reader gets.

Streaming responses (static files: whitenoise sends its own precompressed copies) are left alone.
"""

from __future__ import annotations

import brotli
from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

MIN_LENGTH = 200  # shorter bodies gain nothing
BROTLI_QUALITY = 5  # the usual quality for bodies compressed per response: about gzip's speed, smaller
# gzip's random-length file name header, as Django's GZipMiddleware adds (a further BREACH measure).
GZIP_MAX_RANDOM_BYTES = 100
ENCODINGS = ("br", "gzip")  # preferred first, at equal q
# Besides text/* and */*+json, +xml, +yaml: what the site and the API send (the schema is application/vnd.oai.openapi).
TEXT_TYPES = frozenset(
    {"application/json", "application/xml", "application/javascript", "application/yaml", "application/vnd.oai.openapi"}
)


class CompressionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_personal(request, response):
            return response
        if response.status_code == 304:
            if chosen_encoding(request.headers.get("Accept-Encoding", "")):
                patch_vary_headers(response, ("Accept-Encoding",))
                _weaken_etag(response)
            return response
        if not _is_compressible(response):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        encoding = chosen_encoding(request.headers.get("Accept-Encoding", ""))
        if encoding is None:
            return response
        if encoding == "br":
            compressed = brotli.compress(response.content, quality=BROTLI_QUALITY)
        else:
            compressed = compress_string(response.content, max_random_bytes=GZIP_MAX_RANDOM_BYTES)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        response.headers["Content-Encoding"] = encoding
        _weaken_etag(response)
        return response


def is_personal(request, response) -> bool:
    """Whether the response may hold a secret of whoever asked: then it is never compressed (BREACH)."""
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "Authorization" in request.headers or bool(response.cookies)
    )


def chosen_encoding(accept_encoding: str) -> str | None:
    """``br`` or ``gzip``, whichever the ``Accept-Encoding`` header ranks higher (``br`` on a tie); ``None`` for neither."""
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *parameters = (part.strip() for part in item.split(";"))
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name:
            weights[name.lower()] = weight
    ranked = [(weights.get(name, weights.get("*", 0.0)), -order, name) for order, name in enumerate(ENCODINGS)]
    weight, _, name = max(ranked)
    return name if weight > 0 else None


def _is_compressible(response) -> bool:
    if response.streaming or response.has_header("Content-Encoding") or len(response.content) < MIN_LENGTH:
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return (
        content_type.startswith("text/")
        or content_type in TEXT_TYPES
        or content_type.endswith(("+json", "+xml", "+yaml"))
    )


def _weaken_etag(response) -> None:
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response.headers["ETag"] = "W/" + etag
