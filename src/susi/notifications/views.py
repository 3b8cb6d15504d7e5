"""The notification list, marking as read, and the user's choice of kinds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from susi.accounts.permissions import can, require
from susi.web.api_errors import DomainError

from . import selectors, services
from .models import Kind, Preference


@login_required
def notification_list(request):
    require(request.user, "notifications.view")
    pref = services.preference(request.user)
    if request.method == "POST":
        try:
            services.save_preference(
                request.user,
                muted_kinds=[k for k in Kind.values if k not in request.POST.getlist("kinds")],
                language=request.POST.get("language", "da"),
                email=request.POST.get("email") == "on",
            )
            messages.success(request, _("Dine indstillinger er gemt."))
            return redirect("notifications:list")
        except DomainError as error:
            messages.error(request, error.message)
    context = {
        "notifications": selectors.notifications_for(request.user)[:200],
        "kinds": [(value, label, value not in (pref.muted_kinds or [])) for value, label in Kind.choices],
        "preference": pref,
        "email_languages": Preference.Language.choices,
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = selectors.notifications_for(request.user).filter(pk=pk).first()
    if notification is None or not can(request.user, "notifications.view", notification):
        raise Http404
    services.mark_read(request.user, notification)
    target = notification.url
    if request.POST.get("open") and target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(request.user)
    return redirect("notifications:list")
