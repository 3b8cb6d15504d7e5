from django.apps import AppConfig


class WebConfig(AppConfig):
    """Shared web pieces: base template, static files, charts, API error bodies."""

    name = "susi.web"
    label = "web"
