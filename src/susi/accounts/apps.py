from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "susi.accounts"
    label = "accounts"
