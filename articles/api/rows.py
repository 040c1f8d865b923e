"""The article representation read as rows: one query per page, nested lists included.

A page is read with ``values()`` and its topics, images and related links come along as JSON
arrays built by correlated subqueries, for the same reason the benchmark's ceiling uses
``values()``: building ~200 model instances per page, Django's prefetch bookkeeping, and even
compiling three more queries cost several times what the database does. The visible set is still the
caller's queryset (``Article.objects.published()`` for readers); this module only chooses the
columns the representation shows (``secured`` is never one of them).
"""

from __future__ import annotations

import datetime as dt

from django.db import connections
from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject

from ..models import Article, ArticleImage, RelatedLink, TaggedTopic

NESTED = ("topics", "images", "related")
_COMPILED_SQL: dict[tuple, tuple[str, list]] = {}
_JSON = JSONField()

# Representation field → the values() lookups it needs.
COLUMNS = {
    "id": ("id",),
    "slug": ("slug",),
    "title": ("title",),
    "excerpt": ("excerpt",),
    "body": ("body",),
    "url": ("url",),
    "amp_url": ("amp_url",),
    "published_at": ("published_at",),
    "category": ("category",),
    "type": ("article_type",),
    "quality": ("quality",),
    "heat": ("heat",),
    "is_published": ("is_published",),
    "provider": ("provider__name", "provider__domain", "provider__slug"),
    "links": ("slug", "is_published"),
    "extra": ("extra",),
}


class JSONArrayAgg(Aggregate):
    """The grouped values as one JSON array (SQLite ``json_group_array``, PostgreSQL ``jsonb_agg``)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _json_list(model, link: str, **members) -> Subquery:
    """The rows of ``model`` pointing at the outer article, as a JSON array of objects (NULL when none)."""
    return Subquery(
        model.objects.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(items=JSONArrayAgg(JSONObject(**members)))
        .values("items"),
        output_field=JSONField(),
    )


def _nested(name: str) -> Subquery:
    if name == "topics":
        return _json_list(TaggedTopic, "content_object", p="position", name="tag__name", slug="tag__slug")
    if name == "images":
        return _json_list(ArticleImage, "article", p="position", url="url", width="width", height="height",
                          title="title")
    return _json_list(
        RelatedLink, "source", p="position", title="title", url="url", excerpt="excerpt",
        published_at="published_at", quality="quality", provider_name="provider__name",
        provider_domain="provider__domain", provider_slug="provider__slug", article_slug="article__slug",
        article_is_published="article__is_published",
    )


def article_values(queryset, fields: list[str], *, ordering_column: str | None = None):
    """``queryset.values()`` with what these fields need: id and slug always, the sort column for
    cursors, and ``nested_topics``/``nested_images``/``nested_related`` JSON arrays as asked for."""
    columns = ["id", "slug"]
    for name in fields:
        columns += [column for column in COLUMNS.get(name, ()) if column not in columns]
    if ordering_column and ordering_column not in columns:
        columns.append(ordering_column)
    connection = connections[queryset.db]
    nested = {f"nested_{name}": _compiled(name, connection) for name in NESTED if name in fields}
    return queryset.values(*columns, **nested)


def _compiled(name: str, connection) -> RawSQL:
    """The nested list's subquery, compiled once per database connection and process.

    Compiling the three correlated subqueries costs Django several milliseconds, many times
    what the database spends running them; their SQL never changes. It refers to the outer
    article as ``"articles_article"."id"``, the table's own name in every query of this API.
    """
    key = (connection.alias, connection.vendor, name)
    if key not in _COMPILED_SQL:
        query = Article.objects.all().query
        expression = _nested(name).resolve_expression(query)
        _COMPILED_SQL[key] = query.get_compiler(connection=connection).compile(expression)
    sql, params = _COMPILED_SQL[key]
    return RawSQL(sql, tuple(params), output_field=_JSON)


def in_order(items) -> list[dict]:
    """A nested JSON array in the source's order (aggregates do not keep one)."""
    return sorted(items or (), key=lambda item: item["p"])


def parse_datetime_value(value) -> dt.datetime | None:
    """A date-time that went through JSON: SQLite's "2024-01-22 18:23:00" (UTC) or PostgreSQL's ISO 8601."""
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
