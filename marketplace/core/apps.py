from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self):
        # Registrations: the start-up checks of names, the outbox relay and the periodic
        # audit checkpoint (deadline handlers of the chronograph), the system checks of the
        # audit signing key, and the application role's grants after every migrate run as
        # the owner.
        from django.db.models.signals import post_migrate

        from marketplace.core import checks, kept_files, outbox  # noqa: F401
        from marketplace.core.audit import checks as audit_checks  # noqa: F401
        from marketplace.core.audit import deadlines  # noqa: F401
        from marketplace.core.audit.roles import grant_after_migrate

        post_migrate.connect(grant_after_migrate, sender=self,
                             dispatch_uid="core.audit.grant_after_migrate")
