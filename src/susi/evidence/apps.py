from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "susi.evidence"
    label = "evidence"
