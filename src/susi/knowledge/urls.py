from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views
from .feeds import NewKnowledgeFeed

app_name = "knowledge"
urlpatterns = [
    # public, read-only, no login (the allow-list SUSI_PUBLIC_PATHS names this prefix)
    path("viden/", views.public_index, name="public_index"),
    path("viden/ny-viden/", views.public_notes, name="public_notes"),
    path("viden/ny-viden/feed.atom", login_not_required(NewKnowledgeFeed()), name="feed"),
    path("viden/<int:intervention_id>/", views.public_intervention, name="public_intervention"),
    # behind the login
    path("ny-viden/", views.notes, name="notes"),
    path("ny-viden/offentliggoerelse/", views.publications, name="publications"),
    path("ny-viden/offentliggoerelse/<int:intervention_id>/", views.publication, name="publication"),
    path("initiativer/<int:pk>/inddragelse/", views.involvement, name="involvement"),
    path("initiativer/<int:pk>/inddragelse/ny/", views.involvement_form, name="involvement_create"),
    path(
        "initiativer/<int:pk>/inddragelse/<int:activity_id>/", views.involvement_form, name="involvement_edit"
    ),
    path("initiativer/<int:pk>/bivirkninger/ny/", views.side_effect_form, name="side_effect_create"),
]
