"""Load and fault test: the production stack under reader load while an import runs, then without Redis.

    .venv/bin/python bench/load.py                     # 60 s, 32 connections, 20,000 articles
    .venv/bin/python bench/load.py --seconds 120 --n 100000

Needs PostgreSQL (DATABASE_URL, default a throwaway database `newsdesk_load` on 127.0.0.1),
`redis-server` (a private instance on its own port is started and, mid-run, killed) and `wrk`
(Debian package). Not a test: it measures and reports, it asserts nothing.

What it does:
1. generates a catalogue shaped like the seeds (bench/import_bench.py's generator) in which every
   article that is not published carries the word ``zzheldbackzz`` in its title (and so in its
   slug), and a group of published articles carries ``zzwithdrawnzz``; imports it;
2. serves the app with gunicorn (gunicorn.conf.py, DEBUG off, PostgreSQL, Redis cache) on loopback;
3. starts `import_articles` on a second tree of new, unpublished (``zzheldbackzz``) articles and,
   while it runs, drives pages, feeds, search and the API with wrk in three equal segments:
   - segment 1: the import runs;
   - segment 2: just before it, an editor withdraws the ``zzwithdrawnzz`` group (bulk unpublish
     through the services, as the admin action does);
   - segment 3: just before it, Redis is killed: the cache must degrade to the database.
For each segment and overall it prints requests/s, p50/p99 latency, errors (5xx and socket
errors/timeouts), ``leaks`` (responses showing an unpublished article: any ``zzheldbackzz``) and
``stale`` (responses after the withdrawal still showing a withdrawn article). Targets: 0 errors,
0 leaks, 0 stale.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from api_bench import free_port  # noqa: E402  (bench/ is not a package)
from import_bench import generate, reset_postgres  # noqa: E402

HELD_BACK = "zzheldbackzz"
WITHDRAWN = "zzwithdrawnzz"
REPEATED_URL = "?utm_source=feed"  # how the generator marks a file that repeats another's URL
TOP_LEVEL_TITLE = re.compile(r"^title: ", re.MULTILINE)

WRK_SCRIPT = r"""
local paths = %(paths)s
local threads = {}
local index = 0

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  index = thread_number * 7919
  leaks, stale, server_errors, other_status = 0, 0, 0, 0
  after_withdrawal = args[1] == "after-withdrawal"
end

