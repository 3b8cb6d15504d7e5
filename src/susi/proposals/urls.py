from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("nyt/", views.concept_create, name="create"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/fuldt-forslag/", views.submit_full, name="submit_full"),
    path("<int:pk>/inviter/", views.invite, name="invite"),
    path("<int:pk>/afvis/", views.decline, name="decline"),
    path("<int:pk>/optag/", views.accept, name="accept"),
    path("<int:pk>/dokumenter/<int:document_id>/", views.document, name="document"),
]
