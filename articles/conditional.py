"""Conditional GET for public pages and feeds: one cheap query decides whether anything readers see changed.

What changes a public page, and nothing else (a validator that moved with unpublished content would
tell readers that something unpublished changed):

* an import of a published article: ``Article.imported_at`` of published articles;
* a publication or a withdrawal, by an editor, the scheduler or an import: ``EditorialChange.changed_at``
  of the published flag (scores and schedules are not shown on the public pages);
* an admin edit readers can see, deletions included: ``PublicEdit.changed_at`` (written by the admin for
  a published article, its images and links, and a topic or provider that published articles show).

The latest of the three, plus the release, is the validator of every page: coarse, but correct, and it
costs one query of three index lookups (each the newest entry of its own partial index, migration 0009)
whatever the catalogue size.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

from .models import Article, EditorialChange, PublicEdit


@dataclass(frozen=True)
class CatalogueVersion:
    last_modified: datetime | None
    etag: str

    @property
    def timestamp(self) -> int | None:
        return int(self.last_modified.timestamp()) if self.last_modified else None


def catalogue_version() -> CatalogueVersion:
    """The latest change of anything public pages show, in one query of three MAX() lookups.

    Read from where the page's own reads go (the replica, for anonymous requests, when there is
    one): validated on the primary, a page rendered from a lagging replica would carry the new
    ETag and be kept by caches after the replica caught up.
    """
    connection = connections[router.db_for_read(Article)]
    with connection.cursor() as cursor:
        cursor.execute(public_changes_sql(connection))
        row = cursor.fetchone()
    moments = [_as_datetime(value) for value in row]
    known = [moment for moment in moments if moment is not None]
    fingerprint = "|".join([settings.NEWSDESK_RELEASE, *(m.isoformat() if m else "-" for m in moments)])
    return CatalogueVersion(
        last_modified=max(known) if known else None,
        etag=f'W/"{hashlib.sha256(fingerprint.encode()).hexdigest()[:32]}"',
    )


def public_changes_sql(connection) -> str:
    """``SELECT`` of the three latest public changes. Each condition is written as its partial index's is
    (SQLite proves a partial index usable only from the same terms, and never from a bound parameter)."""
    quote = connection.ops.quote_name

    def latest(model, field: str, condition: str = "") -> str:
        column = quote(model._meta.get_field(field).column)
        where = f" WHERE {condition}" if condition else ""
        return f"(SELECT MAX({column}) FROM {quote(model._meta.db_table)}{where})"

    publication = EditorialChange.Field.IS_PUBLISHED.value  # a constant of ours, so it can be a literal
    return "SELECT " + ", ".join(
        [
            latest(Article, "imported_at", quote("is_published")),
            latest(EditorialChange, "changed_at", f"{quote('field')} = '{publication}'"),
            latest(PublicEdit, "changed_at"),
        ]
    )


def _as_datetime(value) -> datetime | None:
    # A raw cursor skips the ORM's converters: SQLite gives text, PostgreSQL an aware datetime.
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
        if value is None:
            return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def respond_if_modified(request, build_response):
    """``304 Not Modified`` when the client's copy is current, else ``build_response()`` with validators.

    Responses that are not a public 200 (a 404, an editor's private preview) get no validators.
    """
    version = catalogue_version()
    response = get_conditional_response(request, etag=version.etag, last_modified=version.timestamp)
    if response is None:
        response = build_response()
        if response.status_code != 200 or "private" in response.get("Cache-Control", ""):
            return response
    response.headers["ETag"] = version.etag
    if version.last_modified:
        response.headers["Last-Modified"] = http_date(version.timestamp)
    # Shared caches may store public pages but must revalidate, so an unpublished article disappears at once.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def conditional_on_catalogue(view):
    """Decorate a view (or a syndication ``Feed``) with :func:`respond_if_modified`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return respond_if_modified(request, lambda: view(request, *args, **kwargs))

    return wrapped
