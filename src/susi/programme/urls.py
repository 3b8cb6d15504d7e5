from django.urls import path

from . import views

app_name = "programme"
urlpatterns = [
    path("programmer/", views.programme_list, name="list"),
    path("programmer/<str:code>/", views.programme_detail, name="detail"),
    path("programmer/<str:code>/prioritering/ny/", views.round_create, name="round_create"),
    path("prioritering/<int:pk>/", views.round_detail, name="round"),
    path("prioritering/<int:pk>/afslut/", views.close, name="close"),
    path("prioritering/kandidater/<int:pk>/anbefaling/", views.recommend, name="recommend"),
    path("prioritering/kandidater/<int:pk>/beslutning/", views.decide, name="decide"),
]
