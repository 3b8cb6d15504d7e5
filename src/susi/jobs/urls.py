from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<uuid:pk>/", views.job, name="job"),
    path("<uuid:pk>/fremdrift/", views.progress, name="progress"),
    path("<uuid:pk>/igen/", views.retry, name="retry"),
]
