"""Search benchmark: latency of the search page and the API's ``q`` over a 100,000-article catalogue.

    .venv/bin/python bench/search_bench.py                        # SQLite, a throwaway file
    .venv/bin/python bench/search_bench.py --keep                 # SQLite, kept in --directory and reused
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsdesk_search_bench .venv/bin/python bench/search_bench.py
    .venv/bin/python bench/search_bench.py --articles 20000 --repeat 5

Builds the catalogue once (a PostgreSQL database is created if missing and reused while it holds
--articles articles; --rebuild starts again), then requests, through the Django test client (the
whole stack: middleware, filters, queries, template or serializer), each query of each kind
--repeat times:

  page  GET /search/?q=…            ranked by relevance, one page of 20 cards
  api   GET /api/v1/articles/?q=…   newest first, one page of 20 (keyset cursor)

and prints p50/p95/p99 per kind of query and overall, with how many published articles each
kind matches. The caches are off: this measures the search, not a cache hit. The target:
p50 under 50 ms on PostgreSQL. Not a test: it asserts nothing.

Text: import_bench's newsroom sentences (25 words, so a "common word" is in nearly every article:
the worst case for ranking) plus names drawn from a Zipf distribution over 20,000 made-up names,
so that some words are rare, as in real news.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.import_bench import PROVIDERS, TOPICS, article_url, reset_postgres  # noqa: E402
from bench.import_bench import sentence as newsroom_sentence  # noqa: E402

NAMES = 20_000
SYLLABLES = (
    "ka",
    "lo",
    "mer",
    "vin",
    "dra",
    "sel",
    "tor",
    "bu",
    "nes",
    "qua",
    "zim",
    "rho",
    "pel",
    "gan",
    "tis",
    "wor",
    "ely",
    "fan",
    "jub",
    "oct",
)
BATCH = 2_000
KINDS = ("common word", "rare word", "two words", "phrase", "no hit")


# --------------------------------------------------------------------------- the catalogue


def made_up_names() -> list[str]:
    """20,000 distinct capitalised names of three or four syllables, the same on every run."""
    rng = random.Random(7)
    names: dict[str, None] = {}
    while len(names) < NAMES:
        names["".join(rng.choice(SYLLABLES) for _ in range(rng.choice((3, 4)))).capitalize()] = None
    return list(names)


class Text:
    """Newsroom sentences, each with a name spliced in; names by Zipf's law (the r-th: weight 1/r)."""

    def __init__(self, rng: random.Random, names: list[str]):
        self.rng, self.names = rng, names
        self.weights = list(itertools.accumulate(1 / rank for rank in range(1, len(names) + 1)))

    def name(self) -> str:
        return self.rng.choices(self.names, cum_weights=self.weights)[0]

    def sentence(self, words: int) -> str:
        parts = newsroom_sentence(self.rng, words).split()
        parts.insert(self.rng.randrange(1, len(parts)), self.name())
        return " ".join(parts)

    def body(self) -> str:
        return "\n\n".join(
            " ".join(self.sentence(14) for _ in range(self.rng.randint(3, 6))) for _ in range(self.rng.randint(3, 5))
        )


def build_catalogue(count: int) -> None:
    """``count`` articles (half published, as the import benchmark's), 400 providers, the 18 topics,
    1–3 topics and an image each, written in batches; PostgreSQL computes each search_document."""
    from django.db import transaction

    from articles.models import Article, ArticleImage, TaggedTopic, Topic
    from providers.models import Provider

    rng = random.Random(20240122)
    text = Text(rng, made_up_names())
    started = time.monotonic()
    with transaction.atomic():
        providers = Provider.objects.bulk_create(
            [
                Provider(
                    name=name, domain=domain.removeprefix("www."), slug=domain.removeprefix("www.").replace(".", "-")
                )
                for name, domain in PROVIDERS
            ]
        )
        topics = Topic.objects.bulk_create([Topic(name=name, slug=name.lower().replace(" ", "-")) for name in TOPICS])
        base = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        for start in range(0, count, BATCH):
            articles = Article.objects.bulk_create(
                [
                    Article(
                        source_key=article_url(n),
                        url=article_url(n),
                        slug=f"story-{n:07d}",
                        title=text.sentence(8),
                        excerpt=text.sentence(30),
                        body=text.body(),
                        published_at=base + dt.timedelta(minutes=25 * n + rng.randrange(20)),
                        category="news",
                        article_type="article",
                        quality=rng.randrange(101),
                        provider=providers[n % len(providers)],
                        is_published=rng.random() < 0.5,
                    )
                    for n in range(start, min(start + BATCH, count))
                ]
            )
            TaggedTopic.objects.bulk_create(
                [
                    TaggedTopic(content_object=article, tag=topic, position=position)
                    for article in articles
                    for position, topic in enumerate(rng.sample(topics, rng.randint(1, 3)))
                ]
            )
            ArticleImage.objects.bulk_create(
                [
                    ArticleImage(
                        article=article,
                        position=0,
                        url=f"https://img.example/{article.slug}.jpg",
                        width=1200,
                        height=675,
                    )
                    for article in articles
                ]
            )
            print(f"\r  built {min(start + BATCH, count):,} of {count:,} articles", end="", flush=True)
    print(f"\r  built {count:,} articles in {time.monotonic() - started:.0f}s" + " " * 20)


