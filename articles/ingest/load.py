"""Write parsed article files into the catalogue, a batch of files per transaction.

Per batch: unchanged files (same path, same content hash) are skipped before parsing; the
rest are parsed; providers and topics are resolved once; articles are upserted on their
identity (``source_key``); their images, topics and related links are replaced; related
links are resolved to catalogue articles in both directions. Editorial fields an editor
has set are never overwritten unless ``overwrite_editorial`` is asked for.
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from providers.services import providers_ensure

from ..models import Article, ArticleImage, EditorialChange, RelatedLink, SourceFile, TaggedTopic, Topic
from ..services import editorial_changes_record
from .parse import ParsedArticle, ParseResult, parse_many

ARTICLE_FILE_SUFFIXES = {".txt", ".md", ".markdown"}
PARALLEL_FROM = 200  # files; fewer are parsed in the importing process

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, REJECTED)

# Fields an import rewrites on an existing article. Editorial fields, slug and
# first_imported_at are deliberately absent.
SOURCE_FIELDS = [
    "url", "title", "excerpt", "body", "published_at", "original_url", "amp_url", "cdn_amp_url", "category",
    "article_type", "heat", "provider", "secured", "extra", "schema_era", "is_draft", "needs_review",
    "import_warnings", "source_path", "content_hash", "imported_at",
]


@dataclass
class FileReport:
    path: str
    outcome: str
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"path": self.path, "outcome": self.outcome, "messages": self.messages}


@dataclass
class ImportSummary:
    """Counts only: per-file reports stream through ``on_file``, so memory does not grow with the tree."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    with_warnings: int = 0
    elapsed: float = 0.0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, report: FileReport) -> None:
        self.counts[report.outcome] += 1
        if report.messages and report.outcome != REJECTED:
            self.with_warnings += 1

    def line(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        counts = ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in OUTCOMES)
        return f"{verb} {self.total} files: {counts} ({self.with_warnings} with warnings) in {self.elapsed:.1f}s."


@dataclass(frozen=True, slots=True)
class ArticleFile:
    """A file to import: its absolute path, how to name it in messages, and its identity path for drafts."""

    path: str
    display: str
    source_path: str


def iter_article_files(paths: Sequence[str | os.PathLike]) -> Iterator[ArticleFile]:
    """Files named directly, and article files (by suffix) anywhere under named directories, sorted,
    found as they are needed: a tree of any size costs no memory up front.

    A draft's identity is its path relative to the directory it was found under, so the same
    tree imported from another place (or exported and re-imported) is recognised.
    Raises FileNotFoundError at once for a path that does not exist.
    """
    missing = [str(given) for given in paths if not Path(given).exists()]
    if missing:
        raise FileNotFoundError(f"No such file or directory: {', '.join(missing)}")
    return _walk_article_files(paths)


def _walk_article_files(paths: Sequence[str | os.PathLike]) -> Iterator[ArticleFile]:
    # A file named twice (directly and through its directory) is imported once. One directory
    # cannot yield a file twice, so only several paths need remembering what was seen.
    seen: set[str] | None = set() if len(paths) > 1 else None
    for given in paths:
        root = Path(given)
        if root.is_file():
            found = [ArticleFile(str(root.resolve()), _printable(str(given)), root.name)]
        else:
            found = _walk_directory(root)
        for file in found:
            if seen is not None:
                if file.path in seen:
                    continue
                seen.add(file.path)
            yield file


def _walk_directory(root: Path) -> Iterator[ArticleFile]:
    # The root is resolved once; files are joined to it (resolving each file costs a system call per path part).
    resolved_root = str(root.resolve())
    shown_root = str(root)
    for directory, subdirectories, files in os.walk(resolved_root):
        subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
        relative_directory = os.path.relpath(directory, resolved_root)
        for name in sorted(files):
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in ARTICLE_FILE_SUFFIXES:
                continue
            relative = name if relative_directory == "." else os.path.join(relative_directory, name)
            yield ArticleFile(
                os.path.join(directory, name),
                _printable(os.path.join(shown_root, relative)),
                relative.replace(os.sep, "/"),
            )


