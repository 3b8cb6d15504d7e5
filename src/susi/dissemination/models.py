"""Dissemination (*udbredelse*): each municipality's readiness check against the final intervention
description, and the municipal budgets that running costs are weighed against.

seeds/002: in dissemination "vurderes det, om de lokale forudsætninger … er til stede, og hvilke resultater
kommunen/tilbuddet kan forvente". The agency declares a checklist per intervention (`ReadinessItem`); each
participating municipality or provider answers it for its own organisation (`ReadinessAnswer`). What a
municipality may expect is computed on the fly (`expected.py`), never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from susi.portfolio.models import Area


class ReadinessItem(models.Model):
    """One line of an intervention's readiness checklist, as the agency defines it."""

    class Category(models.TextChoices):
        STAFF = "staff", _("Medarbejdere")
        ORGANISATION = "organisation", _("Organisering")
        PARTNERS = "partners", _("Samarbejdspartnere")
        DATA = "data", _("Data og dokumentation")

    intervention = models.ForeignKey(
        "portfolio.Intervention", on_delete=models.CASCADE, related_name="readiness_items"
    )
    category = models.CharField(_("område"), max_length=20, choices=Category.choices)
    text = models.CharField(_("forudsætning"), max_length=300)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["intervention", "order", "pk"]
        verbose_name = _("forudsætning i parathedstjek")
        verbose_name_plural = _("forudsætninger i parathedstjek")

    def __str__(self) -> str:
        return self.text


class ReadinessAnswer(models.Model):
    """A municipality's (or provider's) answer to one checklist line, in one dissemination initiative."""

    class Status(models.TextChoices):
        READY = "ready", _("På plads")
        PARTLY = "partly", _("Delvist på plads")
        MISSING = "missing", _("Mangler")

    item = models.ForeignKey(ReadinessItem, on_delete=models.CASCADE, related_name="answers")
    initiative = models.ForeignKey("portfolio.Initiative", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    note = models.TextField(_("bemærkning"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("besvaret"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item__order", "item__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "initiative", "organisation"], name="one_readiness_answer_per_organisation"
            )
        ]
        verbose_name = _("svar i parathedstjek")
        verbose_name_plural = _("svar i parathedstjek")

    def __str__(self) -> str:
        return f"{self.item}: {self.get_status_display()}"


class AreaBudget(models.Model):
    """A municipality's yearly budget for a target-group area (what *realistisk drift* weighs running
    costs against, and what the expected-results pack shows the cost beside)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    area = models.CharField(_("målgruppeområde"), max_length=20, choices=Area.choices)
    year = models.PositiveSmallIntegerField(_("budgetår"))
    amount_dkk = models.PositiveBigIntegerField(_("budget (kr.)"))
    source = models.CharField(_("kilde"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "area", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "area", "year"], name="one_area_budget_per_year")
        ]
        verbose_name = _("kommunens budget for området")
        verbose_name_plural = _("kommunernes budgetter for områderne")

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_area_display()} {self.year}"
