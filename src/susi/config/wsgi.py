import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "susi.config.settings.production")
application = get_wsgi_application()
# Import the URLconf now, and with it every view and the libraries they import (matplotlib, pandas …): a gunicorn
# worker pays that (~1.4 s) while it boots, not during the first user's request to reach it.
import_module(settings.ROOT_URLCONF)
