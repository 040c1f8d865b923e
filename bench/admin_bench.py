"""Admin changelist benchmark: the article list at 1,000 and at 100,000 articles.

    .venv/bin/python bench/admin_bench.py                 # SQLite, in a throwaway file
    .venv/bin/python bench/admin_bench.py --large 1000000 --runs 15
    .venv/bin/python bench/admin_bench.py --database-url postgres://postgres@127.0.0.1:5432/newsdesk_bench

Builds the catalogue with bulk inserts (400 providers, 18 topics, an image and two topics per
article), then, in a fresh Python process for each size (as a server worker would be: not one
that has just bulk-created 100,000 objects), logs in as an editor (the Editors group: the
permission queries count too) and loads /admin/articles/article/ with Django's test client:
middleware, queries and template rendering, no network. Prints the median of ``--runs`` loads (after warm-up) per page and size,
its CPU time (steadier than wall-clock time on a busy machine), the queries each load made,
and the ratio large/small. Targets: ratio <= 1.5, under 150 ms at
100,000 on SQLite. A PostgreSQL database is flushed first, so its name must contain "bench".
Not a test: it measures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.import_bench import TOPICS, reset_postgres  # noqa: E402

PAGES = {
    "default list": "",
    "unpublished, quality 40-69": "?published=no&quality_band=40-69",
    "needs review": "?needs_review=yes",
    "one provider": "?provider__id__exact={provider}",
    "one topic": "?topic__id__exact={topic}",
    "drill-down to 2024": "?published_at__year=2024",
    "search a common word": "?q=facial",
}


def configure(database_url: str | None) -> Path | None:
    scratch = None
    if database_url is None:
        scratch = Path(tempfile.mkdtemp(prefix="admin-bench-"))
        database_url = f"sqlite:///{scratch / 'bench.sqlite3'}"
    elif "bench" not in database_url.rsplit("/", 1)[-1]:
        sys.exit("The benchmark flushes its database: use one whose name contains 'bench'.")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "admin-bench-only")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"  # the test client speaks plain HTTP
    os.environ["NEWSDESK_STATIC_MANIFEST"] = "0"  # static files from the apps' folders, no collectstatic
    os.environ["NEWSDESK_LOG_LEVEL"] = "WARNING"  # not a request log line per load
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()
    return scratch


def build_catalogue(target: int, *, providers, topics, already: int) -> None:
    """Grow the catalogue to ``target`` articles (ids continue from ``already``)."""
    from django.utils import timezone

    from articles.models import Article, ArticleImage, TaggedTopic

    now = timezone.now()
    newest = datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC)
    chunk = 5000
    for start in range(already, target, chunk):
        numbers = range(start, min(start + chunk, target))
        articles = Article.objects.bulk_create(
            [
                Article(
                    source_key=f"https://provider{n % 400}.example/news/{n:07d}",
                    url=f"https://provider{n % 400}.example/news/{n:07d}",
                    slug=f"story-{n:07d}",
                    title=f"Police deploy facial recognition, story {n}",
                    excerpt="Campaigners say the cameras were used without a clear legal basis.",
                    body="A body of a few sentences. " * 20,
                    published_at=newest - datetime.timedelta(minutes=17 * n),
                    provider_id=providers[n % 400],
                    quality=None if n % 11 == 0 else (n * 37) % 101,
                    is_published=n % 3 == 0,
                    needs_review=n % 50 == 0,
                    first_imported_at=now - datetime.timedelta(minutes=n % 40000),
                    imported_at=now,
                )
                for n in numbers
            ],
            batch_size=1000,
        )
        ArticleImage.objects.bulk_create(
            [
                ArticleImage(article=a, position=0, url=f"https://img.example.com/{a.slug}.jpg", width=640, height=360)
                for a in articles
            ],
            batch_size=1000,
        )
        TaggedTopic.objects.bulk_create(
            [
                TaggedTopic(content_object=a, tag_id=topics[(a.pk + k) % len(topics)], position=k)
                for a in articles
                for k in range(2)
            ],
            batch_size=1000,
        )


def measure(client, url: str, runs: int) -> tuple[float, float, int]:
    """Median wall-clock and CPU milliseconds of a load, and its number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(wall), statistics.median(cpu), len(queries)


