"""A Redis cache backend that degrades to the database when Redis cannot be reached.

Its own module so that ``redis`` is imported only where ``REDIS_URL`` configures it: a process
that never talks to Redis (``import_articles``, every command run without it) starts ~50 ms sooner.
"""

from __future__ import annotations

import logging
from functools import wraps
from time import monotonic
from urllib.parse import urlsplit

import redis
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("newsdesk.cache")

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# After a failure a cache instance leaves Redis alone this long: an unreachable server costs one
# connection timeout per interval (per process thread), not one per call.
RETRY_INTERVAL_SECONDS = 5.0


def _returning(value):
    return lambda *args, **kwargs: value


def _the_default(key, default=None, version=None):
    return default


def _no_such_key(key, *args, **kwargs):
    # incr()'s answer for a missing key: callers already handle it.
    raise ValueError(f"Key {key!r} not found: the cache is unreachable.")


def _every_key_failed(data, *args, **kwargs):
    return list(data)


def _degrading(method, fallback):
    """``method``, answering ``fallback(*arguments)`` instead of raising while Redis cannot be reached."""

    @wraps(method)
    def degrading(self, *args, **kwargs):
        if monotonic() < self._retry_at:
            return fallback(*args, **kwargs)
        try:
            result = method(self, *args, **kwargs)
        except UNREACHABLE as error:
            self._unreachable(error)
            return fallback(*args, **kwargs)
        if self._down:
            self._down = False
            logger.info("The cache at %s answers again.", self._where, extra={"cache_servers": self._where})
        return result

    return degrading


class ResilientRedisCache(RedisCache):
    """Django's Redis cache in which an unreachable server is a miss (reads) or a no-op (writes), never an error.

    Pages, feeds and the API then come from the database, anonymous rate limits are not
    counted, and a warning is logged once per outage (per process thread), not per request.
    Keep ``socket_connect_timeout`` and ``socket_timeout`` short in ``OPTIONS``: redis-py waits
    forever by default.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._retry_at = 0.0
        self._down = False
        self._where = ", ".join(_without_credentials(url) for url in self._servers)

    def _unreachable(self, error: Exception) -> None:
        self._retry_at = monotonic() + RETRY_INTERVAL_SECONDS
        if not self._down:
            self._down = True
            logger.warning(
                "The cache at %s is unreachable (%s): serving from the database, retrying every %g s.",
                self._where,
                error,
                RETRY_INTERVAL_SECONDS,
                extra={"cache_servers": self._where, "error": str(error)},
            )

    add = _degrading(RedisCache.add, _returning(False))
    get = _degrading(RedisCache.get, _the_default)
    set = _degrading(RedisCache.set, _returning(None))
    touch = _degrading(RedisCache.touch, _returning(False))
    delete = _degrading(RedisCache.delete, _returning(False))
    get_many = _degrading(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _degrading(RedisCache.has_key, _returning(False))
    incr = _degrading(RedisCache.incr, _no_such_key)  # decr() and incr_version() go through incr() and get()
    set_many = _degrading(RedisCache.set_many, _every_key_failed)
    delete_many = _degrading(RedisCache.delete_many, _returning(None))
    clear = _degrading(RedisCache.clear, _returning(False))


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
