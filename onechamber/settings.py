"""Settings for onechamber, read from the environment (django-environ)."""

import datetime as dt
import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Outside debug there is no default secret: a deployment must set its own.
SECRET_KEY = (
    env("DJANGO_SECRET_KEY", default="insecure-local-development-key")
    if DEBUG
    else env("DJANGO_SECRET_KEY")
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First, so that its ready() sets the admin's date field before the admin
    # registers the apps' model admins (see onechamber/apps.py).
    "onechamber",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "meetings",
    "workitems",
    "vaccination",
    # The API and the exports read every app but search.
    "api",
    # Reads every app (it indexes what their pages show), so it comes last and
    # no app imports it.
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "onechamber.middleware.NeverCacheMiddleware",
    "onechamber.middleware.RejectNulMiddleware",
    "onechamber.middleware.MethodNotAllowedMessageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onechamber.middleware.LoginRequiredMiddleware",
    # Records the request's user on every change's history (onechamber.history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lock-out into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onechamber.urls"

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
                "meetings.context_processors.portal",
            ],
        },
    },
]

# runserver's; gunicorn is given onechamber.wsgi, which checks its settings.
WSGI_APPLICATION = "onechamber.devserver.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# A connection kept for the next request of the same process (checked first):
# opening one (and SQLite's settings on it) cost more than a kept page's
# answer. `?conn_max_age=0` in DATABASE_URL opens one per request again.
if "conn_max_age" not in env.str("DATABASE_URL", default=""):
    DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several processes write (the web server's, the worker): each transaction
    # takes the write lock when it begins and waits for it, rather than failing
    # with "database is locked" when a read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user and address before the
    # password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation"
        ".UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes), for the portal's login and the admin's alike.
# A lock holds one user name from one address: a municipal office behind one
# address keeps logging in while one of its accounts is locked, and a lock
# always ends by itself after the cool-off (never a permanent lock).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("ONECHAMBER_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=env.int("ONECHAMBER_LOGIN_COOLOFF_MINUTES", default=15)
)
# Trying again while locked does not make the lock longer.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# Failures and lock-outs are still logged; not the start-up banner of every command.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "onechamber.views.lockout"
# Behind reverse proxies, the client's address is the one the proxy nearest
# the clients put in X-Forwarded-For: ONECHAMBER_PROXY_COUNT is how many proxies
# stand in front of the portal, each adding the address it saw (nginx's
# $proxy_add_x_forwarded_for). 0: the portal faces the clients itself and
# X-Forwarded-For, which anyone can send, is never read.
ONECHAMBER_PROXY_COUNT = env.int("ONECHAMBER_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "onechamber.security.client_address"

# Password reset mails a link: offered only where the portal can send mail
# (DJANGO_EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.lg.jp:587).
# Without it the reset pages answer 404 and the login page shows no link.
if env("DJANGO_EMAIL_URL", default=""):
    vars().update(env.email_url("DJANGO_EMAIL_URL"))
    ONECHAMBER_PASSWORD_RESET = True
else:
    ONECHAMBER_PASSWORD_RESET = False
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="webmaster@localhost")

# A form sent after its CSRF token expired gets a Japanese page that says what to do.
CSRF_FAILURE_VIEW = "onechamber.views.csrf_failure"

