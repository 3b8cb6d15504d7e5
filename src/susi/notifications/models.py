"""In-app notifications (each also sent by email) and each user's choice of which kinds to receive."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about. A user may turn each kind off (`Preference`)."""

    GATE_DECISION = "gate_decision", _("Beslutning ved en faseovergang i dit initiativ")
    PRODUCT_REVIEW = "product_review", _("Produkt venter på din vurdering")
    PROPOSAL_STATUS = "proposal_status", _("Status på et forslag er ændret")
    RECOMMENDATION_REQUESTED = "recommendation_requested", _("Din anbefaling er ønsket")
    PHASE_OVERDUE = "phase_overdue", _("En fase varer længere end typisk")


class Notification(models.Model):
    """One message to one user, in both languages (the page shows the reader's, the email the recipient's)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    text_da = models.CharField(max_length=500)
    text_en = models.CharField(max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notifikation")
        verbose_name_plural = _("notifikationer")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text_da


class Preference(models.Model):
    """A user's notification settings: the language of the emails and the kinds turned off."""

    class Language(models.TextChoices):
        DANISH = "da", "Dansk"
        ENGLISH = "en", "English"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    language = models.CharField(_("sprog i e-mails"), max_length=2, choices=Language.choices, default="da")
    muted_kinds = models.JSONField(_("fravalgte typer"), default=list, blank=True)
    email = models.BooleanField(_("send også e-mail"), default=True)

    class Meta:
        verbose_name = _("notifikationsindstilling")
        verbose_name_plural = _("notifikationsindstillinger")

    def __str__(self) -> str:
        return str(self.user)
