"""JSON errors everywhere under ``/api/``.

Every error has the same shape::

    {"status": 400, "code": "invalid", "detail": "Invalid value for quality_min.",
     "errors": {"quality_min": ["Enter a whole number."]}}

``errors`` (parameter or field name → messages) is present on validation errors only.

Two layers produce it:

* ``api_exception_handler`` (DRF's ``EXCEPTION_HANDLER``) for errors raised inside API views:
  validation, authentication, permission, throttling, not found, bad media types;
* ``ApiErrorMiddleware``, outermost, for everything else under ``/api/``: an unknown address
  (Django's 404), a 500 from an unexpected exception anywhere (Django logs it with its
  traceback; the client only ever gets the JSON body), a CSRF or host-header refusal.
"""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils.encoding import force_str
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# Headers that describe the replaced body, and so are not copied onto the JSON one.
BODY_HEADERS = {"content-type", "content-length", "content-encoding", "content-language", "etag"}

MESSAGES = {
    400: "Bad request.",
    404: "Not found. The API lives under /api/v1/; its documentation is at /api/v1/docs/.",
    405: "Method not allowed.",
    500: "Server error. It has been logged; please try again later.",
}


def error_body(status: int, detail: str, code: str, errors: dict | None = None) -> dict:
    body = {"status": status, "code": code, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        # The same answer for "no such article" and "not visible to you".
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django logs it, ApiErrorMiddleware answers with a JSON 500
    if isinstance(exc, exceptions.ValidationError):
        errors = _as_errors(exc.detail)
        names = [name for name in errors if name != "non_field_errors"]
        if names:
            detail = f"Invalid value{'s' if len(names) > 1 else ''} for {', '.join(names)}."
        else:
            detail = " ".join(errors.get("non_field_errors", [])) or "Invalid input."
        response.data = error_body(response.status_code, detail, "invalid", errors)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(response.status_code, force_str(detail) or _phrase(response.status_code), code)
    return response


def _as_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {str(name): _messages(value) for name, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{name}: {message}" for name, item in value.items() for message in _messages(item)]
    if isinstance(value, (list, tuple)):
        return [message for item in value for message in _messages(item)]
    return [force_str(value)]


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return "Error."


def is_api_path(path: str) -> bool:
    return path.startswith(getattr(settings, "NEWSDESK_API_PREFIX", "/api/"))


class ApiErrorMiddleware:
    """Give every error response under /api/ that DRF did not make the JSON error shape.

    Outermost in ``MIDDLEWARE``, so it also sees the 500 that Django's handler makes of an
    exception raised in another middleware, and never lets a debug page (with its
    traceback) reach an API client. Other headers (CORS, Vary, security) are kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api_path(request.path_info)
            or getattr(response, "streaming", False)
            or isinstance(response, Response)  # already in the shape, from api_exception_handler
        ):
            return response
        status = response.status_code
        code = "not_found" if status == 404 else "server_error" if status >= 500 else "error"
        replacement = JsonResponse(error_body(status, MESSAGES.get(status) or _phrase(status), code), status=status)
        for name, value in response.items():
            if name.lower() not in BODY_HEADERS:
                replacement[name] = value
        replacement.cookies = response.cookies
        return replacement
