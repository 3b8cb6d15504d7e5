"""Foundations' proposals: a concept note, then — if invited — a full proposal, and the agency's decision.

The workflow is data in `susi.engines.phases.proposals` (PROPOSAL_WORKFLOW); the choices here come from it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from susi.engines.phases import proposals as flow
from susi.organisations.models import Organisation
from susi.portfolio.models import PHASE_CHOICES, Area, Initiative
from susi.web.i18n import lazy_localized

STATE_CHOICES = [
    (s.value, lazy_localized(flow.PROPOSAL_STATE_NAMES[s]))
    for s in flow.ProposalState
    if s is not flow.ProposalState.NEW
]


class Proposal(models.Model):
    foundation = models.ForeignKey(
        Organisation,
        verbose_name=_("fond"),
        on_delete=models.PROTECT,
        related_name="proposals",
        limit_choices_to={"kind": Organisation.Kind.FOUNDATION},
    )
    title = models.CharField(_("titel"), max_length=250)
    area = models.CharField(_("målgruppeområde"), max_length=20, choices=Area.choices)
    concept = models.TextField(_("idéoplæg"))
    state = models.CharField(_("status"), max_length=20, choices=STATE_CHOICES, db_index=True)
    # the full proposal
    description = models.TextField(_("projektbeskrivelse"), blank=True)
    evidence = models.TextField(_("den viden og dokumentation, projektet har"), blank=True)
    co_funding_dkk = models.DecimalField(
        _("medfinansiering (kr.)"), max_digits=14, decimal_places=0, default=0
    )
    requested_phase = models.CharField(_("ønsket fase"), max_length=20, choices=PHASE_CHOICES, blank=True)
    # the agency's side
    message = models.TextField(_("besked fra styrelsen"), blank=True)
    initiative = models.OneToOneField(
        Initiative,
        verbose_name=_("initiativ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("indsendt"), auto_now_add=True)
    full_submitted_at = models.DateTimeField(_("fuldt forslag indsendt"), null=True, blank=True)
    decided_at = models.DateTimeField(_("afgjort"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("fondsforslag")
        verbose_name_plural = _("fondes forslag")

    def __str__(self) -> str:
        return self.title


def document_upload_to(instance: "ProposalDocument", filename: str) -> str:
    return f"proposals/{instance.proposal_id}/{instance.sha256[:12]}/{filename}"


class ProposalDocument(models.Model):
    """A document of the full proposal: stored privately, served only through a permission-checked view."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("fil"), upload_to=document_upload_to)
    name = models.CharField(_("navn"), max_length=250)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "uploaded_at"]

    def __str__(self) -> str:
        return self.name
