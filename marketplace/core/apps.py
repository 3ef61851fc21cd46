from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self):
        # Registrations: the periodic audit checkpoint (a chronograph deadline handler)
        # and the system checks of its signing key.
        from marketplace.core.audit import checks, deadlines  # noqa: F401
