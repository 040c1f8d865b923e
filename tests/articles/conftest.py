"""Fixtures for the admin tests, a catalogue for the API's orderings, and a scratch database for imports
run as processes."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from articles.models import Article
from tests.factories import make_editor


@pytest.fixture
def desk_editor():
    """A staff user in the Editors group."""
    return make_editor()


@pytest.fixture
def editor_client(client, desk_editor):
    client.force_login(desk_editor)
    return client


@pytest.fixture
def mixed_catalogue(build_catalogue, make_article):
    """Ties, and missing dates and scores, to make every ordering say what it does."""
    articles = build_catalogue(5)
    articles += [
        make_article(is_published=True, title="Story 001", published_at=articles[1].published_at, quality=3, heat=10),
        make_article(is_published=True, title="Undated", published_at=None, quality=None, heat=-1),
        make_article(is_published=True, title="Also undated", published_at=None, quality=None, heat=-1),
    ]
    return Article.objects.filter(pk__in=[a.pk for a in articles])


PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def scratch_database(tmp_path, settings):
    """A migrated database of its own (a file for SQLite, a database for PostgreSQL) for subprocess imports."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        url = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        drop = None
    else:
        import psycopg

        test_url = os.environ["DATABASE_URL"]
        name = f"newsdesk_scratch_{os.getpid()}"
        parts = urlsplit(test_url)
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as admin_connection:
            admin_connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin_connection.execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(parts._replace(path=f"/{name}"))

        def drop():
            with psycopg.connect(admin, autocommit=True) as admin_connection:
                admin_connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    environment = {**os.environ, "DATABASE_URL": url, "DJANGO_SECRET_KEY": "tests", "DJANGO_DEBUG": "0"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=PROJECT, env=environment, check=True, timeout=300
    )
    yield environment
    if drop:
        drop()
