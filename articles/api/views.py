"""Articles, stories, topics and providers in the REST API (``/api/v1/articles/``, ``/stories/``, ``/topics/``,
``/providers/``).

Who sees what is decided by ``Article.objects.visible_to()`` (``get_queryset()``) and, for the
rows the article list and detail read, ``visible_articles()`` from ``CallerScopeMixin.for_editor``:
editors (``permissions.can_view_unpublished``: ``articles.view_article`` or ``change_article``) the
whole catalogue, everyone else ``Article.objects.published()``. Topics and providers follow from it
(their querysets' ``with_articles_in()`` and ``with_article_count()``): anyone else sees those of
published articles only, counted over published articles, as the public pages show them.
Writes need the model permissions (``ArticlePermissions``): ``change_article`` and the editorial
permission to PATCH, ``add_article`` to POST; they go through ``articles.services`` and the
importer's loader, like the admin's and ``import_articles``'. A POST of an article already in the
catalogue also needs ``articles.update_article_content`` (the pipeline's account, not the Editors
group's), never changes its editorial values and is audited.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from newsdesk.api.errors import error_body
from newsdesk.api.schema import conditional_get_parameters, error_responses, not_modified_response
from newsdesk.api.support import ConditionalGetMixin, requested_fields
from providers.models import Provider

from ..filters import ORDERING_FIELDS, ArticleFilterSet, StoryFilterSet, story_ordering
from ..ingest.load import REJECTED, UpdateRefused
from ..ingest.single import import_mapping
from ..models import NEWEST_FIRST, Article, EditorialChange, Story, Topic
from ..permissions import CONTENT_UPDATE_PERMISSION, can_update_content, can_view_unpublished
from ..services import article_publish, article_set_quality, article_unpublish
from .permissions import ArticlePermissions
from .rows import article_values, decode_nested
from .serializers import (
    EDITOR_FIELDS,
    PUBLIC_FIELDS,
    STORY_MEMBERS,
    ArticleCurationSerializer,
    ArticleIngestSerializer,
    ArticleSerializer,
    IngestResultSerializer,
    ProviderSerializer,
    StoryDetailSerializer,
    StorySerializer,
    TopicSerializer,
    fields_for,
)

FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    {"type": "array", "items": {"type": "string", "enum": [*PUBLIC_FIELDS, *EDITOR_FIELDS]}},
    style="form",
    explode=False,
    description="Sparse fieldset: the comma-separated fields to return (e.g. `fields=slug,title,published_at`); "
    "all of them when absent. An unknown name is a 400. `extra` is for editors only.",
)

ARTICLE_SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The article's slug (`slug` in its representation)."
)

INGEST_EXAMPLE = {
    "webUrl": "https://example.com/news/2024/rates-held",
    "title": "Central bank holds rates",
    "excerpt": "The bank kept its main rate unchanged.",
    "publishedDateTime": "2024-03-01T10:00:00Z",
    "category": "news",
    "type": "article",
    "quality": 60,
    "heat": -1,
    "published": False,
    "provider": {"name": "Example News", "domain": "example.com"},
    "topics": ["Economy"],
    "images": [{"url": "https://example.com/img/rates.jpg", "width": 1200, "height": 675}],
    "body": "The bank's committee voted 7–2 …",
}


def visible_articles(*, editor: bool) -> QuerySet:
    """Editors see the whole catalogue; everyone else what is published."""
    return Article.objects.all() if editor else Article.objects.published()


def visible_topics(*, editor: bool) -> QuerySet:
    """Editors see every topic; everyone else those of published articles (the others' pages are 404s),
    each with ``article_count``: how many of the articles the caller sees are about it."""
    if editor:
        return Topic.objects.with_article_count()
    published = visible_articles(editor=False)
    return Topic.objects.with_articles_in(published).with_article_count(published)


def visible_providers(*, editor: bool) -> QuerySet:
    """Editors see every provider; everyone else those of published articles (the others' pages are 404s),
    each with ``article_count``: how many of the articles the caller sees it published."""
    articles = visible_articles(editor=editor)
    providers = Provider.objects.all() if editor else Provider.objects.with_articles_in(articles)
    return providers.with_article_count(articles)


class CallerScopeMixin:
    """The one answer to "does this caller see the whole catalogue?", for every API view."""

    @cached_property
    def for_editor(self) -> bool:
        return can_view_unpublished(self.request.user)


def article_rows(*, editor: bool, fields: list[str]) -> QuerySet:
    """The visible articles as ``article_values()`` rows of these fields and every sort column."""
    return _article_rows(editor, tuple(fields), Article.objects.db).all()


@lru_cache(maxsize=64)
def _article_rows(editor: bool, fields: tuple[str, ...], alias: str) -> QuerySet:
    # Built once per process for each kind of caller, field selection and database, then cloned
    # (never evaluated itself): building it cost more than the database spends on a page.
    # ``alias`` is where reads go (maybe a replica): the nested subqueries are compiled for it.
    return article_values(visible_articles(editor=editor), list(fields), sort_columns=ORDERING_FIELDS)


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description="Articles, newest first by default, one page at a time (follow `next`). "
        "Anonymous callers and non-editors see published articles only.",
        parameters=[FIELDS_PARAMETER, *conditional_get_parameters()],
        responses={
            200: ArticleSerializer(many=True),
            304: not_modified_response(),
            **error_responses(400, 401, 406, 429),
        },
    ),
    retrieve=extend_schema(
        summary="Get an article",
        description="One article by slug. An article that is not published is a 404 for callers who are not editors.",
        parameters=[ARTICLE_SLUG, FIELDS_PARAMETER, *conditional_get_parameters()],
        responses={200: ArticleSerializer, 304: not_modified_response(), **error_responses(400, 401, 404, 406, 429)},
    ),
    partial_update=extend_schema(
        summary="Curate an article (editors)",
        description="Publish, hold back or score an article. Needs the `articles.change_article` and "
        "`articles.change_article_editorial` permissions (the Editors group has both). "
        "Each change is recorded in the editorial audit trail (via API) and protects the value from later "
        "imports. Every other field is read-only: sending one is a 400.",
        parameters=[ARTICLE_SLUG],
        request=ArticleCurationSerializer,
        responses={200: ArticleSerializer, **error_responses(400, 401, 403, 404, 406, 413, 415, 429)},
    ),
    create=extend_schema(
        summary="Ingest an article (editors create; the pipeline's account also updates)",
        description="One article as a JSON object with the keys of the article file format (`webUrl` or "
        "`sourceUrl`, `title`, `excerpt`, `publishedDateTime`, `provider`, `topics`, `images`, `related`, "
        "`secured`, …) plus `body`, validated and written exactly like `import_articles` does with a file, "
        "on its canonical URL. A new article is created (201), with the `published` and `quality` it is sent "
        "with; this needs the `articles.add_article` permission (the Editors group has it).\n\n"
        "An article already in the catalogue (same canonical URL) is updated (200, or 200 `unchanged`) only "
        "for an account that also holds `articles.update_article_content` (meant for the pipeline's own "
        "account; the Editors group does not have it); anyone else gets a 403 and nothing is written. An "
        "update rewrites the content and source fields only: the article's editorial values (published, "
        "quality, scheduled publication) never change through this door, only through `PATCH`. Each changed "
        "field is recorded in the audit trail (who, when, via API, old → new; a long value such as the body "
        "as its size and hash), and the next `import_articles` run over the article's file restores the "
        "file's content.\n\n"
        "A rejected article is a 400 listing every problem; a body over `NEWSDESK_IMPORT_MAX_BYTES` is a 413.",
        request=ArticleIngestSerializer,
        examples=[OpenApiExample("A 2024-era article", value=INGEST_EXAMPLE, request_only=True)],
        responses={
            201: OpenApiResponse(IngestResultSerializer, description="Created."),
            200: OpenApiResponse(
                IngestResultSerializer, description="Updated, or unchanged (needs `articles.update_article_content`)."
            ),
            **error_responses(400, 401, 403, 406, 413, 415, 429),
        },
    ),
)
class ArticleViewSet(CallerScopeMixin, ConditionalGetMixin, viewsets.GenericViewSet):
    permission_classes = [ArticlePermissions]
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilterSet
    http_method_names = ["get", "head", "options", "post", "patch"]

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user)

    def filter_queryset(self, queryset):
        if not any(name in self.request.query_params for name in ArticleFilterSet.base_filters):
            return queryset  # nothing to filter or order by: skip building the FilterSet and its form
        return super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        fields = requested_fields(request, fields_for(editor=self.for_editor))
        rows = self.paginate_queryset(self.filter_queryset(article_rows(editor=self.for_editor, fields=fields)))
        return self.get_paginated_response(self._represent(rows, fields))

    def retrieve(self, request, *args, **kwargs):
        fields = requested_fields(request, fields_for(editor=self.for_editor))
        rows = article_rows(editor=self.for_editor, fields=fields)
        return Response(self._read_one(rows.filter(slug=kwargs[self.lookup_field]), fields))

    def partial_update(self, request, *args, **kwargs):
        # Not self.get_object(): list filters do not apply to an article's own address.
        article = get_object_or_404(self.get_queryset().only("pk"), slug=kwargs[self.lookup_field])
        curation = ArticleCurationSerializer(data=request.data)
        curation.is_valid(raise_exception=True)
        changes = curation.validated_data
        with transaction.atomic():
            if "is_published" in changes:
                change = article_publish if changes["is_published"] else article_unpublish
                change(article=article, user=request.user, via=EditorialChange.Via.API)
            if "quality" in changes:
                article_set_quality(
                    article=article, quality=changes["quality"], user=request.user, via=EditorialChange.Via.API
                )
        fields = fields_for(editor=self.for_editor)
        rows = article_rows(editor=self.for_editor, fields=fields)
        return Response(self._read_one(rows.filter(pk=article.pk), fields))

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):
            raise ValidationError(
                {"article": ["The body must be a JSON object with the article file format's keys, and body."]}
            )
        mapping = dict(request.data)
        body = mapping.pop("body", None)
        if body is not None and not isinstance(body, str):
            raise ValidationError({"body": ["body must be text (a JSON string)."]})
        try:
            result = import_mapping(
                mapping,
                body=body or "",
                source_path="api",
                user=request.user,
                may_update=can_update_content(request.user),
            )
        except UpdateRefused:
            raise PermissionDenied(
                "An article with this URL is in the catalogue already: updating it through the API needs the "
                f"{CONTENT_UPDATE_PERMISSION} permission."
            ) from None
        if result.outcome == REJECTED:
            return Response(
                error_body(
                    400,
                    "The article was rejected: " + "; ".join(result.problems),
                    "invalid",
                    {"article": result.problems},
                ),
                status=status.HTTP_400_BAD_REQUEST,
            )
        # Whoever may add articles sees what they sent, unknown keys included.
        fields = fields_for(editor=True)
        representation = self._read_one(
            article_rows(editor=True, fields=fields).filter(pk=result.article_id), fields, editor=True
        )
        created = result.outcome == "created"
        return Response(
            {"outcome": result.outcome, "warnings": result.warnings, "article": representation},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"Location" if created else "Content-Location": representation["links"]["self"]},
        )

    def _read_one(self, rows, fields, *, editor=None) -> dict:
        """The representation of the one article of ``rows`` (from ``article_rows()``), or a 404."""
        row = rows.first()
        if row is None:
            raise Http404
        return self._represent([row], fields, editor=editor)[0]

    def _represent(self, rows: list[dict], fields, *, editor=None) -> list[dict]:
        """The representations of rows read from ``article_rows()``."""
        editor = self.for_editor if editor is None else editor
        serializer = ArticleSerializer(fields=fields, editor=editor, context=self.get_serializer_context())
        # One serializer for every row rather than many=True: its list serializer and child refer to
        # each other, which would keep the page's rows alive until the garbage collector runs.
        return [serializer.to_representation(row) for row in decode_nested(rows)]


def by_slug_schema(*, singular: str, plural: str, serializer, list_description: str, retrieve_description: str):
    """The schema of a read-only catalogue listed by name and retrieved by slug."""
    slug = OpenApiParameter("slug", str, OpenApiParameter.PATH, description=f"The {singular}'s slug.")
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            description=list_description,
            parameters=conditional_get_parameters(),
            responses={
                200: serializer(many=True),
                304: not_modified_response(),
                **error_responses(400, 401, 406, 429),
            },
        ),
        retrieve=extend_schema(
            summary=f"Get a {singular}",
            description=retrieve_description,
            parameters=[slug, *conditional_get_parameters()],
            responses={200: serializer, 304: not_modified_response(), **error_responses(401, 404, 406, 429)},
        ),
    )


class BySlugViewSet(
    CallerScopeMixin, ConditionalGetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Read-only, by slug, unfiltered; subclasses scope ``get_queryset`` by the caller."""

    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"
    filter_backends: list = []


@by_slug_schema(
    singular="topic",
    plural="topics",
    serializer=TopicSerializer,
    list_description="Topics by name, with the number of articles visible to you about each: those of published "
    "articles, or every topic for editors.",
    retrieve_description="One topic by slug, with its article count. A topic that no article visible to you has "
    "is a 404.",
)
class TopicViewSet(BySlugViewSet):
    serializer_class = TopicSerializer

    def get_queryset(self):
        return visible_topics(editor=self.for_editor).order_by("name", "pk")


@by_slug_schema(
    singular="provider",
    plural="providers",
    serializer=ProviderSerializer,
    list_description="Providers by name, with the number of articles visible to you that each published: those "
    "of published articles, or every provider for editors.",
    retrieve_description="One provider by slug, with its article count. A provider of no article visible to you "
    "is a 404.",
)
class ProviderViewSet(BySlugViewSet):
    serializer_class = ProviderSerializer

    def get_queryset(self):
        return visible_providers(editor=self.for_editor).order_by("name", "pk")


STORY_SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The story's slug.")


@extend_schema_view(
    list=extend_schema(
        summary="List stories",
        description="Stories (the articles of every provider that report one event), newest first by default, one "
        "page at a time (follow `next`). Anonymous callers and non-editors see stories with a published article "
        "only, sized and dated by their published articles. Merged stories are not listed: their slugs answer "
        "with the story they were merged into.",
        parameters=conditional_get_parameters(),
        responses={
            200: StorySerializer(many=True),
            304: not_modified_response(),
            **error_responses(400, 401, 406, 429),
        },
    ),
    retrieve=extend_schema(
        summary="Get a story",
        description="One story by slug, with its articles you can see (newest first). A story without a published "
        "article is a 404 for callers who are not editors; a merged story's slug gives the story it was merged into.",
        parameters=[STORY_SLUG, *conditional_get_parameters()],
        responses={200: StoryDetailSerializer, 304: not_modified_response(), **error_responses(401, 404, 406, 429)},
    ),
)
class StoryViewSet(
    CallerScopeMixin, ConditionalGetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"
    serializer_class = StorySerializer
    filterset_class = StoryFilterSet

    def get_queryset(self):
        lead = Article.objects.filter(pk=OuterRef("lead_id"))
        stories = Story.objects.visible_to(self.request.user).annotate(
            lead_slug=Subquery(lead.values("slug")), lead_is_published=Subquery(lead.values("is_published"))
        )
        return stories.order_by(*story_ordering("newest", editor=self.for_editor))

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        return self.get_serializer_class()(*args, editor=self.for_editor, **kwargs)

    def list(self, request, *args, **kwargs):
        stories = self.filter_queryset(self.get_queryset().filter(merged_into__isnull=True))
        page = self.paginate_queryset(stories)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        story = self._survivor(kwargs[self.lookup_field])
        representation = StorySerializer(story, editor=self.for_editor, context=self.get_serializer_context()).data
        fields = fields_for(editor=self.for_editor)
        rows = list(
            article_rows(editor=self.for_editor, fields=fields)
            .filter(story=story)
            .order_by(*NEWEST_FIRST)[:STORY_MEMBERS]
        )
        serializer = ArticleSerializer(fields=fields, editor=self.for_editor, context=self.get_serializer_context())
        representation["articles"] = [serializer.to_representation(row) for row in decode_nested(rows)]
        return Response(representation)

    def _survivor(self, slug: str) -> Story:
        """The story of ``slug``, or the one it was merged into (the services keep that one hop)."""
        story = self.get_queryset().filter(slug=slug).first()
        if story is None:
            merged = Story.objects.filter(slug=slug, merged_into__isnull=False).values("merged_into").first()
            if merged:
                story = self.get_queryset().filter(pk=merged["merged_into"], merged_into__isnull=True).first()
        elif story.merged_into_id:
            story = self.get_queryset().filter(pk=story.merged_into_id, merged_into__isnull=True).first()
        if story is None:
            raise Http404
        return story
