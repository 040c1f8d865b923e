"""Providers in the REST API (``/api/v1/providers/``)."""

from __future__ import annotations

from django.db.models import Count, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from articles.filters import can_view_unpublished
from newsdesk.api_schema import conditional_get_parameters, error_responses, not_modified_response
from newsdesk.api_support import ConditionalGetMixin

from ..models import Provider
from .serializers import ProviderSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List providers",
        description="Every provider, by name, with the number of articles visible to you that it published.",
        parameters=conditional_get_parameters(),
        responses={200: ProviderSerializer(many=True), 304: not_modified_response(), **error_responses(400, 401, 406, 429)},
    ),
    retrieve=extend_schema(
        summary="Get a provider",
        description="One provider by slug, with its article count.",
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The provider's slug."),
            *conditional_get_parameters(),
        ],
        responses={200: ProviderSerializer, 304: not_modified_response(), **error_responses(401, 404, 406, 429)},
    ),
)
class ProviderViewSet(ConditionalGetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"
    serializer_class = ProviderSerializer
    filter_backends: list = []

    def get_queryset(self):
        if can_view_unpublished(self.request.user):
            count = Count("articles")
        else:
            count = Count("articles", filter=Q(articles__is_published=True))
        return Provider.objects.annotate(article_count=count).order_by("name", "pk")
