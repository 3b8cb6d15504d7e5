from django.conf import settings
from django.contrib.auth import views as auth_views

from .demo import DEMO_LOGINS, DEMO_PASSWORD


class SusiLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.SUSI_DEMO_MODE:
            context["demo_logins"] = DEMO_LOGINS
            context["demo_password"] = DEMO_PASSWORD
        return context
