from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "phase", "track", "programme", "status")
    list_filter = ("phase", "track", "programme", "status", "area")
    search_fields = ("title", "intervention__name")
    filter_horizontal = ("municipalities", "providers")


class ProductVersionInline(admin.TabularInline):
    model = ProductVersion
    extra = 0
    readonly_fields = ("number", "file", "sha256", "uploaded_by", "uploaded_at")


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("title", "initiative", "phase", "kind", "state")
    list_filter = ("phase", "kind", "state")
    inlines = [ProductVersionInline]


class CriterionAssessmentInline(admin.TabularInline):
    model = CriterionAssessment
    extra = 0


@admin.register(GateDecision)
class GateDecisionAdmin(SimpleHistoryAdmin):
    list_display = ("initiative", "phase", "outcome", "state", "decided_by", "decided_at")
    list_filter = ("phase", "outcome", "state")
    inlines = [CriterionAssessmentInline]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ("initiative", "stance", "author", "created_at")
