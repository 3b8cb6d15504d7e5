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
# The preload token only allows the domain owner to submit the domain to the browsers' HSTS preload list.
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health probes talk to the server directly over HTTP (compose, a load balancer): no redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SUSI_DEMO_MODE = os.environ.get("SUSI_DEMO_MODE", "0") == "1"
SUSI_PSEUDONYM_KEY_FILE = os.environ.get("SUSI_PSEUDONYM_KEY_FILE") or None

MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
# Static files: WhiteNoise serves them from STATIC_ROOT (after `collectstatic`) with hashed names, so they can
# be cached for ever; a fronting nginx may serve STATIC_ROOT itself instead.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_ROOT = os.environ.get("STATIC_ROOT") or STATIC_ROOT  # noqa: F405
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or MEDIA_ROOT  # noqa: F405

# With web servers and job workers on several machines, the job progress (and the default cache) live in Redis:
# REDIS_URL=redis://host:6379/0. Without it each machine keeps its own file cache (one machine only).
if os.environ.get("REDIS_URL"):
    CACHES = {
        **CACHES,  # noqa: F405
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        },
        "jobs": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "susi-jobs",
        },
    }

# Login throttling behind the proxy: the proxies whose X-Real-IP header is believed (comma-separated addresses
# or networks; empty when nothing fronts the server).
SUSI_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("SUSI_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Password-reset mail through the organisation's SMTP relay.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Product files: "x-accel-redirect" behind the documented nginx (internal /protected-media/ location).
SUSI_PRIVATE_FILE_SERVING = os.environ.get("SUSI_PRIVATE_FILE_SERVING", "django")
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
