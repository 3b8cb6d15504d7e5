from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "susi.outcomes"
    label = "outcomes"
