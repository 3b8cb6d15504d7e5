from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("", views.index, name="index"),
    path("initiativ/<int:pk>/", views.initiative, name="initiative"),
    path("initiativ/<int:pk>/upload/", views.upload, name="upload"),
    path("initiativ/<int:pk>/leverancer/", views.deliveries, name="deliveries"),
    path("initiativ/<int:pk>/estimat/", views.estimate, name="estimate"),
    path("initiativ/<int:pk>/estimat/gem/", views.save_estimate, name="save_estimate"),
    path("initiativ/<int:pk>/undergrupper/", views.subgroups, name="subgroups"),
    path("initiativ/<int:pk>/monitorering/", views.monitoring, name="monitoring"),
    path("initiativ/<int:pk>/borgere/", views.citizens, name="citizens"),
    path("import/<int:pk>/", views.batch, name="batch"),
    path("import/<int:pk>/importer/", views.commit, name="commit"),
    path("import/<int:pk>/kasser/", views.discard, name="discard"),
    path("forloeb/<int:pk>/", views.enrolment, name="enrolment"),
    path("borgerrettigheder/", views.citizen_rights, name="citizen_rights"),
]
