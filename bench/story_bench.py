"""Story benchmark: how well import_articles groups articles into stories, whether the grouping depends on
file order, what clustering costs in throughput, and whether placing a file costs more as the catalogue grows.

    .venv/bin/python bench/story_bench.py                   # every part, SQLite
    .venv/bin/python bench/story_bench.py --quick           # sizes divided by 10 (--scale N: by N)
    .venv/bin/python bench/story_bench.py --only quality    # or throughput, lookup
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nd_storybench .venv/bin/python bench/story_bench.py

Parts:
  quality      for each labelled set (bench/story_sets/written_*.yaml, and
               procedural sets of ~3,000 and ~20,000 articles): B-cubed precision, recall and F1 of the
               imported stories, stories vs events, beside a word-overlap baseline (Jaccard of title+excerpt
               words within 72 hours, joined transitively, best F1 over thresholds 0.05-0.35); and the
               B-cubed F1 between the sorted import and (a) a shuffled file order, (b) two runs of half each.
  throughput   20,000 procedural files with clustering on and with NEWSDESK_STORY_CLUSTERING=0, beside the
               import benchmark's floor (targets: on >= 0.8 x floor, on no more than 15% slower than off).
  lookup       the same 500-file probe imported into catalogues of 10,000 and 200,000 articles at a fixed
               daily rate: ms per file, and the ratio (target <= 1.5).
Each import runs `manage.py import_articles` in its own process, into a fresh scratch database (SQLite file,
or the PostgreSQL database of DATABASE_URL, dropped and recreated: it must not be one you care about).
Not a test: it measures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench import story_corpus as corpus  # noqa: E402
from bench.import_bench import floor, reset_postgres  # noqa: E402

STORY_SETS = PROJECT / "bench" / "story_sets"
THRESHOLDS = [round(0.05 + 0.025 * step, 3) for step in range(13)]  # 0.05 .. 0.35
PER_DAY = 600  # events a day (about 2,250 articles): a busy aggregator's rate


class Scratch:
    """Fresh databases and imports, each in its own process, for one checkout of the project."""

    def __init__(self, directory: Path, project: Path):
        self.directory, self.project = directory, project
        self.database_url = os.environ.get("DATABASE_URL")
        self.env = {
            **os.environ,
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench"),
            "DJANGO_DEBUG": "0",
        }
        self.count = 0
        self.checked = False

    def fresh(self) -> None:
        self.count += 1
        if self.database_url:
            reset_postgres(self.database_url)
            self.env["DATABASE_URL"] = self.database_url
        else:
            self.env["DATABASE_URL"] = f"sqlite:///{self.directory / f'stories{self.count}.sqlite3'}"
        command = [sys.executable, "manage.py", "migrate", "-v", "0"]
        migrated = subprocess.run(command, cwd=self.project, env=self.env, capture_output=True, text=True)
        if migrated.returncode:
            raise SystemExit(f"story_bench: migrate failed in {self.project}:\n{migrated.stderr[-2000:]}")
        if not self.checked:
            self._require_stories()
            self.checked = True

    def import_paths(self, paths: list[Path], clustering: bool = True) -> float:
        """Wall seconds of `import_articles` on the paths, one process."""
        env = dict(self.env)
        if not clustering:
            env["NEWSDESK_STORY_CLUSTERING"] = "0"
        command = [sys.executable, "manage.py", "import_articles", *map(str, paths), "--no-progress", "-v", "0"]
        started = time.perf_counter()
        finished = subprocess.run(command, cwd=self.project, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if finished.returncode not in (0, 1):
            raise SystemExit(f"import failed ({finished.returncode}):\n{finished.stderr[-2000:]}")
        return elapsed

    def grouping(self) -> dict[str, int]:
        """Article URL -> story id, as stored."""
        query = "SELECT url, story_id FROM articles_article WHERE url IS NOT NULL"
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as connection:
                return dict(connection.execute(query).fetchall())
        connection = sqlite3.connect(self.env["DATABASE_URL"].removeprefix("sqlite:///"))
        try:
            return dict(connection.execute(query).fetchall())
        finally:
            connection.close()

    def _require_stories(self) -> None:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as connection:
                columns = {
                    row[0]
                    for row in connection.execute(
                        "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles_article'"
                    )
                }
        else:
            connection = sqlite3.connect(self.env["DATABASE_URL"].removeprefix("sqlite:///"))
            columns = {row[1] for row in connection.execute("PRAGMA table_info(articles_article)")}
            connection.close()
        if "story_id" not in columns:
            raise SystemExit(
                "story_bench: articles_article has no story_id column: stories have not landed in this checkout."
            )


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}), {os.cpu_count()} cores"


def procedural(seed: int, articles: int, per_day: float = PER_DAY, **options) -> list[corpus.Event]:
    """Generated events holding exactly `articles` articles (the last events trimmed)."""
    count = max(1, round(articles / corpus.MEAN_ARTICLES_PER_EVENT))
    while True:
        events = corpus.generate(seed, count, per_day=per_day, **options)
        if sum(len(event.articles) for event in events) >= articles:
            break
        count = round(count * 1.2) + 1
    kept, total = [], 0
    for event in events:
        if total >= articles:
            break
        event.articles = event.articles[: articles - total]
        kept.append(event)
        total += len(event.articles)
    return kept


def split_in_halves(paths: list[Path], directory: Path) -> list[Path]:
    """Move the files into two directories, the first half and the rest of the walk order."""
    halves = [directory / "first", directory / "second"]
    for number, path in enumerate(paths):
        target = halves[number >= len(paths) // 2] / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    return halves


def quality(scratch: Scratch, work: Path, scale: int, written: bool) -> None:
    sets: list[tuple[str, list[corpus.Event]]] = []
    for path in sorted(STORY_SETS.glob("written_*.yaml")) if written else []:
        sets.append((path.stem, corpus.load_written(path)))
    for size in (3_000, 20_000):
        size //= scale
        sets.append((f"procedural {size:,}", procedural(size, size)))

    rows, order_rows = [], []
    for name, events in sets:
        directory = work / name.replace(" ", "_")
        sorted_paths = corpus.write_tree(events, directory / "sorted")
        truth = json.loads((directory / "sorted" / "labels.json").read_text())
        shuffled_paths = corpus.write_tree(events, directory / "shuffled", order_seed=1)
        halves = split_in_halves(corpus.write_tree(events, directory / "halves", order_seed=2), directory / "halves")
        del shuffled_paths

        scratch.fresh()
        seconds = scratch.import_paths([directory / "sorted"])
        found = scratch.grouping()
        precision, recall, f1 = corpus.bcubed(truth, found)
        imported = sum(url in found for url in truth)
        stories = len({found[url] for url in truth if url in found})

        scratch.fresh()
        scratch.import_paths([directory / "shuffled"])
        shuffled = scratch.grouping()
        scratch.fresh()
        for half in halves:
            scratch.import_paths([half])
        in_halves = scratch.grouping()

        items = corpus.labelled_articles(events)
        started = time.perf_counter()
        groupings = corpus.baseline(
            [(url, article.published, f"{article.title} {article.excerpt}") for url, _, article in items], THRESHOLDS
        )
        baseline_seconds = time.perf_counter() - started
        scored = {threshold: corpus.bcubed(truth, grouping) for threshold, grouping in groupings.items()}
        best = max(scored, key=lambda threshold: scored[threshold][2])
        rows.append(
            (name, len(truth), imported, len(events), stories, precision, recall, f1, seconds)
            + (best, *scored[best], len(set(groupings[best].values())), baseline_seconds)
        )
        order_rows.append((name, corpus.bcubed(found, shuffled)[2], corpus.bcubed(found, in_halves)[2]))
        del sorted_paths

    print(f"\nquality (B-cubed against the labels; {load_average()})")
    print(
        f"{'set':<20} {'articles':>8} {'imported':>8} {'events':>7} | {'stories':>7} {'P':>6} {'R':>6} {'F1':>6} {'secs':>6}"
        f" | baseline {'t':>5} {'P':>6} {'R':>6} {'F1':>6} {'groups':>7} {'secs':>6}"
    )
    for row in rows:
        name, articles, imported, events, stories, p, r, f1, secs, t, bp, br, bf1, groups, bsecs = row
        print(
            f"{name:<20} {articles:>8,} {imported:>8,} {events:>7,} | {stories:>7,} {p:6.3f} {r:6.3f} {f1:6.3f} {secs:6.1f}"
            f" |          {t:5.3f} {bp:6.3f} {br:6.3f} {bf1:6.3f} {groups:>7,} {bsecs:6.1f}"
        )
    print(f"\norder independence (B-cubed F1 against the sorted import; 1.000 = the same grouping; {load_average()})")
    print(f"{'set':<20} {'shuffled order':>15} {'two halves':>11}")
    for name, shuffled_f1, halves_f1 in order_rows:
        print(f"{name:<20} {shuffled_f1:15.3f} {halves_f1:11.3f}")


def throughput(scratch: Scratch, work: Path, scale: int, written: bool) -> None:
    size = 20_000 // scale
    directory = work / "throughput"
    corpus.write_tree(procedural(21, size), directory)
    floor_rate = floor(directory)
    rates = {}
    for clustering in (True, False):
        scratch.fresh()
        rates[clustering] = size / scratch.import_paths([directory], clustering=clustering)
    print(f"\nthroughput ({size:,} procedural files; {load_average()})")
    print(f"floor (CSafeLoader + sqlite3 executemany, 1 process): {floor_rate:10,.0f} files/s")
    print(f"import_articles, stories on:                          {rates[True]:10,.0f} files/s")
    print(f"import_articles, NEWSDESK_STORY_CLUSTERING=0:         {rates[False]:10,.0f} files/s")
    print(f"ratio on / floor:                                     {rates[True] / floor_rate:10.2f}   (target >= 0.8)")
    print(f"ratio off / floor:                                    {rates[False] / floor_rate:10.2f}")
    print(
        f"ratio on / off:                                       {rates[True] / rates[False]:10.2f}   (target >= 0.85)"
    )


def lookup(scratch: Scratch, work: Path, scale: int, written: bool) -> None:
    sizes, probe_size = (10_000 // scale, 200_000 // scale), 500 // scale
    # The probe sits two days into the catalogues' span: both have the same neighbourhood around it.
    probe_events = procedural(97, probe_size, start=corpus.START + timedelta(days=2))
    probe = work / "probe"
    corpus.write_tree(probe_events, probe)
    empty = work / "empty"
    empty.mkdir()
    rows = []
    for size in sizes:
        catalogue = work / f"catalogue_{size}"
        corpus.write_tree(procedural(size, size), catalogue)
        scratch.fresh()
        catalogue_seconds = scratch.import_paths([catalogue])
        startup = scratch.import_paths([empty])  # the command's fixed cost, taken off the probe's time
        probe_seconds = scratch.import_paths([probe])
        rows.append((size, catalogue_seconds, startup, probe_seconds))
        shutil.rmtree(catalogue)
    print(f"\ncandidate lookup (the same {probe_size:,}-file probe into each catalogue; {load_average()})")
    print(f"{'catalogue':>10} {'catalogue import':>17} {'startup':>8} {'probe':>7} {'ms/file':>8} {'ms/file net':>12}")
    for size, catalogue_seconds, startup, probe_seconds in rows:
        print(
            f"{size:>10,} {catalogue_seconds:16.1f}s {startup:7.1f}s {probe_seconds:6.1f}s"
            f" {probe_seconds * 1000 / probe_size:8.2f} {(probe_seconds - startup) * 1000 / probe_size:12.2f}"
        )
    (small, _, small_start, small_probe), (large, _, large_start, large_probe) = rows
    print(
        f"ratio {large:,} / {small:,}: {large_probe / small_probe:.2f} with startup, "
        f"{(large_probe - large_start) / max(small_probe - small_start, 1e-9):.2f} net (target <= 1.5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every size divided by 10 (as --scale 10)")
    parser.add_argument("--scale", type=int, default=1, help="divide every size by this")
    parser.add_argument("--no-written", action="store_true", help="leave out the written sets (bench/story_sets/)")
    parser.add_argument("--only", choices=["quality", "throughput", "lookup"], help="run one part")
    parser.add_argument(
        "--project", type=Path, default=PROJECT, help="checkout whose manage.py to run (default: this one)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated files and databases")
    args = parser.parse_args()
    scale = 10 if args.quick else max(args.scale, 1)

    work = Path(tempfile.mkdtemp(prefix="newsdesk-story-bench-"))
    scratch = Scratch(work, args.project.resolve())
    print(
        f"story bench: database {'PostgreSQL' if scratch.database_url else 'SQLite'}; "
        f"{f'sizes divided by {scale}; ' if scale > 1 else ''}{load_average()}"
    )
    try:
        for name, part in (("quality", quality), ("throughput", throughput), ("lookup", lookup)):
            if args.only in (None, name):
                part(scratch, work, scale, not args.no_written)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
