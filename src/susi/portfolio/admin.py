"""Portfolio in Django admin. The phase model's decisions are not made here.

An initiative's phase, track and status change only through a recorded gate decision (portfolio.services), so
they are read-only here for everyone, initiatives are created on the platform's own page (which applies the
rules) and never deleted here (that would delete their recorded decisions); no history revert either. Gate decisions and their criterion
assessments are view-only: a recorded decision can be neither changed nor deleted, and a draft is prepared and
recorded on the gate page.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from susi.web.admin_guards import NoHistoryRevert

from .models import (
    CriterionAssessment,
    GateDecision,
    Initiative,
    Intervention,
    Product,
    ProductVersion,
    Recommendation,
)


@admin.register(Intervention)
class InterventionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "area", "proposed_by")
    search_fields = ("name",)


@admin.register(Initiative)
class InitiativeAdmin(NoHistoryRevert, SimpleHistoryAdmin):
    list_display = ("title", "phase", "track", "programme", "status")
    list_filter = ("phase", "track", "programme", "status", "area")
    search_fields = ("title", "intervention__name")
    filter_horizontal = ("providers",)
    # The phase model's fields move only through gate decisions; the evaluator and the participating
    # municipalities decide who reads the initiative's citizen-level data, so they change only through the
    # pages (application rounds, the agency's services), never by one save here.
    readonly_fields = ("phase", "track", "status", "phase_started_on", "evaluator", "municipalities")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProductVersionInline(admin.TabularInline):
    model = ProductVersion
    extra = 0
    fields = ("number", "file_link", "sha256", "note", "uploaded_by", "uploaded_at")
    readonly_fields = ("number", "file_link", "sha256", "uploaded_by", "uploaded_at")

    @admin.display(description=_("fil"))
    def file_link(self, version: ProductVersion) -> str:
        """The file through the permission-checked view (MEDIA_ROOT has no URL)."""
        if not version.pk:
            return ""
        url = reverse("portfolio:product_file", args=[version.product.initiative_id, version.pk])
        return format_html('<a href="{}">{}</a>', url, version.file.name.rsplit("/", 1)[-1])


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("title", "initiative", "phase", "kind", "state")
    list_filter = ("phase", "kind", "state")
    inlines = [ProductVersionInline]


class ViewOnly:
    """Admin mixin: the rows can be looked at, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CriterionAssessmentInline(ViewOnly, admin.TabularInline):
    model = CriterionAssessment
    extra = 0


@admin.register(GateDecision)
class GateDecisionAdmin(NoHistoryRevert, ViewOnly, SimpleHistoryAdmin):
    list_display = ("initiative", "phase", "outcome", "state", "decided_by", "decided_at")
    list_filter = ("phase", "outcome", "state")
    inlines = [CriterionAssessmentInline]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ("initiative", "stance", "author", "created_at")
