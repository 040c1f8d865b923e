"""``/healthz``: can this app server answer? Asked by load balancers every few seconds, so it stays cheap.

200 ``{"status": "ok", "checks": {"database": "ok", ...}}`` when every configured database
answers a trivial query and Redis (with ``REDIS_URL``) answers PING; otherwise 503 with
``"status": "unavailable"`` and ``"down"`` for each failing check. Why it failed is logged,
not returned: the endpoint is public. Never cached, and exempt from the HTTPS redirect
(``SECURE_REDIRECT_EXEMPT``): probes come over plain HTTP from inside the network.
"""

import logging

import redis
from django.conf import settings
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("newsdesk.health")

# Seconds: a probe must answer well within the load balancer's timeout even when Redis is gone.
REDIS_TIMEOUT = 0.5


def database_answers(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health check: database %r is down: %s", alias, error, extra={"check": alias})
        return False
    return True


def redis_answers(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT) as client:
            client.ping()
    except redis.RedisError as error:
        logger.warning("health check: redis is down: %s", error, extra={"check": "redis"})
        return False
    return True


@never_cache
@require_safe
def healthz(request):
    results = {"database" if alias == "default" else alias: database_answers(alias) for alias in connections}
    if settings.REDIS_URL:
        results["redis"] = redis_answers(settings.REDIS_URL)
    healthy = all(results.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": {name: "ok" if up else "down" for name, up in results.items()},
        },
        status=200 if healthy else 503,
    )
