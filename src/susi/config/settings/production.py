"""Production: everything secret or host-specific comes from the environment.

Refuses to start with DEBUG on or without a SECRET_KEY.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production.")
    return value


DEBUG = os.environ.get("DEBUG", "").lower() in {"1", "true", "yes", "on"}
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
SECRET_KEY = _env("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _env("ALLOWED_HOSTS").split(",") if h.strip()]
DATABASES = {"default": dj_database_url.parse(_env("DATABASE_URL"), conn_max_age=60)}

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") != "0"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SUSI_DEMO_MODE = os.environ.get("SUSI_DEMO_MODE", "0") == "1"
SUSI_PSEUDONYM_KEY_FILE = os.environ.get("SUSI_PSEUDONYM_KEY_FILE") or None
SUSI_PSEUDONYM_KEY_AUTOCREATE = False
# The pseudonym key must be there before anything starts: a missing key is never replaced by a new one.
if not os.environ.get("SUSI_PSEUDONYM_KEY", "").strip():
    if not SUSI_PSEUDONYM_KEY_FILE:
        raise ImproperlyConfigured(
            "SUSI_PSEUDONYM_KEY or SUSI_PSEUDONYM_KEY_FILE must be set in the environment for production."
        )
    if not os.path.isfile(SUSI_PSEUDONYM_KEY_FILE):
        raise ImproperlyConfigured(
            f"The pseudonym key file {SUSI_PSEUDONYM_KEY_FILE} does not exist: restore it from the key backup "
            "(see docs/developers/security.md). A new key would give the same citizens new pseudonyms."
        )