LANGUAGE_CODE = "ja"
# Japanese only: an office PC whose browser asks for English still gets the
# admin's own words (ホーム, 追加, 保存) in Japanese, like the rest of the portal.
LANGUAGES = [("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Distributed editions of the packet: kept for ever, served only through
    # the portal's permission check, never as public media.
    "editions": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.path(
                "ONECHAMBER_EDITIONS_ROOT", default=BASE_DIR / "editions"
            )
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Years a person may type in a date or a fiscal year, everywhere (forms, admin,
# imports): the portal's records are of this era and the next.
ONECHAMBER_MIN_YEAR = 1900
ONECHAMBER_MAX_YEAR = 2099

# The audit history (django-simple-history, see onechamber/history.py): read
# only in the admin, and a change's reason as long as it needs.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Background tasks (building packet editions): django-tasks with its database
# backend, so one `manage.py run_worker` beside the server is all it needs. A
# broker backend (django-tasks-rq, …) replaces it through this setting alone.
TASKS = {
    "default": {
        "BACKEND": env(
            "ONECHAMBER_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
# A build whose worker has not reported for this many seconds is taken up again
# by the next worker that starts (its worker was killed).
EDITION_STALE_SECONDS = env.int("ONECHAMBER_EDITION_STALE_SECONDS", default=120)

# The search index's engine: empty for the database's own (SQLite FTS5 or
# PostgreSQL full text search), else the dotted path of a class like those of
# search.backends.
ONECHAMBER_SEARCH_BACKEND = env("ONECHAMBER_SEARCH_BACKEND", default="")

# The cache of rendered portal pages, the calendar feed and the packet's
# lookups: each process's memory by default; a deployment with several
# servers points CACHE_URL at a shared one (redis://…, memcache://…).
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://onechamber"),
}
CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 2000)
# How long a rendered portal page is kept at most (onechamber/pagecache.py).
PAGE_CACHE_SECONDS = env.int("ONECHAMBER_PAGE_CACHE_SECONDS", default=300)

# Uploaded PDF materials: the largest file accepted, in megabytes.
MATERIAL_MAX_UPLOAD_MB = env.int("ONECHAMBER_MATERIAL_MAX_UPLOAD_MB", default=20)
# Photos and figures of highlights (onechamber/images.py): the largest file,
# the most pixels a file may declare (refused before it is decoded) and the
# longest side it is stored at.
IMAGE_MAX_UPLOAD_MB = env.int("ONECHAMBER_IMAGE_MAX_UPLOAD_MB", default=10)
IMAGE_MAX_PIXELS = env.int("ONECHAMBER_IMAGE_MAX_PIXELS", default=40_000_000)
IMAGE_MAX_SIDE = 2000
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# What an uploaded PDF may cost the packet (meetings.packet.pdfcheck): pages,
# bytes its content streams and images decode to in all and on one page, and
# how deep its objects and Form XObjects nest. A small file can decode to
# gigabytes, so the file size alone bounds nothing.
PDF_MAX_PAGES = env.int("ONECHAMBER_PDF_MAX_PAGES", default=500)
PDF_MAX_DECOMPRESSED_MB = env.int("ONECHAMBER_PDF_MAX_DECOMPRESSED_MB", default=200)
PDF_MAX_PAGE_DECOMPRESSED_MB = env.int(
    "ONECHAMBER_PDF_MAX_PAGE_DECOMPRESSED_MB", default=50
)
PDF_MAX_DEPTH = env.int("ONECHAMBER_PDF_MAX_DEPTH", default=12)

# Signing distributed PDFs (meetings/signing.py): a PKCS#12 file, or a PEM key
# and certificate with an optional PEM chain; the passphrase opens either. Empty
# means files go out unsigned. Paths and passphrase come from the environment
# (or a secret manager), never from the repository.
ONECHAMBER_SIGNING_PKCS12 = env("ONECHAMBER_SIGNING_PKCS12", default="")
ONECHAMBER_SIGNING_KEY = env("ONECHAMBER_SIGNING_KEY", default="")
ONECHAMBER_SIGNING_CERT = env("ONECHAMBER_SIGNING_CERT", default="")
ONECHAMBER_SIGNING_CHAIN = env("ONECHAMBER_SIGNING_CHAIN", default="")
# Read as it is: django-environ takes a value starting with "$" for the name of
# another variable, and a generated passphrase may well start with one.
ONECHAMBER_SIGNING_PASSPHRASE = os.environ.get("ONECHAMBER_SIGNING_PASSPHRASE", "")
# An RFC 3161 time-stamping authority; empty: no timestamp.
ONECHAMBER_SIGNING_TSA_URL = env("ONECHAMBER_SIGNING_TSA_URL", default="")

SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS only, outside debug. Behind a proxy that terminates TLS, name the
# header by which it tells the scheme (DJANGO_SECURE_PROXY_SSL_HEADER=
# X-Forwarded-Proto; the proxy must set it, overwriting what a client sent), or
# the redirect loops.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
_proxy_ssl_header = env("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )
SECURE_HSTS_SECONDS = env.int(
    "DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Preloading is the decision of whoever holds the registrable domain (the
# municipality's lg.jp name), not of one portal under it: not warned about.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content Security Policy (django-csp) on every response: scripts and
# everything else only from the portal itself, nothing inline. Styles allow
# inline `style=` attributes: the admin's templates and widgets set a few, and
# the portal's tables share their column widths with the PDFs (WeasyPrint).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Formulae are guarded per cell by the resources (onechamber.spreadsheets): the
# library's own setting strips one leading "=" only and makes every cell text.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Import and export are the model's own permissions, not "any staff user":
# import needs add (and, in HeadquartersScopedAdmin, change: an import updates
# existing rows), export needs view.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
# The files the secretariat has (onechamber.admin_import sets them on every
# admin): CSV in UTF-8, UTF-8 with BOM or CP932, and .xlsx.
# Limits of one imported file (a file past one gets a message, not a 500).
IMPORT_MAX_BYTES = env.int("ONECHAMBER_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("ONECHAMBER_IMPORT_MAX_ROWS", default=5000)
IMPORT_MAX_CELL_CHARS = env.int("ONECHAMBER_IMPORT_MAX_CELL_CHARS", default=2000)
IMPORT_MAX_COLUMNS = 100
# A file kept between an import's preview and its confirm step is removed
# then; one whose preview was never confirmed is swept after this many seconds.
IMPORT_TMP_MAX_AGE = 3600
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
