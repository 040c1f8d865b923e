"""The article representation read as rows: one query per page, nested lists included.

A page is read with ``values()`` and its topics, images and related links come along as JSON
arrays built by correlated subqueries, for the same reason the benchmark's ceiling uses
``values()``: building ~200 model instances per page, Django's prefetch bookkeeping, and even
compiling three more queries cost several times what the database does. Each nested item is a
JSON array of the members in ``NESTED_ITEMS`` (not an object: a page of arrays is built and decoded
about a third faster), the arrays arrive as text, and :func:`decode_nested` decodes a whole page of
them at once. The visible set is still the caller's queryset (``Article.objects.published()``
for readers); this module only chooses the columns the representation shows (``secured`` is never
one of them).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from operator import itemgetter

from django.db import connections
from django.db.models import Aggregate, F, JSONField, OuterRef, Subquery, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONArray

from ..models import Article, ArticleImage, RelatedLink, TaggedTopic

# Nested list → (model, its link to the article, the members of each item in array order). The
# position comes first: aggregates keep no order, so items are sorted by it (in_order), and the
# serializer unpacks the rest in this order.
NESTED_ITEMS = {
    "topics": (TaggedTopic, "content_object", ("position", "tag__name", "tag__slug")),
    "images": (ArticleImage, "article", ("position", "url", "width", "height", "title")),
    "related": (
        RelatedLink,
        "source",
        (
            "position",
            "title",
            "url",
            "excerpt",
            "published_at",
            "quality",
            "provider__name",
            "provider__domain",
            "provider__slug",
            "article__slug",
            "article__is_published",
        ),
    ),
}
NESTED = tuple(NESTED_ITEMS)
NESTED_COLUMNS = tuple(f"nested_{name}" for name in NESTED)
_COMPILED_SQL: dict[tuple, tuple[str, list]] = {}
# Read as text, not JSONField: one json.loads per page (decode_nested) instead of one per value.
_JSON_TEXT = TextField()
_POSITION = itemgetter(0)

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
    "story": ("story__slug", "story__size", "story__published_size"),
    "extra": ("extra",),
}


class JSONArrayAgg(Aggregate):
    """The grouped values as one JSON array (SQLite ``json_group_array``, PostgreSQL ``jsonb_agg``)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _nested(name: str) -> Subquery:
    """The outer article's ``name`` items as a JSON array of arrays (NULL when it has none)."""
    model, link, members = NESTED_ITEMS[name]
    return Subquery(
        model.objects.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(items=JSONArrayAgg(JSONArray(*(F(member) for member in members))))
        .values("items"),
        output_field=JSONField(),
    )


def article_values(queryset, fields: list[str], *, sort_columns: Iterable[str] = ()):
    """``queryset.values()`` with what these fields need: id and slug always, the ``sort_columns``
    (cursors are made of the sort value), and ``nested_topics``/``nested_images``/``nested_related``
    JSON arrays as asked for."""
    columns = ["id", "slug"]
    for name in fields:
        columns += [column for column in COLUMNS.get(name, ()) if column not in columns]
    columns += [column for column in sort_columns if column not in columns]
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
    return RawSQL(sql, tuple(params), output_field=_JSON_TEXT)


def decode_nested(rows: list[dict]) -> list[dict]:
    """Decode, in place, the nested JSON arrays of rows read by :func:`article_values`, in one ``json.loads``.

    A page holds ~60 small arrays: decoding them one call at a time (as JSONField does) costs
    several times more than joining them into one document.
    """
    columns = [column for column in NESTED_COLUMNS if rows and column in rows[0]]
    if not columns:
        return rows
    document = ",".join(row[column] or "null" for row in rows for column in columns)
    values = iter(json.loads(f"[{document}]"))
    for row in rows:
        for column in columns:
            row[column] = next(values)
    return rows


def in_order(items) -> list[list]:
    """A nested list's items in the source's order (aggregates do not keep one), position first."""
    return sorted(items or (), key=_POSITION)


def parse_datetime_value(value) -> dt.datetime | None:
    """A date-time that went through JSON: SQLite's "2024-01-22 18:23:00" (UTC) or PostgreSQL's ISO 8601."""
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
