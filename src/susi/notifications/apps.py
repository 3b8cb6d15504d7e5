from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "susi.notifications"
    label = "notifications"
