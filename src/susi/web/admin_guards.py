"""Guards for Django admin classes that show django-simple-history.

SimpleHistoryAdmin's "history form" saves a POST that reverts an object to an old version with that version's
values for every field, including fields the admin shows read-only, and it asks only for view permission.
`NoHistoryRevert` keeps the history readable and refuses the revert.
"""

from django.core.exceptions import PermissionDenied


class NoHistoryRevert:
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None) -> bool:
        return True
