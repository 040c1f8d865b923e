"""The importer's guarantees at scale, checked at small N: parallel parsing gives the same
catalogue, unchanged files cost no writes, memory does not grow with the tree, a SIGKILL
leaves whole articles only, and two imports at once leave no duplicates, resolve every related
link and count each creation once."""

import contextlib
import gc
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.ingest import load, rows
from articles.ingest.files import iter_article_files
from articles.ingest.load import import_files
from articles.ingest.parse import parse_bytes
from articles.models import Article, RelatedLink, TaggedTopic, Topic
from articles.stories import features as story_features
from providers.models import Provider
from tests.articles.test_import_articles import catalogue_snapshot
from tests.factories import article_text

PROJECT = Path(__file__).resolve().parents[2]
WRITES = ("INSERT", "UPDATE", "DELETE", "COPY")


def write_corpus(directory: Path, count: int, *, offset: int = 0) -> list[Path]:
    """``count`` articles: topics in two spellings, images, related links into the corpus, every 25th body-only."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(offset, offset + count):
        path = directory / f"{number:05d}.txt"
        if number % 25 == 0:
            path.write_text(f"Draft number {number}\nSome text without front matter.\n", encoding="utf-8")
        else:
            path.write_text(
                article_text(
                    title=f"Story {number}",
                    webUrl=f"https://news{number % 7}.example/story/{number}",
                    provider={"name": f"News {number % 7}", "domain": f"www.news{number % 7}.example"},
                    topics=["AI" if number % 2 else "ai", f"Topic {number % 5}"],
                    images=[{"url": f"https://img.example/{number}.jpg", "width": 640, "height": 480}],
                    related=[
                        {
                            "title": f"Story {(number * 7) % 97}",
                            "webUrl": f"https://news{(number * 7) % 97 % 7}.example/story/{(number * 7) % 97}",
                            "provider": {"name": "Elsewhere", "domain": "elsewhere.example"},
                            "quality": 40,
                        },
                    ],
                ),
                encoding="utf-8",
            )
        paths.append(path)
    return paths


def writes_in(queries) -> list[str]:
    return [query["sql"] for query in queries if _statement(query["sql"]).startswith(WRITES)]


def rows_written(queries) -> int:
    """Rows sent by write statements; Django logs an executemany (and the importer a COPY) as "N times: <sql>"."""
    total = 0
    for sql in writes_in(queries):
        times, _, rest = sql.partition(" times: ")
        total += int(times) if rest and times.isdigit() else 1
    return total


def _statement(sql: str) -> str:
    _, separator, rest = sql.partition(" times: ")
    return (rest if separator and _.isdigit() else sql).lstrip().upper()


@pytest.mark.django_db
def test_parallel_parsing_builds_the_same_catalogue_as_one_process(tmp_path, django_db_blocker):
    files = list(iter_article_files([write_corpus(tmp_path / "corpus", 240)[0].parent]))
    summary = import_files(files, workers=2, batch_size=50)
    parallel = catalogue_snapshot(timestamps=False)
    Article.objects.all().delete()
    Provider.objects.all().delete()
    from articles.models import SourceFile, Topic

    SourceFile.objects.all().delete()
    Topic.objects.all().delete()
    import_files(files, workers=1, batch_size=50)

    assert summary.counts == {"created": 240, "updated": 0, "unchanged": 0, "rejected": 0}
    assert catalogue_snapshot(timestamps=False) == parallel
    assert RelatedLink.objects.filter(article__isnull=False).count() > 0


@pytest.mark.django_db
def test_unchanged_tree_is_skipped_without_a_single_write(tmp_path):
    files = list(iter_article_files([write_corpus(tmp_path / "corpus", 120)[0].parent]))
    import_files(files, batch_size=40)

    with CaptureQueriesContext(connection) as queries:
        summary = import_files(files, batch_size=40)

    assert summary.counts["unchanged"] == 120
    assert writes_in(queries.captured_queries) == []
    # One lookup of the batch's content hashes, per batch: not per file.
    assert len(queries.captured_queries) <= 3 + 2 * 3


@pytest.mark.django_db
def test_unchanged_tree_starts_no_worker_process(tmp_path, monkeypatch):
    files = list(iter_article_files([write_corpus(tmp_path / "corpus", 240)[0].parent]))
    import_files(files, workers=2, batch_size=50)

    def refuse(*args, **kwargs):
        raise AssertionError("a worker process was started for an unchanged tree")

    monkeypatch.setattr(load, "ProcessPoolExecutor", refuse)
    monkeypatch.setattr(load.multiprocessing.forkserver, "ensure_running", refuse)
    summary = import_files(files, workers=2, batch_size=50)

    assert summary.counts["unchanged"] == 240


@pytest.mark.django_db
def test_import_leaves_the_connection_and_the_collector_as_it_found_them(tmp_path):
    files = list(iter_article_files([write_corpus(tmp_path / "corpus", 30)[0].parent]))
    settings_before = _database_settings()
    thresholds = gc.get_threshold()

    import_files(files, workers=1)

    assert _database_settings() == settings_before
    assert gc.get_threshold() == thresholds


def _database_settings() -> tuple:
    if connection.vendor != "sqlite":
        return ()
    with connection.cursor() as cursor:
        return tuple(cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("cache_size", "wal_autocheckpoint"))


@pytest.mark.django_db(transaction=True)  # the foreign keys are checked when a batch commits
def test_a_topic_deleted_during_an_import_is_made_again_for_the_next_batch(tmp_path):
    """The importer remembers the ids of the topics and providers it resolved; one deleted
    meanwhile fails the next batch, which is then retried file by file with fresh ids."""
    files = list(iter_article_files([write_corpus(tmp_path / "corpus", 40)[0].parent]))
    deleted = []

    def delete_a_topic_after_the_first_batch(report):
        if not deleted:
            deleted.append(Topic.objects.get(name="Topic 1").delete())

    summary = import_files(files, workers=1, batch_size=20, on_file=delete_a_topic_after_the_first_batch)

    assert summary.counts == {"created": 40, "updated": 0, "unchanged": 0, "rejected": 0}
    assert Topic.objects.filter(name="Topic 1").exists()
    # The second batch's articles on Topic 1 have it (the first batch's lost it with the topic).
    assert TaggedTopic.objects.filter(tag__name="Topic 1").count() == sum(
        1 for number in range(20, 40) if number % 25 and number % 5 == 1
    )


@pytest.mark.django_db
def test_a_file_read_in_short_pieces_is_read_whole(tmp_path, monkeypatch):
    paths = write_corpus(tmp_path / "corpus", 3, offset=1)
    read = os.read
    monkeypatch.setattr(load.os, "read", lambda descriptor, size: read(descriptor, min(size, 7)))

    summary = import_files(list(iter_article_files([paths[0].parent])), workers=1)

    assert summary.counts["created"] == 3
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Story 1", "Story 2", "Story 3"]


@pytest.mark.django_db
def test_prepared_values_are_those_django_would_write():
    article = parse_bytes(
        article_text(
            publishedDateTime="2024-03-01T10:00:00.250+02:00",
            extra_key={"nested": ["é", 1.5]},
            related=[
                {
                    "title": "R",
                    "webUrl": "https://r.example/",
                    "publishedDateTime": "2020-01-01T00:00:00Z",
                    "images": [{"url": "https://r.example/i.jpg", "width": 1}],
                }
            ],
        ).encode(),
        source_path="a.txt",
    ).article
    prepared = rows.prepare_article(article, datetimes_as_text=connection.vendor == "sqlite")
    row = dict(zip(rows.ARTICLE_COLUMNS, prepared.row, strict=True))
    related = dict(zip(rows.RELATED_COLUMNS, prepared.related[0], strict=True))
    field = Article._meta.get_field

    if connection.vendor == "sqlite":
        assert row["published_at"] == connection.ops.adapt_datetimefield_value(article.published_at)
        assert related["published_at"] == connection.ops.adapt_datetimefield_value(article.related[0].published_at)
        assert row["extra"] == field("extra").get_db_prep_save(article.extra, connection)
    else:
        assert row["published_at"] == article.published_at
    assert json.loads(row["extra"]) == {"extra_key": {"nested": ["é", 1.5]}}
    assert json.loads(related["images"]) == [{"url": "https://r.example/i.jpg", "width": 1, "height": None}]


@pytest.mark.django_db
def test_one_percent_changed_costs_about_one_percent_of_the_writes(tmp_path):
    paths = write_corpus(tmp_path / "corpus", 200)
    files = list(iter_article_files([paths[0].parent]))
    with CaptureQueriesContext(connection) as full:
        import_files(files, batch_size=200)
    changed = [paths[1], paths[2]]  # 1%
    for path in changed:
        path.write_text(
            path.read_text(encoding="utf-8").replace("title: Story", "title: Revised story"), encoding="utf-8"
        )

    with CaptureQueriesContext(connection) as incremental:
        summary = import_files(files, batch_size=200)

    assert summary.counts == {"created": 0, "updated": 2, "unchanged": 198, "rejected": 0}
    assert sorted(Article.objects.filter(title__startswith="Revised").values_list("source_path", flat=True)) == [
        path.name for path in changed
    ]
    # The same statements as a full batch, carrying the rows of 2 files instead of 200.
    assert len(writes_in(incremental.captured_queries)) <= len(writes_in(full.captured_queries))
    assert rows_written(incremental.captured_queries) <= rows_written(full.captured_queries) * 0.02


@pytest.mark.django_db
def test_memory_does_not_grow_with_the_number_of_files(tmp_path, monkeypatch):
    # The story features' word caches are bounded (tens of thousands of words) but fill as new words
    # arrive, and every file of this corpus brings new ones: measured without them.
    monkeypatch.setattr(story_features, "stem", story_features.stem.__wrapped__)
    monkeypatch.setattr(story_features, "_word_key", story_features._word_key.__wrapped__)

    def peak_for(count: int) -> int:
        directory = tmp_path / f"corpus{count}"
        files = list(iter_article_files([write_corpus(directory, count)[0].parent]))
        tracemalloc.start()
        import_files(files, workers=1, batch_size=50)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small, large = peak_for(150), peak_for(600)
    # Four times the files, about the same peak: batches stream through.
    assert large < small * 1.6, (small, large)


# --------------------------------------------------------------------------- subprocess guarantees


def start_import(environment: dict, *paths: Path, extra: tuple = ()) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", *map(str, paths), "--no-progress", *extra],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def descendants(pid: int) -> set[int]:
    """The processes ``pid`` started, and those they started (Linux's /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = set(), [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def query(environment: dict, sql: str) -> list[tuple]:
    """Read the scratch database directly (the test's own connection is to the test database)."""
    url = environment["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30) as database:
            return database.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as database:
        return database.execute(sql).fetchall()


def test_an_import_killed_at_any_moment_leaves_whole_articles_and_a_rerun_completes(tmp_path, scratch_database):
    directory = tmp_path / "corpus"
    write_corpus(directory, 600)
    process = start_import(scratch_database, directory, extra=("--batch-size", "50", "--workers", "2"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if query(scratch_database, "SELECT COUNT(*) FROM articles_article")[0][0] >= 100:
                break
        except Exception:  # the tables may be locked for a moment: look again
            pass
        time.sleep(0.02)
    helpers = descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)

    # Its worker processes (and their server) end with it, rather than wait for work for ever.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in helpers):
        time.sleep(0.1)
    assert helpers and not [pid for pid in helpers if Path(f"/proc/{pid}").exists()]

    # Every article present is whole: its topics, image and related link are there with it,
    # and its file is recorded; every recorded file has its article.
    partial = query(
        scratch_database,
        """SELECT a.id, a.is_draft,
                  (SELECT COUNT(*) FROM articles_taggedtopic t WHERE t.content_object_id = a.id),
                  (SELECT COUNT(*) FROM articles_articleimage i WHERE i.article_id = a.id),
                  (SELECT COUNT(*) FROM articles_relatedlink r WHERE r.source_id = a.id),
                  (SELECT COUNT(*) FROM articles_sourcefile s WHERE s.article_id = a.id)
           FROM articles_article a""",
    )
    assert 0 < len(partial) < 600, "the import was not interrupted midway"
    for _, is_draft, topics, images, related, source_files in partial:
        assert (topics, images, related, source_files) == ((0, 0, 0, 1) if is_draft else (2, 1, 1, 1))

    rerun = start_import(scratch_database, directory, extra=("--batch-size", "50"))
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr
    assert f"{600 - len(partial)} created" in stdout
    assert query(scratch_database, "SELECT COUNT(*) FROM articles_article")[0][0] == 600
    assert query(scratch_database, "SELECT COUNT(*) FROM articles_sourcefile")[0][0] == 600


def test_two_imports_of_overlapping_trees_at_once_leave_no_duplicates_and_no_error(tmp_path, scratch_database):
    first, second = tmp_path / "first", tmp_path / "second"
    write_corpus(first, 300)
    write_corpus(second, 300, offset=150)  # 150 articles in both trees, under other paths

    imports = [start_import(scratch_database, tree, extra=("--batch-size", "25")) for tree in (first, second)]
    outputs = [process.communicate(timeout=300) for process in imports]

    for process, (stdout, stderr) in zip(imports, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert "0 rejected" in stdout
    assert query(scratch_database, "SELECT COUNT(*), COUNT(DISTINCT source_key) FROM articles_article")[0] == (450, 450)
    assert query(scratch_database, "SELECT COUNT(*), COUNT(DISTINCT domain) FROM providers_provider")[0] == (8, 8)
    assert query(scratch_database, "SELECT COUNT(*) FROM articles_topic")[0][0] == 6
    # Each article has its children exactly once.
    assert query(scratch_database, "SELECT COUNT(*) FROM articles_taggedtopic")[0][0] == 2 * 432
    assert query(scratch_database, "SELECT COUNT(*) FROM articles_articleimage")[0][0] == 432


def write_linked_trees(first: Path, second: Path, *, files: int, batch_size: int) -> tuple[int, int]:
    """Two trees of ``files`` files that two imports write at the same pace, file k of each at the
    same moment: every third file is the same article in both; the others are the tree's own
    article, citing the other tree's articles written with it, a batch before and a batch after.
    Returns the number of articles and of related links."""

    def url(tree: str, k: int) -> str:
        return f"https://linked.example/{tree}/{k % files}"

    links = 0
    for directory, tree, other in ((first, "a", "b"), (second, "b", "a")):
        directory.mkdir(parents=True)
        for k in range(files):
            if k % 3 == 0:  # in both trees, the same file: it cites the next article of each
                cited = [url("a", k + 1), url("b", k + 1)]
                tree_url = url("shared", k)
            else:
                cited = [
                    url(other, k + step) if (k + step) % 3 else url("shared", k + step)
                    for step in (-batch_size, 0, batch_size)
                ]
                tree_url = url(tree, k)
            if k % 3 or tree == "a":  # a shared article's links are stored once
                links += len(cited)
            (directory / f"{k:05d}.txt").write_text(
                article_text(
                    title=f"Story {tree_url}",
                    webUrl=tree_url,
                    provider={"name": "Linked", "domain": "linked.example"},
                    related=[{"title": f"Story {cited_url}", "webUrl": cited_url} for cited_url in cited],
                ),
                encoding="utf-8",
            )
    return files // 3 + 2 * (files - files // 3), links


def test_two_imports_writing_linked_articles_at_once_resolve_every_link_and_count_each_creation_once(
    tmp_path, scratch_database
):
    first, second = tmp_path / "first", tmp_path / "second"
    articles, links = write_linked_trees(first, second, files=180, batch_size=10)
    reports = [tmp_path / "first.json", tmp_path / "second.json"]
    with _writes_held(scratch_database, waiting=2):
        imports = [
            start_import(
                scratch_database, tree, extra=("--batch-size", "10", "--workers", "1", "--report", str(report))
            )
            for tree, report in zip((first, second), reports, strict=True)
        ]
    for process in imports:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr

    assert query(scratch_database, "SELECT COUNT(*) FROM articles_article")[0][0] == articles == 300
    # Every link's URL is an article of the catalogue, and every link points at it.
    assert query(
        scratch_database,
        """SELECT COUNT(*), COUNT(a.id), SUM(CASE WHEN r.article_id = a.id THEN 1 ELSE 0 END)
           FROM articles_relatedlink r LEFT JOIN articles_article a ON a.url = r.url""",
    )[0] == (links, links, links)
    counts = [json.loads(report.read_text())["counts"] for report in reports]
    assert counts[0]["created"] + counts[1]["created"] == articles
    assert sum(c["created"] + c["updated"] + c["unchanged"] for c in counts) == 360
    assert counts[0]["rejected"] == counts[1]["rejected"] == 0


@contextlib.contextmanager
def _writes_held(environment: dict, *, waiting: int, table: str = "providers_provider"):
    """Hold back the writes of the imports started inside until ``waiting`` of them wait, then let
    them go at once: their batches then overlap however long each took to start.

    PostgreSQL: a lock on ``table`` (by default the providers table, which every import's first batch
    writes; an import that places stories may wait behind the other for the placement lock instead).
    SQLite has one writer at a time anyway, so nothing is held there."""
    url = environment["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        yield
        return
    import psycopg

    with psycopg.connect(url) as database:
        database.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        yield
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            blocked = database.execute(
                "SELECT COUNT(*) FROM pg_locks WHERE NOT granted"
                " AND (relation = %s::regclass OR locktype = 'advisory')",
                [table],
            ).fetchone()[0]
            if blocked >= waiting:
                break
            time.sleep(0.02)
        assert blocked >= waiting, "the imports never reached their first write"
