"""Create an editor: a staff account in the Editors group (not a superuser).

Editors log in to /admin/, see the whole catalogue, and change only what is editorial:
published, quality, scheduled publication (one by one, in the list, or in bulk). Running it for
an existing account gives that account the role (its password is kept unless a new one is given).
``make editor`` runs it interactively; scripts use ``--no-input`` with NEWSDESK_EDITOR_PASSWORD.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.permissions import EDITORS_GROUP
from articles.services import editor_create

PASSWORD_VARIABLE = "NEWSDESK_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = f"Create a staff account in the {EDITORS_GROUP} group, or give an existing account that role."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="Asked for when omitted (interactive only).")
        parser.add_argument("--email", default="", help="E-mail address of the account.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=f"Ask nothing: the password comes from ${PASSWORD_VARIABLE} (a new account without it cannot log in).",
        )

    def handle(self, *args, username=None, email="", interactive=True, **options):
        username = (username or "").strip()
        if not username:
            if not interactive:
                raise CommandError("Give a username (required with --no-input).", returncode=2)
            username = input("Username: ").strip()
            if not username:
                raise CommandError("A username is required.", returncode=2)
        exists = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).exists()
        password = os.environ.get(PASSWORD_VARIABLE) or None
        if interactive and password is None and not exists:
            password = self._ask_password()
        try:
            user, created = editor_create(username=username, email=email, password=password)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages), returncode=2) from None
        if created:
            note = (
                ""
                if user.has_usable_password()
                else f" It has no password yet: set one with `manage.py changepassword {username}`."
            )
            self.stdout.write(f"Created editor “{username}” (staff, {EDITORS_GROUP} group).{note}")
        else:
            self.stdout.write(
                f"“{username}” is now an editor (staff, {EDITORS_GROUP} group); password {'changed' if password else 'unchanged'}."
            )

    def _ask_password(self) -> str:
        while True:
            password = getpass.getpass("Password: ")
            if not password:
                self.stderr.write("The password cannot be empty.")
                continue
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords do not match.")
                continue
            return password
