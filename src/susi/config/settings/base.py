"""Settings shared by every environment. Environment-specific files import * from here."""

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
    "django_tasks",
    "django_tasks_db",
    "susi.web",
    "susi.organisations",
    "susi.accounts",
    "susi.portfolio",
    "susi.som",
    "susi.evidence",
    "susi.outcomes",
    "susi.jobs",
]

MIDDLEWARE = [
    "susi.web.logs.RequestLogMiddleware",  # first: the request id and the duration cover everything
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "susi.web.middleware.DanishFirstLocaleMiddleware",
    "susi.web.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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

# Login throttling: five failures lock the username+address pair for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
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

# The key for CPR pseudonyms is never in the database or the repository: it comes from the
# environment (SUSI_PSEUDONYM_KEY) or from a key file (SUSI_PSEUDONYM_KEY_FILE).
SUSI_PSEUDONYM_KEY_FILE = None

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
