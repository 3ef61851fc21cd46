from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CrowdfundingConfig(AppConfig):
    name = "crowdfunding"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Reward crowdfunding")

    def ready(self):
        # Registrations: permission rules, the chronograph's deadline handlers, what
        # follows the payments core's announcements, dashboard panels, the header link and
        # home card, the product page's campaigns section and the demo seeder.
        from crowdfunding import (  # noqa: F401
            dashboard,
            deadlines,
            demo,
            navigation,
            product_sections,
            receivers,
            rules,
            tasks,
        )

        product_sections.register()
        if apps.is_installed("search"):
            from crowdfunding import search

            search.register()