def settle(vendor: str) -> None:
    """Statistics for the planner (and, on PostgreSQL, the visibility map a fresh bulk load lacks)."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    print(f"  {'VACUUM ANALYZE' if vendor == 'postgresql' else 'ANALYZE'} in {time.monotonic() - started:.0f}s")


# --------------------------------------------------------------------------- the queries


def queries_by_kind() -> dict[str, list[str]]:
    """Five queries of each kind. Names are chosen by Zipf rank: the 20th to the 200th are in about
    9% to 1% of articles, those beyond the 5,000th in a few dozen at most."""
    names = made_up_names()
    return {
        "common word": ["police", "court", "minister", "data", "council"],
        "rare word": [names[rank] for rank in (5_000, 7_500, 10_000, 12_500, 15_000)],
        "two words": [
            f"{word} {names[rank]}"
            for word, rank in zip(
                ("privacy", "cameras", "watchdog", "arrests", "report"), (20, 50, 100, 150, 200), strict=True
            )
        ],
        "phrase": ['"facial recognition"', '"city council"', '"public safety"', '"court ruling"', '"police officers"'],
        "no hit": ["zyxwvut", "quixotically", "flibbertigibbet", "xylophonist", "snollygoster"],
    }


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed_get(client, address: str, query: str) -> float:
    """Milliseconds for one request, which must succeed."""
    started = time.perf_counter()
    response = client.get(address, {"q": query})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{address}?q={query} answered {response.status_code}: {response.content[:300]!r}")
    return elapsed


def report(label: str, samples: list[float]) -> None:
    print(
        f"  {label:26} p50 {percentile(samples, 0.5):8.1f}  p95 {percentile(samples, 0.95):8.1f}  "
        f"p99 {percentile(samples, 0.99):8.1f}  ms   (n={len(samples)})"
    )


# --------------------------------------------------------------------------- main


def configure(options) -> Path | None:
    """The environment for django.setup(): the benchmark's database, no caches, no rate limit.
    Returns the directory to delete afterwards, if any."""
    database_url = os.environ.get("DATABASE_URL")
    throwaway = None
    if not database_url:
        directory = Path(options.directory) if options.keep else Path(tempfile.mkdtemp(prefix="newsdesk-search-bench-"))
        throwaway = None if options.keep else directory
        directory.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{directory / f'catalogue-{options.articles}.sqlite3'}"
        if options.rebuild:
            Path(urlsplit(database_url).path).unlink(missing_ok=True)
    elif options.rebuild or not postgres_database_exists(database_url):
        reset_postgres(database_url)
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "search-bench-only"),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "NEWSDESK_STATIC_MANIFEST": "0",  # static files from the apps' folders, no collectstatic
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "NEWSDESK_CACHE_SECONDS": "0",
            "NEWSDESK_API_ANON_RATE": "off",
        }
    )
    return throwaway


def postgres_database_exists(database_url: str) -> bool:
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(urlunsplit(urlsplit(database_url)._replace(path="/postgres")), autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per query and surface (default 10)")
    parser.add_argument("--keep", action="store_true", help="SQLite: keep the catalogue in --directory and reuse it")
    parser.add_argument("--directory", default=os.path.join(tempfile.gettempdir(), "newsdesk-search-bench"))
    parser.add_argument("--rebuild", action="store_true", help="build the catalogue again even if one is there")
    options = parser.parse_args()
    throwaway = configure(options)
    try:
        return run(options)
    finally:
        if throwaway:
            shutil.rmtree(throwaway, ignore_errors=True)


def run(options) -> int:
    import django

    django.setup()
    logging.disable(logging.INFO)  # one request log line per request would drown the figures
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from articles.models import Article

    call_command("migrate", verbosity=0)
    held = Article.objects.count()
    if held not in (0, options.articles):
        raise SystemExit(f"the database holds {held:,} articles, not {options.articles:,}: pass --rebuild")
    if held == 0:
        build_catalogue(options.articles)
    else:
        print(f"  reusing the catalogue of {held:,} articles")
    settle(connection.vendor)

    queries = queries_by_kind()
    published = Article.objects.published()
    version = connection.Database.sqlite_version if connection.vendor == "sqlite" else connection.pg_version
    print(
        f"database: {connection.vendor} {version}; {options.articles:,} articles; cores: {os.cpu_count()}; "
        f"load average before: {os.getloadavg()[0]:.2f}"
    )
    for kind in KINDS:
        matches = [published.search(query).count() for query in queries[kind]]
        print(f"  {kind:12} published matches per query: {', '.join(f'{count:,}' for count in matches)}")

    client = Client()
    surfaces = {"page": "/search/", "api": "/api/v1/articles/"}
    every_request = [
        (surface, address, kind, query)
        for surface, address in surfaces.items()
        for kind in KINDS
        for query in queries[kind]
    ]
    for _, address, _, query in every_request:  # warm-up: connections, compiled templates, the OS cache
        timed_get(client, address, query)
    samples: dict[tuple[str, str], list[float]] = {}
    started = time.monotonic()
    for _ in range(options.repeat):  # rounds interleave the kinds, so a burst of load from elsewhere hits all of them
        for surface, address, kind, query in every_request:
            samples.setdefault((surface, kind), []).append(timed_get(client, address, query))
    elapsed = time.monotonic() - started

    print(f"latency, ms ({options.repeat} rounds, {elapsed:.0f}s; load average after: {os.getloadavg()[0]:.2f})")
    for surface in surfaces:
        for kind in KINDS:
            report(f"{surface} {kind}", samples[(surface, kind)])
        report(f"{surface} overall", [t for kind in KINDS for t in samples[(surface, kind)]])
    report("overall", [t for timings in samples.values() for t in timings])
    return 0


if __name__ == "__main__":
    sys.exit(main())
