from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    """Anyone who takes part in SUSI as an organisation: the agency, a municipality, a provider, ..."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Styrelsen")
        MUNICIPALITY = "municipality", _("Kommune")
        PROVIDER = "provider", _("Socialt tilbud")
        EVALUATOR = "evaluator", _("Evaluator")
        METHOD_SUPPLIER = "method_supplier", _("Metodeleverandør")
        FOUNDATION = "foundation", _("Fond")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    code = models.CharField(_("kommunenummer"), max_length=3, blank=True, help_text=_("Kun for kommuner."))
    region = models.CharField(_("region"), max_length=40, blank=True)
    official_name = models.CharField(
        _("officielt navn"),
        max_length=200,
        blank=True,
        help_text=_("Kun hvor navnet ikke er »<navn> Kommune«, fx Københavns Kommune."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="unique_organisation_name_per_kind"),
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="unique_municipality_code"
            ),
        ]

    def __str__(self) -> str:
        if self.official_name:
            return self.official_name
        if self.kind == self.Kind.MUNICIPALITY:
            return f"{self.name} Kommune"
        return self.name

    @property
    def is_municipality(self) -> bool:
        return self.kind == self.Kind.MUNICIPALITY
