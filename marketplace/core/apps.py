from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self):
        # Registrations: the start-up checks of names, the outbox relay (a deadline
        # handler of the chronograph).
        from marketplace.core import checks, outbox  # noqa: F401
