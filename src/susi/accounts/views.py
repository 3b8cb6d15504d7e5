from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from susi.web.api_errors import DomainError

from . import tokens
from .demo import DEMO_LOGINS, DEMO_PASSWORD
from .models import ApiToken


class SusiLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.SUSI_DEMO_MODE:
            context["demo_logins"] = DEMO_LOGINS
            context["demo_password"] = DEMO_PASSWORD
        return context


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Navn"), max_length=100, help_text=_("Fx det system, der skal bruge nøglen.")
    )
    scope = forms.ChoiceField(label=_("Adgang"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    days = forms.IntegerField(label=_("Gælder i (dage)"), min_value=1, max_value=tokens.MAX_DAYS, initial=90)


@login_required
def account(request):
    """The user's own page: password, and personal API tokens (listed, made, revoked)."""
    new_token = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _row, new_token = tokens.issue_token(request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "api_tokens": request.user.api_tokens.all(),
        "now": timezone.now(),
    }
    return render(request, "accounts/account.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def revoke_api_token(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke_token(request.user, token)
    messages.success(request, _("Nøglen »%(name)s« er tilbagekaldt.") % {"name": token.name})
    return redirect("account")
