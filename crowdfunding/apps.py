from django.apps import AppConfig


class CrowdfundingConfig(AppConfig):
    name = "crowdfunding"
    default_auto_field = "django.db.models.BigAutoField"
