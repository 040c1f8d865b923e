"""Write every article back as a file in the format import_articles reads.

For backups, for moving a catalogue between installations, and for handing curated
articles back to the pipeline: editorial values come from the catalogue.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.ingest.export import export_articles


class Command(BaseCommand):
    help = "Export every article to DIR as YAML front matter + body files."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="Directory to write into (created if missing).")

    def handle(self, *args, **options):
        try:
            summary = export_articles(options["directory"])
        except OSError as error:
            raise CommandError(
                f"Cannot write to {options['directory']}: {error.strerror or error}", returncode=2
            ) from None
        self.stdout.write(summary.line())