function request()
  index = index + 1
  return wrk.format("GET", paths[(index %% #paths) + 1])
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status ~= 200 and status ~= 304 and status ~= 404 then
    other_status = other_status + 1
  end
  if body then
    if string.find(body, "%(held_back)s", 1, true) then leaks = leaks + 1 end
    if after_withdrawal and string.find(body, "%(withdrawn)s", 1, true) then stale = stale + 1 end
  end
end

function done(summary, latency, requests)
  local totals = {leaks = 0, stale = 0, server_errors = 0, other_status = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
  end
  local socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%.3f, "socket_errors": %%d, "timeouts": %%d, "server_errors": %%d, ' ..
    '"other_status": %%d, "leaks": %%d, "stale": %%d, "p50_ms": %%.2f, "p99_ms": %%.2f}\n',
    summary.requests, summary.duration / 1e6, socket_errors, summary.errors.timeout, totals.server_errors,
    totals.other_status, totals.leaks, totals.stale, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def mark_unpublished(directory: Path, rng: random.Random, withdraw_share: float) -> None:
    """Put the held-back marker in every unpublished article's title, the withdrawn one in some published ones."""
    for path in directory.rglob("*.txt"):
        text = path.read_text(encoding="utf-8")
        if REPEATED_URL in text:
            # A repeat merges into its original article, whose slug came from the first title seen:
            # a published article could then carry a held-back slug. Not what this test is about.
            path.unlink()
        elif not text.startswith("---\n"):  # a body-only draft: never public
            path.write_text(f"{HELD_BACK} {text}", encoding="utf-8")
        elif "\npublished: false\n" in text:
            path.write_text(TOP_LEVEL_TITLE.sub(f"title: {HELD_BACK} ", text, count=1), encoding="utf-8")
        elif rng.random() < withdraw_share:
            path.write_text(TOP_LEVEL_TITLE.sub(f"title: {WITHDRAWN} ", text, count=1), encoding="utf-8")


def make_late_arrivals(directory: Path) -> None:
    """A second tree of new articles (their own URLs), all unpublished: what the import adds mid-run."""
    for path in directory.rglob("*.txt"):
        text = path.read_text(encoding="utf-8").replace("/news/", "/late-news/")
        if REPEATED_URL in text:
            path.unlink()
        elif text.startswith("---\n"):
            text = TOP_LEVEL_TITLE.sub(
                f"title: {HELD_BACK} ", text.replace("\npublished: true\n", "\npublished: false\n"), count=1
            )
            path.write_text(text, encoding="utf-8")
        else:
            path.write_text(f"{HELD_BACK} {text}", encoding="utf-8")


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on port {port}")


def manage(env: dict, *arguments: str, capture: bool = False) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=PROJECT, env=env, text=True, capture_output=True
    )
    if completed.returncode not in (0, 1) or (completed.returncode == 1 and arguments[0] != "import_articles"):
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{completed.stderr[-3000:]}")
    return completed.stdout if capture else ""


def sample_paths(env: dict) -> list[str]:
    """Pages, feeds, search and API requests over the catalogue, with the markers as search terms."""
    script = f"""
import json
from articles.models import Article, Topic
from providers.models import Provider
published = Article.objects.published()
print(json.dumps({{
    "articles": list(published.exclude(title__contains="{WITHDRAWN}").order_by("?").values_list("slug", flat=True)[:200]),
    "withdrawn": list(published.filter(title__contains="{WITHDRAWN}").values_list("slug", flat=True)[:100]),
    "topics": list(Topic.objects.values_list("slug", flat=True)),
    "providers": list(Provider.objects.order_by("?").values_list("slug", flat=True)[:40]),
}}))
"""
    sample = json.loads(manage(env, "shell", "-c", script, capture=True).strip().splitlines()[-1])
    paths = [
        "/",
        "/?page=2",
        "/?page=5",
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/json/",
        "/api/v1/articles/",
        "/api/v1/articles/?ordering=-quality",
        "/api/v1/articles/?quality_min=80",
        "/api/v1/providers/",
        "/api/v1/topics/",
        "/search/?q=police+court",
        "/api/v1/articles/?q=privacy",
        f"/search/?q={HELD_BACK.upper()}",
        f"/api/v1/articles/?q={HELD_BACK.upper()}",
        # Searched in capitals: the page and the API's links echo the query, which must not count as a leak.
        f"/search/?q={WITHDRAWN.upper()}",
        f"/api/v1/articles/?q={WITHDRAWN.upper()}",
        "/sitemap.xml",
    ]
    paths += [f"/topics/{slug}/" for slug in sample["topics"]]
    paths += [f"/topics/{slug}/feeds/rss/" for slug in sample["topics"][:5]]
    paths += [f"/api/v1/articles/?topic={slug}" for slug in sample["topics"][:5]]
    paths += [f"/providers/{slug}/" for slug in sample["providers"]]
    paths += [f"/articles/{slug}/" for slug in sample["articles"][:150]]
    paths += [f"/api/v1/articles/{slug}/" for slug in sample["articles"][150:]]
    paths += [f"/articles/{slug}/" for slug in sample["withdrawn"][:50]]
    paths += [f"/api/v1/articles/{slug}/" for slug in sample["withdrawn"][50:]]
    random.Random(7).shuffle(paths)
    return paths


def run_wrk(port: int, script: Path, seconds: int, connections: int, *arguments: str) -> dict:
    completed = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
            "--",
            *arguments,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["errors"] = result["socket_errors"] + result["timeouts"] + result["server_errors"]
    result["rate"] = result["requests"] / result["seconds"]
    return result


def print_row(label: str, result: dict) -> None:
    print(
        f"{label:<34} {result['rate']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  "
        f"errors {result['errors']:>3}  leaks {result['leaks']:>3}  stale {result['stale']:>3}  "
        f"other 4xx {result['other_status']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="articles in the catalogue (default 20,000)")
    parser.add_argument("--import-n", type=int, default=20_000, help="new files imported during the run")
    parser.add_argument("--seconds", type=int, default=60, help="length of the load run (three equal segments)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--withdraw-share", type=float, default=0.01, help="share of articles an editor withdraws")
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("redis-server"):
        raise SystemExit("needs wrk and redis-server (apt-get install wrk redis-server)")

    scratch = Path(tempfile.mkdtemp(prefix="newsdesk-load-"))
    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsdesk_load")
    redis_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "load-test-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, no proxy in front
        "NEWSDESK_API_ANON_RATE": "off",  # one client address makes every request: no throttling
        "NEWSDESK_LOG_FORMAT": "json",
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
    }
    processes: list[subprocess.Popen] = []
    try:
        reset_postgres(database_url)
        rng = random.Random(11)
        started = time.perf_counter()
        generate(scratch / "catalogue", args.n)
        mark_unpublished(scratch / "catalogue", rng, args.withdraw_share)
        generate(scratch / "late", args.import_n, seed=99)
        make_late_arrivals(scratch / "late")
        print(f"generated {args.n:,} + {args.import_n:,} files in {time.perf_counter() - started:.0f}s")
        manage(env, "migrate", "--noinput", "-v", "0")
        started = time.perf_counter()
        manage(env, "import_articles", str(scratch / "catalogue"), "--no-progress", "-v", "0")
        print(f"imported the catalogue in {time.perf_counter() - started:.0f}s")
        subprocess.run(["make", "--silent", "static"], cwd=PROJECT, check=True)  # hashed files for whitenoise

        redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        processes.append(redis)
        wait_for_port(redis_port)
        server_log = open(scratch / "gunicorn.log", "w")
        server = subprocess.Popen(
            [str(PROJECT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "newsdesk.wsgi:application"],
            cwd=PROJECT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        processes.append(server)
        wait_for_port(web_port)
        paths = sample_paths(env)
        script = scratch / "load.lua"
        script.write_text(
            WRK_SCRIPT
            % {
                "paths": "{" + ",".join(json.dumps(path) for path in paths) + "}",
                "held_back": HELD_BACK,
                "withdrawn": WITHDRAWN,
            }
        )
        run_wrk(web_port, script, 3, 4)  # warm the workers' connections and the cache; not counted
        workers = len(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split())
        print(
            f"gunicorn: {workers} workers on {os.cpu_count()} cores; {len(paths)} distinct requests; "
            f"{args.connections} connections, {args.seconds}s"
        )
        import_log = open(scratch / "import.log", "w")
        import_started = time.perf_counter()
        importer = subprocess.Popen(
            [sys.executable, "manage.py", "import_articles", str(scratch / "late"), "--no-progress"],
            cwd=PROJECT,
            env=env,
            stdout=import_log,
            stderr=subprocess.STDOUT,
        )
        processes.append(importer)
        segment = max(args.seconds // 3, 1)
        results = {}
        results["1: import running"] = run_wrk(web_port, script, segment, args.connections)

        withdrawal_started = time.perf_counter()
        manage(
            env,
            "shell",
            "-c",
            f"""
from articles.models import Article
from articles.services import articles_unpublish
articles_unpublish(articles=Article.objects.filter(title__contains="{WITHDRAWN}"))
""",
        )
        withdrawal_seconds = time.perf_counter() - withdrawal_started
        results["2: after the withdrawal"] = run_wrk(web_port, script, segment, args.connections, "after-withdrawal")

        redis.kill()
        redis.wait()
        results["3: Redis killed"] = run_wrk(web_port, script, segment, args.connections, "after-withdrawal")
        import_state = "still running" if importer.poll() is None else f"finished (exit {importer.returncode})"

        print()
        for label, result in results.items():
            print_row(label, result)
        total = {
            name: sum(result[name] for result in results.values())
            for name in ("requests", "seconds", "errors", "leaks", "stale", "other_status")
        }
        total["rate"] = total["requests"] / total["seconds"]
        total["p50_ms"] = max(result["p50_ms"] for result in results.values())
        total["p99_ms"] = max(result["p99_ms"] for result in results.values())
        print_row("all (worst segment's latency)", total)
        print(
            f"\nimport during the run: {import_state} after {time.perf_counter() - import_started:.0f}s; "
            f"withdrawal took {withdrawal_seconds:.1f}s (the command, Django start-up included)"
        )
        importer.wait()
        print(
            f"import of {args.import_n:,} files finished with exit {importer.returncode} "
            f"after {time.perf_counter() - import_started:.0f}s"
        )
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
