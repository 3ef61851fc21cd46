"""The voucher programme's links in the account menu (registered from VouchersConfig.ready).

The link function reads only the request's membership memo (no query of its own)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.accounts.models import OrganisationKind
from marketplace.accounts.rules import user_memberships
from marketplace.core.dashboard import Link
from marketplace.core.navigation import ACCOUNT_MENU, nav_link
from vouchers.models import Programme
from vouchers.rules import MAKER_ROLES, PROVIDER_ROLES


@nav_link("vouchers.mine", order=40, menu=ACCOUNT_MENU)
def my_vouchers_link(user) -> list[Link] | None:
    """Makers who may hold vouchers (real-name verified, or in a maker team or company)
    see theirs; a service provider's people their services; staff the programme office."""
    if not getattr(user, "is_authenticated", False):
        return None
    memberships = user_memberships(user)
    links = []
    if user.is_real_name_verified or any(
            m.kind == OrganisationKind.MAKER_COMPANY and m.role in MAKER_ROLES
            for m in memberships):
        links.append(Link(_("Innovation vouchers"), reverse("vouchers:mine")))
    providers = [m.organisation_id for m in memberships
                 if m.kind == OrganisationKind.SERVICE_PROVIDER and m.role in PROVIDER_ROLES]
    if providers:
        links.append(Link(_("Voucher services you provide"),
                          reverse("vouchers:provider_by_id", args=[providers[0]])))
    if user.is_staff and Programme.objects.filter(region=settings.MARKETPLACE_REGION).exists():
        links.append(Link(_("Voucher programme office"), reverse("vouchers:office")))
    return links or None
