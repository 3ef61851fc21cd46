from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The demo seeder, the health check, the header link and the tasks (the receivers
        # enqueue "search.index_documents" by name). Document types are registered by the
        # apps that own them (see search.documents), so search imports none of them.
        from search import demo, health, navigation, tasks  # noqa: F401
