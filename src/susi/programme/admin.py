"""Programmes in Django admin: readable, not writable. Frames, commitments, recommendations and decisions are
made on the programme pages, where the frame is checked and the decision recorded once; a recorded decision
can be neither changed nor deleted, here or anywhere."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from susi.web.admin_guards import NoHistoryRevert

from .models import (
    Allocation,
    Candidate,
    Decision,
    PrioritisationRound,
    Programme,
    ProgrammeYear,
    Recommendation,
)


class ViewOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(NoHistoryRevert, SimpleHistoryAdmin):
    list_display = ("code",)
    readonly_fields = ("code",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(NoHistoryRevert, ViewOnly, SimpleHistoryAdmin):
    list_display = ("programme", "year", "frame_dkk")


@admin.register(Allocation)
class AllocationAdmin(NoHistoryRevert, ViewOnly, SimpleHistoryAdmin):
    list_display = ("programme_year", "initiative", "title", "amount_dkk", "created_at")


class CandidateInline(ViewOnly, admin.TabularInline):
    model = Candidate
    extra = 0


@admin.register(PrioritisationRound)
class PrioritisationRoundAdmin(NoHistoryRevert, ViewOnly, SimpleHistoryAdmin):
    list_display = ("title", "programme_year", "state")
    inlines = [CandidateInline]


@admin.register(Recommendation)
class RecommendationAdmin(NoHistoryRevert, ViewOnly, SimpleHistoryAdmin):
    list_display = ("candidate", "member", "recommends")


@admin.register(Decision)
class DecisionAdmin(NoHistoryRevert, ViewOnly, SimpleHistoryAdmin):
    list_display = ("candidate", "approved", "amount_dkk", "decided_by", "decided_at")
