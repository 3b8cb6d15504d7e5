"""Session lifetime (OWASP ASVS 3.3): an idle timeout and an absolute lifetime, both enforced on the server.

The session stores when it was started and when it was last used (seconds since the epoch). A request after
`SUSI_SESSION_IDLE_TIMEOUT` seconds without activity, or `SUSI_SESSION_ABSOLUTE_LIFETIME` seconds after login,
logs the user out and then goes on as anonymous: pages send it to the login page (with a message saying why),
the API answers 401 through its own authentication.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

STARTED = "susi_session_started"
LAST_SEEN = "susi_session_last_seen"
LAST_SEEN_RESOLUTION = 60  # seconds; the idle timeout is exact to within this


def session_expired(session, now: float) -> bool:
    started = session.get(STARTED, now)
    last_seen = session.get(LAST_SEEN, now)
    return (
        now - last_seen > settings.SUSI_SESSION_IDLE_TIMEOUT
        or now - started > settings.SUSI_SESSION_ABSOLUTE_LIFETIME
    )


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            if session_expired(request.session, now):
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(
                        request, _("Du er blevet logget ud, fordi sessionen er udløbet. Log ind igen.")
                    )
            else:
                request.session.setdefault(STARTED, now)
                # written at most once a minute, so a busy user's requests do not each save the session
                if now - request.session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
                    request.session[LAST_SEEN] = now
        return self.get_response(request)
