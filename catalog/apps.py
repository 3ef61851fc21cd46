from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Catalogue")

    def ready(self):
        # Registrations: permission rules, the chronograph's deadline handler, Celery
        # tasks, dashboard panels and the demo seeder.
        from catalog import dashboard, deadlines, demo, rules, tasks  # noqa: F401
