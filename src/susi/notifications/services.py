"""Writing notifications: `notify` is the one way any app tells users something.

    from susi.notifications.services import notify
    from susi.notifications.models import Kind
    notify(users, Kind.PROPOSAL_STATUS, Text("Jeres forslag er inviteret …", "Your proposal was invited …"), url)

It writes one in-app `Notification` per user who has not turned the kind off, and sends each of them an
email through Django's mail framework in the recipient's language (`Preference.language`; Danish unless the
user chose English) once the surrounding transaction commits, so a refused request sends nothing.
Inactive users and users without an email address get the in-app notification only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from susi.accounts.permissions import require
from susi.engines.text import Text
from susi.web.api_errors import DomainError

from .models import Kind, Notification, Preference

log = logging.getLogger(__name__)

SUBJECT = Text("SUSI: %s", "SUSI: %s")
FOOTER = Text(
    "Du kan slå denne type besked fra under Notifikationer på SUSI-platformen.",
    "You can turn this kind of message off under Notifications on the SUSI platform.",
)


def preference(user) -> Preference:
    """The user's notification settings (Danish, every kind on, until the user changes them)."""
    found = Preference.objects.filter(user=user).first()
    return found if found is not None else Preference(user=user)


def notify(users: Iterable, kind: str, text: Text, url: str = "") -> list[Notification]:
    """Tell `users` (each once) about something of `kind`; returns the notifications written."""
    kind = Kind(kind).value
    recipients = {u.pk: u for u in users if u is not None}
    muted = {
        p.user_id for p in Preference.objects.filter(user_id__in=recipients) if kind in (p.muted_kinds or [])
    }
    written = [
        Notification.objects.create(
            user=user, kind=kind, text_da=text.da[:500], text_en=text.en[:500], url=url
        )
        for pk, user in recipients.items()
        if pk not in muted
    ]
    for notification in written:
        transaction.on_commit(partial(_send_email, notification))
    return written


def _send_email(notification: Notification) -> None:
    user = notification.user
    pref = preference(user)
    if not (user.is_active and user.email and pref.email):
        return
    english = pref.language == Preference.Language.ENGLISH
    text = notification.text_en if english else notification.text_da
    footer = FOOTER.en if english else FOOTER.da
    body = f"{text}\n\n{notification.url}\n\n{footer}" if notification.url else f"{text}\n\n{footer}"
    subject = (SUBJECT.en if english else SUBJECT.da) % text[:120]
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:  # the notification is in the list; a mail server that is down must not undo the work
        log.exception("notification email failed", extra={"notification": notification.pk})


@transaction.atomic
def mark_read(user, notification: Notification) -> Notification:
    require(user, "notifications.view", notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(user) -> int:
    require(user, "notifications.view")
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def save_preference(user, *, muted_kinds: Iterable[str], language: str, email: bool = True) -> Preference:
    require(user, "notifications.view")
    muted = sorted(set(muted_kinds))
    unknown = [k for k in muted if k not in Kind.values]
    if unknown:
        raise DomainError("muted_kinds", _("Ukendt type: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    if language not in Preference.Language.values:
        raise DomainError("language", _("Vælg dansk eller engelsk."))
    pref, _created = Preference.objects.update_or_create(
        user=user, defaults={"muted_kinds": muted, "language": language, "email": email}
    )
    return pref
