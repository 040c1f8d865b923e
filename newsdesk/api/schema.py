"""How the API is documented: drf-spectacular's schema class and the pieces views share in ``extend_schema``."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, knowing that ``DjangoModelPermissionsOrAnonReadOnly`` lets anyone read."""

    def get_auth(self):
        auths = super().get_auth()
        anyone_reads = any(isinstance(p, DjangoModelPermissionsOrAnonReadOnly) for p in self.view.get_permissions())
        if anyone_reads and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


# Request bodies and what the API does with keys they do not declare.
REQUEST_BODY_SHAPES = {
    # PATCH refuses any other key (read-only or unknown) and an empty change.
    "PatchedArticleCurationRequest": {"additionalProperties": False, "minProperties": 1},
    # Ingest keeps keys this version does not know, like the importer.
    "ArticleIngestRequest": {"additionalProperties": True},
}


def describe_request_bodies(result, generator, request, public):
    """drf-spectacular post-processing hook: say what each request body accepts beyond its declared fields."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, shape in REQUEST_BODY_SHAPES.items():
        if name in schemas:
            schemas[name].update(shape)
    return result


class ErrorSerializer(serializers.Serializer):
    """The body of every error response under /api/."""

    status = serializers.IntegerField(read_only=True, help_text="The HTTP status code, repeated.")
    code = serializers.CharField(
        read_only=True,
        help_text="Machine-readable reason: `invalid`, `not_authenticated`, `permission_denied`, "
        "`not_found`, `throttled`, `parse_error`, `unsupported_media_type`, `too_large`, `server_error`…",
    )
    detail = serializers.CharField(read_only=True, help_text="What went wrong, for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only: each invalid parameter or field, with its messages.",
    )


ERROR_DESCRIPTIONS = {
    400: "Invalid parameters or body: `errors` names each one.",
    401: "Authentication required (send `Authorization: Token <key>`), or the token is invalid.",
    403: "Authenticated, but without the permission this needs.",
    404: "No such resource, or not visible to you.",
    406: "The Accept header asks for something other than JSON.",
    413: "The request body is over the size limit.",
    415: "The body must be JSON (`Content-Type: application/json`).",
    429: "Too many requests from this address: wait for the number of seconds in `Retry-After`.",
}


def error_responses(*statuses: int) -> dict:
    """``extend_schema(responses=…)`` entries for these error statuses."""
    return {status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status]) for status in statuses}


def conditional_get_parameters() -> list:
    """The request and response headers of conditional GET, for ``extend_schema(parameters=…)``."""
    return [
        OpenApiParameter(
            "If-None-Match",
            str,
            OpenApiParameter.HEADER,
            description="The `ETag` of a representation you hold: if it is still current, the answer is "
            "`304 Not Modified` with no body.",
        ),
        OpenApiParameter(
            "ETag",
            str,
            OpenApiParameter.HEADER,
            response=[200, 304],
            description="Identifies this representation; send it back in `If-None-Match` to revalidate.",
        ),
        OpenApiParameter(
            "Retry-After",
            int,
            OpenApiParameter.HEADER,
            response=[429],
            description="Seconds to wait before the next request.",
        ),
    ]


def not_modified_response():
    return OpenApiResponse(description="Not modified: the representation matching `If-None-Match` is current.")
