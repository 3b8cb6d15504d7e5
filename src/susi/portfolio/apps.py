from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "susi.portfolio"
    label = "portfolio"
