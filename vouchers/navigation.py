"""The voucher programme's links in the account menu (registered from VouchersConfig.ready).

The link function reads only the request's membership memo (no query of its own)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.core.dashboard import Link
from marketplace.core.navigation import ACCOUNT_MENU, nav_link


@nav_link("vouchers.mine", order=40, menu=ACCOUNT_MENU)
def my_vouchers_link(user) -> Link | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Link(_("Innovation vouchers"), reverse("vouchers:mine"))
