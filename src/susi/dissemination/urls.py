from django.urls import path

from . import views

app_name = "dissemination"

urlpatterns = [
    path("initiativer/<int:pk>/forventede-resultater/", views.pack, name="pack"),
    path("initiativer/<int:pk>/forventede-resultater/pdf/", views.pack_pdf, name="pack_pdf"),
    path("initiativer/<int:pk>/forventede-resultater/excel/", views.pack_excel, name="pack_excel"),
    path("initiativer/<int:pk>/parathed/", views.save_readiness, name="save_readiness"),
    path("indsatser/<int:pk>/parathedstjek/", views.checklist, name="checklist"),
]
