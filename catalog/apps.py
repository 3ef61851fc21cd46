from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Catalogue")

    def ready(self):
        # Registrations: permission rules, the chronograph's deadline handler, Celery
        # tasks, dashboard panels, header links and home card, the demo seeder and (when search is installed) the
        # searchable types.
        from catalog import dashboard, deadlines, demo, navigation, rules, tasks  # noqa: F401

        if apps.is_installed("search"):
            from catalog import search

            search.register()
