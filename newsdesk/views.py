"""Site-wide responses: robots.txt, /favicon.ico and the error pages."""

from django.http import HttpResponse, HttpResponseNotFound, HttpResponseRedirect, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

FAVICON = "favicon.svg"


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (feeds, JSON): the static icon.

    A temporary redirect, cached for a day: its target's hashed name changes when the icon does.
    """
    response = HttpResponseRedirect(static(FAVICON))
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


def page_not_found(request, exception):
    return HttpResponseNotFound(loader.render_to_string("404.html", {"request_path": request.path}, request))


def server_error(request):
    """Renders 500.html without a request context: it must work whatever failed."""
    return HttpResponseServerError(loader.get_template("500.html").render())
