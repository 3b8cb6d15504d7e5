from django.urls import path

from . import views

app_name = "rounds"

urlpatterns = [
    path("runder/", views.round_list, name="list"),
    path("runder/ny/", views.round_create, name="create"),
    path("runder/<int:pk>/", views.round_detail, name="detail"),
    path("runder/<int:pk>/status/", views.round_move, name="move"),
    path("runder/<int:pk>/ansoeg/", views.apply, name="apply"),
    path("ansoegninger/<int:pk>/", views.application_detail, name="application"),
    path("ansoegninger/<int:pk>/traek-tilbage/", views.withdraw, name="withdraw"),
    path("ansoegninger/<int:pk>/screening/", views.screen, name="screen"),
    path("ansoegninger/<int:pk>/vurdering/", views.review, name="review"),
    path("ansoegninger/<int:pk>/afgoerelse/", views.determine, name="determine"),
    path("initiativer/<int:pk>/tilbud/", views.offers, name="offers"),
]
