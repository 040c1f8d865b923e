"""The Redis backend: an unreachable server is a miss or a no-op, logged once per outage, never an error."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.core.cache.backends.redis import RedisCacheClient

from newsdesk import redis_cache as backend
from newsdesk.redis_cache import ResilientRedisCache
from tests.newsdesk.conftest import REDIS_OPTIONS, UNREACHABLE_REDIS_URL

PROJECT = Path(__file__).resolve().parents[2]


def unreachable_cache() -> ResilientRedisCache:
    return ResilientRedisCache(UNREACHABLE_REDIS_URL, {"OPTIONS": REDIS_OPTIONS})


@pytest.mark.parametrize(
    "operation, answer",
    [
        (lambda cache: cache.get("key"), None),
        (lambda cache: cache.get("key", "fallback"), "fallback"),
        (lambda cache: cache.get_or_set("key", 5), 5),
        (lambda cache: cache.add("key", 1), False),
        (lambda cache: cache.set("key", 1), None),
        (lambda cache: cache.touch("key"), False),
        (lambda cache: cache.has_key("key"), False),
        (lambda cache: cache.delete("key"), False),
        (lambda cache: cache.get_many(["a", "b"]), {}),
        (lambda cache: cache.set_many({"a": 1, "b": 2}), ["a", "b"]),
        (lambda cache: cache.delete_many(["a", "b"]), None),
        (lambda cache: cache.clear(), False),
    ],
)
def test_every_operation_on_an_unreachable_redis_is_a_miss_or_a_no_op(operation, answer):
    assert operation(unreachable_cache()) == answer


@pytest.mark.parametrize("operation", [lambda cache: cache.incr("key"), lambda cache: cache.decr("key")])
def test_counting_on_an_unreachable_redis_is_a_missing_key(operation):
    with pytest.raises(ValueError):
        operation(unreachable_cache())


def test_an_outage_is_logged_once_redis_is_left_alone_meanwhile_then_used_again(redis_cache, monkeypatch, caplog):
    redis_cache.set("key", "value")
    clock = [1000.0]
    monkeypatch.setattr(backend, "monotonic", lambda: clock[0])
    attempts = []

    def connection_lost(*args):
        attempts.append(args)
        raise redis.exceptions.ConnectionError("Connection reset by peer")

    with caplog.at_level(logging.INFO, logger="newsdesk.cache"):
        with monkeypatch.context() as outage:
            outage.setattr(RedisCacheClient, "get", connection_lost)
            assert [redis_cache.get("key") for _ in range(5)] == [None] * 5
            assert len(attempts) == 1  # then left alone for the retry interval
            clock[0] += backend.RETRY_INTERVAL_SECONDS
            assert redis_cache.get("key") is None
            assert len(attempts) == 2
        assert redis_cache.get("key") is None  # back, but not tried again before the interval
        clock[0] += backend.RETRY_INTERVAL_SECONDS
        assert redis_cache.get("key") == "value"

    assert [record.levelname for record in caplog.records if record.name == "newsdesk.cache"] == ["WARNING", "INFO"]


def test_the_warning_never_shows_the_redis_password(caplog):
    cache = ResilientRedisCache("redis://:s3cret@127.0.0.1:1/0", {"OPTIONS": REDIS_OPTIONS})

    with caplog.at_level(logging.WARNING, logger="newsdesk.cache"):
        cache.get("key")

    assert "redis://127.0.0.1:1/0" in caplog.text
    assert "s3cret" not in caplog.text


def test_without_redis_configured_no_process_imports_it():
    # ~50 ms of every command's start-up (the unchanged re-import's budget is under a second).
    script = (
        "import sys, django; django.setup(); import articles.ingest.load, articles.admin; print('redis' in sys.modules)"
    )
    environment = {"DJANGO_SETTINGS_MODULE": "newsdesk.settings", "DJANGO_SECRET_KEY": "test", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True, cwd=PROJECT
    )

    assert result.stdout.strip() == "False"
