"""Import benchmark: generated files shaped like the seeds, measured against the floor.

    .venv/bin/python bench/import_bench.py              # N = 20,000, SQLite
    .venv/bin/python bench/import_bench.py --n 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsdesk_bench .venv/bin/python bench/import_bench.py

Prints, in one run:
  floor       the files parsed with CSafeLoader in one process and inserted with raw sqlite3
              executemany into one table: the least work any importer must do;
  import      `manage.py import_articles` into an empty database, files/s;
  re-import   the same command on the unchanged tree, files/s;
  peak RSS    of the import (the command and its worker processes together);
  ratios      import/floor and re-import/import;
  CPU         seconds used by the import's processes (and PostgreSQL's server, when used): on a
              shared machine a steadier guide than the wall-clock figures.
With --repeat K each figure is the best of K runs (each import into a fresh database).
Not a test: it measures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

TOPICS = [
    "AI",
    "Computer Vision",
    "Privacy",
    "Policing",
    "Elections",
    "Climate",
    "Health",
    "Space",
    "Energy",
    "Courts",
    "Transport",
    "Housing",
    "Education",
    "Security",
    "Finance",
    "Sport",
    "Culture",
    "Science",
]
PROVIDERS = [
    (f"Provider {number}", f"{'www.' if number % 5 == 0 else ''}provider{number}.example") for number in range(400)
]
WORDS = (
    "police facial recognition technology london deploy cameras privacy court ruling minister data "
    "report officers city council public safety campaign group watchdog arrests pilot scheme"
).split()


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def article_url(number: int) -> str:
    return f"https://provider{number % 400}.example/news/{number:07d}-story"


def generate(directory: Path, count: int, seed: int = 20240122) -> None:
    """Write `count` files: both eras, images, topics, related links into the corpus,
    about 1% repeated URLs (with tracking parameters) and 2% body-only files."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        path = directory / f"{number // 1000:03d}" / f"{number:07d}.txt"
        path.parent.mkdir(exist_ok=True)
        if rng.random() < 0.02:
            path.write_text("\n".join(sentence(rng, 14) for _ in range(12)) + "\n", encoding="utf-8")
            continue
        era_2020 = rng.random() < 0.3
        url_key, amp_key, cdn_key = (
            ("sourceUrl", "ampUrl", "cdnAmpUrl") if era_2020 else ("webUrl", "ampWebUrl", "cdnAmpWebUrl")
        )
        target = rng.randrange(max(number, 1)) if rng.random() < 0.01 else number  # a repeated URL
        url = article_url(target) + ("?utm_source=feed" if target != number else "")
        name, domain = PROVIDERS[target % 400]
        related = []
        for _ in range(rng.randint(0, 6)):
            other = rng.randrange(count)
            other_name, other_domain = PROVIDERS[other % 400]
            related.append(
                {
                    "title": sentence(rng, 9),
                    "excerpt": sentence(rng, 40),
                    "publishedDateTime": f"2024-01-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z",
                    url_key: article_url(other),
                    "type": "article",
                    "provider": {"name": other_name, "domain": other_domain},
                    "quality": rng.randint(0, 100),
                    "images": [
                        {"url": f"https://img.example/{other}.jpg", "width": 1280, "height": 720, "isCached": True}
                    ],
                }
            )
        data = {
            "category": "news",
            "title": sentence(rng, 8),
            "excerpt": sentence(rng, 45),
            "publishedDateTime": f"20{rng.choice(['20', '24'])}-0{rng.randint(1, 9)}-{rng.randint(1, 28):02d}T12:{rng.randint(0, 59):02d}:00Z",
            **({"originalUrl": url} if not era_2020 else {}),
            url_key: url,
            amp_key: url + "/amp",
            cdn_key: "https://cdn.example/c/s/" + url.split("//", 1)[1],
            "type": "article",
            "quality": rng.randint(0, 100),
            "heat": -1,
            "published": rng.random() < 0.5,
            "provider": {"name": name, "domain": domain},
            "topics": rng.sample(TOPICS, rng.randint(1, 3)),
            "images": [{"url": f"https://img.example/{number}.jpg", "width": 1782, "height": 1002, "isCached": True}],
            "related": related,
            "secured": "".join(rng.choice("ABCDEFGHabcdefgh0123456789+/") for _ in range(384))
            + "=;pGOamnnwqtTxKyrN0m1lug==",
        }
        if rng.random() < 0.5:
            data["topics"] = [topic.lower() for topic in data["topics"]]
        path.write_text(
            "---\n"
            + yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=4096)
            + "---\n",
            encoding="utf-8",
        )


def floor(directory: Path) -> float:
    """Files/s for: read, split the front matter, CSafeLoader, one sqlite3 executemany per 500 files."""
    files = sorted(path for path in directory.rglob("*.txt"))
    with tempfile.TemporaryDirectory() as scratch:
        connection = sqlite3.connect(Path(scratch) / "floor.sqlite3")
        connection.execute("CREATE TABLE article (url TEXT UNIQUE, title TEXT, body TEXT, data TEXT)")
        started = time.perf_counter()
        rows = []
        for path in files:
            text = path.read_text(encoding="utf-8")
            if text.startswith("---\n"):
                front, _, body = text[4:].partition("\n---\n")
                data = yaml.load(front, Loader=yaml.CSafeLoader)
                rows.append((data.get("webUrl") or data.get("sourceUrl"), data.get("title"), body, front))
            else:
                rows.append((str(path), text.split("\n", 1)[0], text, ""))
            if len(rows) == 500:
                connection.executemany("INSERT OR REPLACE INTO article VALUES (?, ?, ?, ?)", rows)
                connection.commit()
                rows = []
        connection.executemany("INSERT OR REPLACE INTO article VALUES (?, ?, ?, ?)", rows)
        connection.commit()
        elapsed = time.perf_counter() - started
        connection.close()
    return len(files) / elapsed


