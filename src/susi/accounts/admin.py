"""Users in Django admin. Changes that would give someone citizen-level data are refused here.

A save that gives a user a role that reads citizen-level data (`permissions.CITIZEN_LEVEL_ROLES`: municipality,
evaluator, administrator), moves such a user to another organisation, or re-activates one, is refused with a
message and changes nothing; the password and e-mail address of another such user cannot be set here either.
Otherwise one administrator could give itself (or an account it controls) access to citizens' data by one save.
Such accounts are created and changed by the operator on the server with `susi users grant` (see
docs/developers/admin.md), which is logged in the user's history.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from susi.web.admin_guards import NoHistoryRevert

from .models import User
from .permissions import CITIZEN_LEVEL_ROLES

REFUSAL = _(
    "Ændringen er afvist: den ville give adgang til data på borgerniveau (rollerne kommune, evaluator og "
    "administrator, en anden organisation for sådan en bruger eller genaktivering af den). Det kan ikke gøres "
    "i administrationen; driften gør det på serveren med kommandoen »susi users grant«."
)


def grants_citizen_access(before: User | None, after_role: str, after_org_id, after_active: bool) -> bool:
    """Would saving these values give (more) citizen-level access than `before` had?"""
    if after_role not in CITIZEN_LEVEL_ROLES or not after_active:
        return False
    if before is None:
        return True
    return before.role != after_role or before.organisation_id != after_org_id or not before.is_active


class _RefuseCitizenAccess:
    """Form mixin: refuse, in clean(), a save that grants citizen-level access."""

    def clean(self):
        cleaned = super().clean()
        before = None
        if self.instance.pk:
            before = User.objects.get(pk=self.instance.pk)
        role = cleaned.get("role", before.role if before else None)
        organisation = cleaned.get("organisation", before.organisation if before else None)
        active = cleaned.get("is_active", before.is_active if before else True)
        if grants_citizen_access(before, role, getattr(organisation, "pk", None), active):
            raise forms.ValidationError(REFUSAL, code="citizen_access")
        return cleaned


class SusiUserChangeForm(_RefuseCitizenAccess, UserChangeForm):
    pass


class SusiUserCreationForm(_RefuseCitizenAccess, AdminUserCreationForm):
    pass


@admin.register(User)
class SusiUserAdmin(NoHistoryRevert, UserAdmin, SimpleHistoryAdmin):
    form = SusiUserChangeForm
    add_form = SusiUserCreationForm
    list_display = ("username", "get_full_name", "role", "organisation", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("SUSI", {"fields": ("role", "organisation")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("SUSI", {"fields": ("role", "organisation")}))

    def get_readonly_fields(self, request, obj=None):
        """Another citizen-level user's e-mail address is read-only: a password reset sent to an address the
        administrator chose would hand it the account."""
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk != request.user.pk and obj.role in CITIZEN_LEVEL_ROLES:
            fields += ("email",)
        return fields

    def user_change_password(self, request, id, form_url=""):
        """No setting another citizen-level user's password here: the administrator could then log in as
        that user. Users reset their own password; the operator uses `susi manage changepassword`."""
        target = self.get_object(request, id)
        if target is not None and target.pk != request.user.pk and target.role in CITIZEN_LEVEL_ROLES:
            raise PermissionDenied(REFUSAL)
        return super().user_change_password(request, id, form_url)
