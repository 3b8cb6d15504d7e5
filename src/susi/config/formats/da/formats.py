"""Danish formats: Django's, with the short month the users write ("1. dec. 2026")."""

from django.conf.locale.da.formats import *  # noqa: F403

DATE_FORMAT = "j. N Y"
DATETIME_FORMAT = "j. N Y H:i"
