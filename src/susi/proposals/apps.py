from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "susi.proposals"
    verbose_name = "Fondes forslag"
