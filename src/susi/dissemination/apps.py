from django.apps import AppConfig


class DisseminationConfig(AppConfig):
    name = "susi.dissemination"
    label = "dissemination"
    verbose_name = "Udbredelse"
