"""Settings shared by every environment. Environment-specific files import * from here."""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/susi
BASE_DIR = PACKAGE_DIR.parents[1]  # repository root
VAR_DIR = BASE_DIR / "var"  # local, git-ignored state: SQLite file, uploads, keys

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "csp",
    "ninja",  # serves django-ninja's bundled Swagger UI from our static files instead of a CDN
    "django_tasks",
    "django_tasks_db",
    "susi.web",
    "susi.organisations",
    "susi.accounts",
    "susi.portfolio",
    "susi.som",
    "susi.evidence",
    "susi.outcomes",
    "susi.rounds",
    "susi.jobs",
    "susi.dissemination",
]

MIDDLEWARE = [
    "susi.web.logs.RequestLogMiddleware",  # first: the request id and the duration cover everything
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "susi.web.middleware.DanishFirstLocaleMiddleware",
    "susi.web.middleware.RequestSizeLimitMiddleware",
    "susi.web.api_errors.ApiJsonErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "susi.accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "susi.config.urls"
WSGI_APPLICATION = "susi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "susi.web.context_processors.site",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio:board"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling: five failures lock the username (from any address) and, separately, the address (whatever
# usernames it tries: password spraying) for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address: REMOTE_ADDR, unless the request comes from one of SUSI_TRUSTED_PROXIES (addresses or
# networks, e.g. the nginx in front), in which case the address that proxy wrote into SUSI_CLIENT_IP_HEADER.
AXES_CLIENT_IP_CALLABLE = "susi.accounts.client_address.client_ip"
SUSI_TRUSTED_PROXIES: list[str] = []
SUSI_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"

# Sessions end after 30 minutes without a request and, whatever the activity, 12 hours after login
# (OWASP ASVS 3.3). The cookie itself never outlives the absolute lifetime.
SUSI_SESSION_IDLE_TIMEOUT = 30 * 60  # seconds
SUSI_SESSION_ABSOLUTE_LIFETIME = 12 * 60 * 60  # seconds
SESSION_COOKIE_AGE = SUSI_SESSION_ABSOLUTE_LIFETIME

# Password reset mails; production sets a real backend and sender through the environment.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "SUSI <noreply@localhost>"
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Dates as the users write them: "1. dec. 2026" (Danish), "1 Dec. 2026" (English); see config/formats/.
FORMAT_MODULE_PATH = ["susi.config.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content-Security-Policy on every response: nothing inline, nothing from another host. Charts are inline SVG
# with presentation attributes (no style attributes), htmx's indicator styles live in susi.css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded files are private: no URL serves MEDIA_ROOT; a permission-checked view hands each file over
# (susi.web.files). "django" streams it; "x-accel-redirect" (nginx: an internal location at
# SUSI_X_ACCEL_PREFIX aliased to MEDIA_ROOT) or "x-sendfile" (Apache/lighttpd) lets the web server send it.
SUSI_PRIVATE_FILE_SERVING = "django"
SUSI_X_ACCEL_PREFIX = "/protected-media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Uploads. The largest file each kind of upload accepts (bytes); a larger one is refused with a sentence
# and changes nothing. A request body larger than SUSI_MAX_REQUEST_BYTES is refused before Django reads it
# (susi.web.middleware.RequestSizeLimitMiddleware). Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE are spooled
# to a temporary file instead of memory; DATA_UPLOAD_MAX_MEMORY_SIZE bounds the non-file part of a form.
SUSI_UPLOAD_LIMITS = {
    "outcomes": 50 * 1024 * 1024,  # outcome and delivery files (100,000 rows of CSV is about 6 MB)
    "knowledge": 20 * 1024 * 1024,  # the SØM knowledge workbook
    "evidence": 5 * 1024 * 1024,  # a table of studies
    "products": 50 * 1024 * 1024,  # reports and descriptions (PDF, Word)
}
SUSI_MAX_REQUEST_BYTES = max(SUSI_UPLOAD_LIMITS.values()) + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Demo mode shows the demo logins on the login page. Off unless an environment turns it on.
SUSI_DEMO_MODE = False

# Gate suggestions: override any threshold of susi.engines.phases.suggestions.Thresholds by its name, e.g.
# {"demand_per_place_met": 1.5}. The defaults and their meaning: docs/developers/phase-rules.md.
SUSI_GATE_SUGGESTION_THRESHOLDS: dict = {}

# The key for CPR pseudonyms is never in the database or the repository: it comes from the
# environment (SUSI_PSEUDONYM_KEY) or from a key file (SUSI_PSEUDONYM_KEY_FILE).
SUSI_PSEUDONYM_KEY_FILE = None
# Create a missing key file (only while the database holds no key fingerprint): development and tests only.
SUSI_PSEUDONYM_KEY_AUTOCREATE = False

# An outcome import waiting in preview keeps its pseudonymised rows in a staging file; after this many hours
# the preview expires (it can no longer be imported) and `susi outcomes purge-staging` removes the file.
SUSI_OUTCOMES_STAGING_MAX_AGE_HOURS = 72
# Outcome and delivery files (clear CPR numbers) are received in memory, never in a temporary file: at most this.
SUSI_CITIZEN_UPLOAD_MAX_BYTES = 100 * 1024 * 1024

# One JSON object per line with request_id / job_id (docs/developers/logs.md); never personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "susi.web.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "susi": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 500

# Background jobs (docs/developers/jobs.md): django-tasks with its database backend; jobs wait in this
# database, workers run `susi worker` (on any number of machines). Tests run jobs immediately.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Job progress is written outside the job's transaction, so a page can poll it while the job writes. A file
# cache works for every process on one machine; with workers on several machines point "jobs" at a shared
# cache: Django's RedisCache (not DatabaseCache: it would write inside the job's own transaction).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "jobs": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "jobs-progress",
    },
    # A saved SØM calculation's charts, drawn once (susi.som.chart_cache); shared by every process of a machine.
    "som": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "som-charts",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# A function called with (job_id, done, total) on every progress report (tests use it to stop a worker mid-job).
SUSI_JOBS_PROGRESS_HOOK = None

# How an outcome import writes new rows on PostgreSQL: "copy" (COPY ... FROM STDIN, the default) or "insert"
# (parameterised INSERTs, for a connection pooler that cannot pass COPY through). SQLite always uses INSERTs.
SUSI_BULK_WRITE = os.environ.get("SUSI_BULK_WRITE", "copy")
