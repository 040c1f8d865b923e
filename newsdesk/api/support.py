"""HTTP behaviour shared by every API view: conditional GET, throttling, OPTIONS metadata, sparse fieldsets."""

from __future__ import annotations

import hashlib
from functools import partial

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from rest_framework import exceptions, status
from rest_framework.metadata import BaseMetadata
from rest_framework.throttling import AnonRateThrottle

FIELDS_PARAM = "fields"


class ConditionalGetMixin:
    """``ETag`` on every successful GET/HEAD, and ``304 Not Modified`` when ``If-None-Match`` matches.

    The tag is a hash of the rendered body, so it changes exactly when the representation
    does (including what the caller is allowed to see: hence ``Vary``). A 304 still costs
    the server the queries, but not the bandwidth or the client's parsing.
    """

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == status.HTTP_200_OK:
            patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
            if request.user and request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            else:
                patch_cache_control(response, no_cache=True)
            response.add_post_render_callback(partial(_conditional_response, request))
        return response


def _conditional_response(request, response):
    # SHA-1 rather than MD5: as good a fingerprint, and several times faster where the CPU has SHA instructions.
    response["ETag"] = f'"{hashlib.sha1(response.content, usedforsecurity=False).hexdigest()}"'
    return get_conditional_response(request, etag=response["ETag"], response=response)


class AnonymousRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, reading its rate from ``settings.NEWSDESK_API_ANON_RATE`` when used.

    (DRF binds ``THROTTLE_RATES`` when the class is defined, so a changed setting would
    otherwise be ignored.) ``None`` turns throttling off.
    """

    def get_rate(self):
        return getattr(settings, "NEWSDESK_API_ANON_RATE", None)


class MinimalMetadata(BaseMetadata):
    """OPTIONS answers what the view is, renders and parses; the schema at /api/v1/schema/ says the rest."""

    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "documentation": request.build_absolute_uri("/api/v1/docs/"),
        }


def requested_fields(request, available: list[str]) -> list[str]:
    """The fields named by ``?fields=a,b`` (repeatable), in ``available`` order; all of them when absent.

    An unknown (or, for this caller, unavailable) name is a 400 naming the parameter.
    """
    raw = request.query_params.getlist(FIELDS_PARAM)
    if not raw:
        return list(available)
    wanted = {name.strip() for value in raw for name in value.split(",") if name.strip()}
    if not wanted:
        raise exceptions.ValidationError({FIELDS_PARAM: ["Name at least one field, e.g. fields=slug,title."]})
    unknown = sorted(wanted - set(available))
    if unknown:
        raise exceptions.ValidationError(
            {
                FIELDS_PARAM: [
                    f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(name[:50] for name in unknown[:10])}. "
                    f"Available: {', '.join(available)}."
                ]
            }
        )
    return [name for name in available if name in wanted]
