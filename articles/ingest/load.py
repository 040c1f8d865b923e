"""Write parsed article files into the catalogue, a batch of files per transaction.

Per batch: unchanged files (same path, same content hash) are skipped before parsing; the
rest are parsed and turned into rows (``rows.py``, in worker processes); providers and topics
are resolved once; articles are upserted on their identity (``source_key``); their images,
topics and related links are replaced; related links are resolved to catalogue articles in
both directions, in the batch's transaction and once more after it commits. Editorial fields an
editor has set are never overwritten unless ``overwrite_editorial`` is asked for.

The API's ingest (``single.py``) is the same writer through another door. The SQL the writer
sends is in ``sql.py``.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, router, transaction
from django.utils import timezone

from newsdesk.caching import catalogue_changed
from providers.services import providers_ensure

from ..models import Article, ArticleImage, EditorialChange, RelatedLink, SourceFile, TaggedTopic
from ..services import articles_content_update, articles_follow_files
from ..stories.features import Features
from ..stories.placement import place_articles, wait_for_other_placements
from ..topics import topics_ensure
from .files import ArticleFile, Unreadable, read_article_file
from .report import CREATED, OUTCOMES, REJECTED, UNCHANGED, UPDATED, FileReport, ImportSummary  # noqa: F401
from .rows import (
    ARTICLE_COLUMNS,
    IMAGE_COLUMNS,
    RELATED_COLUMNS,
    RELATED_URL,
    PreparedArticle,
    PreparedFile,
    prepare_many,
    start_worker,
)
from .sql import (
    chunks,
    database_datetime,
    datetimes_as_text,
    delete_rows,
    insert_rows,
    link_related_to,
    select_rows,
    tuned_for_bulk_writes,
)

logger = logging.getLogger("newsdesk.import")

if TYPE_CHECKING:
    from .mapping import ParsedProvider

PARALLEL_FROM = 200  # files; fewer are parsed in the importing process


# What planning a batch reads of the articles it may update.
PLANNED_FIELDS = (
    "id",
    "source_key",
    "content_hash",
    "is_published",
    "quality",
    "published_set_by_editor",
    "quality_set_by_editor",
)
# Fields an import rewrites on an existing article. Editorial fields, slug and
# first_imported_at are deliberately absent; so is url, the source_key's own value (NULL for a
# draft): an upsert that rewrites no unique column takes PostgreSQL's weaker row lock, which the
# foreign-key checks of a concurrent import's commit do not wait for (else two imports can deadlock).
SOURCE_FIELDS = [
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
    "provider",
    "secured",
    "extra",
    "schema_era",
    "is_draft",
    "needs_review",
    "import_warnings",
    "source_path",
    "content_hash",
    "imported_at",
]


def import_files(
    files: Iterable[ArticleFile],
    *,
    dry_run: bool = False,
    overwrite_editorial: bool = False,
    batch_size: int | None = None,
    max_bytes: int | None = None,
    workers: int | None = None,
    on_file: Callable[[FileReport], None] | None = None,
) -> ImportSummary:
    """Import files a batch per transaction; parsing runs in ``workers`` processes (default: one per core).

    The main process reads each file, skips it if its content hash is the one last imported
    from that path, and writes the prepared batches; worker processes parse the next batches
    meanwhile (and are only started once some file needs parsing). A batch is committed whole
    or not at all, so an interrupted import leaves every article either fully imported or
    absent, and a re-run completes the job.
    """
    batch_size = batch_size or settings.NEWSDESK_IMPORT_BATCH_SIZE
    max_bytes = max_bytes or settings.NEWSDESK_IMPORT_MAX_BYTES
    workers = (os.cpu_count() or 1) if workers is None else workers
    files = iter(files)
    head = list(itertools.islice(files, PARALLEL_FROM))
    if len(head) < PARALLEL_FROM:
        workers = 1  # starting processes costs more than parsing a handful of files
    files = itertools.chain(head, files)
    summary = ImportSummary(dry_run=dry_run)
    started = time.monotonic()
    with (
        _fewer_collections(),
        CatalogueWriter(dry_run=dry_run, overwrite_editorial=overwrite_editorial) as writer,
        _ParsePool(workers, max_bytes=max_bytes, datetimes_as_text=datetimes_as_text()) as pool,
    ):
        pending: deque[tuple[list[Candidate], list]] = deque()
        for batch in chunks(files, batch_size):
            candidates = _prepare_batch(batch, max_bytes=max_bytes, skip_unchanged=not overwrite_editorial)
            pending.append((candidates, pool.submit([c for c in candidates if not c.report.outcome])))
            # Keep a bounded number of batches in flight: enough to keep every worker busy.
            if len(pending) > pool.depth:
                _finish_batch(*pending.popleft(), writer, summary, on_file)
        while pending:
            _finish_batch(*pending.popleft(), writer, summary, on_file)
    summary.elapsed = time.monotonic() - started
    if not dry_run and (summary.counts[CREATED] or summary.counts[UPDATED]):
        # Once per run, not per batch: a long import would otherwise empty the cache every second.
        transaction.on_commit(catalogue_changed)
    return summary


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage every 10,000 new containers rather than every 700: an import allocates
    millions that live for a batch, and collecting them that often cost this process ~10% of
    an unchanged re-import (bench/import_bench.py)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


class _ParsePool:
    """Parses and prepares in worker processes, or in this process when ``workers`` is 0 or 1.

    The processes start with the first batch that has a file to parse, so re-importing an
    unchanged tree never starts them; that batch is parsed here meanwhile (starting them takes
    about as long: their server imports the parser first).
    """

    def __init__(self, workers: int, *, max_bytes: int, datetimes_as_text: bool) -> None:
        self.workers = max(workers, 1)
        self.options = {"max_bytes": max_bytes, "datetimes_as_text": datetimes_as_text}
        self.depth = self.workers
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> _ParsePool:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)

    def submit(self, candidates: list[Candidate]) -> list:
        """Start parsing; returns handles that ``results`` turns into PreparedFiles in order."""
        items = [(c.data, c.file.display, c.file.source_path) for c in candidates]
        for candidate in candidates:
            candidate.data = b""
        if not items:
            return []
        if self.workers == 1:
            return [prepare_many(items, **self.options)]
        if self.executor is None:
            self.executor = self._start_executor()
            return [prepare_many(items, **self.options)]
        size = -(-len(items) // self.workers)
        return [
            self.executor.submit(functools.partial(prepare_many, items[start : start + size], **self.options))
            for start in range(0, len(items), size)
        ]

    def _start_executor(self) -> ProcessPoolExecutor:
        # forkserver: workers never inherit this process's database connections or threads. The
        # server imports the workers' code once, before forking them; it starts now, the workers
        # with the next batch.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([prepare_many.__module__, f"{__package__}.parse"])
        multiprocessing.forkserver.ensure_running()
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=start_worker, initargs=(os.getpid(),))

    @staticmethod
    def results(handles: list) -> Iterator[PreparedFile]:
        for handle in handles:
            yield from handle if isinstance(handle, list) else handle.result()


@dataclass
class Candidate:
    file: ArticleFile
    content_hash: str
    report: FileReport
    data: bytes = b""
    article: PreparedArticle | None = None
    # Its article's content was changed outside the importer since this file was last imported.
    after_outside_change: bool = False


def _prepare_batch(batch: Sequence[ArticleFile], *, max_bytes: int, skip_unchanged: bool) -> list[Candidate]:
    """Read and hash each file; a file whose hash is the one last imported from its path is unchanged.

    A forgotten hash ("") means the article was changed outside the importer since: the file is
    never skipped, and rewriting the article from it is audited.
    """
    candidates = [_read(file, max_bytes) for file in batch]
    readable = [c for c in candidates if c.report.outcome != REJECTED]
    if readable:
        known = dict(
            select_rows(
                SourceFile, ("path", "content_hash"), "path", [c.file.path for c in readable], not_null="article"
            )
        )
        for candidate in readable:
            remembered = known.get(candidate.file.path)
            if remembered == "":
                candidate.after_outside_change = True
            elif skip_unchanged and remembered == candidate.content_hash:
                candidate.report.outcome = UNCHANGED
                candidate.data = b""
    return candidates


def _finish_batch(
    candidates: list[Candidate],
    handles: list,
    writer: CatalogueWriter,
    summary: ImportSummary,
    on_file: Callable[[FileReport], None] | None,
) -> None:
    to_parse = [c for c in candidates if not c.report.outcome]
    for candidate, prepared in zip(to_parse, _ParsePool.results(handles), strict=True):
        _take_result(candidate, prepared)
    parsed = [c for c in to_parse if c.article is not None]
    if parsed:
        writer.write(parsed)
    for candidate in candidates:
        summary.add(candidate.report)
        if on_file:
            on_file(candidate.report)


def _read(file: ArticleFile, max_bytes: int) -> Candidate:
    report = FileReport(path=file.display, outcome="")
    candidate = Candidate(file=file, content_hash="", report=report)
    try:
        data = read_article_file(file, max_bytes=max_bytes)
    except Unreadable as refusal:
        report.outcome = REJECTED
        report.messages = [str(refusal)]
        return candidate
    candidate.content_hash = hashlib.sha256(data).hexdigest()
    candidate.data = data
    return candidate


def _take_result(candidate: Candidate, prepared: PreparedFile) -> None:
    if prepared.article is None:
        candidate.report.outcome = REJECTED
        candidate.report.messages = [prepared.message]
        return
    candidate.article = prepared.article
    if prepared.message:
        candidate.report.messages = [prepared.message]


class UpdateRefused(Exception):
    """The article is in the catalogue already, and whoever sent it may not update it."""


class CreatedMeanwhile(Exception):
    """An article planned as new was created by a concurrent writer before this one wrote it."""


class CatalogueWriter:
    """Writes the batches of one import, a transaction each.

    The provider and topic ids a batch resolves are remembered for the next ones, which then ask
    the database only about providers and topics they bring in new (or a logo for a provider
    that may lack one). A batch the database refuses is retried file by file, with the ids
    forgotten first: one of them may have been deleted meanwhile.

    ``via`` is the door: the importer (editorial values follow the files, within the editors'
    locks; a rewrite of content changed outside the importer is audited) or the API (an existing
    article's editorial values are never touched, and every update is audited as made by
    ``user``; without ``may_update``, an existing article is refused with ``UpdateRefused``).
    """

    def __init__(
        self,
        *,
        dry_run: bool,
        overwrite_editorial: bool,
        via: str = EditorialChange.Via.IMPORT,
        user=None,
        may_update: bool = True,
    ) -> None:
        self.dry_run = dry_run
        self.overwrite_editorial = overwrite_editorial
        self.via = via
        self.user = user
        self.may_update = may_update
        self.provider_ids: dict[str, int] = {}
        self.with_logo: set[str] = set()  # domains whose provider has been offered a logo: it has one
        self.topic_ids: dict[str, int] = {}
        self.settings = contextlib.ExitStack()  # the database's bulk-write settings, from the first write on
        self.tuned = False

    def __enter__(self) -> CatalogueWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.settings.close()

    def write(self, parsed: list[Candidate]) -> None:
        if not self.tuned and not self.dry_run:
            self.settings.enter_context(tuned_for_bulk_writes())
            self.tuned = True
        try:
            with transaction.atomic():
                wait_for_other_placements()
                urls = self._plan_and_write(parsed)
        except DatabaseError as error:
            # Something in the batch was refused: retry file by file so only the culprit is rejected.
            # Said out loud: the retry is slow, and a refusal that is not one file's fault is a bug.
            logger.warning(
                "batch refused, written file by file",
                extra={"files": len(parsed), "error": first_line(error)},
            )
            self.provider_ids, self.with_logo, self.topic_ids = {}, set(), {}
            urls = []
            for candidate in parsed:
                try:
                    with transaction.atomic():
                        wait_for_other_placements()
                        urls += self._plan_and_write([candidate])
                except DatabaseError as error:
                    candidate.report.outcome = REJECTED
                    candidate.report.messages = [
                        f"{candidate.file.display}: rejected: the database refused it ({first_line(error)})"
                    ]
        link_again_after_commit(urls)

    def _provider_ids(self, providers: list[ParsedProvider]) -> dict[str, int]:
        # As providers_ensure reads them: the first of a domain counts, for its name and its logo.
        first_of_domain: dict[str, ParsedProvider] = {}
        for provider in providers:
            first_of_domain.setdefault(provider.domain, provider)
        unresolved = [
            provider
            for domain, provider in first_of_domain.items()
            if domain not in self.provider_ids or (provider.logo_url and domain not in self.with_logo)
        ]
        if unresolved:
            self.provider_ids.update(providers_ensure(unresolved))
            self.with_logo.update(provider.domain for provider in unresolved if provider.logo_url)
        return self.provider_ids

    def _topic_ids(self, names: list[str]) -> dict[str, int]:
        unresolved = [name for name in names if name.casefold() not in self.topic_ids]
        if unresolved:
            self.topic_ids.update(topics_ensure(unresolved))
        return self.topic_ids

    def _plan_and_write(self, candidates: list[Candidate]) -> list[str]:
        """Decide each file's outcome against the catalogue, then (unless a dry run) write the batch.

        Returns the URLs whose related links to resolve again once the batch is committed.
        """
        keys = sorted({c.article.source_key for c in candidates})
        existing = {
            source_key: {
                "id": pk,
                "content_hash": content_hash,
                "is_published": bool(is_published),
                "quality": quality,
                "published_set_by_editor": bool(published_locked),
                "quality_set_by_editor": bool(quality_locked),
            }
            for pk, source_key, content_hash, is_published, quality, published_locked, quality_locked in select_rows(
                Article, PLANNED_FIELDS, "source_key", keys
            )
        }
        if existing and not self.may_update:
            raise UpdateRefused(sorted(existing))
        fingerprints = {key: row["content_hash"] for key, row in existing.items()}
        latest: dict[str, Candidate] = {}
        changed: set[str] = set()
        for candidate in candidates:
            article = candidate.article
            fingerprint = article.fingerprint
            previous = fingerprints.get(article.source_key)
            editorial_differs = (
                self.overwrite_editorial
                and article.source_key in existing
                and (
                    existing[article.source_key]["is_published"] != article.is_published
                    or existing[article.source_key]["quality"] != article.quality
                )
            )
            if previous is None:
                candidate.report.outcome = CREATED
            elif previous == fingerprint and not editorial_differs:
                candidate.report.outcome = UNCHANGED
            else:
                candidate.report.outcome = UPDATED
            fingerprints[article.source_key] = fingerprint
            latest[article.source_key] = candidate
            if candidate.report.outcome != UNCHANGED:
                changed.add(article.source_key)
        if self.dry_run:
            return []

        now = timezone.now()
        # The last file of the batch for each article is written, even when it matches an earlier
        # file of the same batch (and so was reported unchanged): the earlier one is never written.
        to_write = [c for key, c in latest.items() if key in changed]
        article_ids: dict[str, int] = {}
        if to_write:
            audited = [
                existing[c.article.source_key]["id"]
                for c in to_write
                if c.article.source_key in existing
                and (self.via != EditorialChange.Via.IMPORT or c.after_outside_change)
            ]
            with articles_content_update(articles=audited, user=self.user, via=self.via):
                article_ids, inserted = self._write_articles(to_write, existing, now=now)
            # Planned before a concurrent import's creation of the same article was committed: an update.
            created_meanwhile = [
                c for c in candidates if c.report.outcome == CREATED and c.article.source_key not in inserted
            ]
            if created_meanwhile and self.via != EditorialChange.Via.IMPORT:
                raise CreatedMeanwhile  # rolled back: planned again, it is an update (permission, audit)
            for candidate in created_meanwhile:
                candidate.report.outcome = UPDATED
            placements = place_articles(
                {article_ids[c.article.source_key]: Features.decode(c.article.story_features) for c in to_write},
                decisions={article_ids[c.article.source_key]: c.article.story for c in to_write if c.article.story},
            )
            for candidate in candidates:
                placement = placements.get(article_ids.get(candidate.article.source_key))
                if placement and candidate.report.outcome != UNCHANGED:
                    candidate.report.story, candidate.report.story_outcome = placement.slug, placement.outcome
        all_ids = {key: row["id"] for key, row in existing.items()} | article_ids
        # One row per path: PostgreSQL refuses an upsert that touches the same row twice.
        source_files = {
            c.file.path: (c.file.path, c.content_hash, all_ids.get(c.article.source_key))
            for c in candidates
            if c.file.path  # an article posted to the API has no file to remember
        }
        imported_at = database_datetime(now)
        insert_rows(
            SourceFile,
            ("path", "content_hash", "article", "imported_at"),
            [row + (imported_at,) for _, row in sorted(source_files.items())],
            conflict="path",
            update=["content_hash", "article", "imported_at"],
        )
        return sorted(
            {c.article.url for c in to_write if c.article.url}
            | {related[RELATED_URL] for c in to_write for related in c.article.related}
        )

    def _write_articles(
        self, candidates: list[Candidate], existing: dict[str, dict], *, now
    ) -> tuple[dict[str, int], set[str]]:
        """Upsert the articles and replace their children; returns their ids and the keys of those inserted."""
        # Sorted, so concurrent imports lock rows in the same order and cannot deadlock.
        articles = sorted((c.article for c in candidates), key=lambda article: article.source_key)
        provider_ids = self._provider_ids(
            [a.provider for a in articles if a.provider]
            + [provider for a in articles for provider in a.related_providers]
        )
        topic_ids = self._topic_ids([topic for a in articles for topic in a.topics])

        imported_at = database_datetime(now)
        written = insert_rows(
            Article,
            (*ARTICLE_COLUMNS, "provider", "first_imported_at", "imported_at"),
            [
                a.row + (provider_ids[a.provider.domain] if a.provider else None, imported_at, imported_at)
                for a in articles
            ],
            conflict="source_key",
            update=SOURCE_FIELDS,
            returning=("source_key", "id"),
        )
        if written is not None:
            ids = {source_key: pk for source_key, pk, _ in written}
            inserted = {source_key for source_key, _, was_inserted in written if was_inserted}
        else:
            # SQLite: writers are serialised (IMMEDIATE transactions), so what the plan read is still true.
            ids = dict(select_rows(Article, ("source_key", "id"), "source_key", [a.source_key for a in articles]))
            inserted = {a.source_key for a in articles if a.source_key not in existing}
        updated = [a for a in articles if a.source_key in existing]
        if updated and self.via == EditorialChange.Via.IMPORT:
            # Through the API, an existing article's editorial values change only by PATCH (audited services).
            _apply_editorial_values(updated, existing, ids, overwrite_editorial=self.overwrite_editorial)

        # Children are replaced for every written article, not only those planned as updates: a
        # concurrent import may have created one since the plan was read (the upsert above waited
        # for its commit and holds the row lock now).
        written_ids = list(ids.values())
        delete_rows(TaggedTopic, "content_object", written_ids)
        delete_rows(ArticleImage, "article", written_ids)
        delete_rows(RelatedLink, "source", written_ids)
        insert_rows(
            TaggedTopic,
            ("content_object", "tag", "position"),
            [
                (ids[a.source_key], topic_ids[topic.casefold()], position)
                for a in articles
                for position, topic in enumerate(a.topics)
            ],
        )
        insert_rows(
            ArticleImage,
            ("article", *IMAGE_COLUMNS),
            [(ids[a.source_key], *image) for a in articles for image in a.images],
        )
        related_urls = sorted({related[RELATED_URL] for a in articles for related in a.related})
        catalogue = dict(select_rows(Article, ("url", "id"), "url", related_urls))
        # The provider's domain ends a prepared row: it becomes the provider's id, then the catalogue's article.
        insert_rows(
            RelatedLink,
            ("source", *RELATED_COLUMNS, "article"),
            [
                (ids[a.source_key], *related[:-1], provider_ids.get(related[-1]), catalogue.get(related[RELATED_URL]))
                for a in articles
                for related in a.related
            ],
        )
        # Links written earlier that point at this batch's articles, new or not: an unresolved one
        # (another import had not committed this article when it wrote the link) is repaired here.
        link_related_to(sorted({a.url for a in articles if a.url}))
        return ids, inserted


def link_again_after_commit(urls: list[str]) -> None:
    """Once the batch is committed, resolve the unresolved links to and from its articles once more.

    Under READ COMMITTED two concurrent batches do not see each other's rows: a link one of them
    writes to an article the other creates stays unresolved in both. Each runs this pass after
    its commit, and whichever runs last sees both commits, so the result does not depend on the
    order the batches ran in. (SQLite's writers are serialised: there it finds nothing to do.)
    """
    if urls:
        transaction.on_commit(functools.partial(link_related_to, urls), using=router.db_for_write(RelatedLink))


def _apply_editorial_values(
    articles: list[PreparedArticle], existing: dict[str, dict], ids: dict[str, int], *, overwrite_editorial: bool
) -> None:
    """Bring the published flag and quality of re-imported articles in line with their files (audited services).

    Fields an editor has set keep the editor's value, unless ``overwrite_editorial``: then the
    file wins and the editor's mark is cleared. Only the articles whose value differs (or whose
    mark is cleared) are sent, grouped by value: a few set-based statements per batch.
    """
    for field_name, lock in (("is_published", "published_set_by_editor"), ("quality", "quality_set_by_editor")):
        by_value: dict = {}
        for article in articles:
            before = existing[article.source_key]
            if before[lock] and not overwrite_editorial:
                continue
            if before[field_name] != getattr(article, field_name) or before[lock]:
                by_value.setdefault(getattr(article, field_name), []).append(ids[article.source_key])
        if by_value:
            articles_follow_files(field=field_name, values=by_value, overwrite_editorial=overwrite_editorial)


def first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
