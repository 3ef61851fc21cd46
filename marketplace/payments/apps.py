from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "marketplace.payments"
    label = "payments"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Payments")

    def ready(self):
        # Registrations: permission rules, Celery tasks, the chronograph's deadline
        # handlers, the demo seeder and the provider's health check.
        from marketplace.payments import deadlines, demo, health, rules, tasks  # noqa: F401
