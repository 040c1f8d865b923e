"""Publish the articles whose scheduled publication time has come.

Run it from cron every minute: it is idempotent (a second run finds nothing due), set-based
(one transaction, a fixed number of queries however many are due), records each publication in
the audit trail (via "schedule"), and prints one line.

    * * * * *  cd /srv/newsdesk && .venv/bin/python manage.py publish_scheduled
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.models import Article
from articles.services import articles_publish_due


class Command(BaseCommand):
    help = "Publish every article whose scheduled publication time has passed (for cron; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many are due; publish nothing.")

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        if dry_run:
            due = Article.objects.due(now).count()
            self.stdout.write(f"publish_scheduled: {due} due (dry run, nothing published).")
            return
        result = articles_publish_due(now=now)
        already = result.matched - result.changed
        self.stdout.write(
            f"publish_scheduled: published {result.changed} article{'s' if result.changed != 1 else ''}"
            + (f" ({already} already published)" if already else "")
            + "."
        )
