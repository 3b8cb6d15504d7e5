from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from susi.organisations.models import Organisation


class Role(models.TextChoices):
    AGENCY = "agency", _("Styrelsen")
    MUNICIPALITY = "municipality", _("Kommune")
    EVALUATOR = "evaluator", _("Evaluator")
    FOUNDATION = "foundation", _("Fond")
    STEERING = "steering", _("Styregruppe")
    ADMIN = "admin", _("Administrator")


# Which kind of organisation a role is bound to (None: not bound to one).
ROLE_ORGANISATION_KIND: dict[str, str | None] = {
    Role.AGENCY: Organisation.Kind.AGENCY,
    Role.MUNICIPALITY: Organisation.Kind.MUNICIPALITY,
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
