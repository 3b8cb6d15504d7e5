from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "susi.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        from django.core.checks import register

        from . import checks

        register(checks.staging_expired)
