"""Settings for toeslagen-vm, driven by environment variables with safe local defaults."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean from the environment ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

# DJANGO_PRODUCTION=true switches on every production safeguard below (see README).
PRODUCTION = env_bool("DJANGO_PRODUCTION", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production (DJANGO_PRODUCTION=true).")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    # Only for local use and tests: never valid behind a real host name.
    SECRET_KEY = "insecure-local-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "measures.admin_site.BeheerAdminConfig",  # django.contrib.admin, index grouped by task
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    "csp",
    "import_export",
    "axes",
    "measures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the site's policy built once (see the class).
    "toeslagen_vm.middleware.SitePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed only where BREACH cannot read a secret from it (see the class).
    "toeslagen_vm.middleware.SafeGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "toeslagen_vm.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL in the address: a 400 before any view or query (PostgreSQL refuses NUL in text).
    "toeslagen_vm.middleware.RefuseNulMiddleware",
    # Every PDF slot of this process taken: 503 with Retry-After (measures.documents).
    "toeslagen_vm.middleware.RendererBusyMiddleware",
    # Django's, with the message store made only when used (see the class).
    "toeslagen_vm.middleware.MessagesWhenUsedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "toeslagen_vm.urls"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "toeslagen_vm.wsgi.application"

# Embedded default: a SQLite file in the checkout; DATABASE_URL=postgres://... for PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept (DJANGO_CONN_MAX_AGE) on SQLite too: every page reads the data
    # version, and opening the file again for each request cost more than the cached page.
    # Every transaction takes the write lock when it starts, and a second writer waits for it
    # (up to `timeout` seconds) instead of failing with "database is locked": of two people
    # saving one row at once, the second then gets the normal conflict message.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
        **DATABASES["default"].get("OPTIONS", {}),
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = ":memory:"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default; REDIS_URL makes several app servers share one cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "toeslagen-vm"),
            "TIMEOUT": 60 * 60 * 24,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "toeslagen-vm",
            "TIMEOUT": 60 * 60 * 24,
        }
    }

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "measures.auth.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
# One screen format for dates in both languages: the bijlage's dd/mm/jjjj (toeslagen_vm/formats).
FORMAT_MODULE_PATH = ["toeslagen_vm.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_MANIFEST_STATIC", default=PRODUCTION)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The site's own login page (Django's LoginView); after signing in or out, back to `next`
# (only on this site), else to the overview.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "measures:overview"
LOGOUT_REDIRECT_URL = "measures:overview"

# Flat lists (the measure register) render with the site's django-tables2 template.
DJANGO_TABLES2_TEMPLATE = "measures/tables/table.html"

# E-mail (the reminders of a reporting round, `manage.py send_round_reminders`): SMTP when
# DJANGO_EMAIL_HOST is set, otherwise the mails are written to standard output.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", default=False)  # implicit TLS, usually 465
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_EMAIL_FROM", "verbetermaatregelen@localhost")
# The address of the site as people open it, for the links in e-mails.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Reminders go this many days before a round's deadline, and on the day itself.
ROUND_REMINDER_DAYS = int(os.environ.get("ROUND_REMINDER_DAYS", "3"))

# Overview paging: the page lists this many rows; exports always contain all rows.
OVERVIEW_PAGE_SIZE = int(os.environ.get("OVERVIEW_PAGE_SIZE", "100"))
# Parliament is informed first: visitors who are not signed in see only published reports.
# DJANGO_PUBLIC_LIVE_STATE=true shows everyone the live state (e.g. an internal deployment).
PUBLIC_LIVE_STATE = env_bool("DJANGO_PUBLIC_LIVE_STATE", default=False)

# Security. Every value can be set from the environment; DJANGO_PRODUCTION=true gives the safe
# production defaults, so `manage.py check --deploy` reports nothing (tests/test_production.py).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
# The load balancer probes /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365) if PRODUCTION else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy: DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
# (only when the proxy always sets or strips that header, or clients could fake HTTPS).
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    _header, _, _value = os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"].partition(",")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", default=False)

# Content-Security-Policy (django-csp 4): no inline script or style anywhere. A standalone
# download with its own <style> sets its own policy (measures.documents); django-csp keeps it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for the same user name
# from the same address, that combination is locked for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "measures.auth.lockout_response"
# Behind a load balancer the address is the client's from X-Forwarded-For, but only on
# requests from the balancer itself: FORWARDED_ALLOW_IPS, the same variable (and default) as
# gunicorn's --forwarded-allow-ips in `make serve` (addresses or networks, comma separated).
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", "127.0.0.1")
AXES_CLIENT_IP_CALLABLE = "measures.auth.client_ip"
AXES_HTTP_RESPONSE_CODE = 429

# History is data: nobody reverts or edits it through the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Import needs the right to change rows, export the right to view them.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Spreadsheet import (admin): limits that keep one upload within the request time and memory.
# 5,000 lines, every one changed, confirm in 15 s (CSV) to 17 s (XLSX) (bench/import_bench.py): well
# within the 30 s of a request. 10,000 took about 44 s.
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "5000"))
# An upload waits this long (in the database) for its confirmation.
IMPORT_PENDING_MINUTES = int(os.environ.get("IMPORT_PENDING_MINUTES", "60"))

# PDFs (WeasyPrint, 0.5-2 s of CPU each): at most this many at once per process; a request
# waits up to PDF_WAIT_SECONDS for a slot, else 503 with Retry-After. A published report's
# documents are rendered once and then come from the cache (measures/report_views.py).
PDF_MAX_CONCURRENT = int(os.environ.get("PDF_MAX_CONCURRENT", "1"))
PDF_WAIT_SECONDS = float(os.environ.get("PDF_WAIT_SECONDS", "5"))
PDF_RETRY_AFTER_SECONDS = int(os.environ.get("PDF_RETRY_AFTER_SECONDS", "10"))

# Logging: JSON lines on standard error (toeslagen_vm/logs.py), which gunicorn and systemd or
# the container runtime collect. Every 4xx/5xx with method, path, status and user id; a 500
# with its traceback. No query strings, cookies, headers or request bodies.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "toeslagen_vm.logs.JsonLinesFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
        }
    },
    # Libraries (WeasyPrint's progress, fontTools) only when something is wrong.
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        # Django's own handlers (the console in DEBUG, mail to ADMINS) are replaced by ours.
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        # Every SQL statement at DEBUG would carry the data itself: never below INFO.
        "django.db.backends": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "measures": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        # Each PDF warns about CSS it does not know (print-color-adjust): not news.
        "weasyprint": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
    },
}
