"""/healthz: 200 when the database (and Redis, when configured) answer, 503 naming what is down; never cached."""

import time

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db

RUNNING_REDIS_URL = "redis://127.0.0.1:6379/15"
CLOSED_PORT_REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def no_redis(settings):
    settings.REDIS_URL = ""


def test_healthy_without_redis_checks_the_database_only(client, no_redis):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert response["Content-Type"] == "application/json"


def test_healthy_with_redis_checks_it_too(client, settings):
    settings.REDIS_URL = RUNNING_REDIS_URL
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_database_down_is_a_503_naming_it(client, no_redis, monkeypatch, caplog):
    def refuse():
        raise OperationalError("connection to server at 10.0.0.5 failed")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "down"}}
    assert "10.0.0.5" not in response.content.decode()  # the reason is logged, not shown
    assert "10.0.0.5" in caplog.text


def test_redis_down_is_a_503_naming_it_and_answers_quickly(client, settings):
    settings.REDIS_URL = CLOSED_PORT_REDIS_URL
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "redis": "down"}}


def test_never_cached_and_exempt_from_the_https_redirect(client, no_redis, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301  # everything else goes to HTTPS

    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_only_reads(client, no_redis):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200
