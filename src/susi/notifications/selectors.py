"""Reads: a user's own notifications (nobody reads another user's)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def notifications_for(user) -> QuerySet[Notification]:
    if not (user and user.is_authenticated):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()
