from django.contrib import admin
from django.urls import include, path

from susi.config.api import api
from susi.config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("susi.accounts.urls")),
    path("", include("susi.portfolio.urls")),
    path("som/", include("susi.som.urls")),
    path("evidens/", include("susi.evidence.urls")),
    path("udfald/", include("susi.outcomes.urls")),
    path("", include("susi.rounds.urls")),
    path("udbredelse/", include("susi.dissemination.urls")),
    path("job/", include("susi.jobs.urls")),
]
# No route serves MEDIA_ROOT: uploaded files go out only through permission-checked views (susi.web.files).
