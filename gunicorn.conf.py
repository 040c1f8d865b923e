"""gunicorn's configuration (read from the working directory): `make serve`, or `.venv/bin/gunicorn` on an app server.

Every value can be changed per server through the environment (docs/deploy.md) or, for
one-off runs, GUNICORN_CMD_ARGS.
"""

import os

from gunicorn.glogging import Logger

from newsdesk.logging import JsonFormatter

wsgi_app = "newsdesk.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Processes: gunicorn's rule of thumb, 2 per core plus one, over the cores this process may use
# (a container's or a CPU set's, not the host's). Threads let a worker overlap its database and
# Redis waits; each thread holds its own database connection.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)) + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"

# Seconds. A request still running after `timeout` is a stuck worker: it is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # a restart lets requests in flight finish this long
# Idle keep-alive connections from the load balancer; keep it above the balancer's own idle timeout.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Workers are replaced now and then (staggered), so slow leaks never add up.
max_requests = 2000
max_requests_jitter = 200
# The workers' heartbeat files: in memory, since a slow disk would look like a stuck worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicornc's socket has one path per user, which a second gunicorn on the machine would take
# over; servers are managed with signals (systemd: `kill -HUP` to reload) instead.
control_socket_disable = True

# No access log: the application logs every request itself, with the user and the client
# behind the proxy (newsdesk.request). gunicorn's own lines (start, worker exits) go to stderr,
# as JSON like the application's unless NEWSDESK_LOG_FORMAT=text.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class JsonLinesLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())


if os.environ.get("NEWSDESK_LOG_FORMAT", "json").strip().lower() != "text":
    logger_class = JsonLinesLogger
