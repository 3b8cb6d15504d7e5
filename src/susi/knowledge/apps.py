from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "susi.knowledge"
    label = "knowledge"
    verbose_name = "Brugerinddragelse og ny viden"
