from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search import demo, health, sources  # noqa: F401  (demo seeder, health check)
        from search.receivers import connect_receivers

        sources.load()
        connect_receivers()
