from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class SusiUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "get_full_name", "role", "organisation", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("SUSI", {"fields": ("role", "organisation")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("SUSI", {"fields": ("role", "organisation")}))
