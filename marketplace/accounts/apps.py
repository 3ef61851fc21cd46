from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "marketplace.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self):
        from marketplace.accounts import rules  # noqa: F401  (registers permission rules)
