from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EffectCriterionLink, MetaAnalysis, PracticeAssessment, Study


@admin.register(Study)
class StudyAdmin(SimpleHistoryAdmin):
    list_display = (
        "label",
        "intervention",
        "outcome",
        "design",
        "grade",
        "risk_of_bias",
        "country",
        "measure",
    )
    list_filter = ("measure", "design", "grade", "risk_of_bias")
    search_fields = ("label", "outcome", "intervention__name")


@admin.register(MetaAnalysis)
class MetaAnalysisAdmin(SimpleHistoryAdmin):
    list_display = (
        "title",
        "intervention",
        "outcome",
        "measure",
        "method",
        "hk",
        "rating_level",
        "created_at",
    )
    list_filter = ("method", "rating_level")


@admin.register(EffectCriterionLink)
class EffectCriterionLinkAdmin(SimpleHistoryAdmin):
    list_display = ("assessment", "meta_analysis", "linked_at")


@admin.register(PracticeAssessment)
class PracticeAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("practice_name", "organisation", "intervention", "updated_at")
