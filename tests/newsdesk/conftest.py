"""Redis for the cache tests: this suite's own database and key prefix, and a port nothing listens on."""

import os

import pytest
import redis
from django.core.cache import caches

# This suite's own Redis database, and a key prefix of this run's own: test runs in parallel
# (on other checkouts or databases) never see each other's keys.
REDIS_TEST_URL = "redis://127.0.0.1:6379/13"
REDIS_TEST_PREFIX = f"newsdesk-tests-{os.getpid()}"
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"
REDIS_OPTIONS = {"socket_connect_timeout": 0.1, "socket_timeout": 0.25}  # as in settings.py


def redis_caches(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "newsdesk.redis_cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": REDIS_TEST_PREFIX,
            "OPTIONS": REDIS_OPTIONS,
        }
    }


def delete_this_runs_redis_keys() -> None:
    client = redis.Redis.from_url(REDIS_TEST_URL)
    if keys := list(client.scan_iter(match=f"{REDIS_TEST_PREFIX}:*")):
        client.delete(*keys)
    client.close()


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = redis_caches(REDIS_TEST_URL)
    settings.NEWSDESK_CACHE_SECONDS = 30
    delete_this_runs_redis_keys()
    yield caches["default"]
    delete_this_runs_redis_keys()
