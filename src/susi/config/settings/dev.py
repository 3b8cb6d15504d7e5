"""Local development: SQLite in var/, debug on, demo logins shown."""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
SECRET_KEY = "dev-only-not-secret-5f0c1f7e"  # noqa: S105 - development only
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "susi.sqlite3"}}
SUSI_DEMO_MODE = True
SUSI_PSEUDONYM_KEY_FILE = VAR_DIR / "pseudonym.key"
SUSI_PSEUDONYM_KEY_AUTOCREATE = True  # a fresh local database gets a key; never in production
