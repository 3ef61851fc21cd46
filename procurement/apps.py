from django.apps import AppConfig, apps


class ProcurementConfig(AppConfig):
    name = "procurement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # register rules, audit codes, tasks and what follows the payments core
        from procurement import demo, navigation, receivers, rules, states, tasks  # noqa: F401

        if apps.is_installed("search"):
            from procurement import search

            search.register()
