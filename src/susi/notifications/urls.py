from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/laest/", views.mark_read, name="read"),
    path("alle-laest/", views.mark_all_read, name="read_all"),
]
