from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from procurement import rules, states, tasks  # noqa: F401  (register rules, codes, tasks)
