from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrowdfundingConfig(AppConfig):
    name = "crowdfunding"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Reward crowdfunding")

    def ready(self):
        # Registrations: permission rules, the chronograph's deadline handlers and what
        # follows the payments core's announcements.
        from crowdfunding import deadlines, receivers, rules, tasks  # noqa: F401