def find_article_files(paths: Sequence[str | os.PathLike]) -> list[ArticleFile]:
    """``iter_article_files`` as a list."""
    return list(iter_article_files(paths))


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
    from that path, and writes the parsed batches; worker processes parse the next batches
    meanwhile. A batch is committed whole or not at all, so an interrupted import leaves
    every article either fully imported or absent, and a re-run completes the job.
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
    with _ParsePool(workers, max_bytes) as pool:
        pending: deque[tuple[list[_Candidate], list]] = deque()
        for batch in _chunks(files, batch_size):
            candidates = _prepare_batch(batch, max_bytes=max_bytes, skip_unchanged=not overwrite_editorial)
            pending.append((candidates, pool.submit([c for c in candidates if not c.report.outcome])))
            # Keep a bounded number of batches in flight: enough to keep every worker busy.
            if len(pending) > pool.depth:
                _finish_batch(*pending.popleft(), summary, dry_run, overwrite_editorial, on_file)
        while pending:
            _finish_batch(*pending.popleft(), summary, dry_run, overwrite_editorial, on_file)
    summary.elapsed = time.monotonic() - started
    return summary


class _ParsePool:
    """Parses in worker processes, or in this process when ``workers`` is 0 or 1."""

    def __init__(self, workers: int, max_bytes: int) -> None:
        self.workers = max(workers, 1)
        self.max_bytes = max_bytes
        self.depth = self.workers
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> "_ParsePool":
        return self

    def __exit__(self, *exc_info) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)

    def submit(self, candidates: list[_Candidate]) -> list:
        """Start parsing; returns handles that ``results`` turns into ParseResults in order."""
        items = [(c.data, c.file.display, c.file.source_path) for c in candidates]
        for candidate in candidates:
            candidate.data = b""
        if not items:
            return []
        if self.workers == 1:
            return [parse_many(items, self.max_bytes)]
        if self.executor is None:
            # forkserver: workers never inherit this process's database connections or threads.
            # Workers run at a lower priority: the writing process is the pipeline's bottleneck.
            self.executor = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("forkserver"), initializer=os.nice, initargs=(5,)
            )
        size = -(-len(items) // self.workers)
        return [self.executor.submit(parse_many, items[start:start + size], self.max_bytes)
                for start in range(0, len(items), size)]

    @staticmethod
    def results(handles: list) -> Iterator[ParseResult]:
        for handle in handles:
            yield from handle if isinstance(handle, list) else handle.result()


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


@dataclass
class _Candidate:
    file: ArticleFile
    content_hash: str
    report: FileReport
    data: bytes = b""
    article: ParsedArticle | None = None


def _prepare_batch(batch: Sequence[ArticleFile], *, max_bytes: int, skip_unchanged: bool) -> list[_Candidate]:
    """Read and hash each file; a file whose hash is the one last imported from its path is unchanged."""
    candidates = [_read(file, max_bytes) for file in batch]
    readable = [c for c in candidates if c.report.outcome != REJECTED]
    if skip_unchanged and readable:
        known = dict(
            SourceFile.objects.filter(path__in=[c.file.path for c in readable], article__isnull=False)
            .values_list("path", "content_hash")
        )
        for candidate in readable:
            if known.get(candidate.file.path) == candidate.content_hash:
                candidate.report.outcome = UNCHANGED
                candidate.data = b""
    return candidates


def _finish_batch(
    candidates: list[_Candidate], handles: list, summary: ImportSummary, dry_run: bool, overwrite_editorial: bool,
    on_file: Callable[[FileReport], None] | None,
) -> None:
    to_parse = [c for c in candidates if not c.report.outcome]
    for candidate, result in zip(to_parse, _ParsePool.results(handles), strict=True):
        _take_result(candidate, result)
    parsed = [c for c in to_parse if c.article is not None]
    if parsed:
        _write_batch(parsed, dry_run=dry_run, overwrite_editorial=overwrite_editorial)
    for candidate in candidates:
        summary.add(candidate.report)
        if on_file:
            on_file(candidate.report)


def _write_batch(parsed: list[_Candidate], *, dry_run: bool, overwrite_editorial: bool) -> None:
    try:
        with transaction.atomic():
            _plan_and_write(parsed, dry_run=dry_run, overwrite_editorial=overwrite_editorial)
    except DatabaseError:
        # Something in the batch was refused: retry file by file so only the culprit is rejected.
        for candidate in parsed:
            try:
                with transaction.atomic():
                    _plan_and_write([candidate], dry_run=dry_run, overwrite_editorial=overwrite_editorial)
            except DatabaseError as error:
                candidate.report.outcome = REJECTED
                candidate.report.messages = [f"{candidate.file.display}: rejected: the database refused it ({_first_line(error)})"]


def _read(file: ArticleFile, max_bytes: int) -> _Candidate:
    report = FileReport(path=file.display, outcome="")
    candidate = _Candidate(file=file, content_hash="", report=report)
    if _printable(file.path) != file.path:
        # The path is stored and reported as text: a name that is not UTF-8 cannot be.
        report.outcome = REJECTED
        report.messages = [f"{file.display}: rejected: the file name is not valid UTF-8"]
        return candidate
    try:
        size = os.stat(file.path).st_size
        if size > max_bytes:
            # Rejected before reading a byte of it.
            report.outcome = REJECTED
            report.messages = [f"{file.display}: rejected: the file is {size:,} bytes, over the {max_bytes:,}-byte limit"]
            return candidate
        with open(file.path, "rb") as handle:
            # Sized by stat (read(max_bytes) would allocate the whole limit for every file); a file
            # growing meanwhile is still read only up to just past the limit.
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(max_bytes + 1 - len(data))
    except OSError as error:
        report.outcome = REJECTED
        report.messages = [f"{file.display}: rejected: cannot be read ({error.strerror or error})"]
        return candidate
    candidate.content_hash = hashlib.sha256(data).hexdigest()
    candidate.data = data
    return candidate


def _take_result(candidate: _Candidate, result: ParseResult) -> None:
    if result.article is None:
        candidate.report.outcome = REJECTED
        candidate.report.messages = [result.message]
        return
    candidate.article = result.article
    if result.article.warnings:
        candidate.report.messages = [result.message]


def _plan_and_write(candidates: list[_Candidate], *, dry_run: bool, overwrite_editorial: bool) -> None:
    """Decide each file's outcome against the catalogue, then (unless a dry run) write the batch."""
    keys = {c.article.source_key for c in candidates}
    existing = {
        row["source_key"]: row
        for row in Article.objects.filter(source_key__in=keys).values(
            "id", "source_key", "content_hash", "is_published", "quality", "published_set_by_editor", "quality_set_by_editor"
        )
    }
    fingerprints = {key: row["content_hash"] for key, row in existing.items()}
    latest: dict[str, _Candidate] = {}
    changed: set[str] = set()
    for candidate in candidates:
        article = candidate.article
        fingerprint = article.fingerprint
        previous = fingerprints.get(article.source_key)
        editorial_differs = overwrite_editorial and article.source_key in existing and (
            existing[article.source_key]["is_published"] != article.is_published
            or existing[article.source_key]["quality"] != article.quality
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
    if dry_run:
        return

    now = timezone.now()
    # The last file of the batch for each article is written, even when it matches an earlier
    # file of the same batch (and so was reported unchanged): the earlier one is never written.
    to_write = [c for key, c in latest.items() if key in changed]
    if to_write:
        article_ids = _write_articles(to_write, existing, now=now, overwrite_editorial=overwrite_editorial)
    else:
        article_ids = {}
    all_ids = {key: row["id"] for key, row in existing.items()} | article_ids
    # One row per path: PostgreSQL refuses an upsert that touches the same row twice.
    source_files = {
        c.file.path: {"path": c.file.path, "content_hash": c.content_hash,
                      "article": all_ids.get(c.article.source_key), "imported_at": now}
        for c in candidates
        if c.file.path  # an article posted to the API has no file to remember
    }
    insert_rows(SourceFile, sorted(source_files.values(), key=lambda row: row["path"]),
                conflict="path", update=["content_hash", "article", "imported_at"])


def _write_articles(
    candidates: list[_Candidate], existing: dict[str, dict], *, now, overwrite_editorial: bool
) -> dict[str, int]:
    # Sorted, so concurrent imports lock rows in the same order and cannot deadlock.
    articles = sorted((c.article for c in candidates), key=lambda article: article.source_key)
    provider_ids = providers_ensure(
        [a.provider for a in articles if a.provider] + [r.provider for a in articles for r in a.related if r.provider]
    )
    topic_ids = topics_ensure(topic for a in articles for topic in a.topics)

    insert_rows(Article, [_article_row(a, provider_ids, now) for a in articles],
                conflict="source_key", update=SOURCE_FIELDS)
    ids = dict(Article.objects.filter(source_key__in=[a.source_key for a in articles]).values_list("source_key", "id"))
    updated = [a for a in articles if a.source_key in existing]
    if updated:
        _apply_editorial_values(updated, existing, ids, overwrite_editorial=overwrite_editorial)

    # Children are replaced for every written article, not only those planned as updates: a
    # concurrent import may have created one since the plan was read (the upsert above waited
    # for its commit and holds the row lock now).
    written = list(ids.values())
    TaggedTopic.objects.filter(content_object_id__in=written).delete()
    ArticleImage.objects.filter(article_id__in=written).delete()
    RelatedLink.objects.filter(source_id__in=written).delete()
    insert_rows(TaggedTopic, [
        {"content_object": ids[a.source_key], "tag": topic_ids[topic.casefold()], "position": position}
        for a in articles
        for position, topic in enumerate(a.topics)
    ])
    insert_rows(ArticleImage, [
        {"article": ids[a.source_key], "position": position, "url": image.url, "width": image.width,
         "height": image.height, "is_cached": image.is_cached, "title": image.title}
        for a in articles
        for position, image in enumerate(a.images)
    ])
    related_urls = sorted({r.url for a in articles for r in a.related})
    catalogue: dict[str, int] = {}
    for chunk in _chunks(related_urls, 2000):  # SQLite allows at most 32,766 query parameters
        catalogue.update(Article.objects.filter(url__in=chunk).values_list("url", "id"))
    insert_rows(RelatedLink, [
        {"source": ids[a.source_key], "position": position, "title": r.title, "excerpt": r.excerpt, "url": r.url,
         "amp_url": r.amp_url, "cdn_amp_url": r.cdn_amp_url, "published_at": r.published_at,
         "article_type": r.article_type, "provider": provider_ids[r.provider.domain] if r.provider else None,
         "quality": r.quality, "images": [_image_json(image) for image in r.images], "extra": r.extra,
         "article": catalogue.get(r.url)}
        for a in articles
        for position, r in enumerate(a.related)
    ])
    # Links imported earlier that point at articles this batch brought into the catalogue.
    new_urls = [a.url for a in articles if a.url and a.source_key not in existing]
    if new_urls:
        RelatedLink.objects.filter(url__in=new_urls, article__isnull=True).update(
            article=Subquery(Article.objects.filter(url=OuterRef("url")).values("id")[:1])
        )
    return ids


def _article_row(article: ParsedArticle, provider_ids: dict[str, int], now) -> dict:
    return {
        "source_key": article.source_key,
        "url": article.url,
        "slug": article_slug(article.title, article.source_key),
        "title": article.title,
        "excerpt": article.excerpt,
        "body": article.body,
        "published_at": article.published_at,
        "original_url": article.original_url,
        "amp_url": article.amp_url,
        "cdn_amp_url": article.cdn_amp_url,
        "category": article.category,
        "article_type": article.article_type,
        "heat": article.heat,
        "provider": provider_ids[article.provider.domain] if article.provider else None,
        "secured": article.secured,
        "extra": article.extra,
        "schema_era": article.schema_era,
        "is_published": article.is_published,
        "quality": article.quality,
        "is_draft": article.is_draft,
        "needs_review": article.needs_review,
        "import_warnings": list(article.warnings),
        "source_path": article.source_path,
        "content_hash": article.fingerprint,
        "first_imported_at": now,
        "imported_at": now,
    }


def insert_rows(model, rows: list[dict], *, conflict: str | None = None, update: Sequence[str] = ()) -> None:
    """INSERT ``rows`` (field name → value; a missing field takes its default) with one executemany;
    with ``conflict``, an existing row with the same value of that unique field gets ``update`` instead.

    The ORM's bulk_create spends more time building model instances and compiling SQL than the
    database spends writing at import volumes (bench/import_bench.py); this writes the same
    statement (``ON CONFLICT … DO UPDATE`` is shared by SQLite and PostgreSQL), with values
    prepared per field as the ORM prepares them.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    preparers = [_preparer(field, connection) for field in fields]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if conflict:
        updated_columns = [quote(model._meta.get_field(name).column) for name in update]
        sql += (
            f" ON CONFLICT ({quote(model._meta.get_field(conflict).column)}) DO UPDATE SET "
            + ", ".join(f"{column} = EXCLUDED.{column}" for column in updated_columns)
        )
    layout = [(field.name, field.get_default()) for field in fields]
    to_prepare = [(index, prepare) for index, prepare in enumerate(preparers) if prepare]
    params = []
    for row in rows:
        values = [row.get(name, default) for name, default in layout]
        for index, prepare in to_prepare:
            values[index] = prepare(values[index])
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _preparer(field, connection):
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return lambda value: None if value is None else connection.ops.adapt_datetimefield_value(value)
    if kind == "JSONField":
        adapt, encoder = connection.ops.adapt_json_value, field.encoder
        return lambda value: adapt(value, encoder)
    return None


def _apply_editorial_values(
    articles: list[ParsedArticle], existing: dict[str, dict], ids: dict[str, int], *, overwrite_editorial: bool
) -> None:
    """Bring the published flag and quality of re-imported articles in line with their files.

    Fields an editor has set keep the editor's value, unless ``overwrite_editorial``: then the
    file wins, the editor's mark is cleared, and each change is audited as made by the import.
    """
    for field_name, lock in (("is_published", "published_set_by_editor"), ("quality", "quality_set_by_editor")):
        targets = [a for a in articles if overwrite_editorial or not existing[a.source_key][lock]]
        targets = [a for a in targets if existing[a.source_key][field_name] != getattr(a, field_name)
                   or (overwrite_editorial and existing[a.source_key][lock])]
        if not targets:
            continue
        queryset = Article.objects.filter(pk__in=[ids[a.source_key] for a in targets])
        if not overwrite_editorial:
            queryset = queryset.filter(**{lock: False})  # an editor may have acted since the plan was read
        queryset.update(
            **{
                field_name: Case(*[When(pk=ids[a.source_key], then=Value(getattr(a, field_name))) for a in targets],
                                 default=F(field_name), output_field=Article._meta.get_field(field_name)),
                lock: False,
            }
        )
        if overwrite_editorial:
            editorial_changes_record(
                EditorialChange(article_id=ids[a.source_key], field=field_name,
                                old_value=existing[a.source_key][field_name], new_value=getattr(a, field_name),
                                via=EditorialChange.Via.IMPORT)
                for a in targets
                if existing[a.source_key][field_name] != getattr(a, field_name)
            )


def topics_ensure(names: Iterable[str]) -> dict[str, int]:
    """Return ``{casefolded name: topic id}``, creating missing topics in one insert (case-insensitive)."""
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(name.casefold(), name)
    if not wanted:
        return {}

    # SQLite's LOWER() folds ASCII letters only ("Économie" ≠ "économie"), so topics are also
    # looked up by the slugs a case variant gets, and matched by casefolding here.
    slugs = [slug for name in wanted.values() for slug in (topic_slug(name), topic_slug(name, hashed=True))]

    def lookup() -> dict[str, int]:
        rows = (
            Topic.objects.annotate(name_lower=Lower("name")).filter(name_lower__in=[name.lower() for name in wanted.values()])
            | Topic.objects.filter(name__in=wanted.values())
            | Topic.objects.filter(slug__in=slugs)
        )
        found: dict[str, int] = {}
        for pk, name in rows.order_by("id").values_list("id", "name"):
            if name.casefold() in wanted:
                found.setdefault(name.casefold(), pk)
        return found

    found = lookup()
    for attempt in range(2):
        missing = [name for key, name in wanted.items() if key not in found]
        if not missing:
            break
        slugs = {name: topic_slug(name, hashed=bool(attempt)) for name in missing}
        taken = set(Topic.objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
        Topic.objects.bulk_create(
            [Topic(name=name, slug=topic_slug(name, hashed=True) if slug in taken else slug) for name, slug in slugs.items()],
            ignore_conflicts=True,
        )
        found = lookup()
    return found


def topic_slug(name: str, *, hashed: bool = False) -> str:
    base = slugify(name)[:80]
    if hashed or not base:
        digest = hashlib.sha1(name.casefold().encode()).hexdigest()[:8]
        return f"{base}-{digest}" if base else f"topic-{digest}"
    return base


def article_slug(title: str, source_key: str) -> str:
    """Readable and unique without a query: the title, then a short hash of the article's identity."""
    digest = hashlib.sha1(source_key.encode()).hexdigest()[:10]
    base = slugify(title)[:100].strip("-")
    return f"{base}-{digest}" if base else digest


def _image_json(image) -> dict:
    data = {"url": image.url, "width": image.width, "height": image.height}
    if image.is_cached is not None:
        data["isCached"] = image.is_cached
    if image.title:
        data["title"] = image.title
    return data


def _printable(path: str) -> str:
    """A file system path as text that can be shown, stored and written to a report (bad bytes become U+FFFD)."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


# --------------------------------------------------------------------------- one mapping (the API's ingest)


@dataclass
class MappingImport:
    """What ``import_mapping`` did: the outcome, every problem (when rejected), the warnings, the article's id."""

    outcome: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    article_id: int | None = None


def import_mapping(mapping, *, body: str = "", source_path: str = "api") -> MappingImport:
    """Import one article given as a mapping with the file format's keys (the JSON posted to the API).

    Validated by ``parse_mapping`` exactly like a file's front matter, and written by the same
    code as ``import_files`` in one transaction: created, updated or unchanged on the article's
    canonical URL, editorial values an editor has set kept.
    """
    from .parse import parse_mapping

    result = parse_mapping(mapping, body=body, source_path=source_path)
    if result.article is None:
        return MappingImport(outcome=REJECTED, problems=list(result.problems), warnings=list(result.warnings))
    article = result.article
    candidate = _Candidate(
        file=ArticleFile(path="", display=source_path, source_path=source_path),
        content_hash=article.fingerprint,
        report=FileReport(path=source_path, outcome=""),
        article=article,
    )
    try:
        with transaction.atomic():
            _plan_and_write([candidate], dry_run=False, overwrite_editorial=False)
    except DatabaseError as error:
        return MappingImport(outcome=REJECTED, problems=[f"the database refused it ({_first_line(error)})"],
                             warnings=list(article.warnings))
    article_id = Article.objects.filter(source_key=article.source_key).values_list("id", flat=True).first()
    return MappingImport(outcome=candidate.report.outcome, warnings=list(article.warnings), article_id=article_id)
