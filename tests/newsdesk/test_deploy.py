"""Production settings: `check --deploy` is silent with the documented variables; static files are hashed and compressed.

Each test starts Django in a fresh process with a deployment's environment: the suite's own
process runs with pyproject.toml's test overrides (plain HTTP, no collected static files).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

# What docs/deploy.md asks a deployment to set; every other setting keeps its production default.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "kx7Qv2-production-like-secret-for-tests-only-0aR9fW3mZ8pL5tY1",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://news.example.org",
}


def deployment_environment(**env: str) -> dict[str, str]:
    """This process's environment without anything that configures Newsdesk (pyproject.toml's test values), plus ``env``."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "NEWSDESK_", "DATABASE_", "REDIS_", "GUNICORN_", "WEB_CONCURRENCY"))
    }
    return {**inherited, "DJANGO_SETTINGS_MODULE": "newsdesk.settings", **env}


def django_process(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run ``python *args`` in the project, configured by ``env`` alone."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT,
        env=deployment_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    return django_process(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)


def test_check_deploy_is_silent_with_the_production_variables():
    result = check_deploy(**PRODUCTION)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Local development: no HTTPS redirect, no HSTS, cookies over plain HTTP.
        ({"DJANGO_DEBUG": "1"}, {"security.W018", "security.W008", "security.W004", "security.W012", "security.W016"}),
        ({"DJANGO_SECRET_KEY": "short"}, {"security.W009"}),
        ({"DJANGO_SECURE_SSL_REDIRECT": "0"}, {"security.W008"}),
        ({"DJANGO_SECURE_HSTS_SECONDS": "0"}, {"security.W004"}),
        ({"DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "0"}, {"security.W005"}),
        ({"DJANGO_ALLOWED_HOSTS": ""}, {"security.W020"}),
    ],
    ids=["debug", "short-secret", "no-redirect", "no-hsts", "hsts-without-subdomains", "no-hosts"],
)
def test_check_deploy_names_what_a_weaker_setting_gives_up(change, expected):
    result = check_deploy(**{**PRODUCTION, **change})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert {code for code in expected if code in output} == expected, output


def test_preloading_hsts_is_an_explicit_choice():
    result = check_deploy(**PRODUCTION, DJANGO_SECURE_HSTS_PRELOAD="1")
    assert result.returncode == 0, result.stderr
    assert "(0 silenced)" in result.stdout  # W021 is only silenced while preload is off


STATIC_PROBE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.template import engines
from django.test import Client, override_settings

with override_settings(STATIC_ROOT=sys.argv[1]):
    # The project's own files only: the admin's and the API docs' take a minute to compress.
    call_command("collectstatic", interactive=False, verbosity=0,
                 ignore_patterns=["admin", "rest_framework", "drf_spectacular_sidecar"])
    url = engines["django"].from_string("{% load static %}{% static 'site.css' %}").render()
    answers = {}
    for encoding in ("br", "gzip", "identity"):
        response = Client().get(url, secure=True, HTTP_ACCEPT_ENCODING=encoding)
        answers[encoding] = [response.status_code, response.get("Content-Encoding"), response["Cache-Control"]]
print(json.dumps({"url": url, "answers": answers}))
"""


def test_static_files_get_hashed_names_and_are_served_compressed_for_ever(tmp_path):
    result = django_process(["-c", STATIC_PROBE, str(tmp_path)], **{**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "testserver"})
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)

    hashed = probe["url"].removeprefix("/static/")
    assert hashed.startswith("site.") and hashed.endswith(".css") and len(hashed) == len("site.css") + 13
    assert {path.name for path in tmp_path.glob("site*")} == {hashed, f"{hashed}.gz", f"{hashed}.br"}
    forever = "max-age=315360000, public, immutable"
    assert probe["answers"] == {
        "br": [200, "br", forever],
        "gzip": [200, "gzip", forever],
        "identity": [200, None, forever],
    }
