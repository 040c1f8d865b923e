"""The REST API: one router for every resource, its OpenAPI schema and documentation.

Included at ``api/`` by ``newsdesk/urls.py``, so everything here lives under ``/api/v1/``.
"""

from django.urls import include, path, reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from articles.api.views import ArticleViewSet, ProviderViewSet, StoryViewSet, TopicViewSet
from newsdesk.api.schema import conditional_get_parameters, error_responses, not_modified_response
from newsdesk.api.support import ConditionalGetMixin

app_name = "api"

router = SimpleRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("providers", ProviderViewSet, basename="provider")
router.register("stories", StoryViewSet, basename="story")
router.register("topics", TopicViewSet, basename="topic")

ROOT_LINKS = {
    "articles": ("api:v1:article-list", "The catalogue's articles."),
    "providers": ("api:v1:provider-list", "Publishers, with article counts."),
    "stories": ("api:v1:story-list", "Stories: every provider's articles about one event."),
    "topics": ("api:v1:topic-list", "Topics, with article counts."),
    "schema": ("api:v1:schema", "This API's OpenAPI 3 schema."),
    "docs": ("api:v1:docs", "Interactive documentation."),
}


class ApiRootView(ConditionalGetMixin, APIView):
    """Where the API's resources and documentation are."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="API index",
        tags=["index"],
        parameters=conditional_get_parameters(),
        responses={
            200: inline_serializer(
                "ApiRoot",
                {name: serializers.URLField(help_text=text) for name, (_, text) in ROOT_LINKS.items()},
            ),
            304: not_modified_response(),
            **error_responses(401, 406, 429),
        },
    )
    def get(self, request):
        return Response(
            {name: request.build_absolute_uri(reverse(url_name)) for name, (url_name, _) in ROOT_LINKS.items()}
        )


v1 = [
    path("", ApiRootView.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:v1:schema", permission_classes=[AllowAny]),
        name="docs",
    ),
    *router.urls,
]

urlpatterns = [
    path("v1/", include((v1, "v1"))),
]
