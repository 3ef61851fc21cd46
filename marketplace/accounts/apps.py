from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "marketplace.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self):
        # Registers permission rules, the chronograph handler and the demo seeder.
        from marketplace.accounts import demo, rules  # noqa: F401
        from marketplace.accounts.services import invitations  # noqa: F401
