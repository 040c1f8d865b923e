"""The API's request body parser: JSON, within the importer's size limit."""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class LimitedJSONParser(BaseParser):
    """JSON bodies up to ``NEWSDESK_IMPORT_MAX_BYTES``, read without trusting Content-Length; a larger one is a 413.

    Not a ``JSONParser``: DRF reads a JSONParser's whole body first through ``request.body``,
    which refuses anything over Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) with a bare 400,
    whatever this limit is. Given the stream, this reads at most one byte past the limit. DRF's
    own parser would also let a deeply nested document turn into a 500 (RecursionError).
    """

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.NEWSDESK_IMPORT_MAX_BYTES
        too_large = RequestTooLarge(f"The request body is over the {limit:,}-byte limit.")
        request = (parser_context or {}).get("request")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            declared = 0
        if declared > limit:
            raise too_large  # refused before a byte of it is read
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise too_large
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = codecs.decode(data, encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(f"The request body is not valid {encoding} text.") from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError as error:
            raise exceptions.ParseError(f"The request body is not valid JSON: {error}") from None
        except RecursionError:
            raise exceptions.ParseError("The request body is not valid JSON: nested too deeply.") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")
