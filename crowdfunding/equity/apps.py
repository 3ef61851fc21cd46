from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EquityConfig(AppConfig):
    name = "crowdfunding.equity"
    label = "equity"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Equity crowdfunding")

    def ready(self):
        # Registrations: the permission rules and the chronograph's deadline handlers.
        from crowdfunding.equity import deadlines, rules  # noqa: F401
