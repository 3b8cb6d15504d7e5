"""Admin: rounds and their criteria and questions are readable; decisions are made through the pages, where the
workflow is checked, so states and decisions are read-only here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Application, Grant, Instalment, Participation, Round, RoundCriterion, RoundQuestion


class CriterionInline(admin.TabularInline):
    model = RoundCriterion
    extra = 0


class QuestionInline(admin.TabularInline):
    model = RoundQuestion
    extra = 0


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ("title", "initiative", "phase", "state", "closes_at")
    list_filter = ("state", "phase")
    readonly_fields = ("state",)
    inlines = [CriterionInline, QuestionInline]


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "round", "state", "submitted_at")
    list_filter = ("state",)
    readonly_fields = ("state", "screened_by", "decided_by", "decided_at", "submitted_at")


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0


@admin.register(Grant)
class GrantAdmin(SimpleHistoryAdmin):
    list_display = ("application", "amount", "purpose")
    readonly_fields = ("application", "amount")
    inlines = [InstalmentInline]


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "initiative", "phase", "from_date", "to_date")
    list_filter = ("phase",)
