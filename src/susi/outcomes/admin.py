"""Admin for what holds no citizen data: instruments (name, kind, direction), the import log and the access
log (read-only, for the data-protection officer). Citizens, enrolments and measurements are deliberately not
registered: the admin role reads no citizen-level data."""

from django.contrib import admin

from .models import AccessLog, AdoptionWave, ImportBatch, Instrument, SharedPseudonymSpace


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "higher_is_better")
    list_editable = ("name", "kind", "higher_is_better")
    search_fields = ("code", "name")


@admin.register(AdoptionWave)
class AdoptionWaveAdmin(admin.ModelAdmin):
    list_display = ("initiative", "municipality", "treated_from")
    list_filter = ("initiative",)


@admin.register(SharedPseudonymSpace)
class SharedPseudonymSpaceAdmin(admin.ModelAdmin):
    """Initiatives sharing one pseudonym space where a legal basis allows (see docs/developers/security.md)."""

    list_display = ("initiative", "name", "legal_basis")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "file_name",
        "initiative",
        "municipality",
        "uploaded_by",
        "status",
        "rows_total",
    )
    list_filter = ("status",)
    exclude = ("report", "staged_file")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "what", "initiative", "municipality", "citizen_count")
    list_filter = ("action",)
    search_fields = ("username", "what")
    date_hierarchy = "at"
    exclude = ("citizen_ids",)  # which citizens were read is citizen-level data: counted, never listed here
