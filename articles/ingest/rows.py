"""The rows an article file becomes, prepared in the process that parsed it.

An import parses its files in worker processes (``load.py``). Preparing their rows there too
(slug, fingerprint, JSON text, datetimes as the database takes them) leaves the writing process,
the import's bottleneck, nothing to do per article but swap domains, topic names and URLs for
ids. Like the parser (``parse.py`` and the modules it reads with), this module needs no database
and no model: workers never set Django up.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from django.utils.text import slugify

from ..stories.features import features_of

if TYPE_CHECKING:
    from .mapping import ParsedArticle, ParsedImage, ParsedProvider

# Article fields, in the order of ``PreparedArticle.row``; the writer adds the provider and the timestamps.
ARTICLE_COLUMNS = (
    "source_key",
    "url",
    "slug",
    "title",
    "excerpt",
    "body",
    "published_at",
    "original_url",
    "amp_url",
    "cdn_amp_url",
    "category",
    "article_type",
    "heat",
    "secured",
    "extra",
    "schema_era",
    "is_published",
    "quality",
    "is_draft",
    "needs_review",
    "import_warnings",
    "source_path",
    "content_hash",
)
IMAGE_COLUMNS = ("position", "url", "width", "height", "is_cached", "title")
# A related row ends with its provider's domain (or None), which the writer swaps for the provider's id.
RELATED_COLUMNS = (
    "position",
    "title",
    "excerpt",
    "url",
    "amp_url",
    "cdn_amp_url",
    "published_at",
    "article_type",
    "quality",
    "images",
    "extra",
    "provider",
)
RELATED_URL = RELATED_COLUMNS.index("url")


class PreparedArticle(NamedTuple):
    """One parsed article as the writer needs it: what it plans with, then the rows it writes."""

    source_key: str
    url: str | None
    fingerprint: str
    is_published: bool
    quality: int | None
    row: tuple  # values of ARTICLE_COLUMNS
    provider: ParsedProvider | None
    related_providers: tuple[ParsedProvider, ...]  # one per domain, first seen first
    topics: tuple[str, ...]
    images: tuple[tuple, ...]  # values of IMAGE_COLUMNS
    related: tuple[tuple, ...]  # values of RELATED_COLUMNS
    story_features: str  # its words for story matching, encoded (articles.stories.features)
    story: tuple | None = None  # an editor's decision the file carries: (slug, lead, headline)


class PreparedFile(NamedTuple):
    """What a worker hands back for one file: its article (None when rejected) and its one-line message, if any."""

    article: PreparedArticle | None
    message: str | None


def start_worker(importing_pid: int) -> None:
    """Set up a worker process: a lower priority (the importing process writes, and must never
    wait for a core), and an end as soon as the importing process ends: killed, it cannot stop
    its workers, which would otherwise wait for work for ever."""
    os.nice(5)
    try:
        importing = os.pidfd_open(importing_pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        return  # no process descriptors (not Linux 5.3+): a killed import then leaves its idle workers behind
    threading.Thread(target=_exit_after, args=(importing,), daemon=True).start()


def _exit_after(process_descriptor: int) -> None:
    select.select([process_descriptor], [], [])  # readable once the process has ended
    os._exit(1)


def prepare_many(
    items: Iterable[tuple[bytes, str, str]], *, max_bytes: int, datetimes_as_text: bool
) -> list[PreparedFile]:
    """Parse and prepare ``(data, display, identity_path)`` items: the unit of work of an import's workers."""
    # Imported here: the writing process, which only parses small imports, then starts quicker.
    from .parse import parse_for_import

    prepared = []
    for data, display, identity_path in items:
        result = parse_for_import(data, display=display, identity_path=identity_path, max_bytes=max_bytes)
        if result.article is None:
            prepared.append(PreparedFile(None, result.message))
        else:
            article = prepare_article(result.article, datetimes_as_text=datetimes_as_text)
            prepared.append(PreparedFile(article, result.message if result.warnings else None))
    return prepared


def prepare_article(article: ParsedArticle, *, datetimes_as_text: bool) -> PreparedArticle:
    """The rows of one article. ``datetimes_as_text``: write datetimes the way Django writes them to
    SQLite (naive UTC text) rather than as aware datetimes (PostgreSQL)."""
    related_providers: dict[str, ParsedProvider] = {}
    for related in article.related:
        if related.provider:
            related_providers.setdefault(related.provider.domain, related.provider)
    return PreparedArticle(
        story_features=features_of(article.title, article.excerpt, article.body).encode(),
        story=(article.story.slug, article.story.lead, article.story.headline) if article.story else None,
        source_key=article.source_key,
        url=article.url,
        fingerprint=article.fingerprint,
        is_published=article.is_published,
        quality=article.quality,
        row=(
            article.source_key,
            article.url,
            article_slug(article.title, article.source_key),
            article.title,
            article.excerpt,
            article.body,
            _datetime(article.published_at, datetimes_as_text),
            article.original_url,
            article.amp_url,
            article.cdn_amp_url,
            article.category,
            article.article_type,
            article.heat,
            article.secured,
            json.dumps(article.extra),
            article.schema_era,
            article.is_published,
            article.quality,
            article.is_draft,
            article.needs_review,
            json.dumps(list(article.warnings)),
            article.source_path,
            article.fingerprint,
        ),
        provider=article.provider,
        related_providers=tuple(related_providers.values()),
        topics=article.topics,
        images=tuple(
            (position, image.url, image.width, image.height, image.is_cached, image.title)
            for position, image in enumerate(article.images)
        ),
        related=tuple(
            (
                position,
                related.title,
                related.excerpt,
                related.url,
                related.amp_url,
                related.cdn_amp_url,
                _datetime(related.published_at, datetimes_as_text),
                related.article_type,
                related.quality,
                json.dumps([_image_json(image) for image in related.images]),
                json.dumps(related.extra),
                related.provider.domain if related.provider else None,
            )
            for position, related in enumerate(article.related)
        ),
    )


def _datetime(value, as_text: bool):
    # values.py makes every datetime aware UTC; Django's SQLite backend stores str() of the naive UTC value.
    return str(value.replace(tzinfo=None)) if as_text and value is not None else value


def _image_json(image: ParsedImage) -> dict:
    """A related link's image as stored in its ``images`` JSON: the keys the file had."""
    data = {"url": image.url, "width": image.width, "height": image.height}
    if image.is_cached is not None:
        data["isCached"] = image.is_cached
    if image.title:
        data["title"] = image.title
    return data


def article_slug(title: str, source_key: str) -> str:
    """Readable and unique without a query: the title, then a short hash of the article's identity."""
    digest = hashlib.sha1(source_key.encode()).hexdigest()[:10]
    base = slugify(title)[:100].strip("-")
    return f"{base}-{digest}" if base else digest
