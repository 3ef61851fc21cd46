from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "marketplace.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Registrations: Celery tasks.
        from marketplace.notifications import tasks  # noqa: F401
