"""Project middleware: the Content-Security-Policy, the request log, and which requests may read the replica."""

import logging
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from rest_framework.throttling import BaseThrottle

from newsdesk import db_router

request_logger = logging.getLogger("newsdesk.request")


def client_address(request) -> str | None:
    """The client's address: X-Forwarded-For read through ``NEWSDESK_API_NUM_PROXIES`` trusted proxies.

    The one the API's rate limits count (DRF's ``NUM_PROXIES``), the request log records and
    the login throttle locks out.
    """
    return BaseThrottle().get_ident(request)


class ContentSecurityPolicyMiddleware:
    """Sets ``Content-Security-Policy`` from ``NEWSDESK_CSP`` unless the view set its own.

    ``NEWSDESK_CSP_PATH_OVERRIDES`` maps a path prefix to the directives it replaces; the longest
    matching prefix wins, so an exception stays scoped to the pages that need it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.default = self._header(settings.NEWSDESK_CSP)
        self.overrides = sorted(
            (
                (prefix, self._header({**settings.NEWSDESK_CSP, **directives}))
                for prefix, directives in settings.NEWSDESK_CSP_PATH_OVERRIDES.items()
            ),
            key=lambda item: len(item[0]),
            reverse=True,
        )

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = self.policy_for(request.path)
        return response

    def policy_for(self, path: str) -> str:
        for prefix, header in self.overrides:
            if path.startswith(prefix):
                return header
        return self.default

    @staticmethod
    def _header(directives: dict[str, str]) -> str:
        return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


class RequestLogMiddleware:
    """One log line per request: method, path, status, duration, user and client address.

    Outermost, so the duration covers every other middleware and the status is the one sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user": self.user_label(request),
                "remote_addr": client_address(request),
            },
        )
        return response

    @staticmethod
    def user_label(request) -> str:
        # No ``request.user`` when a response came before authentication (static files, the cache): anonymous.
        user = getattr(request, "user", None)
        return str(user.pk) if user is not None and user.is_authenticated else "anonymous"


class ReplicaReadsMiddleware:
    """Sends the reads of anonymous GET/HEAD requests to the read replica (see ``newsdesk.db_router``).

    Anonymous means no session cookie and no ``Authorization`` header, decided without loading
    the session: editors always read the primary, and public pages do not gain ``Vary: Cookie``.
    Removed from the stack when no replica is configured.
    """

    def __init__(self, get_response):
        if db_router.REPLICA not in connections:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not self.identifies_someone(request):
            with db_router.replica_reads():
                return self.get_response(request)
        return self.get_response(request)

    @staticmethod
    def identifies_someone(request) -> bool:
        return settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META
