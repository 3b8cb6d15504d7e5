from django.urls import path

from . import views, views_portfolio

app_name = "som"
urlpatterns = [
    path("", views.index, name="index"),
    path("beregn/", views.calculator, name="calculator"),
    path("skoen/", views.quick, name="quick"),
    path("beregning/<int:pk>/", views.calculation, name="calculation"),
    path("beregning/<int:pk>/excel/", views.export_excel, name="export_excel"),
    path("beregning/<int:pk>/maalgruppe/", views.save_target_group, name="save_target_group"),
    path("beregning/<int:pk>/json/", views.export_json, name="export_json"),
    path("beregning/<int:pk>/ret/", views.edit_calculation, name="edit_calculation"),
    path("beregning/<int:pk>/kopi/", views.copy_calculation, name="copy_calculation"),
    path("beregning/<int:pk>/slet/", views.delete_calculation, name="delete_calculation"),
    path("sammenlign/", views.compare, name="compare"),
    path("portefoelje/", views_portfolio.portfolio, name="portfolio"),
    path("portefoelje/excel/", views_portfolio.portfolio_excel, name="portfolio_excel"),
    path("viden/", views.knowledge, name="knowledge"),
    path("viden/eksport/", views.knowledge_export, name="knowledge_export"),
    path("viden/import/", views.knowledge_import, name="knowledge_import"),
    path("viden/<str:kind>/<int:pk>/", views.knowledge_edit, name="knowledge_edit"),
]
