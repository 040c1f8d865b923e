"""Structured logs: a JSON line per request, `extra` fields as keys, JSON or text chosen by the environment."""

import json
import logging
import sys
from pathlib import Path

import pytest

from newsdesk.logging import JsonFormatter, TextFormatter
from tests.newsdesk.test_deploy import PRODUCTION, django_process


def request_lines(caplog) -> list[dict]:
    return [
        json.loads(JsonFormatter().format(record)) for record in caplog.records if record.name == "newsdesk.request"
    ]


@pytest.mark.django_db
def test_one_json_line_per_request_with_its_fields(client, caplog):
    caplog.set_level(logging.INFO, logger="newsdesk.request")
    client.get("/robots.txt?from=test")

    [line] = request_lines(caplog)
    assert line["level"] == "INFO" and line["logger"] == "newsdesk.request"
    assert line["message"] == "GET /robots.txt 200"
    assert {key: line[key] for key in ("method", "path", "status", "user", "remote_addr")} == {
        "method": "GET",
        "path": "/robots.txt",
        "status": 200,
        "user": "anonymous",
        "remote_addr": "127.0.0.1",
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


@pytest.mark.django_db
def test_a_signed_in_user_is_logged_by_id(admin_client, admin_user, caplog):
    caplog.set_level(logging.INFO, logger="newsdesk.request")
    admin_client.get("/admin/")
    [line] = request_lines(caplog)
    assert (line["user"], line["status"]) == (str(admin_user.pk), 200)


@pytest.mark.django_db
def test_the_client_address_is_read_through_the_trusted_proxies(client, settings, caplog):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    caplog.set_level(logging.INFO, logger="newsdesk.request")
    # The load balancer appends the address it saw; anything before it came from the client.
    client.get("/robots.txt", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert request_lines(caplog)[0]["remote_addr"] == "203.0.113.7"


@pytest.mark.django_db
def test_errors_are_logged_with_their_status(client, caplog, monkeypatch):
    monkeypatch.setattr("articles.views.listing_page", lambda *a, **k: 1 / 0)
    client.raise_request_exception = False
    caplog.set_level(logging.INFO, logger="newsdesk.request")
    client.get("/")
    assert request_lines(caplog)[0]["status"] == 500


def record(name="newsdesk.import", message="batch written", exc_info=None, **extra) -> logging.LogRecord:
    logger = logging.getLogger(name)
    return logger.makeRecord(name, logging.INFO, __file__, 1, message, (), exc_info, extra=extra)


def test_extra_fields_become_keys_of_their_own():
    line = json.loads(JsonFormatter().format(record(files=500, rejected=2, root=Path("/srv/feed"))))
    assert (line["message"], line["files"], line["rejected"], line["root"]) == ("batch written", 500, 2, "/srv/feed")
    assert set(line) == {"time", "level", "logger", "message", "files", "rejected", "root"}


def test_an_exception_is_one_field_and_the_line_stays_one_line():
    try:
        raise ValueError("bad batch")
    except ValueError:
        formatted = JsonFormatter().format(record(name="newsdesk.editorial", exc_info=sys.exc_info()))
    assert "\n" not in formatted
    assert "ValueError: bad batch" in json.loads(formatted)["exception"]


def test_text_lines_keep_the_extra_fields():
    assert TextFormatter().format(record(name="newsdesk.editorial", message="published", article=7)) == (
        "INFO newsdesk.editorial: published article=7"
    )


EMIT = "import django, logging; django.setup(); logging.getLogger('newsdesk.editorial').info('published', extra={'article': 7})"


def test_json_lines_by_default_outside_debug():
    result = django_process(["-c", EMIT], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["logger"], line["message"], line["article"]) == ("newsdesk.editorial", "published", 7)


@pytest.mark.parametrize("env", [{"NEWSDESK_LOG_FORMAT": "text"}, {"DJANGO_DEBUG": "1"}], ids=["asked-for", "debug"])
def test_text_lines_when_asked_for_or_in_debug(env):
    result = django_process(["-c", EMIT], **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "INFO newsdesk.editorial: published article=7"


def test_an_unknown_format_is_refused():
    result = django_process(["-c", EMIT], **{**PRODUCTION, "NEWSDESK_LOG_FORMAT": "xml"})
    assert "NEWSDESK_LOG_FORMAT must be json or text" in result.stderr
