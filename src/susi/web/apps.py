from django.apps import AppConfig


class WebConfig(AppConfig):
    """Shared web pieces: base template, static files, charts, API error bodies."""

    name = "susi.web"
    label = "web"

    def ready(self) -> None:
        from . import files  # noqa: F401  (registers the private-file serving check)
