"""Content-Security-Policy for every response (Django 5.2 has none built in)."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Sets ``Content-Security-Policy`` from ``NEWSDESK_CSP`` unless the view set its own.

    ``NEWSDESK_CSP_PATH_OVERRIDES`` maps a path prefix to the directives it replaces; the longest
    matching prefix wins, so an exception stays scoped to the pages that need it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.default = self._header(settings.NEWSDESK_CSP)
        self.overrides = sorted(
            ((prefix, self._header({**settings.NEWSDESK_CSP, **directives}))
             for prefix, directives in settings.NEWSDESK_CSP_PATH_OVERRIDES.items()),
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
