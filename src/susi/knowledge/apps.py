from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "susi.knowledge"
    label = "knowledge"
    verbose_name = "Brugerinddragelse og ny viden"

    def ready(self) -> None:
        # The gate's suggestion on *virkning* takes the side effects recorded here into account.
        from susi.portfolio.suggestions import SIDE_EFFECT_SIGNALS

        from .selectors import side_effect_signal

        if side_effect_signal not in SIDE_EFFECT_SIGNALS:
            SIDE_EFFECT_SIGNALS.append(side_effect_signal)
