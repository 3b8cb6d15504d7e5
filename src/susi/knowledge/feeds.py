"""The "Ny viden" Atom feed: knowledge notes the agency decided to spread now, of published interventions."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import selectors
from .models import KnowledgeNote


class NewKnowledgeFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Ny viden fra udviklingen af sociale indsatser")

    def subtitle(self) -> str:
        return _("Det, vi har lært ved faseovergangene, og som skal udbredes nu.")

    def link(self) -> str:
        return reverse("knowledge:public_notes")

    def items(self):
        return selectors.public_notes()[:50]

    def item_title(self, item: KnowledgeNote) -> str:
        decision = item.decision
        return _("%(intervention)s: efter %(phase)s") % {
            "intervention": decision.initiative.intervention.name,
            "phase": decision.get_phase_display(),
        }

    def item_description(self, item: KnowledgeNote) -> str:
        parts = [item.learned]
        if item.for_whom:
            parts.append(_("For hvem: %(who)s") % {"who": item.for_whom})
        if item.caveats:
            parts.append(_("Forbehold: %(caveats)s") % {"caveats": item.caveats})
        if item.audiences:
            parts.append(_("Udbredes til: %(audiences)s") % {"audiences": ", ".join(item.audience_labels())})
        return "\n\n".join(parts)

    def item_link(self, item: KnowledgeNote) -> str:
        url = reverse("knowledge:public_intervention", args=[item.decision.initiative.intervention_id])
        return f"{url}#note-{item.pk}"

    def item_pubdate(self, item: KnowledgeNote):
        return item.decision.decided_at or item.created_at

    def item_updateddate(self, item: KnowledgeNote):
        return item.decision.decided_at or item.created_at
