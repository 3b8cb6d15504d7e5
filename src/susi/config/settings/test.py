"""The test suite: SQLite in memory, or PostgreSQL when DATABASE_URL is set (CI runs both)."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret-2b9d"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["*"]
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
# Fast hashing in tests; production uses Argon2 (tested separately).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SUSI_DEMO_MODE = True
# Each parallel test worker (pytest-xdist) gets its own files, as it gets its own database.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = VAR_DIR / f"test-{_WORKER}" / "media"
SUSI_PSEUDONYM_KEY_FILE = VAR_DIR / f"test-{_WORKER}" / "pseudonym.key"
SUSI_PSEUDONYM_KEY_AUTOCREATE = True  # a fresh local database gets a key; never in production
SUSI_OUTCOMES_STAGING_DIR = VAR_DIR / f"test-{_WORKER}" / "outcomes-staging"
AXES_ENABLED = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Jobs run at once, in the test's own process and transaction; the kill -9 test starts a real worker.
if os.environ.get("SUSI_TEST_REAL_QUEUE"):
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "jobs": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / f"test-{_WORKER}" / "jobs-progress",
    },
    # A saved SØM calculation's charts, drawn once (susi.som.chart_cache); shared by every process of a machine.
    "som": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / f"test-{_WORKER}" / "som-charts",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
SUSI_JOBS_PROGRESS_HOOK = os.environ.get("SUSI_JOBS_PROGRESS_HOOK") or None
