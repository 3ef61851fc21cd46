from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "vouchers"
    verbose_name = _("Innovation vouchers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from vouchers import dashboard, deadlines, demo, ledger, navigation, rules, states, tasks  # noqa: F401
        from vouchers.services import reimbursement

        ledger.register()  # the voucher fund's entries, for ledger_check
        reimbursement.register()  # treasury payouts of approved redemptions
