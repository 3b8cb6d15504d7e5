from django.apps import AppConfig


class SomConfig(AppConfig):
    name = "susi.som"
    label = "som"