def processes() -> dict[int, tuple[str, int, int, float]]:
    """Every process: (name, parent, resident KiB, CPU seconds so far), from Linux's /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                name, _, rest = handle.read().partition("(")[2].rpartition(")")
            fields = rest.split()
            found[int(entry)] = (
                name,
                int(fields[1]),
                int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024,
                (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"),
            )
        except (OSError, IndexError, ValueError):
            continue
    return found


def tree(root_pid: int, table: dict) -> list[int]:
    """A process and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, (_, parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        if pid in table:
            found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def serving(table: dict, database_url: str | None) -> list[int]:
    """PostgreSQL's processes that work for the benchmark: the backends connected to its database
    (not other projects' on the same server) and the writers and checkpointer they keep busy."""
    if not database_url:
        return []
    database = database_url.rsplit("/", 1)[-1].split("?")[0]
    found = []
    for pid, (name, _, _, _) in table.items():
        if name != "postgres":
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                title = handle.read().decode(errors="replace")
        except OSError:
            continue
        if f" {database} " in title or any(
            role in title for role in ("checkpointer", "background writer", "walwriter")
        ):
            found.append(pid)
    return found


def run_import(directory: Path, env: dict, extra: list[str]) -> tuple[float, int, float, str]:
    """Wall time, peak RSS (KiB) of the command's process tree, CPU seconds (the tree's, plus
    PostgreSQL's meanwhile), and its summary line."""
    command = [sys.executable, "manage.py", "import_articles", str(directory), "--no-progress", "-v", "0", *extra]
    before = processes()
    postgres_before = {pid: before[pid][3] for pid in serving(before, os.environ.get("DATABASE_URL"))}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    cpu: dict[int, float] = {}  # as last seen, per process (workers end before the command does)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            table = processes()
            members = tree(process.pid, table)
            peak = max(peak, sum(table[pid][2] for pid in members))
            cpu.update({pid: table[pid][3] for pid in members})
            cpu.update(
                {
                    -pid: table[pid][3] - postgres_before.get(pid, 0.0)
                    for pid in serving(table, os.environ.get("DATABASE_URL"))
                }
            )
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"import failed ({process.returncode}):\n{stderr[-2000:]}")
    return elapsed, peak, sum(cpu.values()), stdout.strip().splitlines()[-1] if stdout.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="number of files (default 20,000)")
    parser.add_argument("--workers", type=int, default=None, help="passed to import_articles --workers")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and database")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs of each measure (default 1)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
    files = scratch / "files"
    env = {**os.environ, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench"), "DJANGO_DEBUG": "0"}
    database_url = os.environ.get("DATABASE_URL")
    extra = ["--workers", str(args.workers)] if args.workers else []
    try:
        started = time.perf_counter()
        generate(files, args.n)
        size = sum(path.stat().st_size for path in files.rglob("*.txt"))
        print(
            f"generated {args.n:,} files ({size / 2**20:.0f} MiB) in {time.perf_counter() - started:.1f}s; "
            f"database: {'PostgreSQL' if database_url else 'SQLite'}; cores: {os.cpu_count()}; "
            f"load average: {os.getloadavg()[0]:.1f}"
        )

        floor_rate = max(floor(files) for _ in range(args.repeat))
        firsts, agains = [], []
        for attempt in range(args.repeat):
            if database_url:
                reset_postgres(database_url)
            else:
                env["DATABASE_URL"] = f"sqlite:///{scratch / f'bench{attempt}.sqlite3'}"
            subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=PROJECT, env=env, check=True)
            firsts.append(run_import(files, env, extra))
            agains.append(run_import(files, env, extra))
        first_time, _, first_cpu, first_line = min(firsts)
        again_time, _, again_cpu, again_line = min(agains)
        peak = max(run[1] for run in firsts + agains)
        first_rate, again_rate = args.n / first_time, args.n / again_time

        print(f"floor (CSafeLoader + sqlite3 executemany, 1 process): {floor_rate:10,.0f} files/s")
        print(
            f"import_articles, empty database:                      {first_rate:10,.0f} files/s  ({first_time:.1f}s, CPU {first_cpu:.1f}s)"
        )
        print(
            f"import_articles, unchanged tree:                      {again_rate:10,.0f} files/s  ({again_time:.1f}s, CPU {again_cpu:.1f}s)"
        )
        print(f"peak RSS of the import (all processes):               {peak / 1024:10,.0f} MB")
        print(
            f"ratio import / floor:                                 {first_rate / floor_rate:10.2f}   (target >= 0.8)"
        )
        print(f"ratio re-import / import:                             {again_rate / first_rate:10.1f}   (target >= 10)")
        print(f"  first run:  {first_line}")
        print(f"  second run: {again_line}")
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def reset_postgres(database_url: str) -> None:
    """Empty the benchmark's PostgreSQL database (it must not be a database you care about)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
