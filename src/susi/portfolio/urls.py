from django.urls import path

from . import views

app_name = "portfolio"
urlpatterns = [
    path("", views.board, name="board"),
    path("initiativer/nyt/", views.initiative_create, name="initiative_create"),
    path("indsatser/ny/", views.intervention_create, name="intervention_create"),
    path("initiativer/<int:pk>/", views.initiative_detail, name="initiative"),
    path("initiativer/<int:pk>/faseovergang/", views.gate, name="gate"),
    path("initiativer/<int:pk>/rediger/", views.initiative_edit, name="initiative_edit"),
    path("eksport/portefoelje.<str:fmt>", views.board_export, name="board_export"),
    path("initiativer/<int:pk>/produkter/", views.upload_product, name="upload_product"),
    path("initiativer/<int:pk>/produkter/filer/<int:version_id>/", views.product_file, name="product_file"),
    path(
        "initiativer/<int:pk>/produkter/<int:product_id>/status/", views.product_state, name="product_state"
    ),
    path("initiativer/<int:pk>/anbefalinger/", views.recommend, name="recommend"),
    path("kommuner/", views.municipality_list, name="municipalities"),
    path("kommuner/<str:code>/", views.municipality, name="municipality"),
]
