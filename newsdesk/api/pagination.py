"""Keyset ("cursor") pagination for the REST API.

Why not DRF's ``CursorPagination``: it seeks on the first ordering field only and skips ties
with an OFFSET, so paging through 10,000 articles of quality 50 costs more on every page,
and it leaves NULLs wherever the database puts them (PostgreSQL and SQLite disagree). Here
the position is the whole sort key (value, id), so each page is an index range scan:

* the ordering is read from the queryset (``order_by()`` or the model's ``Meta.ordering``):
  its first term is the sort field, and ``id`` in the same direction breaks ties; the queryset
  may be a ``values()`` one, as long as it selects the sort field and the primary key;
* rows without a value (NULL) come after all the others, in either direction, on every
  database: they are fetched as a second segment (``IS NULL``, by id) only when a page
  reaches them, so each query keeps a plain ORDER BY that an index can serve;
* the cursor is opaque (base64url JSON of the ordering, the position and the direction),
  and is refused with a 400 if it is malformed or was issued for another ordering;
* rows inserted or deleted between two requests never shift a page: nothing is counted,
  nothing is offset (no ``COUNT(*)``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import F, Q, prefetch_related_objects
from django.db.models.expressions import OrderBy
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_CURSOR_LENGTH = 2048


@dataclass(frozen=True)
class SortKey:
    """The sort field of a queryset, its direction, and whether it can be NULL."""

    field: models.Field
    descending: bool

    @property
    def name(self) -> str:
        return self.field.attname

    @property
    def pk_name(self) -> str:
        return self.field.model._meta.pk.attname

    @property
    def token(self) -> str:
        return ("-" if self.descending else "") + self.name

    @property
    def nullable(self) -> bool:
        return self.field.null and not self.field.primary_key

    @classmethod
    def of(cls, queryset: models.QuerySet) -> SortKey:
        terms = list(queryset.query.order_by) or list(queryset.model._meta.ordering) or ["-pk"]
        term = terms[0]
        if isinstance(term, OrderBy) and isinstance(term.expression, F):
            name, descending = term.expression.name, term.descending
        elif isinstance(term, str):
            name, descending = term.removeprefix("-"), term.startswith("-")
        else:
            raise ImproperlyConfigured(f"Cannot paginate by the ordering term {term!r}.")
        meta = queryset.model._meta
        field = meta.pk if name == "pk" else meta.get_field(name)
        if not field.concrete or field.is_relation and not field.primary_key:
            raise ImproperlyConfigured(f"Cannot paginate by {name!r}: not a plain column.")
        return cls(field=field, descending=descending)


@dataclass(frozen=True)
class Cursor:
    value: Any  # the sort field's value at the position (None: in the NULL segment)
    pk: int
    reverse: bool  # True: the page before the position


def _is_plain_text(value) -> bool:
    """A string the database can be asked about: no NUL (PostgreSQL refuses it) and no lone surrogate
    (not encodable as UTF-8), which JSON's escapes can spell but no stored text holds."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


class KeysetCursorPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 20
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.size = self.get_page_size(request)
        self.key = SortKey.of(queryset)
        cursor = self.decode_cursor(request)
        lookups = queryset._prefetch_related_lookups
        base = queryset.prefetch_related(None) if lookups else queryset
        limit = self.size + 1

        rows: list = []
        for segment in self._segments(cursor):
            rows += list(self._segment_queryset(base, *segment)[: limit - len(rows)])
            if len(rows) == limit:
                break
        more = len(rows) == limit
        rows = rows[: self.size]
        if cursor is not None and cursor.reverse:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, cursor is not None
        if rows and lookups:
            # One round of prefetch queries for the page, however many segments it came from.
            prefetch_related_objects(rows, *lookups)
        # The links need only the first and last positions. Keeping the rows themselves would keep
        # them alive until the garbage collector runs (the view and its request refer to each other).
        self.first, self.last = (self._position(rows[0]), self._position(rows[-1])) if rows else (None, None)
        return rows

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    # -- page size ------------------------------------------------------------------------

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = None
        if size is None or size < 1:
            raise ValidationError(
                {self.page_size_query_param: [f"Enter a whole number from 1 to {self.max_page_size}."]}
            )
        if size > self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"At most {self.max_page_size} results per page; ask for {self.max_page_size} or fewer "
                        "and follow the next link for more."
                    ]
                }
            )
        return size

    # -- queries ----------------------------------------------------------------------------

    def _segments(self, cursor: Cursor | None):
        """(segment, bound) pairs to read in order: 'value' rows, then 'null' rows (when nullable)."""
        forward = ["value", "null"] if self.key.nullable else ["value"]
        if cursor is None:
            return [(segment, None, False) for segment in forward]
        here = "null" if cursor.value is None else "value"
        order = list(reversed(forward)) if cursor.reverse else forward
        start = order.index(here)
        return [(here, cursor, cursor.reverse)] + [(segment, None, cursor.reverse) for segment in order[start + 1 :]]

    def _segment_queryset(self, queryset, segment: str, bound: Cursor | None, reverse: bool):
        name = self.key.name
        descending = self.key.descending != reverse  # the direction this query walks in
        if segment == "null":
            queryset = queryset.filter(**{f"{name}__isnull": True})
            order = [F("pk").desc() if descending else F("pk").asc()]
            if bound is not None:
                queryset = queryset.filter(pk__lt=bound.pk) if descending else queryset.filter(pk__gt=bound.pk)
            return queryset.order_by(*order)
        if self.key.nullable:
            queryset = queryset.filter(**{f"{name}__isnull": False})
        if name == queryset.model._meta.pk.attname:
            if bound is not None:
                queryset = queryset.filter(pk__lt=bound.pk) if descending else queryset.filter(pk__gt=bound.pk)
            return queryset.order_by(F("pk").desc() if descending else F("pk").asc())
        if bound is not None:
            # (field, id) strictly after the bound; the first condition is the index range,
            # the second only discards the ties already seen.
            if descending:
                queryset = queryset.filter(
                    Q(**{f"{name}__lte": bound.value}), Q(**{f"{name}__lt": bound.value}) | Q(pk__lt=bound.pk)
                )
            else:
                queryset = queryset.filter(
                    Q(**{f"{name}__gte": bound.value}), Q(**{f"{name}__gt": bound.value}) | Q(pk__gt=bound.pk)
                )
        # This segment holds no NULL, but a nullable column's indexes keep NULL as the smallest value
        # (SQLite's order, and PostgreSQL's by migration 0008): an ORDER BY that says so walks them.
        nulls = ({"nulls_last": True} if descending else {"nulls_first": True}) if self.key.nullable else {}
        if descending:
            return queryset.order_by(F(name).desc(**nulls), F("pk").desc())
        return queryset.order_by(F(name).asc(**nulls), F("pk").asc())

    # -- cursors ----------------------------------------------------------------------------

    def get_next_link(self) -> str | None:
        if not self.has_next or self.last is None:
            return None
        return self._link(self.last, reverse=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous or self.first is None:
            return None
        return self._link(self.first, reverse=True)

    def _position(self, row) -> tuple[Any, int]:
        """A row's (sort value, primary key)."""
        if isinstance(row, dict):  # a values() row
            return row[self.key.name], row[self.key.pk_name]
        return getattr(row, self.key.name), row.pk

    def _link(self, position: tuple[Any, int], *, reverse: bool) -> str:
        value, pk = position
        payload = {"o": self.key.token, "p": [self._encode_value(value), pk]}
        if reverse:
            payload["r"] = 1
        encoded = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=").decode()
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encoded)

    def _encode_value(self, value):
        if isinstance(value, dt.datetime):
            return value.isoformat()
        return value

    def decode_cursor(self, request) -> Cursor | None:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None or raw == "":
            return None
        invalid = ValidationError(
            {self.cursor_query_param: ["Invalid cursor: use the next or previous link as given."]}
        )
        if len(raw) > MAX_CURSOR_LENGTH:
            raise invalid
        try:
            payload = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
        except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
            raise invalid from None
        if not isinstance(payload, dict) or set(payload) - {"o", "p", "r"}:
            raise invalid
        ordering = payload.get("o")
        if not _is_plain_text(ordering) or len(ordering) > 40:
            raise invalid  # never a cursor of ours, and not to be echoed in the message below
        if ordering != self.key.token:
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        f"This cursor was issued for ordering={ordering}, not ordering={self.key.token}; "
                        "keep the same ordering while paging, or start again without a cursor."
                    ]
                }
            )
        position = payload.get("p")
        if not isinstance(position, list) or len(position) != 2 or payload.get("r", 0) not in (0, 1):
            raise invalid
        raw_value, pk = position
        if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk < 2**63:
            raise invalid
        try:
            value = self._decode_value(raw_value)
        except (ValueError, TypeError, OverflowError, DjangoValidationError):
            raise invalid from None
        return Cursor(value=value, pk=pk, reverse=bool(payload.get("r", 0)))

    def _decode_value(self, raw):
        field = self.key.field
        if raw is None:
            if not self.key.nullable:
                raise ValueError("null position for a non-null field")
            return None
        if isinstance(field, models.DateTimeField):
            if not isinstance(raw, str):
                raise TypeError
            value = parse_datetime(raw)
            if value is None or value.tzinfo is None:
                raise ValueError("not an aware ISO 8601 date-time")
            value.astimezone(dt.UTC)  # OverflowError near year 1 or 9999: the database would raise it
            return value
        if isinstance(field, (models.IntegerField, models.AutoField)):
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise TypeError
            low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
            if not low <= raw <= high:  # the column's range, whatever the database enforces
                raise ValueError("out of the column's range")
            return raw
        if isinstance(field, (models.CharField, models.TextField)):
            if not _is_plain_text(raw) or (field.max_length and len(raw) > field.max_length):
                raise ValueError("not a text of the field's length")
            return raw
        raise ImproperlyConfigured(f"Cannot paginate by {field.name!r} ({type(field).__name__}).")

    # -- schema -----------------------------------------------------------------------------

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position in the results: follow the `next` or `previous` link of a "
                "page instead of building it. A cursor only works with the ordering it was issued for.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {self.max_page_size} (default {self.page_size}); "
                f"more than {self.max_page_size} is a 400.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
            },
        ]

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "description": "One page of results. There is no total count: follow `next` until it is null.",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page's address, or null on the last page.",
                },
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The previous page's address, or null on the first page.",
                },
                "results": {**schema, "description": "The page's items, in the requested order."},
            },
        }
