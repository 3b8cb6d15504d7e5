from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "susi.rounds"
    label = "rounds"
