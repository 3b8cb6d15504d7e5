from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "susi.programme"
    label = "programme"
