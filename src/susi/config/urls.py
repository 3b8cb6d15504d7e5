from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from susi.config.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("susi.accounts.urls")),
    path("", include("susi.portfolio.urls")),
    path("som/", include("susi.som.urls")),
    path("evidens/", include("susi.evidence.urls")),
    path("udfald/", include("susi.outcomes.urls")),
    path("job/", include("susi.jobs.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
