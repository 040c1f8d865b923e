"""REST API benchmark: gunicorn on loopback over a 100,000-article catalogue, measured with wrk.

    .venv/bin/python bench/api_bench.py                  # 100,000 articles, 16 connections, 3 × 10 s each
    .venv/bin/python bench/api_bench.py --articles 20000 --duration 5
    .venv/bin/python bench/api_bench.py --keep           # keep (and next time reuse) the generated catalogue

Measures, for each of
  list       GET /api/v1/articles/                         (20 articles with topics, images, related links)
  detail     GET /api/v1/articles/<slug>/
  filtered   GET /api/v1/articles/?topic=…&quality_min=60&ordering=-quality
  ceiling    a bare Django view returning the list's page of rows as values() + JsonResponse
requests/s and p50/p99 latency, then list/ceiling. The targets: list ≥ 0.5 × ceiling,
p99 < 100 ms at 16 connections. Needs wrk (`apt-get install -y wrk`). Not a test: it asserts nothing.
It also prints the server's CPU time per request (from /proc, on Linux): it depends far less than
requests/s on what else the machine is doing, so on a shared machine it is the figure to compare.
The catalogue is a throwaway SQLite database. For the run: no anonymous rate limiting, no response
cache (NEWSDESK_CACHE_SECONDS=0: the figures are what each request costs), plain HTTP, no request log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

PAGE_SIZE = 20
WORDS = (
    "police facial recognition technology london deploy cameras privacy court ruling minister data report "
    "officers city council public safety campaign group watchdog arrests pilot scheme"
).split()
CEILING_COLUMNS = (
    "id",
    "slug",
    "title",
    "excerpt",
    "body",
    "url",
    "amp_url",
    "published_at",
    "category",
    "article_type",
    "quality",
    "heat",
    "is_published",
    "provider__name",
    "provider__domain",
    "provider__slug",
)

# --------------------------------------------------------------------------- served by gunicorn

if os.environ.get("API_BENCH_SERVE"):
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = __name__

    from django.http import JsonResponse
    from django.urls import include, path

    from articles.models import Article
    from newsdesk.wsgi import application  # noqa: F401 (gunicorn serves it) -- what production serves

    def ceiling(request):
        """The floor of any list endpoint: the same page of rows, flat, straight to JSON."""
        rows = list(Article.objects.published().order_by("-published_at", "-id").values(*CEILING_COLUMNS)[:PAGE_SIZE])
        return JsonResponse({"next": None, "previous": None, "results": rows})

    urlpatterns = [path("bench/ceiling/", ceiling), path("", include("newsdesk.urls"))]


# --------------------------------------------------------------------------- catalogue


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def build_catalogue(count: int, seed: int = 6) -> None:
    """``count`` articles (90% published), 400 providers, 200 topics, 2–3 topics, an image and two
    related links (one into the catalogue) each, written with bulk_create in one transaction."""
    from django.db import transaction

    from articles.models import Article, ArticleImage, RelatedLink, TaggedTopic, Topic
    from providers.models import Provider

    rng = random.Random(seed)
    started = time.monotonic()
    with transaction.atomic():
        providers = Provider.objects.bulk_create(
            [
                Provider(name=f"Provider {n}", domain=f"provider{n}.example", slug=f"provider{n}-example")
                for n in range(400)
            ]
        )
        topics = Topic.objects.bulk_create([Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(200)])
        base = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        body = " ".join(sentence(rng, 14) for _ in range(12))
        articles = []
        for n in range(count):
            url = f"https://provider{n % 400}.example/news/{n:07d}-story"
            articles.append(
                Article(
                    source_key=url,
                    url=url,
                    slug=f"story-{n:07d}",
                    title=sentence(rng, 8),
                    excerpt=sentence(rng, 30),
                    body=body,
                    published_at=base + dt.timedelta(minutes=25 * n + rng.randrange(20)),
                    category="news",
                    article_type="article",
                    quality=rng.randrange(101),
                    heat=rng.randrange(-1, 5000),
                    provider=providers[n % 400],
                    is_published=rng.random() < 0.9,
                    secured="c2VjcmV0;aXY=",
                    extra={"pipelineVersion": 3},
                )
            )
        Article.objects.bulk_create(articles, batch_size=2000)
        ids = list(Article.objects.order_by("id").values_list("id", flat=True))
        TaggedTopic.objects.bulk_create(
            [
                TaggedTopic(content_object_id=article_id, tag=topic, position=position)
                for article_id in ids
                for position, topic in enumerate(rng.sample(topics, rng.choice((2, 3))))
            ],
            batch_size=5000,
        )
        ArticleImage.objects.bulk_create(
            [
                ArticleImage(
                    article_id=article_id,
                    position=0,
                    url=f"https://img.example/{article_id}.jpg",
                    width=1200,
                    height=675,
                    is_cached=True,
                    title="",
                )
                for article_id in ids
            ],
            batch_size=5000,
        )
        links = []
        for index, article_id in enumerate(ids):
            links.append(
                RelatedLink(
                    source_id=article_id,
                    position=0,
                    title=sentence(rng, 7),
                    excerpt=sentence(rng, 20),
                    url=f"https://elsewhere.example/{index}",
                    provider=providers[(index + 7) % 400],
                    quality=rng.randrange(101),
                )
            )
            if index:
                target = rng.randrange(index)  # an older article of the catalogue
                links.append(
                    RelatedLink(
                        source_id=article_id,
                        position=1,
                        title=articles[target].title,
                        url=articles[target].url,
                        article_id=ids[target],
                        quality=rng.randrange(101),
                    )
                )
        RelatedLink.objects.bulk_create(links, batch_size=5000)
    print(f"  generated {count:,} articles ({len(links):,} related links) in {time.monotonic() - started:.1f}s")


# --------------------------------------------------------------------------- measuring


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, *, connections: int, duration: int, threads: int) -> dict:
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def server_cpu_seconds(master_pid: int) -> float | None:
    """User + system CPU time of gunicorn's master and workers so far, or None without /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        except OSError:
            continue  # gone meanwhile
        if int(pid) == master_pid or int(fields[1]) == master_pid:  # fields[1]: the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def worker_threads(master_pid: int) -> dict[int, int]:
    """The threads of each of gunicorn's workers (a sync worker has one), from /proc."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as status:
                fields = dict(line.split(":\t", 1) for line in status.read().splitlines() if ":\t" in line)
        except OSError:
            continue
        if int(fields.get("PPid", 0)) == master_pid:
            found[int(pid)] = int(fields["Threads"])
    return found


def measure(url: str, master_pid: int, *, connections: int, duration: int) -> dict:
    before = server_cpu_seconds(master_pid)
    figures = run_wrk(url, connections=connections, duration=duration, threads=2)
    after = server_cpu_seconds(master_pid)
    served = figures.pop("requests")
    figures["cpu_ms"] = (after - before) / served * 1000 if before is not None and served else None
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved measurement rounds (medians are printed)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn sync workers")
    parser.add_argument("--keep", action="store_true", help="keep the catalogue in --directory and reuse it")
    parser.add_argument("--directory", default=os.path.join(tempfile.gettempdir(), "newsdesk-api-bench"))
    options = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2

    directory = Path(options.directory if options.keep else tempfile.mkdtemp(prefix="newsdesk-api-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / f"catalogue-{options.articles}.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "api-bench-only",
        "DATABASE_URL": f"sqlite:///{database}",
        "DATABASE_CONN_MAX_AGE": "600",
        "NEWSDESK_API_ANON_RATE": "off",
        "NEWSDESK_CACHE_SECONDS": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "NEWSDESK_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article, Topic

    print(f"Catalogue: {database}")
    if not (options.keep and database.exists()):
        database.unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
        build_catalogue(options.articles)
    total, published = Article.objects.count(), Article.objects.published().count()
    print(f"  {total:,} articles, {published:,} published")
    middle = Article.objects.published().order_by("id")[published // 2]
    topic = Topic.objects.order_by("id").first()

    port = free_port()
    # Explicit over the project's gunicorn.conf.py (threaded workers, recycled every ~2,000 requests):
    # the figures are defined with one sync worker per core, and a worker replaced mid-run would
    # charge its start-up to whichever endpoint was being measured. "--threads 1" too: gunicorn
    # quietly runs gthread workers instead of sync ones when the config file asks for threads.
    server = subprocess.Popen(
        [
            str(PROJECT / ".venv" / "bin" / "gunicorn"),
            "bench.api_bench:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--worker-class",
            "sync",
            "--threads",
            "1",
            "--max-requests",
            "0",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT,
        env={**env, "API_BENCH_SERVE": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    endpoints = {
        "list": f"{base}/api/v1/articles/",
        "detail": f"{base}/api/v1/articles/{middle.slug}/",
        "filtered": f"{base}/api/v1/articles/?topic={topic.slug}&quality_min=60&ordering=-quality",
        "ceiling": f"{base}/bench/ceiling/",
    }
    rounds: dict[str, list[dict]] = {name: [] for name in endpoints}
    try:
        wait_until_up(endpoints["ceiling"])
        if threaded := [pid for pid, threads in worker_threads(server.pid).items() if threads > 1]:
            raise SystemExit(f"gunicorn started threaded workers ({threaded}), not sync ones: check its configuration.")
        print(
            f"Serving with gunicorn ({options.workers} sync workers); wrk: {options.connections} connections, "
            f"{options.rounds} interleaved rounds of {options.duration}s per endpoint after a warm-up; "
            f"load average before: {os.getloadavg()[0]:.1f}\n"
        )
        for url in endpoints.values():
            run_wrk(url, connections=options.connections, duration=2, threads=2)
        # Interleaved rounds, then the median of each: a burst of other load on the machine
        # then hits every endpoint alike instead of skewing one of them.
        for _ in range(options.rounds):
            for name, url in endpoints.items():
                rounds[name].append(
                    measure(url, server.pid, connections=options.connections, duration=options.duration)
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not options.keep:
            shutil.rmtree(directory, ignore_errors=True)

    figures = {
        name: {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50", "p99")}
        | {"errors": sum(run["errors"] for run in runs), "cpu_ms": median_or_none(run["cpu_ms"] for run in runs)}
        for name, runs in rounds.items()
    }
    print(
        f"{'endpoint':<10} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'server CPU ms/req':>18}"
        "   (medians)"
    )
    for name, figure in figures.items():
        cpu = "-" if figure["cpu_ms"] is None else f"{figure['cpu_ms']:.2f}"
        print(
            f"{name:<10} {figure['rps']:>11.1f} {figure['p50']:>8.1f} {figure['p99']:>8.1f} {figure['errors']:>7}"
            f" {cpu:>18}"
        )
    ratio = figures["list"]["rps"] / figures["ceiling"]["rps"]
    print(f"\nlist / ceiling: {ratio:.2f} (target ≥ 0.50); list p99 {figures['list']['p99']:.1f} ms (target < 100 ms)")
    if figures["list"]["cpu_ms"] and figures["ceiling"]["cpu_ms"]:
        print(
            f"ceiling / list CPU per request: {figures['ceiling']['cpu_ms'] / figures['list']['cpu_ms']:.2f} "
            "(about the requests/s ratio when the server alone keeps the CPUs busy)"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} CPUs, wrk included)")
    return 0


def median_or_none(values) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


if __name__ == "__main__":
    sys.exit(main())
