from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

urlpatterns = [
    path("login/", views.SusiLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/", views.account, name="account"),
    path("konto/noegler/<int:pk>/tilbagekald/", views.revoke_api_token, name="revoke_api_token"),
    # Users change their own password, and reset a forgotten one by a link sent by email (Django's auth views).
    path("adgangskode/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("adgangskode/skiftet/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "adgangskode/glemt/",
        auth_views.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done")),
        name="password_reset",
    ),
    path("adgangskode/glemt/sendt/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "adgangskode/ny/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "adgangskode/ny/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