def measure_all(urls: dict[str, str], runs: int) -> dict[str, tuple[float, float, int]]:
    """Every page, logged in as the benchmark's editor (runs in the fresh measuring process)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-editor"))
    return {name: measure(client, url, runs) for name, url in urls.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=25, help="timed loads per page and size (median)")
    parser.add_argument("--database-url", help="default: a throwaway SQLite file")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: JSON {name: url} to measure
    args = parser.parse_args()

    if args.measure:
        configure(args.database_url)
        print(json.dumps(measure_all(json.loads(args.measure), args.runs)))
        return

    if args.database_url:
        reset_postgres(args.database_url)  # created if missing, emptied if not
    scratch = configure(args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Topic
    from articles.services import editor_create
    from providers.models import Provider

    database_url = args.database_url or f"sqlite:///{settings.DATABASES['default']['NAME']}"
    call_command("migrate", verbosity=0)
    providers = [
        p.pk
        for p in Provider.objects.bulk_create(
            [
                Provider(name=f"Provider {n}", domain=f"provider{n}.example", slug=f"provider{n}-example")
                for n in range(400)
            ]
        )
    ]
    topics = [
        t.pk
        for t in Topic.objects.bulk_create([Topic(name=name, slug=name.lower().replace(" ", "-")) for name in TOPICS])
    ]
    editor_create(username="bench-editor")
    urls = {
        name: "/admin/articles/article/" + query.format(provider=providers[7], topic=topics[3])
        for name, query in PAGES.items()
    }

    print(f"Admin changelist benchmark on {connection.vendor}, median of {args.runs} loads, as an editor")
    results: dict[str, dict[int, tuple[float, float, int]]] = {name: {} for name in urls}
    built = 0
    for size in (args.small, args.large):
        started = time.perf_counter()
        build_catalogue(size, providers=providers, topics=topics, already=built)
        built = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"  built {size:,} articles in {time.perf_counter() - started:.1f} s")
        measured = subprocess.run(
            [
                sys.executable,
                __file__,
                "--database-url",
                database_url,
                "--runs",
                str(args.runs),
                "--measure",
                json.dumps(urls),
            ],
            capture_output=True,
            text=True,
        )
        if measured.returncode:
            raise SystemExit(f"measuring at {size:,} articles failed:\n{measured.stderr[-3000:]}")
        for name, figures in json.loads(measured.stdout.strip().splitlines()[-1]).items():
            results[name][size] = tuple(figures)

    width = max(len(name) for name in urls)
    print()
    print(
        f"  {'page':<{width}}  {args.small:>10,}  {args.large:>10,}  ratio   (CPU ms: {args.small:,} / {args.large:,})  queries"
    )
    for name, by_size in results.items():
        (small_ms, small_cpu, small_q), (large_ms, large_cpu, large_q) = by_size[args.small], by_size[args.large]
        print(
            f"  {name:<{width}}  {small_ms:>7.1f} ms  {large_ms:>7.1f} ms  {large_ms / small_ms:>5.2f}"
            f"   ({small_cpu:.1f} / {large_cpu:.1f})  {small_q} / {large_q}"
        )
    small_ms, large_ms = results["default list"][args.small][0], results["default list"][args.large][0]
    print()
    print(
        f"default list: {small_ms:.1f} ms at {args.small:,}, {large_ms:.1f} ms at {args.large:,}, "
        f"ratio {large_ms / small_ms:.2f} (targets: ratio <= 1.5, < 150 ms at 100,000 on SQLite)"
    )
    if scratch:
        for path in scratch.iterdir():
            path.unlink()
        scratch.rmdir()


if __name__ == "__main__":
    main()
