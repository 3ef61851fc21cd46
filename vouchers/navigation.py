"""The voucher programme's links in the account menu (registered from VouchersConfig.ready).

The link function reads only the request's membership memo (no query of its own)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.accounts.models import OrganisationKind
from marketplace.accounts.rules import user_memberships
from marketplace.core.dashboard import Link
from marketplace.core.navigation import ACCOUNT_MENU, nav_link
from vouchers.rules import PROVIDER_ROLES


@nav_link("vouchers.mine", order=40, menu=ACCOUNT_MENU)
def my_vouchers_link(user) -> list[Link] | None:
    """Every signed-in person's vouchers; staff also the programme office."""
    if not getattr(user, "is_authenticated", False):
        return None
    links = [Link(_("Innovation vouchers"), reverse("vouchers:mine"))]
    providers = [m.organisation_id for m in user_memberships(user)
                 if m.kind == OrganisationKind.SERVICE_PROVIDER and m.role in PROVIDER_ROLES]
    if providers:
        links.append(Link(_("Voucher services you provide"),
                          reverse("vouchers:provider_by_id", args=[providers[0]])))
    if user.is_staff:
        links.append(Link(_("Voucher programme office"), reverse("vouchers:office")))
    return links
