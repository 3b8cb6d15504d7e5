"""Admin: the municipal budgets per area (what *realistisk drift* and the expected-results pack weigh running
costs against) are entered here; checklists and answers are made through the pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AreaBudget, ReadinessAnswer, ReadinessItem


@admin.register(AreaBudget)
class AreaBudgetAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "area", "year", "amount_dkk")
    list_filter = ("area", "year")


@admin.register(ReadinessItem)
class ReadinessItemAdmin(SimpleHistoryAdmin):
    list_display = ("intervention", "category", "text", "order")


@admin.register(ReadinessAnswer)
class ReadinessAnswerAdmin(SimpleHistoryAdmin):
    list_display = ("item", "initiative", "organisation", "status", "answered_at")
    readonly_fields = ("answered_by", "answered_at")
