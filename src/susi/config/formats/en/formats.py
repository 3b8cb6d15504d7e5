"""English formats: Django's, with the date written the British way ("1 Dec. 2026")."""

from django.conf.locale.en.formats import *  # noqa: F403

DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y H:i"
