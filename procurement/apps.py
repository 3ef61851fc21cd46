from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # register rules, audit codes, tasks and what follows the payments core
        from procurement import navigation, receivers, rules, states, tasks  # noqa: F401
