"""Personal API tokens: issue, revoke, and authenticate an API request by one (issue 15, integrations).

A token looks like `susi_<43 random characters>`; the database keeps its SHA-256 digest and its first
characters (to tell tokens apart on the account page). A read token may only read (GET, HEAD, OPTIONS); a write
token may also change what its user may change. The user's own permissions still apply to every call.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from susi.web.api_errors import DomainError

from .models import ApiToken
from .permissions import require

TOKEN_PREFIX = "susi_"
MAX_DAYS = 365
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_token(user, *, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the token itself, which is never stored or shown again."""
    require(user, "accounts.manage_api_token")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError("name", _("Giv nøglen et navn på højst 100 tegn, fx systemet, der skal bruge den."))
    if scope not in ApiToken.Scope.values:
        raise DomainError("scope", _("Vælg læse- eller skriveadgang."))
    if not 1 <= days <= MAX_DAYS:
        raise DomainError("days", _("En nøgle kan gælde fra 1 til %(max)s dage.") % {"max": MAX_DAYS})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        digest=_digest(token),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return row, token


@transaction.atomic
def revoke_token(user, token: ApiToken) -> None:
    require(user, "accounts.manage_api_token", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def user_for_token(token: str, *, method: str):
    """The active user behind a usable token whose scope allows `method`, else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = ApiToken.objects.select_related("user").filter(digest=_digest(token)).first()
    now = timezone.now()
    if row is None or not row.is_usable(now) or not row.user.is_active:
        return None
    if method.upper() not in READ_METHODS and row.scope != ApiToken.Scope.WRITE:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer susi_…`. A request without that header falls through to the session login;
    one with a wrong, expired, revoked or out-of-scope token is answered 401."""

    def authenticate(self, request, token):
        user = user_for_token(token, method=request.method)
        if user is None:
            raise AuthenticationError()
        request.user = user
        return user
