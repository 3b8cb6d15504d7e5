from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from susi.organisations.models import Organisation


class Role(models.TextChoices):
    AGENCY = "agency", _("Styrelsen")
    MUNICIPALITY = "municipality", _("Kommune")
    PROVIDER = "provider", _("Socialt tilbud")
    EVALUATOR = "evaluator", _("Evaluator")
    FOUNDATION = "foundation", _("Fond")
    STEERING = "steering", _("Styregruppe")
    ADMIN = "admin", _("Administrator")


# Which kind of organisation a role is bound to (None: not bound to one).
ROLE_ORGANISATION_KIND: dict[str, str | None] = {
    Role.AGENCY: Organisation.Kind.AGENCY,
    Role.MUNICIPALITY: Organisation.Kind.MUNICIPALITY,
    Role.PROVIDER: Organisation.Kind.PROVIDER,
    Role.EVALUATOR: Organisation.Kind.EVALUATOR,
    Role.FOUNDATION: Organisation.Kind.FOUNDATION,
    Role.STEERING: None,
    Role.ADMIN: None,
}


class User(AbstractUser):
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.STEERING)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")

    def clean(self) -> None:
        super().clean()
        kind = ROLE_ORGANISATION_KIND.get(self.role)
        if kind and (self.organisation is None or self.organisation.kind != kind):
            raise ValidationError(
                {
                    "organisation": _("Rollen kræver en organisation af typen %(kind)s.")
                    % {"kind": Organisation.Kind(kind).label}
                }
            )

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A personal API token: another system calls the API as this user without a browser session.

    Only a SHA-256 digest of the token is stored (the token is 256 random bits, so a fast hash is enough: there
    is nothing to guess); the token itself is shown once, when it is made. It expires, and can be revoked.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Læse")
        WRITE = "write", _("Læse og skrive")

    user = models.ForeignKey(
        User, verbose_name=_("bruger"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("navn"), max_length=100)
    prefix = models.CharField(_("begynder med"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("adgang"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    expires_at = models.DateTimeField(_("udløber"))
    last_used_at = models.DateTimeField(_("sidst brugt"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-nøgle")
        verbose_name_plural = _("API-nøgler")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
