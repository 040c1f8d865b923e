"""Providers in the REST API (``/api/v1/providers/``)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from articles.api.views import CallerScopeMixin, visible_articles
from articles.models import correlated_count
from newsdesk.api.schema import conditional_get_parameters, error_responses, not_modified_response
from newsdesk.api.support import ConditionalGetMixin

from ..models import Provider
from ..views import providers_with_published_articles
from .serializers import ProviderSerializer


def visible_providers(*, editor: bool) -> QuerySet:
    """Editors see every provider; everyone else those of published articles (the others' pages are 404s),
    each with ``article_count``: how many of the articles the caller sees it published."""
    providers = Provider.objects.all() if editor else providers_with_published_articles()
    return providers.annotate(article_count=correlated_count(visible_articles(editor=editor), "provider"))


@extend_schema_view(
    list=extend_schema(
        summary="List providers",
        description="Providers by name, with the number of articles visible to you that each published: those "
        "of published articles, or every provider for editors.",
        parameters=conditional_get_parameters(),
        responses={
            200: ProviderSerializer(many=True),
            304: not_modified_response(),
            **error_responses(400, 401, 406, 429),
        },
    ),
    retrieve=extend_schema(
        summary="Get a provider",
        description="One provider by slug, with its article count. A provider of no article visible to you is a 404.",
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The provider's slug."),
            *conditional_get_parameters(),
        ],
        responses={200: ProviderSerializer, 304: not_modified_response(), **error_responses(401, 404, 406, 429)},
    ),
)
class ProviderViewSet(
    CallerScopeMixin, ConditionalGetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"
    serializer_class = ProviderSerializer
    filter_backends: list = []

    def get_queryset(self):
        return visible_providers(editor=self.for_editor).order_by("name", "pk")
