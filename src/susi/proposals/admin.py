from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Proposal


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    """Read-only: a proposal moves only through its workflow (services), never by hand."""

    list_display = ("title", "foundation", "state", "submitted_at")
    list_filter = ("state",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
