from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "marketplace.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self):
        # Registrations: permission rules, the chronograph's deadline handler, Celery
        # tasks, dashboard panels, account-menu links and the demo seeder.
        from marketplace.accounts import (  # noqa: F401
            dashboard,
            deadlines,
            demo,
            navigation,
            rules,
            tasks,
        )
