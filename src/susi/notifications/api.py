"""JSON API: the current user's notifications (nobody else's), and marking them read."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from susi.accounts.permissions import require
from susi.web.i18n import english

from . import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime
    read: bool

    @staticmethod
    def resolve_text(obj) -> str:
        return obj.text_en if english() else obj.text_da

    @staticmethod
    def resolve_read(obj) -> bool:
        return obj.read_at is not None


@router.get("/notifications", response=list[NotificationOut])
@paginate(LimitOffsetPagination)
def list_notifications(request, unread: bool = False):
    require(request.user, "notifications.view")
    qs = selectors.notifications_for(request.user)
    return qs.filter(read_at__isnull=True) if unread else qs


@router.post("/notifications/{pk}/read", response=NotificationOut)
def mark_read(request, pk: int):
    notification = selectors.notifications_for(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return services.mark_read(request.user, notification)
