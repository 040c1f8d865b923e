"""Load article files into the catalogue.

The aggregation pipeline drops files into a directory; this command is how they reach the
catalogue, by hand or from cron. It can run again at any time: unchanged files are skipped,
and an editor's publish/quality decisions survive unless --overwrite-editorial is given.
"""

import contextlib
import errno
import json
import logging
import os
import stat
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.ingest.files import iter_article_files
from articles.ingest.load import CREATED, REJECTED, UNCHANGED, UPDATED, import_files

logger = logging.getLogger("newsdesk.import")


class Command(BaseCommand):
    # The system checks load every URLconf, view and API module: over 40% of the start-up
    # of a run that finds nothing to do (cron, every few minutes). `manage.py check` runs them.
    requires_system_checks = []
    help = "Import article files (YAML front matter + body) from files or directories (default: seeds/)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH", help="Files or directories (searched recursively).")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report what would change; write nothing.")
        parser.add_argument("--report", metavar="FILE.json", help="Write a JSON report: one entry per file.")
        parser.add_argument(
            "--overwrite-editorial",
            action="store_true",
            help="Let the files' published/quality values replace editors' decisions (audited).",
        )
        parser.add_argument("--batch-size", type=int, default=None, help="Files per transaction (default 500).")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes parsing files (default: one per core; 1 = no extra process).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar, even on a terminal.")

    def handle(self, *args, **options):
        paths = options["paths"] or [_shown(settings.BASE_DIR / "seeds")]
        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.", returncode=2)
        if options["workers"] is not None and options["workers"] < 1:
            raise CommandError("--workers must be at least 1.", returncode=2)
        report_path = Path(options["report"]) if options["report"] else None
        if report_path and not report_path.parent.is_dir():
            raise CommandError(f"Cannot write the report: {report_path.parent} is not a directory.", returncode=2)
        try:
            files = iter_article_files(paths)
        except FileNotFoundError as error:
            raise CommandError(str(error), returncode=2) from None
        try:
            report = _ReportWriter(report_path) if report_path else None
        except OSError as error:
            raise CommandError(f"Cannot write the report to {report_path}: {_reason(error)}.", returncode=2) from None

        show_progress = not options["no_progress"] and sys.stderr.isatty() and options["verbosity"] > 0
        progress = _progress_bar(paths) if show_progress else None

        def on_file(file_report):
            if progress:
                progress.update(1)
            if report:
                report.add(file_report.as_dict())
            for message in file_report.messages:
                if progress:
                    progress.write(message, file=sys.stderr)
                elif options["verbosity"] > 0:
                    self.stderr.write(message)

        try:
            summary = import_files(
                files,
                dry_run=options["dry_run"],
                overwrite_editorial=options["overwrite_editorial"],
                batch_size=options["batch_size"],
                workers=options["workers"],
                on_file=on_file,
            )
        except BaseException:
            if report:
                report.abandon()
            raise
        finally:
            if progress:
                progress.close()
        if report:
            report.finish({"dry_run": summary.dry_run, "counts": summary.counts})
        self.stdout.write(summary.line())
        logger.info(
            "import finished",
            extra={
                # Not "created": a log record has an attribute of that name.
                "files": summary.total,
                "files_created": summary.counts[CREATED],
                "files_updated": summary.counts[UPDATED],
                "files_unchanged": summary.counts[UNCHANGED],
                "files_rejected": summary.counts[REJECTED],
                "files_with_warnings": summary.with_warnings,
                "dry_run": summary.dry_run,
                "seconds": round(summary.elapsed, 3),
                "files_per_second": round(summary.total / summary.elapsed, 1) if summary.elapsed else None,
                "paths": [str(path) for path in paths],
            },
        )
        problems = []
        if summary.counts[REJECTED]:
            problems.append(f"{summary.counts[REJECTED]} of {summary.total} files were rejected")
        if report and report.error:
            problems.append(
                f"the report could not be written to {report_path} ({_reason(report.error)}): there is none"
            )
        if problems:
            message = "; ".join(problems)
            raise CommandError(f"{message[0].upper()}{message[1:]}.", returncode=1)


def _progress_bar(paths):
    from tqdm import tqdm  # only a terminal shows one: a run from cron does not import it

    # Counting costs a second walk of the tree: only done when there is a bar to show.
    return tqdm(total=sum(1 for _ in iter_article_files(paths)), unit="file", file=sys.stderr)


def _shown(path: Path) -> str:
    """The path relative to the working directory when it is below it (shorter messages), else absolute."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


class _ReportWriter:
    """Writes the JSON report entry by entry, so a large import's report never sits in memory.

    A report to a regular file is written under a hidden name beside it and renamed into place
    once complete, so a report that is there is whole; anything else (``/dev/stdout``, a pipe)
    is written to as it is. A write that fails (a full disk) ends the report, not the import:
    ``error`` says why, and no report is left.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.error: OSError | None = None
        try:
            existing = path.stat()
        except FileNotFoundError:
            existing = None
        if existing and stat.S_ISDIR(existing.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        self.partial = (
            path.with_name(f".{path.name}.partial") if existing is None or stat.S_ISREG(existing.st_mode) else None
        )
        if self.partial:
            self.stream = open(self.partial, "w", encoding="utf-8")
        else:
            # Without waiting: a pipe nobody reads fails here rather than hang the import.
            descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            os.set_blocking(descriptor, True)
            self.stream = open(descriptor, "w", encoding="utf-8")
        self.stream.write('{"files": [')
        self.first = True

    def add(self, entry: dict) -> None:
        if self.error:
            return
        try:
            self.stream.write(("\n  " if self.first else ",\n  ") + json.dumps(entry, ensure_ascii=False))
        except OSError as error:
            self._fail(error)
        self.first = False

    def finish(self, totals: dict) -> None:
        if self.error:
            return
        try:
            self.stream.write("\n]")
            for key, value in totals.items():
                self.stream.write(f", {json.dumps(key)}: {json.dumps(value)}")
            self.stream.write("}\n")
            self.stream.flush()
            if self.partial:
                os.fsync(self.stream.fileno())  # on disk before it has the name that says it is complete
            self.stream.close()
            if self.partial:
                os.replace(self.partial, self.path)
        except OSError as error:
            self._fail(error)

    def abandon(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
        if self.partial:
            self.partial.unlink(missing_ok=True)

    def _fail(self, error: OSError) -> None:
        self.error = error
        self.abandon()
