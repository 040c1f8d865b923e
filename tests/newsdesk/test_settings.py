"""Settings come from the environment; a production start without a secret key fails loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def load_settings(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(env)
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'engine': s.DATABASES['default']['ENGINE'], "
        "'name': str(s.DATABASES['default']['NAME'])}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "newsdesk.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_secret_key_outside_debug_is_a_clear_start_up_error():
    result = load_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_runs_without_a_secret_key_on_sqlite_by_default():
    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert '"debug": true' in result.stdout
    assert '"engine": "django.db.backends.sqlite3"' in result.stdout
    assert str(PROJECT / "db.sqlite3") in result.stdout


def test_database_url_and_allowed_hosts_come_from_the_environment():
    result = load_settings(
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://newsdesk@db.internal:5433/catalogue",
        DJANGO_ALLOWED_HOSTS="news.example.org, www.news.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.postgresql"' in result.stdout
    assert '"name": "catalogue"' in result.stdout
    assert '"hosts": ["news.example.org", "www.news.example.org"]' in result.stdout
    assert '"debug": false' in result.stdout


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_an_unreadable_debug_flag_is_refused(value):
    result = load_settings(DJANGO_DEBUG=value, DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr
