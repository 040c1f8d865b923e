"""Newsdesk settings: one module, every deployment difference comes from the environment.

Variables (see README):
    DJANGO_SECRET_KEY      required unless DJANGO_DEBUG is on
    DJANGO_DEBUG           1/true/yes/on to enable debug (default: off)
    DJANGO_ALLOWED_HOSTS   comma-separated host names (default: localhost names)
    DATABASE_URL           e.g. postgres://user@host:5432/newsdesk (default: SQLite file)
    NEWSDESK_IMPORT_MAX_BYTES  largest article file the importer reads (default: 2 MiB)
"""

from pathlib import Path
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
    "providers",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (an import while editors work) need WAL, a busy timeout and
    # IMMEDIATE transactions, or they fail with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

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

# Topics are matched case-insensitively ("AI" and "ai" are one topic).
TAGGIT_CASE_INSENSITIVE = True

# The importer refuses larger files before reading them.
NEWSDESK_IMPORT_MAX_BYTES = env_int("NEWSDESK_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
# Files per write transaction.
NEWSDESK_IMPORT_BATCH_SIZE = env_int("NEWSDESK_IMPORT_BATCH_SIZE", 500)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Editorial admin -------------------------------------------------------------------

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

# --- REST API --------------------------------------------------------------------------
# Everything under /api/ answers in JSON, errors included (outermost, so it sees every error).
MIDDLEWARE = ["newsdesk.api_errors.ApiErrorMiddleware", *MIDDLEWARE]

REST_FRAMEWORK = {
    # Editors authenticate with a token (`python manage.py drf_create_token <user>`) or the admin session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Reading is open; writing needs the model permission (add_article, change_article).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["newsdesk.api_support.LimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "newsdesk.api_pagination.KeysetCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["newsdesk.api_support.AnonymousRateThrottle"],
    "DEFAULT_METADATA_CLASS": "newsdesk.api_support.MinimalMetadata",
    "DEFAULT_SCHEMA_CLASS": "newsdesk.api_schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "newsdesk.api_errors.api_exception_handler",
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
        "newsdesk.api_schema.describe_request_bodies",
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
