from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "susi.organisations"
    label = "organisations"
