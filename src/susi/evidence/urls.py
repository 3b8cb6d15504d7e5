from django.urls import path, re_path

from . import views

app_name = "evidence"
urlpatterns = [
    path("", views.index, name="index"),
    path("studier/", views.study_list, name="studies"),
    path("studier/ny/", views.study_edit, name="study_create"),
    path("studier/<int:pk>/", views.study_edit, name="study_edit"),
    path("studier/import/", views.study_import, name="study_import"),
    re_path(r"^studier/eksport\.(?P<fmt>csv|xlsx)$", views.study_export, name="study_export"),
    path("metaanalyse/", views.meta, name="meta"),
    path("metaanalyse/<int:pk>/", views.meta_detail, name="meta_detail"),
    re_path(
        r"^metaanalyse/(?P<pk>[0-9]+)/eksport\.(?P<fmt>csv|xlsx)$", views.meta_export, name="meta_export"
    ),
    path("indsats/<int:pk>/", views.intervention_summary, name="intervention"),
    path("fra-evaluering/<int:pk>/", views.add_evaluation, name="add_evaluation"),
    path("lovende-praksis/", views.practice_list, name="practice_list"),
    path("lovende-praksis/ny/", views.practice_edit, name="practice_create"),
    path("lovende-praksis/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("lovende-praksis/<int:pk>/rediger/", views.practice_edit, name="practice_edit"),
]
