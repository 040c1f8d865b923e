"""Newsdesk settings: one module, every deployment difference comes from the environment.

Variables (see README):
    DJANGO_SECRET_KEY      required unless DJANGO_DEBUG is on
    DJANGO_DEBUG           1/true/yes/on to enable debug (default: off)
    DJANGO_ALLOWED_HOSTS   comma-separated host names (default: localhost names)
    DATABASE_URL           e.g. postgres://user@host:5432/newsdesk (default: SQLite file)
    NEWSDESK_IMPORT_MAX_BYTES  largest article file the importer reads (default: 2 MiB)
    NEWSDESK_STORY_CLUSTERING  0 stops imports from grouping articles into stories (default: 1)
    DJANGO_CSRF_TRUSTED_ORIGINS, DJANGO_SECURE_*, DATABASE_REPLICA_URL, NEWSDESK_LOG_FORMAT, ...:
                           production serving, every one in docs/deploy.md
    REDIS_URL              e.g. redis://host:6379/0: one cache shared by every app server (default: per process)
    NEWSDESK_CACHE_SECONDS how long public listings, feeds and API lists are cached (default: 30; 0 turns it off)
    NEWSDESK_LOGIN_FAILURE_LIMIT, NEWSDESK_LOGIN_COOLOFF_MINUTES, NEWSDESK_LOGIN_THROTTLE: the login throttle
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    normalised = value.strip().lower()
    if normalised in {"1", "true", "yes", "on"}:
        return True
    if normalised in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "corsheaders",
    "taggit",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "providers",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Answers /static/ requests itself, before anything below does work for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsdesk.middleware.ReplicaReadsMiddleware",
    "newsdesk.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "newsdesk.wsgi.application"

# Connections are kept for a minute (per gunicorn thread) and checked before reuse: opening a
# PostgreSQL connection per request costs more than most of our pages.
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=DATABASE_CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (an import while editors work) need WAL, a busy timeout and
    # IMMEDIATE transactions, or they fail with "database is locked". WAL also lets readers
    # go on while an import's batch transaction is open (tests/newsdesk/test_db_router.py).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# A PostgreSQL streaming replica for the reads of anonymous GET requests; all else uses the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True),
        # Tests have no replica: a second connection to the test database stands in for it.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["newsdesk.db_router.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside debug, `collectstatic` (make serve) writes content-hashed copies with .gz and .br
# versions into STATIC_ROOT, and whitenoise serves them from gunicorn, cached for ever. Hashed
# names need the manifest collectstatic writes, so debug and the test suite (pyproject.toml's pytest section: no
# build step before pytest) keep plain names, and whitenoise finds files where runserver does.
NEWSDESK_STATIC_MANIFEST = env_bool("NEWSDESK_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if NEWSDESK_STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not NEWSDESK_STATIC_MANIFEST
# Templates only ever link hashed names, so the plain copies are dropped; source maps are only
# fetched by developer tools. Together they more than halve collectstatic's compression work.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Topics are matched case-insensitively ("AI" and "ai" are one topic).
TAGGIT_CASE_INSENSITIVE = True

# The importer refuses larger files before reading them.
NEWSDESK_IMPORT_MAX_BYTES = env_int("NEWSDESK_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
# Files per write transaction.
NEWSDESK_IMPORT_BATCH_SIZE = env_int("NEWSDESK_IMPORT_BATCH_SIZE", 500)
# Imports group the articles that report one event into stories; 0 leaves each in a story of its own.
NEWSDESK_STORY_CLUSTERING = env_bool("NEWSDESK_STORY_CLUSTERING", default=True)

# One record per line on stderr: a JSON object in production, text in debug (newsdesk.logging).
# newsdesk.request logs every request; newsdesk.import and newsdesk.editorial what they did,
# their `extra` fields as keys of their own.
NEWSDESK_LOG_FORMAT = os.environ.get("NEWSDESK_LOG_FORMAT", "").strip().lower() or ("text" if DEBUG else "json")
if NEWSDESK_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"NEWSDESK_LOG_FORMAT must be json or text; got {NEWSDESK_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "newsdesk.logging.JsonFormatter"},
        "text": {"()": "newsdesk.logging.TextFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": NEWSDESK_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Django's default handlers replaced: its errors and tracebacks go through the one above.
        "django": {"level": "INFO"},
        # runserver's request lines repeat newsdesk.request's; its warnings (4xx, 5xx) stay.
        "django.server": {"level": "WARNING"},
        "newsdesk": {"level": os.environ.get("NEWSDESK_LOG_LEVEL", "INFO").strip().upper()},
    },
}

# --- Editorial admin -------------------------------------------------------------------

# Password guessing (newsdesk.login_throttle, django-axes): after NEWSDESK_LOGIN_FAILURE_LIMIT failed
# logins for one user name from one client address, that pair is refused for the cool-off, the
# right password included; a successful login clears the count. Counted in the database, so every
# app server agrees; the address is the request log's (X-Forwarded-For through NEWSDESK_API_NUM_PROXIES).
AUTHENTICATION_BACKENDS = ["newsdesk.login_throttle.LoginThrottleBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = env_bool("NEWSDESK_LOGIN_THROTTLE", default=True)
AXES_FAILURE_LIMIT = env_int("NEWSDESK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NEWSDESK_LOGIN_COOLOFF_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME <= timedelta(0):
    raise ImproperlyConfigured("NEWSDESK_LOGIN_FAILURE_LIMIT and NEWSDESK_LOGIN_COOLOFF_MINUTES must be at least 1.")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "newsdesk.login_throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "newsdesk.login_throttle.lockout_response"
# Every failure kept (Admin › Axes › Access failures), besides the running counts and the log lines.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The log lines name the user name and address (django-axes masks them by default): they are what an
# operator acts on, and the records above hold both anyway. Passwords are always masked.
AXES_SENSITIVE_PARAMETERS: list[str] = []

# --- Public site -----------------------------------------------------------------------

# Articles per listing page, and the deepest page served: an OFFSET walks the index, so
# /?page=999999 would cost a scan; older articles stay reachable by topic, provider and sitemap.
NEWSDESK_SITE_PAGE_SIZE = 20
NEWSDESK_SITE_MAX_PAGE = 500
NEWSDESK_FEED_ITEMS = 50
NEWSDESK_SITEMAP_ARTICLES_PER_PAGE = 10_000
NEWSDESK_SEARCH_MAX_LENGTH = 200
# Part of every page's ETag: set it per deploy (e.g. the commit) so pages rendered by older code revalidate.
NEWSDESK_RELEASE = os.environ.get("NEWSDESK_RELEASE", "")

# Content-Security-Policy of every response (newsdesk.middleware): no inline script or style anywhere.
NEWSDESK_CSP = {
    "default-src": "'self'",
    "img-src": "'self' https: data:",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# Narrow, per-path exceptions: {path prefix: {directive: value}} replaces those directives only.
NEWSDESK_CSP_PATH_OVERRIDES: dict[str, dict[str, str]] = {
    # drf-spectacular's swagger_ui.html has one fixed inline <style> block (three layout rules):
    # allowed by its exact hash, on the docs page only. Scripts stay 'self' there too.
    "/api/v1/docs/": {"style-src": "'self' 'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"},
}

# --- Cache -----------------------------------------------------------------------------
# With REDIS_URL (e.g. redis://cache.internal:6379/0) every app server shares one cache; without it each
# process has its own. An unreachable Redis is a cache miss, never an error (newsdesk.caching).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsdesk.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsdesk",
            # Seconds. redis-py waits forever by default; a dead server must cost milliseconds.
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "newsdesk"}}
# How long anonymous listings, feeds and API lists are served from the cache (0: never). Editorial changes show
# at once; anything else within this bound (README, "Cache").
NEWSDESK_CACHE_SECONDS = env_int("NEWSDESK_CACHE_SECONDS", 30)
# After the security and CSP middleware, before sessions and CORS: see newsdesk.caching.CatalogueCacheMiddleware.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "newsdesk.caching.CatalogueCacheMiddleware",
)

# --- Compression -----------------------------------------------------------------------
# Brotli or gzip for what anonymous readers get (pages, feeds, sitemaps, API JSON); never a response to
# someone signed in or one that sets a cookie, such as a page with a CSRF token (BREACH: newsdesk.compression).
# Inside the response cache, which so keeps compressed copies; outside everything that makes a body.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "newsdesk.compression.CompressionMiddleware",
)

# --- REST API --------------------------------------------------------------------------
# Everything under /api/ answers in JSON, errors included (outermost, so it sees every error).
MIDDLEWARE = ["newsdesk.api.errors.ApiErrorMiddleware", *MIDDLEWARE]

REST_FRAMEWORK = {
    # Editors authenticate with a token (`python manage.py drf_create_token <user>`) or the admin session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Reading is open; writing needs the model permission (add_article, change_article).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["newsdesk.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["newsdesk.api.parsers.LimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "newsdesk.api.pagination.KeysetCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["newsdesk.api.support.AnonymousRateThrottle"],
    "DEFAULT_METADATA_CLASS": "newsdesk.api.support.MinimalMetadata",
    "DEFAULT_SCHEMA_CLASS": "newsdesk.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "newsdesk.api.errors.api_exception_handler",
    # Rate limits count REMOTE_ADDR unless told how many proxies put X-Forwarded-For in front of it.
    "NUM_PROXIES": env_int("NEWSDESK_API_NUM_PROXIES", 0),
}
# Requests per period for each anonymous address ("120/minute", "10/second"…); "off" for none.
NEWSDESK_API_ANON_RATE = os.environ.get("NEWSDESK_API_ANON_RATE", "120/minute").strip() or None
if NEWSDESK_API_ANON_RATE and NEWSDESK_API_ANON_RATE.lower() in {"off", "none", "0"}:
    NEWSDESK_API_ANON_RATE = None

SPECTACULAR_SETTINGS = {
    "TITLE": "Newsdesk API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "The Newsdesk catalogue: articles, providers and topics, as JSON.\n\n"
        "**Reading** needs no account: anonymous callers see published articles only, and are rate "
        "limited (429 with `Retry-After`). Lists are cursor-paginated: follow `next`.\n\n"
        "**Editors** (users with the articles permissions, e.g. the Editors group) see every article, "
        "can publish, hold back and score articles (`PATCH`, audited) and ingest new ones (`POST`). "
        "They authenticate with the admin session or a token, sent as `Authorization: Token <key>`; "
        "an administrator issues one with `python manage.py drf_create_token <username>`.\n\n"
        "Every response to a GET has an `ETag`; send it back in `If-None-Match` to get a 304. "
        "Errors are JSON: `{status, code, detail, errors?}`."
    ),
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "newsdesk.api.schema.describe_request_bodies",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation page's assets are served from here (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True},
}

# Read-only CORS for the API, from any origin, without credentials.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "if-none-match", "user-agent"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]

# --- Production: HTTPS behind a load balancer, request log (docs/deploy.md) ----------------
# TLS ends at the load balancer, which sets X-Forwarded-Proto (replacing any a client sent);
# app servers are reachable only through it. Outside debug every default is HTTPS-only, so a
# forgotten variable fails safe, and `manage.py check --deploy` is silent (tests/newsdesk/test_deploy.py).
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The test client speaks plain HTTP: pyproject.toml's pytest section turns the redirect off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe app servers over plain HTTP
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
# Browsers remember HSTS for max-age: on a first deploy start with minutes, then raise it to the year.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading binds every subdomain of the registrable domain and takes months to undo: its
# owner opts in (then submits it to hstspreload.org); until then check --deploy need not ask.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Django's defaults, stated so that loosening one is a visible change.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Outermost, so its duration and status cover everything that answered.
MIDDLEWARE = ["newsdesk.middleware.RequestLogMiddleware", *MIDDLEWARE]
# Innermost, as django-axes asks: it turns a refused login into the lockout page.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
